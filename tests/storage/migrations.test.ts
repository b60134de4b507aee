/// <reference types="vite/client" />
import { applyD1Migrations } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import landedChecksums from "./fixtures/landed-migrations.sha256?raw";

/** Every migration file as it is in the repository now, by file name. */
const migrationFiles = Object.fromEntries(
	Object.entries(import.meta.glob<string>("../../migrations/*.sql", { query: "?raw", import: "default", eager: true })).map(([file, text]) => [
		file.split("/").pop()!,
		text,
	]),
);

/** The schema as sqlite_master holds it, without comments, quoting and layout, and without D1's own tables. */
async function schemaOf(db: D1Database): Promise<string[]> {
	const rows = await db
		.prepare(
			`SELECT type, name, tbl_name, sql FROM sqlite_master
			 WHERE name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' AND name != 'd1_migrations' ORDER BY type, name`,
		)
		.all<{ type: string; name: string; tbl_name: string; sql: string | null }>();
	return rows.results.map((row) => {
		const sql = (row.sql ?? "")
			.replace(/--[^\n]*/g, " ")
			.replace(/"/g, "")
			.replace(/\s+/g, " ")
			.replace(/\s*([(),])\s*/g, "$1")
			.trim();
		return `${row.type} ${row.name} on ${row.tbl_name}: ${sql}`;
	});
}

/** Empties UPGRADE_DB, so each release's upgrade starts from nothing. */
async function emptyUpgradeDb(): Promise<void> {
	const tables = await env.UPGRADE_DB.prepare(
		"SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%'",
	).all<{ name: string }>();
	// Deferred, so dropping a table that others reference is checked only once all are gone.
	await env.UPGRADE_DB.batch([
		env.UPGRADE_DB.prepare("PRAGMA defer_foreign_keys = on"),
		...tables.results.map((table) => env.UPGRADE_DB.prepare(`DROP TABLE "${table.name}"`)),
	]);
}

const releases = Object.keys(env.HISTORIC_MIGRATIONS);

/** A posts row as every schema since the first release takes it; its id is `id-` and the key. */
const post = (key: string, draft = 0) =>
	env.UPGRADE_DB.prepare(
		`INSERT INTO posts (key, etag, id, slug, published_at, updated_at, draft, post, changed_at)
		 VALUES (?1, 'e', 'id-' || ?1, ?1, '2026-05-01T00:00:00Z', '2026-05-01T00:00:00Z', ?2, '{}', '2026-05-01T00:00:00Z')`,
	).bind(key, draft);

beforeEach(() => emptyUpgradeDb());

describe("upgrading a database migrated by an earlier release", () => {
	it("has fixtures for the first release", () => {
		expect(releases).toContain("a48030a-first-release");
	});

	it.each(releases)("ends, after the %s migrations and then today's, with the schema of a database migrated from scratch", async (release) => {
		await applyD1Migrations(env.UPGRADE_DB, env.HISTORIC_MIGRATIONS[release]!);
		await applyD1Migrations(env.UPGRADE_DB, env.TEST_MIGRATIONS);

		expect(await schemaOf(env.UPGRADE_DB)).toEqual(await schemaOf(env.DB));
	});

	it("keeps sync history and messages, takes a past succeeded sync as the completed baseline, and refuses 'sending'", async () => {
		await applyD1Migrations(env.UPGRADE_DB, env.HISTORIC_MIGRATIONS["a48030a-first-release"]!);
		await env.UPGRADE_DB.batch([
			env.UPGRADE_DB.prepare(
				"INSERT INTO sync_runs (id, trigger, started_at, finished_at, status, posts) VALUES ('r1', 'cron', '2026-11-01T00:00:00Z', '2026-11-01T00:00:02Z', 'succeeded', 3)",
			),
			env.UPGRADE_DB.prepare("INSERT INTO events (id, type, post_id, payload, created_at) VALUES ('evt_1', 'post.published', 'p1', '{}', '2026-11-01T00:00:02Z')"),
			env.UPGRADE_DB.prepare(
				`INSERT INTO messages (id, event_id, subscription_id, status, attempts, enqueued_at, created_at, updated_at)
				 VALUES ('msg_1', 'evt_1', 'sub_1', 'sending', 1, '2026-11-01T00:00:02Z', '2026-11-01T00:00:02Z', '2026-11-01T00:00:03Z')`,
			),
		]);

		await applyD1Migrations(env.UPGRADE_DB, env.TEST_MIGRATIONS);

		expect(await env.UPGRADE_DB.prepare("SELECT id, status, posts, remaining FROM sync_runs").all()).toMatchObject({
			results: [{ id: "r1", status: "succeeded", posts: 3, remaining: 0 }],
		});
		expect(await env.UPGRADE_DB.prepare("SELECT id, status, attempts FROM messages").all()).toMatchObject({
			results: [{ id: "msg_1", status: "pending", attempts: 1 }],
		});
		expect(await env.UPGRADE_DB.prepare("SELECT value FROM catalog_facts WHERE name = 'first_caught_up_at'").first()).toEqual({
			value: "2026-11-01T00:00:02Z",
		});
		await expect(env.UPGRADE_DB.prepare("UPDATE messages SET status = 'sending'").run()).rejects.toThrow(/CHECK constraint failed/);
	});

	it("takes a past post event as the completed baseline when the outage already pruned every succeeded run", async () => {
		await applyD1Migrations(env.UPGRADE_DB, env.HISTORIC_MIGRATIONS["a48030a-first-release"]!);
		await env.UPGRADE_DB.batch([
			env.UPGRADE_DB.prepare("INSERT INTO sync_runs (id, trigger, started_at, status) VALUES ('r1', 'cron', '2026-11-05T00:00:00Z', 'failed')"),
			env.UPGRADE_DB.prepare("INSERT INTO events (id, type, post_id, payload, created_at) VALUES ('evt_0', 'ping', NULL, '{}', '2026-10-30T00:00:00Z')"),
			env.UPGRADE_DB.prepare("INSERT INTO events (id, type, post_id, payload, created_at) VALUES ('evt_1', 'post.updated', 'p1', '{}', '2026-11-01T00:00:00Z')"),
		]);

		await applyD1Migrations(env.UPGRADE_DB, env.TEST_MIGRATIONS);

		expect(await env.UPGRADE_DB.prepare("SELECT value FROM catalog_facts WHERE name = 'first_caught_up_at'").first()).toEqual({
			value: "2026-11-01T00:00:00Z",
		});
	});

	it("makes every non-draft post without an archive place a sequence candidate, so the next publish places it", async () => {
		await applyD1Migrations(env.UPGRADE_DB, env.TEST_MIGRATIONS.filter((migration) => migration.name < "0011"));
		await env.UPGRADE_DB.batch([
			post("placed", 0),
			post("unplaced", 0),
			post("also-unplaced", 0),
			post("draft", 1),
			env.UPGRADE_DB.prepare("INSERT INTO post_sequence (post_id, seq) VALUES ('id-placed', 1)"),
		]);

		await applyD1Migrations(env.UPGRADE_DB, env.TEST_MIGRATIONS);

		expect(await env.UPGRADE_DB.prepare("SELECT post_id FROM sequence_candidates ORDER BY post_id").all()).toMatchObject({
			results: [{ post_id: "id-also-unplaced" }, { post_id: "id-unplaced" }],
		});
	});

	it("counts the posts and broken objects already there, and keeps counting through inserts and deletes", async () => {
		await applyD1Migrations(env.UPGRADE_DB, env.TEST_MIGRATIONS.filter((migration) => migration.name < "0012"));
		const broken = (key: string) => env.UPGRADE_DB.prepare("INSERT INTO broken_objects (key, etag, reason, seen_at) VALUES (?1, 'e', 'bad', '2026-05-01T00:00:00Z')").bind(key);
		await env.UPGRADE_DB.batch([post("a"), post("b"), post("c"), broken("x")]);

		await applyD1Migrations(env.UPGRADE_DB, env.TEST_MIGRATIONS);
		const counts = () => env.UPGRADE_DB.prepare("SELECT posts, broken FROM catalog_counts").all();
		expect(await counts()).toMatchObject({ results: [{ posts: 3, broken: 1 }] });

		await env.UPGRADE_DB.batch([post("d"), broken("y"), broken("z"), env.UPGRADE_DB.prepare("DELETE FROM posts WHERE key IN ('a', 'b')")]);
		expect(await counts()).toMatchObject({ results: [{ posts: 2, broken: 3 }] });
		// An INSERT OR IGNORE that ignores counts nothing.
		await env.UPGRADE_DB.prepare("INSERT OR IGNORE INTO broken_objects (key, etag, reason, seen_at) VALUES ('y', 'e', 'bad', 'now')").run();
		expect(await counts()).toMatchObject({ results: [{ posts: 2, broken: 3 }] });
	});

	it("makes every post and every announced post an announcement candidate, then marks only what commits touch", async () => {
		await applyD1Migrations(env.UPGRADE_DB, env.TEST_MIGRATIONS.filter((migration) => migration.name < "0013"));
		await env.UPGRADE_DB.batch([
			post("a"),
			post("b"),
			env.UPGRADE_DB.prepare("INSERT INTO announcements (post_id, version, announced_at) VALUES ('id-gone', 'v', '2026-05-01T00:00:00Z')"),
		]);

		await applyD1Migrations(env.UPGRADE_DB, env.TEST_MIGRATIONS);
		const candidates = async () =>
			(await env.UPGRADE_DB.prepare("SELECT post_id FROM announcement_candidates ORDER BY post_id").all<{ post_id: string }>()).results.map((row) => row.post_id);
		expect(await candidates()).toEqual(["id-a", "id-b", "id-gone"]);
		expect(await env.UPGRADE_DB.prepare("SELECT checked_through FROM announce_clock").first()).toEqual({ checked_through: null });

		await env.UPGRADE_DB.prepare("DELETE FROM announcement_candidates").run();
		await env.UPGRADE_DB.batch([
			post("c"),
			env.UPGRADE_DB.prepare("DELETE FROM posts WHERE key = 'a'"),
			env.UPGRADE_DB.prepare("UPDATE posts SET etag = 'outdated:e'"),
		]);
		// The etag-only update (a full re-read is due) announces nothing.
		expect(await candidates()).toEqual(["id-a", "id-c"]);
		await env.UPGRADE_DB.prepare("UPDATE posts SET draft = 1 WHERE key = 'b'").run();
		expect(await candidates()).toEqual(["id-a", "id-b", "id-c"]);
	});

	it("keeps every label row and announcement when 0020 rebuilds their tables without rowids", async () => {
		await applyD1Migrations(env.UPGRADE_DB, env.TEST_MIGRATIONS.filter((migration) => migration.name < "0020"));
		const term = (key: string, kind: string, normalized: string, draft: number | null) =>
			env.UPGRADE_DB.prepare(
				"INSERT INTO post_terms (post_key, kind, term, normalized, draft, published_at, expires_at) VALUES (?1, ?2, upper(?3), ?3, ?4, '2026-05-01T00:00:00Z', NULL)",
			).bind(key, kind, normalized, draft);
		await env.UPGRADE_DB.batch([
			post("a"),
			post("b", 1),
			term("a", "tag", "db", 0),
			term("a", "category", "db", 0),
			term("b", "tag", "ops", 1),
			env.UPGRADE_DB.prepare("INSERT INTO post_authors (post_key, author, normalized, draft, published_at) VALUES ('a', 'Ines', 'ines', 0, '2026-05-01T00:00:00Z')"),
			env.UPGRADE_DB.prepare("INSERT INTO announcements (post_id, version, announced_at) VALUES ('id-a', 'v1', '2026-05-02T00:00:00Z')"),
		]);
		const rows = async () =>
			(
				await env.UPGRADE_DB.batch([
					env.UPGRADE_DB.prepare("SELECT post_key, kind, term, normalized, draft, published_at, expires_at FROM post_terms ORDER BY post_key, kind"),
					env.UPGRADE_DB.prepare("SELECT post_key, author, normalized, draft, published_at, expires_at FROM post_authors"),
					env.UPGRADE_DB.prepare("SELECT post_id, version, announced_at FROM announcements"),
				])
			).map((result) => result.results);
		const before = await rows();

		await applyD1Migrations(env.UPGRADE_DB, env.TEST_MIGRATIONS);

		expect(await rows()).toEqual(before);
		const tables = await env.UPGRADE_DB.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name IN ('post_terms', 'post_authors', 'announcements')").all<{ sql: string }>();
		expect(tables.results).toHaveLength(3);
		for (const table of tables.results) expect(table.sql).toMatch(/WITHOUT ROWID\s*$/);
		// The trigger for label rows from older code, remade without rowids: a row inserted without the columns takes its post's.
		await term("b", "category", "ops", null).run();
		expect(await env.UPGRADE_DB.prepare("SELECT draft, published_at FROM post_terms WHERE post_key = 'b' AND kind = 'category'").first()).toEqual({
			draft: 1,
			published_at: "2026-05-01T00:00:00Z",
		});
	});

	it("keeps a sync job's work and the archive order when 0021 rebuilds the work tables without rowids, and each insert then writes one row", async () => {
		await applyD1Migrations(env.UPGRADE_DB, env.TEST_MIGRATIONS.filter((migration) => migration.name < "0021"));
		const db = env.UPGRADE_DB;
		await db.batch([
			post("a"),
			db.prepare("INSERT INTO sync_listing (key, etag, size, media_type, last_modified) VALUES ('a', 'e2', 10, NULL, '2026-05-01T00:00:00Z'), ('m.png', 'e3', 5, 'image/png', NULL)"),
			db.prepare("INSERT INTO sync_gone (key) VALUES ('z')"),
			db.prepare(
				"INSERT INTO staged_objects (run_id, key, etag, id, slug, published_at, updated_at, draft, post, reason, terms, authors, content, fields) VALUES ('r1', 'a', 'e2', 'id-a', 'a', '2026-05-01T00:00:00Z', '2026-05-01T00:00:00Z', 0, '{}', NULL, '[]', '[]', 'c', unhex('00ff'))",
			),
			db.prepare("INSERT INTO sequence_candidates (post_id) VALUES ('id-b')"),
			db.prepare("INSERT INTO post_sequence (post_id, seq) VALUES ('id-a', 1)"),
			db.prepare("INSERT INTO post_aliases (path, post_key) VALUES ('/old/', 'a')"),
			db.prepare("INSERT INTO post_media (post_key, media_key) VALUES ('a', 'm.png')"),
		]);
		const tables = ["sync_listing", "sync_gone", "staged_objects", "sequence_candidates", "post_sequence", "post_aliases", "post_media"];
		const rows = async () => (await db.batch(tables.map((table) => db.prepare(`SELECT * FROM ${table} ORDER BY 1`)))).map((result) => result.results);
		const before = await rows();
		expect(before.every((result) => result.length > 0)).toBe(true);

		await applyD1Migrations(db, env.TEST_MIGRATIONS);

		expect(await rows()).toEqual(before);
		const schema = await db.prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name IN (${tables.map((table) => `'${table}'`).join(", ")})`).all<{ sql: string }>();
		expect(schema.results).toHaveLength(tables.length);
		for (const table of schema.results) expect(table.sql).toMatch(/WITHOUT ROWID\s*$/);
		// What D1 charges: one row for the table's one b-tree (two in a rowid table keyed by text), one more per other index.
		const written = async (sql: string) => (await db.prepare(sql).run()).meta.rows_written;
		expect(await written("INSERT INTO sync_listing (key, etag, size) VALUES ('b', 'e4', 1)")).toBe(1);
		expect(await written("INSERT INTO sequence_candidates (post_id) VALUES ('id-c')")).toBe(1);
		expect(await written("INSERT INTO post_sequence (post_id, seq) VALUES ('id-b', 2)")).toBe(2);
		expect(await written("INSERT INTO staged_objects (run_id, key, etag) VALUES ('r1', 'b', 'e4')")).toBe(1);
		await expect(db.prepare("INSERT INTO post_sequence (post_id, seq) VALUES ('id-c', 2)").run()).rejects.toThrow(/UNIQUE/);
	});

	it("keeps a partial run's remaining count from a release that had it", async () => {
		await applyD1Migrations(env.UPGRADE_DB, env.HISTORIC_MIGRATIONS["a1a0696-read-budget"]!);
		await env.UPGRADE_DB.prepare(
			"INSERT INTO sync_runs (id, trigger, started_at, status, remaining) VALUES ('r1', 'cron', '2026-11-01T00:00:00Z', 'partial', 42)",
		).run();

		await applyD1Migrations(env.UPGRADE_DB, env.TEST_MIGRATIONS);

		expect(await env.UPGRADE_DB.prepare("SELECT status, remaining FROM sync_runs").first()).toEqual({ status: "partial", remaining: 42 });
		// Only partial syncs so far: the catalog has never caught up, webhooks stay a baseline.
		expect(await env.UPGRADE_DB.prepare("SELECT count(*) AS n FROM catalog_facts WHERE name = 'first_caught_up_at'").first()).toEqual({ n: 0 });
	});
});

describe("landed migrations", () => {
	const landed = landedChecksums
		.split("\n")
		.filter((line) => line.trim() !== "")
		.map((line) => {
			const [sha256, name] = line.trim().split(/\s+/);
			return { sha256: sha256!, name: name! };
		});

	it("are never edited: each file still has the sha256 recorded when it landed", async () => {
		const actual = await Promise.all(
			landed.map(async ({ name }) => {
				const text = migrationFiles[name];
				return { name, sha256: text === undefined ? "missing" : await sha256(text) };
			}),
		);
		expect(actual, "migrations are append-only: add a new file instead of editing a landed one").toEqual(landed);
	});

	it("lists every migration file, new ones appended in order", () => {
		expect(Object.keys(migrationFiles).sort(), "append a new file's `sha256sum` line to tests/storage/fixtures/landed-migrations.sha256").toEqual(
			landed.map(({ name }) => name),
		);
	});
});

async function sha256(text: string): Promise<string> {
	const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
	return [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, "0")).join("");
}
