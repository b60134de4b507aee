/** What a sync invocation waits on, in the order it runs (docs/design.md, "Resumable sync"). */
export const SYNC_PHASES = ["listing", "recording", "deleting", "matching", "reading", "staging", "committing"] as const;
export type SyncPhase = (typeof SYNC_PHASES)[number];

/**
 * Wall milliseconds a sync spends in each phase, so a slow sync says where its time went. A deployed Worker's
 * clock moves only at I/O (https://developers.cloudflare.com/workers/reference/security-model/#step-1-disallow-timers-and-multi-threading),
 * so there these are the waits for the store and D1; locally they include the CPU between them.
 * Overlapping work (the next listing page while one is recorded) counts in the phase that is awaited.
 */
export class PhaseClock {
	readonly ms: Record<SyncPhase, number> = Object.fromEntries(SYNC_PHASES.map((phase) => [phase, 0])) as Record<SyncPhase, number>;

	async time<V>(phase: SyncPhase, work: Promise<V>): Promise<V> {
		const started = performance.now();
		try {
			return await work;
		} finally {
			this.ms[phase] += performance.now() - started;
		}
	}

	/** Rounded to 0.1 ms, for the run's report. */
	rounded(): Record<SyncPhase, number> {
		return Object.fromEntries(SYNC_PHASES.map((phase) => [phase, Math.round(this.ms[phase] * 10) / 10])) as Record<SyncPhase, number>;
	}
}
