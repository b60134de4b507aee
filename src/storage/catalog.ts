import type { ListedPost, Post, PostError } from "../content/post";
import { postPath } from "../feeds/document-paths";
import { postAuthorRows, postTermRows } from "../content/terms";
import { HTML_LIST_LENGTH } from "../feeds/publication";
import { ArchiveOrder, archiveRefOf } from "./archive-order";
import { Documents } from "./documents";
import { readFact, writeFact } from "./facts";
import { LabelIndexes, POST_INDEXES, indexRefsOf } from "./post-index";
import { keysWithVisibilityChangedIn, visibleAt } from "./post-visibility";
import { type ListWindows, pageRefsOf, stagedRefsToMark } from "./staged-refs";

/** What the catalog knows of one object, enough to decide whether the sync must read it again. */
export interface KnownObject {
	etag: string;
	/** Present when the object is a post; absent when it is recorded as broken. */
	post?: { id: string; slug: string; visible: boolean };
}

export type StagedOutcome = { kind: "post"; post: Post } | { kind: "broken"; key: string; etag: string; reason: string };

export interface BrokenObject extends PostError {
	etag: string;
	seenAt: string;
}

/** The documents a change of these objects can alter, as they stand before the change (their old terms, authors, slug, archive page). */
const refsOf = (affectedKeys: string, pageSize: number) => [...indexRefsOf(affectedKeys), ...pageRefsOf(affectedKeys, pageSize)];
const INDEX_TABLES = [...POST_INDEXES.map((index) => index.table), "post_aliases", "post_media"];

/** Documents that list every post or every term: any change may alter them. */
export const SITE_WIDE_REFS = ["site", "home", "tags"] as const;
/** The same as an SQL row source of one column, `column1`. */
const SITE_WIDE_ROWS = `(VALUES ${SITE_WIDE_REFS.map((ref) => `('${ref}')`).join(", ")})`;


/** Also written by migrations/0003_hardening.sql for databases that had a succeeded sync before the fact existed. */
const FIRST_CAUGHT_UP_FACT = "first_caught_up_at";
const STAGE_BATCH = 50;
/** Bound values per staged row; D1 allows 100 bound parameters a statement (developers.cloudflare.com/d1/platform/limits). */
const STAGED_COLUMNS = 12;
const STAGED_ROWS_PER_STATEMENT = Math.floor(100 / STAGED_COLUMNS);
/** A visible post (?1 is now): see post-visibility.ts. */
const VISIBLE = visibleAt("?1");
/**
 * A label row's copy of its post's visibility columns (migrations/0016), written with it from the same staged row
 * as the post itself (the posts INSERT below), so /tags counts without reading the posts.
 */
const LABEL_VISIBILITY = "draft, published_at, expires_at";
const STAGED_VISIBILITY = "s.draft, s.published_at, json_extract(s.post, '$.expires')";
/** D1 caps a statement at 100 KB: deletes go by JSON arrays of at most this many keys. */
const KEYS_PER_STATEMENT = 400;

/** The D1 catalog of posts: written only by the sync, read by every feed request. */
export class Catalog {
	/** The archive order of posts and where the feed archives end (archive-order.ts). */
	readonly archive: ArchiveOrder;
	/** Posts and counts by term and by author (post-index.ts). */
	readonly labels: LabelIndexes;

	private readonly windows: ListWindows;

	/**
	 * `archivePageSize`: posts per archive page (ARCHIVE_PAGE_SIZE); `feedItemCount`: entries per feed
	 * (FEED_ITEM_COUNT). The publish step renders with the same, so a commit knows which lists a post is in.
	 */
	constructor(
		private readonly db: D1Database,
		readonly archivePageSize: number,
		feedItemCount: number,
	) {
		this.windows = { archivePageSize, home: HTML_LIST_LENGTH, label: Math.max(feedItemCount, HTML_LIST_LENGTH) };
		this.archive = new ArchiveOrder(db, archivePageSize);
		this.labels = new LabelIndexes(db);
	}

	/**
	 * What the catalog knows of these keys, and of the posts holding these ids or slugs: enough to read the keys
	 * conditionally and to decide their claims, in one query whatever the size of the catalog.
	 */
	async knownFor(keys: string[], claims: { ids: string[]; slugs: string[] }, now: Date): Promise<Map<string, KnownObject>> {
		const [posts, broken] = await this.db.batch<{ key: string; etag: string; id?: string; slug?: string; visible?: number }>([
			this.db
				.prepare(
					`SELECT key, etag, id, slug, (${VISIBLE}) AS visible FROM posts
					 WHERE key IN (SELECT value FROM json_each(?2)) OR id IN (SELECT value FROM json_each(?3)) OR slug IN (SELECT value FROM json_each(?4))`,
				)
				.bind(now.toISOString(), JSON.stringify(keys), JSON.stringify(claims.ids), JSON.stringify(claims.slugs)),
			this.db.prepare("SELECT key, etag FROM broken_objects WHERE key IN (SELECT value FROM json_each(?1))").bind(JSON.stringify(keys)),
		]);
		const known = new Map<string, KnownObject>();
		for (const row of broken!.results) known.set(row.key, { etag: row.etag });
		for (const row of posts!.results) known.set(row.key, { etag: row.etag, post: { id: row.id!, slug: row.slug!, visible: row.visible === 1 } });
		return known;
	}

	/**
	 * Writes parsed objects aside for `runId`; nothing is visible until commitSync(). STAGE_BATCH rows a D1 batch
	 * (the sync budgets its subrequests by it), in multi-row INSERTs of as many rows as D1's 100 bound parameters allow.
	 */
	async stage(runId: string, outcomes: StagedOutcome[]): Promise<void> {
		const rowsOf = (outcome: StagedOutcome): unknown[] =>
			outcome.kind === "post"
				? [
						runId,
						outcome.post.key,
						outcome.post.etag,
						outcome.post.id,
						outcome.post.slug,
						outcome.post.published,
						outcome.post.updated,
						outcome.post.draft ? 1 : 0,
						JSON.stringify(outcome.post),
						null,
						JSON.stringify(postTermRows(outcome.post).map((term) => [term.kind, term.term, term.normalized])),
						JSON.stringify(postAuthorRows(outcome.post)),
					]
				: [runId, outcome.key, outcome.etag, null, null, null, null, null, null, outcome.reason, null, null];
		const insert = (rows: unknown[][]) =>
			this.db
				.prepare(
					`INSERT OR REPLACE INTO staged_objects (run_id, key, etag, id, slug, published_at, updated_at, draft, post, reason, terms, authors)
					 VALUES ${rows.map((_, row) => `(${Array.from({ length: STAGED_COLUMNS }, (_, column) => `?${row * STAGED_COLUMNS + column + 1}`).join(", ")})`).join(", ")}`,
				)
				.bind(...rows.flat());
		for (let start = 0; start < outcomes.length; start += STAGE_BATCH) {
			const rows = outcomes.slice(start, start + STAGE_BATCH).map(rowsOf);
			const statements: D1PreparedStatement[] = [];
			for (let at = 0; at < rows.length; at += STAGED_ROWS_PER_STATEMENT) statements.push(insert(rows.slice(at, at + STAGED_ROWS_PER_STATEMENT)));
			await this.db.batch(statements);
		}
	}

	/**
	 * Moves a run's staged objects into the catalog and drops deleted keys, in one D1 transaction,
	 * together with `extra` statements (the run record, events) so they commit or fail as a whole.
	 * The same transaction keeps the term index and marks stale every document the change can alter,
	 * before and after, so the publish step renders exactly those, and a crash cannot lose one.
	 */
	async commitSync(runId: string, deletedKeys: string[], now: Date, extra: D1PreparedStatement[] = []): Promise<void> {
		const nowIso = now.toISOString();
		const documents = new Documents(this.db);
		const statements: D1PreparedStatement[] = [];
		const DELETED = "SELECT value FROM json_each(?2)";
		for (let start = 0; start < deletedKeys.length; start += KEYS_PER_STATEMENT) {
			const keys = JSON.stringify(deletedKeys.slice(start, start + KEYS_PER_STATEMENT));
			statements.push(...refsOf(DELETED, this.archivePageSize).map((select) => documents.markStaleWhere(select, now, keys)));
			for (const table of INDEX_TABLES) statements.push(this.db.prepare(`DELETE FROM ${table} WHERE post_key IN (SELECT value FROM json_each(?1))`).bind(keys));
			statements.push(this.db.prepare("DELETE FROM posts WHERE key IN (SELECT value FROM json_each(?1))").bind(keys));
			statements.push(this.db.prepare("DELETE FROM broken_objects WHERE key IN (SELECT value FROM json_each(?1))").bind(keys));
		}
		const marking = stagedRefsToMark(this.windows);
		statements.push(
			// Before the rows are replaced: the old terms, slug and archive page, and the comparison with the new ones.
			...marking.ofPosts.map((select) => documents.markStaleWhere(select, now, runId)),
			...marking.siteWide.map((select) => documents.markStaleWhere(select, now, runId, deletedKeys.length > 0 ? 1 : 0)),
			...INDEX_TABLES.map((table) => this.db.prepare(`DELETE FROM ${table} WHERE post_key IN (SELECT key FROM staged_objects WHERE run_id = ?1)`).bind(runId)),
			this.db.prepare("DELETE FROM posts WHERE key IN (SELECT key FROM staged_objects WHERE run_id = ?1)").bind(runId),
			this.db.prepare("DELETE FROM broken_objects WHERE key IN (SELECT key FROM staged_objects WHERE run_id = ?1)").bind(runId),
			this.db
				.prepare(
					`INSERT INTO posts (key, etag, id, slug, published_at, updated_at, draft, post, changed_at, expires_at)
					 SELECT key, etag, id, slug, published_at, updated_at, draft, post, ?2, json_extract(post, '$.expires') FROM staged_objects
					 WHERE run_id = ?1 AND reason IS NULL`,
				)
				.bind(runId, nowIso),
			this.archive.addCandidates("SELECT id FROM staged_objects WHERE run_id = ?1 AND reason IS NULL AND draft = 0", runId),
			this.db
				.prepare(
					`INSERT OR IGNORE INTO post_terms (post_key, kind, term, normalized, ${LABEL_VISIBILITY})
					 SELECT s.key, json_extract(j.value, '$[0]'), json_extract(j.value, '$[1]'), json_extract(j.value, '$[2]'), ${STAGED_VISIBILITY}
					 FROM staged_objects s, json_each(s.terms) j WHERE s.run_id = ?1 AND s.reason IS NULL`,
				)
				.bind(runId),
			// The media each post references (Post.media), so a media change finds the posts it alters.
			this.db
				.prepare(
					`INSERT OR IGNORE INTO post_media (post_key, media_key)
					 SELECT s.key, j.value FROM staged_objects s, json_each(s.post, '$.media') j WHERE s.run_id = ?1 AND s.reason IS NULL`,
				)
				.bind(runId),
			this.db
				.prepare(
					`INSERT OR IGNORE INTO post_authors (post_key, author, normalized, ${LABEL_VISIBILITY})
					 SELECT s.key, json_extract(j.value, '$[0]'), json_extract(j.value, '$[1]'), ${STAGED_VISIBILITY}
					 FROM staged_objects s, json_each(s.authors) j WHERE s.run_id = ?1 AND s.reason IS NULL`,
				)
				.bind(runId),
			this.db
				.prepare(
					`INSERT OR IGNORE INTO post_aliases (path, post_key)
					 SELECT j.value, s.key FROM staged_objects s, json_each(s.post, '$.aliases') j WHERE s.run_id = ?1 AND s.reason IS NULL`,
				)
				.bind(runId),
			this.db
				.prepare(
					`INSERT INTO broken_objects (key, etag, reason, seen_at)
					 SELECT key, etag, reason, ?2 FROM staged_objects WHERE run_id = ?1 AND reason IS NOT NULL`,
				)
				.bind(runId, nowIso),
			this.db.prepare("DELETE FROM staged_objects WHERE run_id = ?1").bind(runId),
			...extra,
		);
		await this.db.batch(statements);
	}

	/**
	 * Marks stale every document of the posts `postKeysSelect` yields (their pages, terms, archive pages) and
	 * the site-wide documents when it yields any; its parameters start at ?2, as in Documents.markStaleWhere.
	 */
	markPostDocumentsStale(postKeysSelect: string, now: Date, ...params: unknown[]): D1PreparedStatement[] {
		const documents = new Documents(this.db);
		return [
			...refsOf(postKeysSelect, this.archivePageSize).map((select) => documents.markStaleWhere(select, now, ...params)),
			documents.markStaleWhere(`SELECT column1 AS ref FROM ${SITE_WIDE_ROWS} WHERE EXISTS (${postKeysSelect})`, now, ...params),
		];
	}

	/** Drops what a run staged (it failed) and anything a crashed run left behind. */
	async discardStaged(runId: string): Promise<void> {
		await this.db.prepare("DELETE FROM staged_objects WHERE run_id = ?1").bind(runId).run();
	}

	async discardAllStaged(): Promise<void> {
		await this.db.prepare("DELETE FROM staged_objects").run();
	}

	/**
	 * Makes every known object look changed (its etag no longer matches the bucket's), so syncs re-read
	 * them all, in as many runs as their read budget needs; recorded with the settings that caused it.
	 */
	async markAllOutdated(settingsFingerprint: string): Promise<void> {
		await this.db.batch([
			this.db.prepare("UPDATE posts SET etag = 'outdated:' || etag WHERE etag NOT LIKE 'outdated:%'"),
			this.db.prepare("UPDATE broken_objects SET etag = 'outdated:' || etag WHERE etag NOT LIKE 'outdated:%'"),
			this.setFact("content_settings", settingsFingerprint),
		]);
	}

	/**
	 * Records, once, that a sync brought the catalog fully up to date for the first time. Until then webhook
	 * events are a baseline (recorded, not sent). A stored fact, so pruning the sync history never undoes it.
	 */
	markFirstCaughtUp(now: Date): D1PreparedStatement {
		return this.db.prepare("INSERT OR IGNORE INTO catalog_facts (name, value) VALUES (?1, ?2)").bind(FIRST_CAUGHT_UP_FACT, now.toISOString());
	}

	async hasCaughtUpOnce(): Promise<boolean> {
		return (await this.fact(FIRST_CAUGHT_UP_FACT)) !== undefined;
	}

	private setFact(name: string, value: string): D1PreparedStatement {
		return writeFact(this.db, name, value);
	}

	fact(name: string): Promise<string | undefined> {
		return readFact(this.db, name);
	}

	/** Newest visible posts (published, not draft, date reached). */
	async visiblePosts(options: { now: Date; limit: number }): Promise<Post[]> {
		return (await this.newestVisible("post", options)) as Post[];
	}

	/** The same without their content, for a list (ListedPost): a fraction of the bytes. */
	listedPosts(options: { now: Date; limit: number }): Promise<ListedPost[]> {
		return this.newestVisible("json_remove(post, '$.contentHtml')", options);
	}

	private async newestVisible(column: string, options: { now: Date; limit: number }): Promise<ListedPost[]> {
		const rows = await this.db
			.prepare(`SELECT ${column} AS post FROM posts WHERE ${VISIBLE} ORDER BY published_at DESC, id LIMIT ?2`)
			.bind(options.now.toISOString(), options.limit)
			.all<{ post: string }>();
		return rows.results.map((row) => JSON.parse(row.post) as ListedPost);
	}

	/**
	 * Visible posts with the given slugs (hidden or unknown ones are left out), looked up slug by slug through its
	 * unique index: with `slug IN (…)` SQLite scans every visible post through posts_by_published instead.
	 */
	async visiblePostsBySlug(slugs: string[], now: Date): Promise<Map<string, Post>> {
		const rows = await this.db
			.prepare(`SELECT p.post FROM json_each(?2) j CROSS JOIN posts p ON p.slug = j.value WHERE ${visibleAt("?1", "p")}`)
			.bind(now.toISOString(), JSON.stringify(slugs))
			.all<{ post: string }>();
		const posts = rows.results.map((row) => JSON.parse(row.post) as Post);
		return new Map(posts.map((post) => [post.slug, post]));
	}

	/** The site-relative path of the post an old address belongs to (visible posts only; the oldest claim wins). */
	async aliasTarget(path: string, now: Date): Promise<string | undefined> {
		const row = await this.db
			.prepare(
				`SELECT p.slug FROM post_aliases a JOIN posts p ON p.key = a.post_key WHERE a.path = ?2 AND ${visibleAt("?1", "p")}
				 ORDER BY p.published_at, p.id LIMIT 1`,
			)
			.bind(now.toISOString(), path)
			.first<{ slug: string }>();
		return row === null ? undefined : postPath(row.slug);
	}

	/** The next instant a non-draft post appears (its date) or disappears (its expiry): when the catalog next changes by itself. */
	/** Each half through its own index: `+draft` keeps SQLite on posts_by_expiry instead of every non-draft post. */
	async nextVisibilityChange(now: Date): Promise<string | undefined> {
		const row = await this.db
			.prepare(
				`SELECT min(next) AS next FROM (SELECT min(published_at) AS next FROM posts WHERE draft = 0 AND published_at > ?1
				 UNION ALL SELECT min(expires_at) FROM posts WHERE +draft = 0 AND expires_at > ?1)`,
			)
			.bind(now.toISOString())
			.first<{ next: string | null }>();
		return row?.next ?? undefined;
	}


	/**
	 * Marks stale the documents of posts whose publication time or expiry came in (after, upTo]: they change
	 * with no write to the catalog. An expired post leaves its archive page, its terms' and authors' feeds.
	 */
	markBecameVisible(after: Date, upTo: Date, now: Date): D1PreparedStatement[] {
		const documents = new Documents(this.db);
		const range = [after.toISOString(), upTo.toISOString()];
		const changedKeys = keysWithVisibilityChangedIn("?2", "?3");
		return [
			...refsOf(changedKeys, this.archivePageSize).map((select) => documents.markStaleWhere(select, now, ...range)),
			documents.markStaleWhere(
				`SELECT column1 AS ref FROM ${SITE_WIDE_ROWS} WHERE EXISTS (${changedKeys})`,
				now,
				...range,
			),
		];
	}

	/** Marks every document stale: the first publish of a catalog made before documents existed renders them all. */
	markEverythingStale(now: Date): D1PreparedStatement[] {
		const documents = new Documents(this.db);
		return [
			documents.markStale([...SITE_WIDE_REFS], now),
			...POST_INDEXES.map((index) => documents.markStaleWhere(`SELECT DISTINCT '${index.refPrefix}' || normalized AS ref FROM ${index.table}`, now)),
			documents.markStaleWhere("SELECT 'post:' || slug AS ref FROM posts", now),
			documents.markStaleWhere(`SELECT DISTINCT ${archiveRefOf("seq", this.archivePageSize)} AS ref FROM post_sequence`, now),
		];
	}

	/** One row, kept by triggers (migrations/0012_catalog_counts.sql): counting would read the whole catalog. */
	async counts(): Promise<{ posts: number; broken: number }> {
		const row = await this.db.prepare("SELECT posts, broken FROM catalog_counts WHERE id = 1").first<{ posts: number; broken: number }>();
		return { posts: row?.posts ?? 0, broken: row?.broken ?? 0 };
	}

	async brokenObjects(): Promise<BrokenObject[]> {
		const rows = await this.db
			.prepare("SELECT key, etag, reason, seen_at FROM broken_objects ORDER BY key")
			.all<{ key: string; etag: string; reason: string; seen_at: string }>();
		return rows.results.map((row) => ({ key: row.key, etag: row.etag, reason: row.reason, seenAt: row.seen_at }));
	}
}
