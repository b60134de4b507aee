import type { DocumentRef, RefKind } from "../feeds/document-paths";
import { byteGroups, describeError } from "../shared";
import { DocumentBlobs, inBlobs } from "./document-blobs";
import { type DocumentRow, documentUpserts, fromRow } from "./document-rows";

/** A document as stored by the publish step and served as is. */
export interface StoredDocument {
	path: string;
	contentType: string;
	cacheControl: string;
	body: string;
	etag: string;
	/** ISO date, whole seconds: when these exact bytes were first published. */
	lastModified: string;
}

/** What a request needs to know to decide whether its cached documents may still be served. */
export interface PublicationState {
	/** Moves whenever a publish writes or removes a document. */
	version: string;
	/** When the next scheduled post becomes visible (ISO); the first request or cron after it publishes. */
	nextVisibilityChange?: string;
	/** The same in ms, parsed once rather than on every request. */
	nextVisibilityChangeMs?: number;
}

/**
 * Where bodies are read from and written to besides D1. `blobs` reads every row that names an object, whatever the
 * setting; `writeToBlobs` (DOCUMENT_BODIES=r2) sends new bodies there, and collects the objects no row names.
 */
export interface DocumentBodies {
	blobs: DocumentBlobs;
	writeToBlobs: boolean;
}

/** Thrown when a row names an object of the DOCUMENTS bucket that is not there, even when read again. */
export class MissingDocumentBody extends Error {
	override name = "MissingDocumentBody";
}

/** What a path holds now, as the publish compares a new rendering with it. */
export interface StoredVersion {
	etag: string;
	lastModified: string;
	/** In D1 while bodies now go to the DOCUMENTS bucket, or the other way round. */
	misplaced: boolean;
}

/** A ref to render, and the mark it had: clearing it only at that mark keeps a change made meanwhile. */
export interface StaleRef {
	ref: DocumentRef;
	mark: number;
}

const MARK_STALE = "INSERT INTO stale_documents (ref, since)";
// `WHERE true` lets SQLite parse the upsert after a SELECT (https://www.sqlite.org/lang_upsert.html, parsing ambiguity).
const ON_MARKED_AGAIN = "ON CONFLICT (ref) DO UPDATE SET mark = stale_documents.mark + 1";

/** Kinds that are one ref each, named without a colon. */
const SITE_WIDE: ReadonlySet<RefKind> = new Set(["site", "home", "tags"]);

const FACT_VERSION = "documents_version";
const FACT_NEXT_CHANGE = "next_visibility_change";
const FACT_CHECKED_THROUGH = "visibility_checked_through";
const FACT_RENDER_SETTINGS = "render_settings";
/** Body characters per D1 batch: a site feed may be up to ~2 MB, so big documents go nearly alone. */
const BATCH_BYTES = 8_000_000;

/** The published documents in D1: written by the publish step, read by one primary-key lookup per request. */
export class Documents {
	constructor(
		private readonly db: D1Database,
		private readonly bodies?: DocumentBodies,
	) {}

	/** What a publish round costs beyond a D1-only one, in subrequests (src/jobs/publish-budget.ts `fitBudget`). */
	get extraRoundSubrequests(): number {
		return this.bodies?.writeToBlobs ? DocumentBlobs.SUBREQUESTS_PER_BATCH + DocumentBlobs.SUBREQUESTS_TO_COLLECT : 0;
	}

	/** What one ref adds to its round beyond that: the put of its own object, unless it is a post page (see `inBlobs`). */
	extraSubrequestsOf(ref: DocumentRef): number {
		return this.bodies?.writeToBlobs && !ref.startsWith("post:") ? 1 : 0;
	}

	/**
	 * One row, read through the primary key, and its body from the DOCUMENTS bucket when it is there; `rowsRead` is
	 * D1's own count, for the serving bench. A publish may replace the row and delete its object between the two reads:
	 * the row is then read once more, and names the new object.
	 */
	async get(path: string): Promise<{ document?: StoredDocument; rowsRead: number }> {
		let rowsRead = 0;
		for (let attempt = 0; attempt < 2; attempt++) {
			const result = await this.db
				.prepare("SELECT path, content_type, cache_control, body, etag, last_modified, body_blob, body_offset, body_length FROM documents WHERE path = ?1")
				.bind(path)
				.all<DocumentRow>();
			rowsRead += result.meta.rows_read ?? 0;
			const row = result.results[0];
			if (!row) return { rowsRead };
			if (row.body_blob === null) return { document: fromRow(row, row.body), rowsRead };
			if (!this.bodies) throw new MissingDocumentBody(`${path} is stored in the DOCUMENTS bucket, which is not bound`);
			const body = await this.bodies.blobs.read(row.body_blob, { offset: row.body_offset ?? 0, length: row.body_length ?? 0 });
			if (body !== undefined) return { document: fromRow(row, body), rowsRead };
		}
		throw new MissingDocumentBody(`the body of ${path} is missing from the DOCUMENTS bucket`);
	}

	/** Whether a document is published at this path: its row alone, never its body. */
	async exists(path: string): Promise<boolean> {
		return (await this.db.prepare("SELECT 1 AS one FROM documents WHERE path = ?1").bind(path).first()) !== null;
	}

	/** The version and next visibility change, in one query (two rows of catalog_facts). */
	async state(): Promise<{ state: PublicationState; rowsRead: number }> {
		const result = await this.db
			.prepare("SELECT name, value FROM catalog_facts WHERE name IN (?1, ?2)")
			.bind(FACT_VERSION, FACT_NEXT_CHANGE)
			.all<{ name: string; value: string }>();
		const facts = new Map(result.results.map((row) => [row.name, row.value]));
		const next = facts.get(FACT_NEXT_CHANGE);
		const state = { version: facts.get(FACT_VERSION) ?? "0", nextVisibilityChange: next, nextVisibilityChangeMs: next === undefined ? undefined : Date.parse(next) };
		return { state, rowsRead: result.meta.rows_read ?? 0 };
	}

	/**
	 * What these refs produced last time, by path: the ETag and date, to write only what changed and drop what they no
	 * longer make, and whether the body sits elsewhere than DOCUMENT_BODIES now says (it is then moved, unchanged).
	 */
	async storedVersionsOf(refs: readonly DocumentRef[]): Promise<Map<string, StoredVersion>> {
		const rows = await this.db
			.prepare("SELECT path, etag, last_modified, body_blob IS NOT NULL AS in_blob FROM documents WHERE ref IN (SELECT value FROM json_each(?1))")
			.bind(JSON.stringify(refs))
			.all<{ path: string; etag: string; last_modified: string; in_blob: number }>();
		const inBlobsWanted = this.bodiesIn === "r2";
		return new Map(rows.results.map((row) => [row.path, { etag: row.etag, lastModified: row.last_modified, misplaced: (row.in_blob === 1) !== inBlobsWanted }]));
	}

	/** Where new bodies go (DOCUMENT_BODIES). */
	get bodiesIn(): "d1" | "r2" {
		return this.bodies?.writeToBlobs ? "r2" : "d1";
	}

	/**
	 * Logical documents waiting to be rendered, oldest first, each with the mark it was read at. With
	 * `sharedStaleBefore`, only post pages and the documents stale since before that instant (a long import defers
	 * the documents every round would make stale again; publish-documents.ts, SHARED_LAG_DURING_IMPORT_MS).
	 */
	async staleRefs(limit: number, options: { sharedStaleBefore?: Date; excluding?: readonly RefKind[] } = {}): Promise<StaleRef[]> {
		const deferring = options.sharedStaleBefore !== undefined;
		const conditions = [
			...(deferring ? ["(ref LIKE 'post:%' OR since < ?2)"] : []),
			// Kinds the render budget has no room left for (src/jobs/publish-budget.ts): not read, so they cannot crowd out the rest.
			...(options.excluding ?? []).map((kind) => (SITE_WIDE.has(kind) ? `ref <> '${kind}'` : `ref NOT LIKE '${kind}:%'`)),
		];
		const rows = await this.db
			.prepare(`SELECT ref, mark FROM stale_documents ${conditions.length > 0 ? `WHERE ${conditions.join(" AND ")}` : ""} ORDER BY since, ref LIMIT ?1`)
			.bind(limit, ...(deferring ? [options.sharedStaleBefore!.toISOString()] : []))
			.all<{ ref: DocumentRef; mark: number }>();
		return rows.results;
	}

	/**
	 * Moves refs that failed to render behind the others (their `since` becomes now), at the mark they were read at:
	 * a ref that fails every time must not take the first place of every publish while the others wait.
	 */
	retryLater(refs: readonly StaleRef[], now: Date): D1PreparedStatement {
		return this.db
			.prepare(
				`UPDATE stale_documents SET since = ?2 WHERE rowid IN (SELECT s.rowid FROM json_each(?1) j JOIN stale_documents s
				 ON s.ref = json_extract(j.value, '$[0]') AND s.mark = json_extract(j.value, '$[1]'))`,
			)
			.bind(JSON.stringify(refs.map((stale) => [stale.ref, stale.mark])), now.toISOString());
	}

	/** How many refs wait to be rendered. */
	async staleCount(): Promise<number> {
		const row = await this.db.prepare("SELECT count(*) AS n FROM stale_documents").first<{ n: number }>();
		return row?.n ?? 0;
	}

	/** Marks refs stale; the statement joins whatever transaction changes their inputs. */
	markStale(refs: readonly DocumentRef[], now: Date): D1PreparedStatement {
		return this.db.prepare(`${MARK_STALE} SELECT DISTINCT value, ?2 FROM json_each(?1) WHERE true ${ON_MARKED_AGAIN}`).bind(JSON.stringify(refs), now.toISOString());
	}

	/**
	 * The same, for refs a query selects (`select` yields one column, the ref; its parameters start at ?2). Each ref
	 * once, however many posts select it: every repeat would be a row written (D1 Free allows 100,000 a day), and one
	 * new mark is all a publish in progress needs to see.
	 */
	markStaleWhere(select: string, now: Date, ...params: unknown[]): D1PreparedStatement {
		return this.db.prepare(`${MARK_STALE} SELECT DISTINCT ref, ?1 FROM (${select}) WHERE true ${ON_MARKED_AGAIN}`).bind(now.toISOString(), ...params);
	}

	/**
	 * What a publish starts from, in one query: the site settings the stored documents were rendered with (none
	 * before the first publish), and until when visibility was checked, to find posts whose time came since.
	 */
	async publishedState(): Promise<{ renderedWith?: string; checkedThrough?: string }> {
		const rows = await this.db
			.prepare("SELECT name, value FROM catalog_facts WHERE name IN (?1, ?2)")
			.bind(FACT_RENDER_SETTINGS, FACT_CHECKED_THROUGH)
			.all<{ name: string; value: string }>();
		const value = (name: string) => rows.results.find((row) => row.name === name)?.value;
		return { renderedWith: value(FACT_RENDER_SETTINGS), checkedThrough: value(FACT_CHECKED_THROUGH) };
	}

	recordRenderSettings(fingerprint: string): D1PreparedStatement {
		return this.setFact(FACT_RENDER_SETTINGS, fingerprint);
	}

	/**
	 * Stores the new documents of the given refs, drops the paths those refs no longer produce, clears
	 * the refs from the stale list and moves the version, with each ref's `extra` statements (the WebSub
	 * outbox rows for its new versions). Refs go together into as few D1 batches as their bytes allow, each
	 * batch whole: a ref is cleared only in the batch that writes its documents, so a failure leaves it
	 * stale, never half-written. Within a batch rows go by multi-row statements (D1 round trips, not rows, cost).
	 */
	async publish(
		results: { stale: StaleRef; write: StoredDocument[]; move?: StoredDocument[]; keep: string[]; extra?: D1PreparedStatement[] }[],
		version: string,
		now: Date = new Date(),
	): Promise<void> {
		const blobs = this.bodies?.writeToBlobs ? this.bodies.blobs : undefined;
		let unreferenced: string[] = [];
		// `move`: unchanged bytes written again only to change where they are kept (same ETag and date).
		const stored = (result: (typeof results)[number]) => [...result.write, ...(result.move ?? [])];
		const groups = byteGroups(results, (result) => stored(result).reduce((sum, document) => sum + document.body.length, 0), BATCH_BYTES);
		for (const [at, group] of groups.entries()) {
			const last = at === groups.length - 1;
			const written = group.flatMap((result) => stored(result).map((document) => ({ ref: result.stale.ref, document })));
			const produced = group.flatMap((result) => [...result.keep, ...stored(result).map((document) => document.path)]);
			// The bodies go first, into an object no row names yet: a failure here or in the batch leaves the last publish.
			const rows = blobs && written.length > 0 ? await inBlobs(blobs, written, now) : written;
			const results = await this.db.batch([
				// A path belongs to one ref (its last writer), so one statement drops what all these refs no longer make.
				this.db
					.prepare("DELETE FROM documents WHERE ref IN (SELECT value FROM json_each(?1)) AND path NOT IN (SELECT value FROM json_each(?2))")
					.bind(JSON.stringify(group.map((result) => result.stale.ref)), JSON.stringify(produced)),
				...documentUpserts(this.db, rows),
				...group.flatMap((result) => result.extra ?? []),
				this.db
					.prepare(
						`DELETE FROM stale_documents WHERE rowid IN (SELECT s.rowid FROM json_each(?1) j JOIN stale_documents s
						 ON s.ref = json_extract(j.value, '$[0]') AND s.mark = json_extract(j.value, '$[1]'))`,
					)
					.bind(JSON.stringify(group.map((result) => [result.stale.ref, result.stale.mark]))),
				this.setFact(FACT_VERSION, version),
				// Asked once, in the last batch, when every row this publish writes is in.
				...(blobs && last ? [blobs.unreferenced(now)] : []),
			]);
			if (blobs && last) unreferenced = (results.at(-1)!.results as { key: string }[]).map((row) => row.key);
		}
		// What the last batch found no row naming any more; a failure leaves them for the next publish.
		await blobs?.collect(unreferenced).catch((error: unknown) => console.error(`document blobs not collected: ${describeError(error)}`));
	}

	/**
	 * For /api/status: how many documents are published, how many refs wait to be rendered, when the next post is
	 * due, and the database's size as D1 reports it with every result (`meta.size_after`), the figure the plan's
	 * database size limit is checked against.
	 */
	async health(): Promise<{ published: number; stale: number; nextScheduledPost?: string; databaseBytes?: number }> {
		const result = await this.db
			.prepare(
				`SELECT (SELECT count(*) FROM documents) AS published, (SELECT count(*) FROM stale_documents) AS stale,
				 (SELECT value FROM catalog_facts WHERE name = ?1) AS next`,
			)
			.bind(FACT_NEXT_CHANGE)
			.all<{ published: number; stale: number; next: string | null }>();
		const row = result.results[0];
		// Typed as always there; checked all the same, since a missing figure must read as "unknown", not 0.
		const databaseBytes: unknown = result.meta.size_after;
		return {
			published: row?.published ?? 0,
			stale: row?.stale ?? 0,
			nextScheduledPost: row?.next ?? undefined,
			databaseBytes: typeof databaseBytes === "number" ? databaseBytes : undefined,
		};
	}

	/** Records the visibility check and the next scheduled change (none: the fact is removed). */
	recordVisibility(checkedThrough: Date, next: string | undefined): D1PreparedStatement[] {
		return [
			this.setFact(FACT_CHECKED_THROUGH, checkedThrough.toISOString()),
			next === undefined
				? this.db.prepare("DELETE FROM catalog_facts WHERE name = ?1").bind(FACT_NEXT_CHANGE)
				: this.setFact(FACT_NEXT_CHANGE, next),
		];
	}

	async write(statements: D1PreparedStatement[]): Promise<void> {
		if (statements.length > 0) await this.db.batch(statements);
	}

	private setFact(name: string, value: string): D1PreparedStatement {
		return this.db
			.prepare("INSERT INTO catalog_facts (name, value) VALUES (?1, ?2) ON CONFLICT (name) DO UPDATE SET value = excluded.value")
			.bind(name, value);
	}
}
