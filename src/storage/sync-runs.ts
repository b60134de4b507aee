/** One sync attempt as /api/status shows it. */
export interface SyncRun {
	id: string;
	trigger: string;
	/** "partial": the read budget ran out; what was read is committed and the next sync continues. */
	status: "running" | "succeeded" | "partial" | "failed" | "skipped";
	startedAt: string;
	finishedAt?: string;
	durationMs?: number;
	objectsListed: number;
	objectsRead: number;
	posts: number;
	broken: number;
	changes: number;
	/** New or changed objects left for the next sync. */
	remaining: number;
	/** What this invocation spent: subrequests counted by the meter, and parse time where the clock moves. */
	subrequests?: number;
	parseMs?: number;
	/** Wall ms by phase of this invocation (jobs/phase-clock.ts): in POST /api/sync's answer and the log, not stored. */
	phasesMs?: Record<string, number>;
	error?: string;
}

interface SyncRunRow {
	id: string;
	trigger: string;
	status: SyncRun["status"];
	started_at: string;
	finished_at: string | null;
	duration_ms: number | null;
	objects_listed: number;
	objects_read: number;
	posts: number;
	broken: number;
	changes: number;
	remaining: number;
	subrequests: number | null;
	parse_ms: number | null;
	error: string | null;
}

const KEPT_RUNS = 1_000;

/** The history of sync attempts in D1. */
export class SyncRuns {
	constructor(private readonly db: D1Database) {}

	/** The statement that records a finished run; the sync commits it with the catalog so both land or neither. */
	record(run: SyncRun): D1PreparedStatement {
		return this.db
			.prepare(
				`INSERT OR REPLACE INTO sync_runs (id, trigger, status, started_at, finished_at, duration_ms, objects_listed, objects_read, posts, broken, changes, remaining, error, subrequests, parse_ms)
				 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)`,
			)
			.bind(
				run.id,
				run.trigger,
				run.status,
				run.startedAt,
				run.finishedAt ?? null,
				run.durationMs ?? null,
				run.objectsListed,
				run.objectsRead,
				run.posts,
				run.broken,
				run.changes,
				run.remaining,
				run.error ?? null,
				run.subrequests ?? null,
				run.parseMs === undefined ? null : Math.round(run.parseMs * 1000) / 1000,
			);
	}

	/** Records a run and keeps only the newest {@link KEPT_RUNS}: a five-minute cron adds 288 rows a day. */
	async save(run: SyncRun): Promise<void> {
		await this.db.batch([
			this.record(run),
			this.db.prepare(
				`DELETE FROM sync_runs WHERE started_at < (SELECT started_at FROM sync_runs ORDER BY started_at DESC LIMIT 1 OFFSET ${KEPT_RUNS - 1})`,
			),
		]);
	}

	async latest(limit = 1): Promise<SyncRun[]> {
		const rows = await this.db.prepare("SELECT * FROM sync_runs ORDER BY started_at DESC, rowid DESC LIMIT ?1").bind(limit).all<SyncRunRow>();
		return rows.results.map(fromRow);
	}

	/** The last sync that brought the catalog fully up to date (a partial one does not count). */
	async lastSucceeded(): Promise<SyncRun | undefined> {
		const row = await this.db
			.prepare("SELECT * FROM sync_runs WHERE status = 'succeeded' ORDER BY started_at DESC, rowid DESC LIMIT 1")
			.first<SyncRunRow>();
		return row ? fromRow(row) : undefined;
	}
}

function fromRow(row: SyncRunRow): SyncRun {
	return {
		id: row.id,
		trigger: row.trigger,
		status: row.status,
		startedAt: row.started_at,
		finishedAt: row.finished_at ?? undefined,
		durationMs: row.duration_ms ?? undefined,
		objectsListed: row.objects_listed,
		objectsRead: row.objects_read,
		posts: row.posts,
		broken: row.broken,
		changes: row.changes,
		remaining: row.remaining,
		subrequests: row.subrequests ?? undefined,
		parseMs: row.parse_ms ?? undefined,
		error: row.error ?? undefined,
	};
}
