import type { DocumentRef } from "../feeds/document-paths";

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

interface DocumentRow {
	path: string;
	content_type: string;
	cache_control: string;
	body: string;
	etag: string;
	last_modified: string;
}

/** A ref to render, and the mark it had: clearing it only at that mark keeps a change made meanwhile. */
export interface StaleRef {
	ref: DocumentRef;
	mark: number;
}

const MARK_STALE = "INSERT INTO stale_documents (ref, since)";
// `WHERE true` lets SQLite parse the upsert after a SELECT (https://www.sqlite.org/lang_upsert.html, parsing ambiguity).
const ON_MARKED_AGAIN = "ON CONFLICT (ref) DO UPDATE SET mark = stale_documents.mark + 1";

const FACT_VERSION = "documents_version";
const FACT_NEXT_CHANGE = "next_visibility_change";
const FACT_CHECKED_THROUGH = "visibility_checked_through";
const FACT_RENDER_SETTINGS = "render_settings";
/** Documents written per D1 batch; a body is at most a few hundred KB and a batch stays well under D1's limits. */
const WRITE_BATCH = 20;

/** The published documents in D1: written by the publish step, read by one primary-key lookup per request. */
export class Documents {
	constructor(private readonly db: D1Database) {}

	/** One row, read through the primary key; `rowsRead` is D1's own count, for the serving bench. */
	async get(path: string): Promise<{ document?: StoredDocument; rowsRead: number }> {
		const result = await this.db
			.prepare("SELECT path, content_type, cache_control, body, etag, last_modified FROM documents WHERE path = ?1")
			.bind(path)
			.all<DocumentRow>();
		const row = result.results[0];
		return { document: row ? fromRow(row) : undefined, rowsRead: result.meta.rows_read ?? 0 };
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

	/** Etags of what these refs produced last time, to write only what changed and drop what it no longer makes. */
	async etagsOf(refs: readonly DocumentRef[]): Promise<Map<string, string>> {
		const rows = await this.db
			.prepare("SELECT path, etag FROM documents WHERE ref IN (SELECT value FROM json_each(?1))")
			.bind(JSON.stringify(refs))
			.all<{ path: string; etag: string }>();
		return new Map(rows.results.map((row) => [row.path, row.etag]));
	}

	/**
	 * Logical documents waiting to be rendered, oldest first, each with the mark it was read at. With
	 * `sharedStaleBefore`, only post pages and the documents stale since before that instant (a long import defers
	 * the documents every round would make stale again; publish-documents.ts, SHARED_LAG_DURING_IMPORT_MS).
	 */
	async staleRefs(limit: number, options: { sharedStaleBefore?: Date } = {}): Promise<StaleRef[]> {
		const deferring = options.sharedStaleBefore !== undefined;
		const rows = await this.db
			.prepare(`SELECT ref, mark FROM stale_documents ${deferring ? "WHERE ref LIKE 'post:%' OR since < ?2" : ""} ORDER BY since, ref LIMIT ?1`)
			.bind(limit, ...(deferring ? [options.sharedStaleBefore!.toISOString()] : []))
			.all<{ ref: DocumentRef; mark: number }>();
		return rows.results;
	}

	/** Marks refs stale; the statement joins whatever transaction changes their inputs. */
	markStale(refs: readonly DocumentRef[], now: Date): D1PreparedStatement {
		return this.db.prepare(`${MARK_STALE} SELECT value, ?2 FROM json_each(?1) WHERE true ${ON_MARKED_AGAIN}`).bind(JSON.stringify(refs), now.toISOString());
	}

	/** The same, for refs a query selects (`select` yields one column, the ref; its parameters start at ?2). */
	markStaleWhere(select: string, now: Date, ...params: unknown[]): D1PreparedStatement {
		return this.db.prepare(`${MARK_STALE} SELECT ref, ?1 FROM (${select}) WHERE true ${ON_MARKED_AGAIN}`).bind(now.toISOString(), ...params);
	}

	/** The site settings the stored documents were rendered with; none before the first publish. */
	async renderedWith(): Promise<string | undefined> {
		const row = await this.db.prepare("SELECT value FROM catalog_facts WHERE name = ?1").bind(FACT_RENDER_SETTINGS).first<{ value: string }>();
		return row?.value;
	}

	recordRenderSettings(fingerprint: string): D1PreparedStatement {
		return this.setFact(FACT_RENDER_SETTINGS, fingerprint);
	}

	/**
	 * Stores the new documents of the given refs, drops the paths those refs no longer produce, clears
	 * the refs from the stale list and moves the version, batch by batch, with each ref's `extra` statements
	 * (the WebSub outbox rows for its new versions). Each batch is whole: a ref is
	 * cleared only in the batch that writes its documents, so a failure leaves it stale, never half-written.
	 */
	async publish(results: { stale: StaleRef; write: StoredDocument[]; keep: string[]; extra?: D1PreparedStatement[] }[], version: string): Promise<void> {
		let statements: D1PreparedStatement[] = [];
		const flush = async () => {
			if (statements.length === 0) return;
			statements.push(this.setFact(FACT_VERSION, version));
			await this.db.batch(statements);
			statements = [];
		};
		for (const result of results) {
			const { ref, mark } = result.stale;
			const paths = [...result.keep, ...result.write.map((document) => document.path)];
			statements.push(
				this.db.prepare("DELETE FROM documents WHERE ref = ?1 AND path NOT IN (SELECT value FROM json_each(?2))").bind(ref, JSON.stringify(paths)),
				...result.write.map((document) => this.upsert(ref, document)),
				...(result.extra ?? []),
				this.db.prepare("DELETE FROM stale_documents WHERE ref = ?1 AND mark = ?2").bind(ref, mark),
			);
			if (statements.length >= WRITE_BATCH) await flush();
		}
		await flush();
	}

	/** For /api/status: how many documents are published, how many refs wait to be rendered, and when the next post is due. */
	async health(): Promise<{ published: number; stale: number; nextScheduledPost?: string }> {
		const row = await this.db
			.prepare(
				`SELECT (SELECT count(*) FROM documents) AS published, (SELECT count(*) FROM stale_documents) AS stale,
				 (SELECT value FROM catalog_facts WHERE name = ?1) AS next`,
			)
			.bind(FACT_NEXT_CHANGE)
			.first<{ published: number; stale: number; next: string | null }>();
		return { published: row?.published ?? 0, stale: row?.stale ?? 0, nextScheduledPost: row?.next ?? undefined };
	}

	/** Until when visibility was checked, for the publish step to find posts whose time came since. */
	async checkedThrough(): Promise<string | undefined> {
		const row = await this.db.prepare("SELECT value FROM catalog_facts WHERE name = ?1").bind(FACT_CHECKED_THROUGH).first<{ value: string }>();
		return row?.value;
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

	private upsert(ref: DocumentRef, document: StoredDocument): D1PreparedStatement {
		return this.db
			.prepare(
				`INSERT INTO documents (path, content_type, cache_control, body, etag, last_modified, ref) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
				 ON CONFLICT (path) DO UPDATE SET content_type = excluded.content_type, cache_control = excluded.cache_control,
				 body = excluded.body, etag = excluded.etag, last_modified = excluded.last_modified, ref = excluded.ref`,
			)
			.bind(document.path, document.contentType, document.cacheControl, document.body, document.etag, document.lastModified, ref);
	}

	private setFact(name: string, value: string): D1PreparedStatement {
		return this.db
			.prepare("INSERT INTO catalog_facts (name, value) VALUES (?1, ?2) ON CONFLICT (name) DO UPDATE SET value = excluded.value")
			.bind(name, value);
	}
}

function fromRow(row: DocumentRow): StoredDocument {
	return {
		path: row.path,
		contentType: row.content_type,
		cacheControl: row.cache_control,
		body: row.body,
		etag: row.etag,
		lastModified: row.last_modified,
	};
}
