import { mediaTypeByExtension, wholeSecondsIso } from "../shared";
import { ListingAgreement, type ListingRange, pageDigest } from "./listing-agreement";
import type { ListPage, ObjectSummary } from "./object-store";

/**
 * A listed object is media when its extension says so, or when an earlier read found it to be media at this etag
 * (a key without a known extension: its stored type decides). Media are never read or parsed as posts.
 */
const NOT_MEDIA = "(l.media_type IS NULL AND NOT EXISTS (SELECT 1 FROM media m WHERE m.key = l.key AND m.etag = l.etag))";

/** The sync in progress, as the last invocation left it (migrations/0007_resumable_sync.sql). */
export interface SyncJob {
	jobId: string;
	startedAt: string;
	phase: "listing" | "deleting" | "reading";
	/** The listing's next page; absent at the start of the listing. */
	cursor?: string;
	/** The last key of the pages listed so far; the next page's range starts after it. */
	listedThrough?: string;
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
	listed_through: string | null;
	read_after: string;
	listed: number;
	outdated: number;
	handled: number;
}

/** Listing rows per INSERT statement: keys are at most 1 KiB, and a statement's parameter must stay well under D1's limits. */
const LISTING_ROWS_PER_STATEMENT = 200;
/** The catalog's etag of a listed key (a post's or a broken object's). */
const KNOWN_ETAG = "coalesce((SELECT etag FROM posts WHERE key = l.key), (SELECT etag FROM broken_objects WHERE key = l.key))";

/**
 * A listed object (`l`) the catalog does not have as listed: a post or broken object at another etag or not at all
 * (unless an earlier read found it to be media at this etag), or media not recorded at this etag and type.
 */
const DIFFERS = `CASE WHEN l.media_type IS NULL
	THEN ${KNOWN_ETAG} IS NOT l.etag AND NOT EXISTS (SELECT 1 FROM media m WHERE m.key = l.key AND m.etag = l.etag)
	ELSE NOT EXISTS (SELECT 1 FROM media m WHERE m.key = l.key AND m.etag = l.etag AND m.content_type = l.media_type) END`;

/** The catalog's keys in the range (?2, ?3] that the listed keys (?1, a JSON array of rows) do not include. */
const goneInRange = (bounded: boolean) =>
	["posts", "broken_objects", "media"]
		.map((table) => `SELECT key FROM ${table} WHERE key > ?2${bounded ? " AND key <= ?3" : ""} AND key NOT IN (SELECT json_extract(value, '$[0]') FROM json_each(?1))`)
		.join(" UNION ");

/**
 * Orders keys as R2, S3 and SQLite do: by UTF-8 bytes, which is code point order (not JavaScript's UTF-16 order).
 * Compared by code unit, without splitting keys into code points (that was most of a listed page's JS time); UTF-16
 * order differs from code point order only between a surrogate and a unit from U+E000 up, which the first
 * differing units are shifted to fix (R2 and S3 keys are valid UTF-8, so every surrogate is one of a pair).
 */
export function byCodePoint(a: string, b: string): number {
	const length = Math.min(a.length, b.length);
	for (let at = 0; at < length; at++) {
		const left = a.charCodeAt(at);
		const right = b.charCodeAt(at);
		if (left !== right) return inCodePointOrder(left) - inCodePointOrder(right);
	}
	return a.length - b.length;
}

/** Surrogates (U+D800–DFFF, the astral code points) after every other unit, U+E000–FFFF moved below them. */
const inCodePointOrder = (unit: number) => (unit < 0xd800 ? unit : unit >= 0xe000 ? unit - 0x800 : unit + 0x2000);

/** The persisted state of the resumable sync: one row for the job, and the rows its listing found different. */
export class SyncJobs {
	/** Read with the job by current() or start(), for this invocation's pages; until then no page is known to agree. */
	private agreement = ListingAgreement.none;
	/** Pages this invocation listed that showed differences: their agreement is kept if the job's last commit settles them. */
	private unsettled: { range: ListingRange; digest: string }[] = [];

	constructor(private readonly db: D1Database) {}

	/**
	 * Whether a job under way is past its listing (its row is deleted when it completes): dropping what the listing no
	 * longer has and reading what changed, so its next invocations change the catalog. A job still listing changes
	 * nothing yet; a reconciliation of a large bucket spends most of its invocations there.
	 */
	async changingCatalog(): Promise<boolean> {
		return (await this.db.prepare("SELECT 1 AS one FROM sync_job WHERE id = 1 AND phase <> 'listing'").first()) !== null;
	}

	async current(): Promise<SyncJob | undefined> {
		const [job, agreement] = await this.db.batch([this.db.prepare("SELECT * FROM sync_job WHERE id = 1"), ListingAgreement.query(this.db)]);
		this.agreement = ListingAgreement.fromResult(agreement!);
		this.unsettled = [];
		const row = (job!.results as JobRow[])[0];
		if (!row) return undefined;
		return {
			jobId: row.job_id,
			startedAt: row.started_at,
			phase: row.phase,
			cursor: row.cursor ?? undefined,
			listedThrough: row.listed_through ?? undefined,
			readAfter: row.read_after,
			listed: row.listed,
			outdated: row.outdated,
			handled: row.handled,
		};
	}

	/** A new job: an empty listing, from the first page. */
	async start(jobId: string, now: Date): Promise<SyncJob> {
		const job: SyncJob = { jobId, startedAt: now.toISOString(), phase: "listing", readAfter: "", listed: 0, outdated: 0, handled: 0 };
		// Read again: starting may have changed the catalog (a settings change marks every object outdated).
		const results = await this.db.batch([...this.finish(), this.save(job), ListingAgreement.query(this.db)]);
		this.agreement = ListingAgreement.fromResult(results.at(-1)!);
		return job;
	}

	/**
	 * Records one listing page together with where the listing goes on, and returns the job moved past it: a crash
	 * between pages loses nothing and repeats nothing. The page is compared with the catalog's keys of the same
	 * range, after `job.listedThrough` and up to its last key, or to the end when it is the last page: only the
	 * listed objects that differ, and the catalog's keys the range no longer has, are written. A page the catalog
	 * is known to agree with (listing-agreement.ts) writes nothing at all: the job moves past it in memory, and is
	 * saved with the next page that is recorded or with the invocation's commit (a crash lists it again).
	 */
	async recordPage(before: SyncJob, page: ListPage): Promise<SyncJob> {
		const { objects } = page;
		// R2 and S3 list in key order; a store that did not would otherwise make keys of this page look gone.
		const inOrder = objects.every((object, at) => at === 0 || byCodePoint(objects[at - 1]!.key, object.key) < 0);
		const sorted = inOrder ? objects : [...objects].sort((a, b) => byCodePoint(a.key, b.key));
		const job: SyncJob = {
			...before,
			cursor: page.cursor,
			listedThrough: sorted.at(-1)?.key ?? before.listedThrough,
			listed: before.listed + objects.length,
			phase: page.cursor ? "listing" : "deleting",
		};
		const range: ListingRange = { afterKey: before.listedThrough ?? "", throughKey: job.phase === "listing" ? (job.listedThrough ?? "") : null };
		const digest = await pageDigest(range, sorted);
		if (this.agreement.agreesWith(range, digest)) return job;
		const statements: D1PreparedStatement[] = [];
		const chunks: ObjectSummary[][] = [];
		for (let start = 0; start < sorted.length; start += LISTING_ROWS_PER_STATEMENT) chunks.push(sorted.slice(start, start + LISTING_ROWS_PER_STATEMENT));
		// An empty last page still closes the range: every catalog key after the pages before it is gone.
		if (chunks.length === 0 && job.phase !== "listing") chunks.push([]);
		let lower = before.listedThrough ?? "";
		for (const [at, chunk] of chunks.entries()) {
			const last = at === chunks.length - 1 && job.phase !== "listing";
			const rows = JSON.stringify(
				chunk.map((object) => [object.key, object.etag, object.size, mediaTypeByExtension(object.key) ?? null, wholeSecondsIso(object.lastModified)]),
			);
			const upper = chunk.at(-1)?.key ?? lower;
			statements.push(
				this.db
					.prepare(
						`INSERT OR REPLACE INTO sync_listing (key, etag, size, media_type, last_modified)
						 SELECT key, etag, size, media_type, last_modified FROM (SELECT json_extract(value, '$[0]') AS key, json_extract(value, '$[1]') AS etag,
						 json_extract(value, '$[2]') AS size, json_extract(value, '$[3]') AS media_type, json_extract(value, '$[4]') AS last_modified FROM json_each(?1)) l
						 WHERE ${DIFFERS}`,
					)
					.bind(rows),
				this.db.prepare(`INSERT OR IGNORE INTO sync_gone (key) ${goneInRange(!last)}`).bind(...(last ? [rows, lower] : [rows, lower, upper])),
			);
			lower = upper;
		}
		// A page R2 returned empty while truncated covers no key: nothing to keep (its range would take the next page's row).
		if (sorted.length === 0 && job.phase === "listing") {
			await this.db.batch([...statements, this.save(job)]);
			return job;
		}
		const results = await this.db.batch([...statements, ListingAgreement.keepIfNoDifference(this.db, range, digest), this.save(job)]);
		if (results.at(-2)!.meta.changes === 0) this.unsettled.push({ range, digest });
		return job;
	}

	/** The statement that stores the job's progress; committed with the catalog change it describes. */
	save(job: SyncJob): D1PreparedStatement {
		return this.db
			.prepare(
				`INSERT OR REPLACE INTO sync_job (id, job_id, started_at, phase, cursor, listed_through, read_after, listed, outdated, handled)
				 VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)`,
			)
			.bind(job.jobId, job.startedAt, job.phase, job.cursor ?? null, job.listedThrough ?? null, job.readAfter, job.listed, job.outdated, job.handled);
	}

	/**
	 * For the job's last commit, after its catalog changes: keeps the agreement of this invocation's pages whose
	 * differences that commit settled (ListingAgreement.keepIfSettled), so the next reconciliation need not compare
	 * them again. Before finish(), which drops the listing these statements read.
	 */
	settledAgreements(): D1PreparedStatement[] {
		return this.unsettled.map((page) => ListingAgreement.keepIfSettled(this.db, page.range, page.digest, DIFFERS));
	}

	/** Ends the job: its listing is dropped in the same commit as its last catalog change. */
	finish(): D1PreparedStatement[] {
		return [this.db.prepare("DELETE FROM sync_listing"), this.db.prepare("DELETE FROM sync_gone"), this.db.prepare("DELETE FROM sync_job")];
	}

	/**
	 * With the listing complete: posts and broken objects the bucket no longer lists (or lists as media), and how many listed objects
	 * are new or changed. Rows written after the job started (a notification's) are newer than the listing and stay.
	 */
	async deletionsAndOutdated(job: SyncJob): Promise<{ deleted: string[]; outdated: number }> {
		const [deleted, outdated] = await this.db.batch<{ key?: string; n?: number }>([
			this.db
				.prepare(
					`SELECT g.key FROM sync_gone g JOIN posts p ON p.key = g.key WHERE p.changed_at <= ?1
					 UNION SELECT g.key FROM sync_gone g JOIN broken_objects b ON b.key = g.key WHERE b.seen_at <= ?1
					 UNION SELECT l.key FROM sync_listing l JOIN posts p ON p.key = l.key WHERE l.media_type IS NOT NULL AND p.changed_at <= ?1
					 UNION SELECT l.key FROM sync_listing l JOIN broken_objects b ON b.key = l.key WHERE l.media_type IS NOT NULL AND b.seen_at <= ?1`,
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
