import type { Post, PostError } from "../content/post";

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

/** A page of visible posts and the facts conditional GET needs about it. */
export interface PostSelection {
	posts: Post[];
	/** Latest catalog change that could alter this selection (ISO), for Last-Modified. */
	changedAt: string;
}

/** Also written by migrations/0003_hardening.sql for databases that had a succeeded sync before the fact existed. */
const FIRST_CAUGHT_UP_FACT = "first_caught_up_at";
const STAGE_BATCH = 50;
/** D1 caps a statement at 100 KB: deletes go by JSON arrays of at most this many keys. */
const KEYS_PER_STATEMENT = 400;

/** The D1 catalog of posts: written only by the sync, read by every feed request. */
export class Catalog {
	constructor(private readonly db: D1Database) {}

	/** Every object the catalog knows, posts and broken ones, keyed by storage key. */
	async knownObjects(now: Date): Promise<Map<string, KnownObject>> {
		const [posts, broken] = await this.db.batch<{ key: string; etag: string; id?: string; slug?: string; visible?: number }>([
			this.db.prepare("SELECT key, etag, id, slug, (draft = 0 AND published_at <= ?1) AS visible FROM posts").bind(now.toISOString()),
			this.db.prepare("SELECT key, etag FROM broken_objects"),
		]);
		const known = new Map<string, KnownObject>();
		for (const row of broken!.results) known.set(row.key, { etag: row.etag });
		for (const row of posts!.results) known.set(row.key, { etag: row.etag, post: { id: row.id!, slug: row.slug!, visible: row.visible === 1 } });
		return known;
	}

	/** Writes parsed objects aside for `runId`; nothing is visible until commitSync(). */
	async stage(runId: string, outcomes: StagedOutcome[]): Promise<void> {
		const insert = this.db.prepare(
			`INSERT OR REPLACE INTO staged_objects (run_id, key, etag, id, slug, published_at, updated_at, draft, post, reason)
			 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)`,
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
							)
						: insert.bind(runId, outcome.key, outcome.etag, null, null, null, null, null, null, outcome.reason),
				),
			);
		}
	}

	/**
	 * Moves a run's staged objects into the catalog and drops deleted keys, in one D1 transaction,
	 * together with `extra` statements (the run record, events) so they commit or fail as a whole.
	 */
	async commitSync(runId: string, deletedKeys: string[], now: Date, extra: D1PreparedStatement[] = []): Promise<void> {
		const nowIso = now.toISOString();
		const statements: D1PreparedStatement[] = [];
		for (let start = 0; start < deletedKeys.length; start += KEYS_PER_STATEMENT) {
			const keys = JSON.stringify(deletedKeys.slice(start, start + KEYS_PER_STATEMENT));
			statements.push(this.db.prepare("DELETE FROM posts WHERE key IN (SELECT value FROM json_each(?1))").bind(keys));
			statements.push(this.db.prepare("DELETE FROM broken_objects WHERE key IN (SELECT value FROM json_each(?1))").bind(keys));
		}
		statements.push(
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
					`INSERT INTO broken_objects (key, etag, reason, seen_at)
					 SELECT key, etag, reason, ?2 FROM staged_objects WHERE run_id = ?1 AND reason IS NOT NULL`,
				)
				.bind(runId, nowIso),
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

	/** Records that the catalog changed, so Last-Modified moves with every change a feed could show. */
	markChanged(now: Date): D1PreparedStatement {
		return this.setFact("catalog_changed_at", now.toISOString());
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

	/** Newest visible posts (published, not draft, date reached), optionally those carrying a tag or category. */
	async visiblePosts(options: { now: Date; limit: number; term?: string }): Promise<PostSelection> {
		const nowIso = options.now.toISOString();
		const termFilter = options.term
			? `AND EXISTS (SELECT 1 FROM json_each(post, '$.tags') WHERE lower(value) = lower(?3)
			   UNION ALL SELECT 1 FROM json_each(post, '$.categories') WHERE lower(value) = lower(?3))`
			: "";
		const query = this.db
			.prepare(
				`SELECT post, changed_at FROM posts WHERE draft = 0 AND published_at <= ?1 ${termFilter}
				 ORDER BY published_at DESC, id LIMIT ?2`,
			)
			.bind(nowIso, options.limit, ...(options.term ? [options.term] : []));
		const [rows, changed] = await this.db.batch<{ post?: string; changed_at?: string; value?: string }>([
			query,
			this.db.prepare("SELECT value FROM catalog_facts WHERE name = 'catalog_changed_at'"),
		]);
		const posts = rows!.results.map((row) => JSON.parse(row.post!) as Post);
		const candidates = [changed!.results[0]?.value ?? "1970-01-01T00:00:00.000Z"];
		// A future-dated post appears without any catalog write: its publication time is a change too.
		for (const post of posts) candidates.push(post.published, post.updated);
		return { posts, changedAt: candidates.reduce((a, b) => (a > b ? a : b)) };
	}

	async visiblePostBySlug(slug: string, now: Date): Promise<Post | undefined> {
		const row = await this.db
			.prepare("SELECT post FROM posts WHERE slug = ?1 AND draft = 0 AND published_at <= ?2")
			.bind(slug, now.toISOString())
			.first<{ post: string }>();
		return row ? (JSON.parse(row.post) as Post) : undefined;
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
