import { mediaTypeByExtension } from "../shared";
import type { ObjectSummary } from "./object-store";

/**
 * A listed object is media when its extension says so, or when an earlier read found it to be media at this etag
 * (a key without a known extension: its stored type decides). Media are never read or parsed as posts.
 */
const NOT_MEDIA = "(l.media_type IS NULL AND NOT EXISTS (SELECT 1 FROM media m WHERE m.key = l.key AND m.etag = l.etag))";
const LISTED_POSTS = `SELECT l.key FROM sync_listing l WHERE ${NOT_MEDIA}`;

/** The sync in progress, as the last invocation left it (migrations/0007_resumable_sync.sql). */
export interface SyncJob {
	jobId: string;
	startedAt: string;
	phase: "listing" | "deleting" | "reading";
	/** The listing's next page; absent at the start of the listing. */
	cursor?: string;
	/** Objects are read in key order: every key up to this one has been handled. */
	readAfter: string;
	listed: number;
	outdated: number;
	handled: number;
}

/** A listed object the catalog does not have at that etag, with the etag the catalog has (for a conditional read). */
export interface OutdatedObject extends Pick<ObjectSummary, "key" | "etag" | "size"> {
	knownEtag?: string;
}

interface JobRow {
	job_id: string;
	started_at: string;
	phase: SyncJob["phase"];
	cursor: string | null;
	read_after: string;
	listed: number;
	outdated: number;
	handled: number;
}

/** Listing rows per INSERT statement: keys are at most 1 KiB, and a statement's parameter must stay well under D1's limits. */
const LISTING_ROWS_PER_STATEMENT = 200;
/** The catalog's etag of a listed key (a post's or a broken object's). */
const KNOWN_ETAG = "coalesce((SELECT etag FROM posts WHERE key = l.key), (SELECT etag FROM broken_objects WHERE key = l.key))";

/** The persisted state of the resumable sync: one row for the job, one per listed key. */
export class SyncJobs {
	constructor(private readonly db: D1Database) {}

	async current(): Promise<SyncJob | undefined> {
		const row = await this.db.prepare("SELECT * FROM sync_job WHERE id = 1").first<JobRow>();
		if (!row) return undefined;
		return {
			jobId: row.job_id,
			startedAt: row.started_at,
			phase: row.phase,
			cursor: row.cursor ?? undefined,
			readAfter: row.read_after,
			listed: row.listed,
			outdated: row.outdated,
			handled: row.handled,
		};
	}

	/** A new job: an empty listing, from the first page. */
	async start(jobId: string, now: Date): Promise<SyncJob> {
		const job: SyncJob = { jobId, startedAt: now.toISOString(), phase: "listing", readAfter: "", listed: 0, outdated: 0, handled: 0 };
		await this.db.batch([this.db.prepare("DELETE FROM sync_listing"), this.db.prepare("DELETE FROM sync_job"), this.save(job)]);
		return job;
	}

	/** Records one listing page together with where the listing goes on: a crash between pages loses nothing and repeats nothing. */
	async recordPage(job: SyncJob, objects: ObjectSummary[]): Promise<void> {
		const statements: D1PreparedStatement[] = [];
		for (let start = 0; start < objects.length; start += LISTING_ROWS_PER_STATEMENT) {
			const rows = objects
				.slice(start, start + LISTING_ROWS_PER_STATEMENT)
				.map((object) => [object.key, object.etag, object.size, mediaTypeByExtension(object.key) ?? null, new Date(Math.floor(object.lastModified.getTime() / 1000) * 1000).toISOString()]);
			statements.push(
				this.db
					.prepare(
						`INSERT OR REPLACE INTO sync_listing (key, etag, size, media_type, last_modified)
						 SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]'), json_extract(value, '$[2]'), json_extract(value, '$[3]'), json_extract(value, '$[4]')
						 FROM json_each(?1)`,
					)
					.bind(JSON.stringify(rows)),
			);
		}
		await this.db.batch([...statements, this.save(job)]);
	}

	/** The statement that stores the job's progress; committed with the catalog change it describes. */
	save(job: SyncJob): D1PreparedStatement {
		return this.db
			.prepare(
				`INSERT OR REPLACE INTO sync_job (id, job_id, started_at, phase, cursor, read_after, listed, outdated, handled)
				 VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)`,
			)
			.bind(job.jobId, job.startedAt, job.phase, job.cursor ?? null, job.readAfter, job.listed, job.outdated, job.handled);
	}

	/** Ends the job: its listing is dropped in the same commit as its last catalog change. */
	finish(): D1PreparedStatement[] {
		return [this.db.prepare("DELETE FROM sync_listing"), this.db.prepare("DELETE FROM sync_job")];
	}

	/**
	 * With the listing complete: keys the catalog has that the bucket no longer lists, and how many listed objects
	 * are new or changed. Rows written after the job started (a notification's) are newer than the listing and stay.
	 */
	async deletionsAndOutdated(job: SyncJob): Promise<{ deleted: string[]; outdated: number }> {
		const [deleted, outdated] = await this.db.batch<{ key?: string; n?: number }>([
			this.db
				.prepare(
					`SELECT key FROM posts WHERE key NOT IN (${LISTED_POSTS}) AND changed_at <= ?1
					 UNION SELECT key FROM broken_objects WHERE key NOT IN (${LISTED_POSTS}) AND seen_at <= ?1`,
				)
				.bind(job.startedAt),
			this.db.prepare(`SELECT count(*) AS n FROM sync_listing l WHERE ${NOT_MEDIA} AND ${KNOWN_ETAG} IS NOT l.etag`),
		]);
		return { deleted: deleted!.results.map((row) => row.key!), outdated: outdated!.results[0]?.n ?? 0 };
	}

	/** The next listed objects after `readAfter` in key order that the catalog does not have at their listed etag. */
	async nextOutdated(job: SyncJob, limit: number): Promise<OutdatedObject[]> {
		const rows = await this.db
			.prepare(
				`SELECT key, etag, size, known FROM (SELECT l.key, l.etag, l.size, ${KNOWN_ETAG} AS known FROM sync_listing l WHERE l.key > ?1 AND ${NOT_MEDIA} ORDER BY l.key)
				 WHERE known IS NOT etag LIMIT ?2`,
			)
			.bind(job.readAfter, limit)
			.all<{ key: string; etag: string; size: number; known: string | null }>();
		return rows.results.map((row) => ({ key: row.key, etag: row.etag, size: row.size, knownEtag: row.known ?? undefined }));
	}
}
