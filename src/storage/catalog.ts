import type { Post, PostError } from "../content/post";
import { postTermRows } from "../content/terms";
import { ARCHIVE_PAGE_SIZE } from "../feeds/publication";
import type { TermCount } from "../feeds/pages/pages";
import { Documents } from "./documents";

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

/** The documents a change of these objects can alter, as they stand before the change (their old terms, slug, archive page). */
const refsOf = (affectedKeys: string) => [
	`SELECT 'term:' || normalized AS ref FROM post_terms WHERE post_key IN (${affectedKeys})`,
	`SELECT 'post:' || slug AS ref FROM posts WHERE key IN (${affectedKeys})`,
	`SELECT 'archive:' || ((s.seq - 1) / ${ARCHIVE_PAGE_SIZE} + 1) AS ref FROM posts p JOIN post_sequence s ON s.post_id = p.id WHERE p.key IN (${affectedKeys})`,
];
/** The same for staged posts as they will stand after the commit. */
const STAGED_REFS = [
	"SELECT 'term:' || json_extract(j.value, '$[2]') AS ref FROM staged_objects s, json_each(s.terms) j WHERE s.run_id = ?2 AND s.reason IS NULL",
	"SELECT 'post:' || slug AS ref FROM staged_objects WHERE run_id = ?2 AND reason IS NULL",
	`SELECT 'archive:' || ((q.seq - 1) / ${ARCHIVE_PAGE_SIZE} + 1) AS ref FROM staged_objects s JOIN post_sequence q ON q.post_id = s.id WHERE s.run_id = ?2 AND s.reason IS NULL`,
];
/** Documents that list every post or every term: any change may alter them. */
export const SITE_WIDE_REFS = ["site", "home", "tags"] as const;
/** The same as an SQL row source of one column, `column1`. */
const SITE_WIDE_ROWS = `(VALUES ${SITE_WIDE_REFS.map((ref) => `('${ref}')`).join(", ")})`;

/** Also written by migrations/0003_hardening.sql for databases that had a succeeded sync before the fact existed. */
const FIRST_CAUGHT_UP_FACT = "first_caught_up_at";
const STAGE_BATCH = 50;
/** A visible post: not a draft, and its publication date reached (?1 is now). */
const VISIBLE = "draft = 0 AND published_at <= ?1";
/** D1 caps a statement at 100 KB: deletes go by JSON arrays of at most this many keys. */
const KEYS_PER_STATEMENT = 400;

/** The D1 catalog of posts: written only by the sync, read by every feed request. */
export class Catalog {
	constructor(private readonly db: D1Database) {}

	/**
	 * What the catalog knows of these keys, and of the posts holding these ids or slugs: enough to read the keys
	 * conditionally and to decide their claims, in one query whatever the size of the catalog.
	 */
	async knownFor(keys: string[], claims: { ids: string[]; slugs: string[] }, now: Date): Promise<Map<string, KnownObject>> {
		const [posts, broken] = await this.db.batch<{ key: string; etag: string; id?: string; slug?: string; visible?: number }>([
			this.db
				.prepare(
					`SELECT key, etag, id, slug, (draft = 0 AND published_at <= ?1) AS visible FROM posts
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

	/** Writes parsed objects aside for `runId`; nothing is visible until commitSync(). */
	async stage(runId: string, outcomes: StagedOutcome[]): Promise<void> {
		const insert = this.db.prepare(
			`INSERT OR REPLACE INTO staged_objects (run_id, key, etag, id, slug, published_at, updated_at, draft, post, reason, terms)
			 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)`,
		);
		for (let start = 0; start < outcomes.length; start += STAGE_BATCH) {
			await this.db.batch(
				outcomes.slice(start, start + STAGE_BATCH).map((outcome) =>
					outcome.kind === "post"
						? insert.bind(
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
							)
						: insert.bind(runId, outcome.key, outcome.etag, null, null, null, null, null, null, outcome.reason, null),
				),
			);
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
			statements.push(...refsOf(DELETED).map((select) => documents.markStaleWhere(select, now, keys)));
			statements.push(this.db.prepare("DELETE FROM post_terms WHERE post_key IN (SELECT value FROM json_each(?1))").bind(keys));
			statements.push(this.db.prepare("DELETE FROM posts WHERE key IN (SELECT value FROM json_each(?1))").bind(keys));
			statements.push(this.db.prepare("DELETE FROM broken_objects WHERE key IN (SELECT value FROM json_each(?1))").bind(keys));
		}
		const STAGED = "SELECT key FROM staged_objects WHERE run_id = ?2";
		statements.push(
			...refsOf(STAGED).map((select) => documents.markStaleWhere(select, now, runId)),
			documents.markStaleWhere(
				`SELECT column1 AS ref FROM ${SITE_WIDE_ROWS}
				 WHERE ?3 OR EXISTS (SELECT 1 FROM staged_objects WHERE run_id = ?2)`,
				now,
				runId,
				deletedKeys.length > 0 ? 1 : 0,
			),
			this.db.prepare("DELETE FROM post_terms WHERE post_key IN (SELECT key FROM staged_objects WHERE run_id = ?1)").bind(runId),
			this.db.prepare("DELETE FROM posts WHERE key IN (SELECT key FROM staged_objects WHERE run_id = ?1)").bind(runId),
			this.db.prepare("DELETE FROM broken_objects WHERE key IN (SELECT key FROM staged_objects WHERE run_id = ?1)").bind(runId),
			this.db
				.prepare(
					`INSERT INTO posts (key, etag, id, slug, published_at, updated_at, draft, post, changed_at)
					 SELECT key, etag, id, slug, published_at, updated_at, draft, post, ?2 FROM staged_objects
					 WHERE run_id = ?1 AND reason IS NULL`,
				)
				.bind(runId, nowIso),
			this.db
				.prepare(
					`INSERT OR IGNORE INTO post_terms (post_key, kind, term, normalized)
					 SELECT s.key, json_extract(j.value, '$[0]'), json_extract(j.value, '$[1]'), json_extract(j.value, '$[2]')
					 FROM staged_objects s, json_each(s.terms) j WHERE s.run_id = ?1 AND s.reason IS NULL`,
				)
				.bind(runId),
			this.db
				.prepare(
					`INSERT INTO broken_objects (key, etag, reason, seen_at)
					 SELECT key, etag, reason, ?2 FROM staged_objects WHERE run_id = ?1 AND reason IS NOT NULL`,
				)
				.bind(runId, nowIso),
			...STAGED_REFS.map((select) => documents.markStaleWhere(select, now, runId)),
			this.db.prepare("DELETE FROM staged_objects WHERE run_id = ?1").bind(runId),
			...extra,
		);
		await this.db.batch(statements);
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
		return this.db
			.prepare("INSERT INTO catalog_facts (name, value) VALUES (?1, ?2) ON CONFLICT (name) DO UPDATE SET value = excluded.value")
			.bind(name, value);
	}

	async fact(name: string): Promise<string | undefined> {
		const row = await this.db.prepare("SELECT value FROM catalog_facts WHERE name = ?1").bind(name).first<{ value: string }>();
		return row?.value;
	}

	/** Newest visible posts (published, not draft, date reached). */
	async visiblePosts(options: { now: Date; limit: number }): Promise<Post[]> {
		const rows = await this.db
			.prepare(`SELECT post FROM posts WHERE ${VISIBLE} ORDER BY published_at DESC, id LIMIT ?2`)
			.bind(options.now.toISOString(), options.limit)
			.all<{ post: string }>();
		return rows.results.map((row) => JSON.parse(row.post) as Post);
	}

	/** Newest visible posts carrying one term (as tag or category), read through the term index. */
	async termPosts(normalized: string, options: { now: Date; limit: number }): Promise<{ display?: string; posts: Post[] }> {
		const [posts, display] = await this.db.batch<{ post?: string; term?: string }>([
			this.db
				.prepare(
					`SELECT p.post FROM posts p WHERE p.key IN (SELECT post_key FROM post_terms WHERE normalized = ?3) AND p.draft = 0 AND p.published_at <= ?1
					 ORDER BY p.published_at DESC, p.id LIMIT ?2`,
				)
				.bind(options.now.toISOString(), options.limit, normalized),
			// The term as most posts write it, for titles ("PostgreSQL" rather than "postgresql").
			this.db.prepare("SELECT term FROM post_terms WHERE normalized = ?1 GROUP BY term ORDER BY count(*) DESC, term LIMIT 1").bind(normalized),
		]);
		return { display: display!.results[0]?.term, posts: posts!.results.map((row) => JSON.parse(row.post!) as Post) };
	}

	/** Every term of a visible post, with how many visible posts carry it. */
	async termCounts(now: Date): Promise<TermCount[]> {
		const rows = await this.db
			.prepare(
				`SELECT t.normalized, count(DISTINCT t.post_key) AS posts,
				 (SELECT term FROM post_terms d WHERE d.normalized = t.normalized GROUP BY term ORDER BY count(*) DESC, term LIMIT 1) AS display
				 FROM post_terms t JOIN posts p ON p.key = t.post_key WHERE p.draft = 0 AND p.published_at <= ?1
				 GROUP BY t.normalized ORDER BY t.normalized`,
			)
			.bind(now.toISOString())
			.all<{ normalized: string; posts: number; display: string }>();
		return rows.results;
	}

	/**
	 * Gives every visible post that has none its place in the archive order (the order of becoming visible;
	 * among posts that appear together, by date), and marks stale the archive pages that gained a post and
	 * the page before them (its "newer" link), in one transaction.
	 */
	assignSequence(now: Date): D1PreparedStatement[] {
		const documents = new Documents(this.db);
		return [
			this.db.prepare(
				`INSERT INTO catalog_facts (name, value) SELECT 'sequence_before', coalesce(max(seq), 0) FROM post_sequence WHERE true
				 ON CONFLICT (name) DO UPDATE SET value = excluded.value`,
			),
			this.db
				.prepare(
					`INSERT INTO post_sequence (post_id, seq)
					 SELECT id, (SELECT coalesce(max(seq), 0) FROM post_sequence) + row_number() OVER (ORDER BY published_at, id)
					 FROM posts WHERE ${VISIBLE} AND id NOT IN (SELECT post_id FROM post_sequence)`,
				)
				.bind(now.toISOString()),
			documents.markStaleWhere(
				`SELECT DISTINCT 'archive:' || ((seq - 1) / ${ARCHIVE_PAGE_SIZE} + 1) AS ref FROM post_sequence
				 WHERE seq >= (SELECT CAST(value AS INTEGER) FROM catalog_facts WHERE name = 'sequence_before')
				 AND (SELECT max(seq) FROM post_sequence) > (SELECT CAST(value AS INTEGER) FROM catalog_facts WHERE name = 'sequence_before')`,
				now,
			),
		];
	}

	/** The highest archive place given so far (0 before any post was visible). */
	async sequenceLength(): Promise<number> {
		const row = await this.db.prepare("SELECT coalesce(max(seq), 0) AS seq FROM post_sequence").first<{ seq: number }>();
		return row?.seq ?? 0;
	}

	/** Visible posts with the given slugs (hidden or unknown ones are left out). */
	async visiblePostsBySlug(slugs: string[], now: Date): Promise<Map<string, Post>> {
		const rows = await this.db
			.prepare(`SELECT post FROM posts WHERE slug IN (SELECT value FROM json_each(?2)) AND ${VISIBLE}`)
			.bind(now.toISOString(), JSON.stringify(slugs))
			.all<{ post: string }>();
		const posts = rows.results.map((row) => JSON.parse(row.post) as Post);
		return new Map(posts.map((post) => [post.slug, post]));
	}

	/** Visible posts whose archive place is in (from, to], newest place first. */
	async postsInSequence(from: number, to: number, now: Date): Promise<Post[]> {
		const rows = await this.db
			.prepare(
				`SELECT p.post FROM post_sequence s JOIN posts p ON p.id = s.post_id
				 WHERE s.seq > ?2 AND s.seq <= ?3 AND p.draft = 0 AND p.published_at <= ?1 ORDER BY s.seq DESC`,
			)
			.bind(now.toISOString(), from, to)
			.all<{ post: string }>();
		return rows.results.map((row) => JSON.parse(row.post) as Post);
	}

	/** The earliest publication date still in the future among non-draft posts: when the catalog next changes by itself. */
	async nextVisibilityChange(now: Date): Promise<string | undefined> {
		const row = await this.db
			.prepare("SELECT min(published_at) AS next FROM posts WHERE draft = 0 AND published_at > ?1")
			.bind(now.toISOString())
			.first<{ next: string | null }>();
		return row?.next ?? undefined;
	}


	/** Marks stale the documents of posts whose publication time came in (after, upTo]: they change with no write to the catalog. */
	markBecameVisible(after: Date, upTo: Date, now: Date): D1PreparedStatement[] {
		const documents = new Documents(this.db);
		const window = "p.draft = 0 AND p.published_at > ?2 AND p.published_at <= ?3";
		const range = [after.toISOString(), upTo.toISOString()];
		return [
			documents.markStaleWhere(`SELECT 'term:' || t.normalized AS ref FROM posts p JOIN post_terms t ON t.post_key = p.key WHERE ${window}`, now, ...range),
			documents.markStaleWhere(`SELECT 'post:' || p.slug AS ref FROM posts p WHERE ${window}`, now, ...range),
			documents.markStaleWhere(
				`SELECT column1 AS ref FROM ${SITE_WIDE_ROWS} WHERE EXISTS (SELECT 1 FROM posts p WHERE ${window})`,
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
			documents.markStaleWhere("SELECT DISTINCT 'term:' || normalized AS ref FROM post_terms", now),
			documents.markStaleWhere("SELECT 'post:' || slug AS ref FROM posts", now),
			documents.markStaleWhere(`SELECT DISTINCT 'archive:' || ((seq - 1) / ${ARCHIVE_PAGE_SIZE} + 1) AS ref FROM post_sequence`, now),
		];
	}

	async counts(): Promise<{ posts: number; broken: number }> {
		const row = await this.db
			.prepare("SELECT (SELECT count(*) FROM posts) AS posts, (SELECT count(*) FROM broken_objects) AS broken")
			.first<{ posts: number; broken: number }>();
		return { posts: row?.posts ?? 0, broken: row?.broken ?? 0 };
	}

	async brokenObjects(): Promise<BrokenObject[]> {
		const rows = await this.db
			.prepare("SELECT key, etag, reason, seen_at FROM broken_objects ORDER BY key")
			.all<{ key: string; etag: string; reason: string; seen_at: string }>();
		return rows.results.map((row) => ({ key: row.key, etag: row.etag, reason: row.reason, seenAt: row.seen_at }));
	}
}
