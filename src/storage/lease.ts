/**
 * A named lease in D1: at most one holder at a time, and a holder that dies loses it when it expires.
 * KV is eventually consistent and cannot do this; D1 is single-primary, so one conditional upsert decides.
 */
export class Lease {
	constructor(
		private readonly db: D1Database,
		private readonly name: string,
	) {}

	/** Takes the lease for `holder` unless someone else holds an unexpired one. */
	async acquire(holder: string, ttlMs: number, now: Date): Promise<boolean> {
		const nowMs = now.getTime();
		// RETURNING yields the row only when it was inserted or the update's condition held: one round trip decides.
		const row = await this.db
			.prepare(
				`INSERT INTO leases (name, holder, expires_at) VALUES (?1, ?2, ?3)
				 ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
				 WHERE leases.expires_at <= ?4 OR leases.holder = excluded.holder
				 RETURNING holder`,
			)
			.bind(this.name, holder, nowMs + ttlMs, nowMs)
			.first<{ holder: string }>();
		return row?.holder === holder;
	}

	async release(holder: string): Promise<void> {
		await this.db.prepare("DELETE FROM leases WHERE name = ?1 AND holder = ?2").bind(this.name, holder).run();
	}
}
