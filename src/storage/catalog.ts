import type { ListedPost, Post, PostError } from "../content/post";
import { postPath } from "../feeds/document-paths";
import { HTML_LIST_LENGTH } from "../feeds/publication";
import { ArchiveOrder, archiveRefOf } from "./archive-order";
import { type StagedOutcome, commitStatements, refsOf, stagingBatches } from "./catalog-commit";
import { Documents } from "./documents";
import { readFact, writeFact } from "./facts";
import { LabelIndexes, POST_INDEXES } from "./post-index";
import { keysWithVisibilityChangedIn, visibleAt } from "./post-visibility";
import type { ListWindows } from "./staged-refs";
import { type PostRow, postColumns, unpackListed, unpackPost } from "./post-content";

export type { StagedOutcome } from "./catalog-commit";

/** What the catalog knows of one object, enough to decide whether the sync must read it again. */
export interface KnownObject {
	etag: string;
	/** Present when the object is a post; absent when it is recorded as broken. */
	post?: { id: string; slug: string; visible: boolean };
}

export interface BrokenObject extends PostError {
	etag: string;
	seenAt: string;
}

/** Documents that list every post or every term: any change may alter them. */
export const SITE_WIDE_REFS = ["site", "home", "tags"] as const;
/** The same as an SQL row source of one column, `column1`. */
const SITE_WIDE_ROWS = `(VALUES ${SITE_WIDE_REFS.map((ref) => `('${ref}')`).join(", ")})`;

/** Also written by migrations/0003_hardening.sql for databases that had a succeeded sync before the fact existed. */
const FIRST_CAUGHT_UP_FACT = "first_caught_up_at";
/** A visible post (?1 is now): see post-visibility.ts. */
const VISIBLE = visibleAt("?1");

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

	/** Writes parsed objects aside for `runId`, a D1 batch per STAGE_BATCH (catalog-commit.ts); nothing is visible until commitSync(). */
	async stage(runId: string, outcomes: StagedOutcome[]): Promise<void> {
		for (const batch of stagingBatches(this.db, runId, outcomes)) await this.db.batch(batch);
	}

	/**
	 * Moves a run's staged objects into the catalog and drops deleted keys, in one D1 transaction (catalog-commit.ts),
	 * together with `extra` statements (the run record, events) so they commit or fail as a whole.
	 */
	async commitSync(runId: string, deletedKeys: string[], now: Date, extra: D1PreparedStatement[] = []): Promise<void> {
		const context = { db: this.db, archive: this.archive, archivePageSize: this.archivePageSize, windows: this.windows };
		await this.db.batch([...commitStatements(context, runId, deletedKeys, now), ...extra]);
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
		const rows = await this.newestVisible(postColumns(), options);
		return rows.map(unpackPost);
	}

	/** The same without their content, for a list (ListedPost): a fraction of the bytes. */
	async listedPosts(options: { now: Date; limit: number }): Promise<ListedPost[]> {
		const rows = await this.newestVisible(postColumns(undefined, { content: false }), options);
		return rows.map(unpackListed);
	}

	/** `columns`: a post's row (storage/post-content.ts), with its `content` when wanted. */
	private async newestVisible(columns: string, options: { now: Date; limit: number }): Promise<PostRow[]> {
		const rows = await this.db
			.prepare(`SELECT ${columns} FROM posts WHERE ${VISIBLE} ORDER BY published_at DESC, id LIMIT ?2`)
			.bind(options.now.toISOString(), options.limit)
			.all<PostRow>();
		return rows.results;
	}

	/**
	 * Visible posts with the given slugs (hidden or unknown ones are left out), looked up slug by slug through its
	 * unique index: with `slug IN (…)` SQLite scans every visible post through posts_by_published instead.
	 */
	async visiblePostsBySlug(slugs: string[], now: Date): Promise<Map<string, Post>> {
		const rows = await this.db
			.prepare(`SELECT ${postColumns("p")} FROM json_each(?2) j CROSS JOIN posts p ON p.slug = j.value WHERE ${visibleAt("?1", "p")}`)
			.bind(now.toISOString(), JSON.stringify(slugs))
			.all<PostRow>();
		const posts = rows.results.map(unpackPost);
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
