// How a sync's parsed objects reach the catalog: staged rows first, then one transaction that swaps them in (catalog.ts).
import type { Post } from "../content/post";
import { postAuthorRows, postTermRows } from "../content/terms";
import type { ArchiveOrder } from "./archive-order";
import { Documents } from "./documents";
import { packPost } from "./post-content";
import { POST_INDEXES, indexRefsOf } from "./post-index";
import { type ListWindows, pageRefsOf, stagedRefsToMark } from "./staged-refs";

export type StagedOutcome = { kind: "post"; post: Post } | { kind: "broken"; key: string; etag: string; reason: string };

/** The documents a change of these objects can alter, as they stand before the change (their old terms, authors, slug, archive page). */
export const refsOf = (affectedKeys: string, pageSize: number) => [...indexRefsOf(affectedKeys), ...pageRefsOf(affectedKeys, pageSize)];
const INDEX_TABLES = [...POST_INDEXES.map((index) => index.table), "post_aliases", "post_media"];

/** Staged rows per D1 batch: the sync budgets its subrequests by it (sync-catalog.ts). */
export const STAGE_BATCH = 50;
/** Bound values per staged row; D1 allows 100 bound parameters a statement (developers.cloudflare.com/d1/platform/limits). */
const STAGED_COLUMNS = 14;
const STAGED_ROWS_PER_STATEMENT = Math.floor(100 / STAGED_COLUMNS);
/**
 * A label row's copy of its post's visibility columns (migrations/0016), written with it from the same staged row
 * as the post itself (the posts INSERT below), so /tags counts without reading the posts.
 */
const LABEL_VISIBILITY = "draft, published_at, expires_at";
const STAGED_VISIBILITY = "s.draft, s.published_at, json_extract(s.post, '$.expires')";
/** The packed content and fields (the last two columns) are bound as hex and stored as BLOBs (storage/post-content.ts). */
const stagedValue = (column: number, parameter: number) => (column >= STAGED_COLUMNS - 2 ? `unhex(?${parameter})` : `?${parameter}`);
/** D1 caps a statement at 100 KB: deletes go by JSON arrays of at most this many keys. */
const KEYS_PER_STATEMENT = 400;

/** What the commit needs of the catalog: its database, archive order, and the list windows a post can be in. */
export interface CommitContext {
	db: D1Database;
	archive: ArchiveOrder;
	archivePageSize: number;
	windows: ListWindows;
}

/**
 * The D1 batches that write parsed objects aside for `runId`: STAGE_BATCH rows a batch (the sync budgets its
 * subrequests by it), in multi-row INSERTs of as many rows as D1's 100 bound parameters allow.
 */
export function stagingBatches(db: D1Database, runId: string, outcomes: StagedOutcome[]): D1PreparedStatement[][] {
	const rowsOf = (outcome: StagedOutcome): unknown[] => {
		if (outcome.kind !== "post") return [runId, outcome.key, outcome.etag, null, null, null, null, null, null, outcome.reason, null, null, null, null];
		const packed = packPost(outcome.post);
		return [
			runId,
			outcome.post.key,
			outcome.post.etag,
			outcome.post.id,
			outcome.post.slug,
			outcome.post.published,
			outcome.post.updated,
			outcome.post.draft ? 1 : 0,
			packed.json,
			null,
			JSON.stringify(postTermRows(outcome.post).map((term) => [term.kind, term.term, term.normalized])),
			JSON.stringify(postAuthorRows(outcome.post)),
			packed.contentHex,
			packed.fieldsHex,
		];
	};
	const insert = (rows: unknown[][]) =>
		db
			.prepare(
				`INSERT OR REPLACE INTO staged_objects (run_id, key, etag, id, slug, published_at, updated_at, draft, post, reason, terms, authors, content, fields)
				 VALUES ${rows.map((_, row) => `(${Array.from({ length: STAGED_COLUMNS }, (_, column) => stagedValue(column, row * STAGED_COLUMNS + column + 1)).join(", ")})`).join(", ")}`,
			)
			.bind(...rows.flat());
	const batches: D1PreparedStatement[][] = [];
	for (let start = 0; start < outcomes.length; start += STAGE_BATCH) {
		const rows = outcomes.slice(start, start + STAGE_BATCH).map(rowsOf);
		const statements: D1PreparedStatement[] = [];
		for (let at = 0; at < rows.length; at += STAGED_ROWS_PER_STATEMENT) statements.push(insert(rows.slice(at, at + STAGED_ROWS_PER_STATEMENT)));
		batches.push(statements);
	}
	return batches;
}

/**
 * The statements that move a run's staged objects into the catalog and drop deleted keys, for one transaction. They
 * keep the term index and mark stale every document the change can alter, before and after, so the publish step
 * renders exactly those, and a crash cannot lose one.
 */
export function commitStatements({ db, archive, archivePageSize, windows }: CommitContext, runId: string, deletedKeys: string[], now: Date): D1PreparedStatement[] {
	const nowIso = now.toISOString();
	const documents = new Documents(db);
	const statements: D1PreparedStatement[] = [];
	const DELETED = "SELECT value FROM json_each(?2)";
	for (let start = 0; start < deletedKeys.length; start += KEYS_PER_STATEMENT) {
		const keys = JSON.stringify(deletedKeys.slice(start, start + KEYS_PER_STATEMENT));
		statements.push(...refsOf(DELETED, archivePageSize).map((select) => documents.markStaleWhere(select, now, keys)));
		for (const table of INDEX_TABLES) statements.push(db.prepare(`DELETE FROM ${table} WHERE post_key IN (SELECT value FROM json_each(?1))`).bind(keys));
		statements.push(db.prepare("DELETE FROM posts WHERE key IN (SELECT value FROM json_each(?1))").bind(keys));
		statements.push(db.prepare("DELETE FROM broken_objects WHERE key IN (SELECT value FROM json_each(?1))").bind(keys));
	}
	const marking = stagedRefsToMark(windows);
	statements.push(
		// Before the rows are replaced: the old terms, slug and archive page, and the comparison with the new ones.
		...marking.ofPosts.map((select) => documents.markStaleWhere(select, now, runId)),
		...marking.siteWide.map((select) => documents.markStaleWhere(select, now, runId, deletedKeys.length > 0 ? 1 : 0)),
		...INDEX_TABLES.map((table) => db.prepare(`DELETE FROM ${table} WHERE post_key IN (SELECT key FROM staged_objects WHERE run_id = ?1)`).bind(runId)),
		db.prepare("DELETE FROM posts WHERE key IN (SELECT key FROM staged_objects WHERE run_id = ?1)").bind(runId),
		db.prepare("DELETE FROM broken_objects WHERE key IN (SELECT key FROM staged_objects WHERE run_id = ?1)").bind(runId),
		// `fields`: the packed JSON (storage/post-content.ts); a row staged by older code during a deploy has none and keeps its JSON text.
		db
			.prepare(
				`INSERT INTO posts (key, etag, id, slug, published_at, updated_at, draft, post, changed_at, expires_at, content)
				 SELECT key, etag, id, slug, published_at, updated_at, draft, coalesce(fields, post), ?2, json_extract(post, '$.expires'), content FROM staged_objects
				 WHERE run_id = ?1 AND reason IS NULL`,
			)
			.bind(runId, nowIso),
		archive.addCandidates("SELECT id FROM staged_objects WHERE run_id = ?1 AND reason IS NULL AND draft = 0", runId),
		db
			.prepare(
				`INSERT OR IGNORE INTO post_terms (post_key, kind, term, normalized, ${LABEL_VISIBILITY})
				 SELECT s.key, json_extract(j.value, '$[0]'), json_extract(j.value, '$[1]'), json_extract(j.value, '$[2]'), ${STAGED_VISIBILITY}
				 FROM staged_objects s, json_each(s.terms) j WHERE s.run_id = ?1 AND s.reason IS NULL`,
			)
			.bind(runId),
		// The media each post references (Post.media), so a media change finds the posts it alters.
		db
			.prepare(
				`INSERT OR IGNORE INTO post_media (post_key, media_key)
				 SELECT s.key, j.value FROM staged_objects s, json_each(s.post, '$.media') j WHERE s.run_id = ?1 AND s.reason IS NULL`,
			)
			.bind(runId),
		db
			.prepare(
				`INSERT OR IGNORE INTO post_authors (post_key, author, normalized, ${LABEL_VISIBILITY})
				 SELECT s.key, json_extract(j.value, '$[0]'), json_extract(j.value, '$[1]'), ${STAGED_VISIBILITY}
				 FROM staged_objects s, json_each(s.authors) j WHERE s.run_id = ?1 AND s.reason IS NULL`,
			)
			.bind(runId),
		db
			.prepare(
				`INSERT OR IGNORE INTO post_aliases (path, post_key)
				 SELECT j.value, s.key FROM staged_objects s, json_each(s.post, '$.aliases') j WHERE s.run_id = ?1 AND s.reason IS NULL`,
			)
			.bind(runId),
		db
			.prepare(
				`INSERT INTO broken_objects (key, etag, reason, seen_at)
				 SELECT key, etag, reason, ?2 FROM staged_objects WHERE run_id = ?1 AND reason IS NOT NULL`,
			)
			.bind(runId, nowIso),
		db.prepare("DELETE FROM staged_objects WHERE run_id = ?1").bind(runId),
	);
	return statements;
}
