import { createExecutionContext, createScheduledController } from "cloudflare:test";
import { env } from "cloudflare:workers";
import worker from "../../src/index";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { fencedPost } from "../support/posts";
import { admin, request, syncNow } from "../support/http";
import { emptyCatalogAndBucket } from "../support/state";

beforeEach(() => emptyCatalogAndBucket());

describe("admin API", () => {
	it("shows the last sync and every broken post in /api/status", async () => {
		await env.POSTS.put("good.md", fencedPost({ title: "Good", date: "2026-01-01" }));
		await env.POSTS.put("bad.md", "---\ntitle: x\ndate: not a date\n---\n");
		await syncNow();

		const response = await admin("/api/status");
		const status = (await response.json()) as {
			lastSync: { status: string; objectsListed: number; objectsRead: number; posts: number; durationMs: number; finishedAt: string };
			brokenPosts: { key: string; reason: string }[];
			catalog: { posts: number; broken: number };
		};

		expect(response.status).toBe(200);
		expect(status.lastSync).toMatchObject({ status: "succeeded", objectsListed: 2, objectsRead: 2, posts: 1 });
		expect(status.lastSync.durationMs).toBeGreaterThanOrEqual(0);
		expect(status.catalog).toEqual({ posts: 1, broken: 1, media: 0 });
		expect(status.brokenPosts).toEqual([expect.objectContaining({ key: "bad.md", reason: expect.stringContaining("date") })]);
	});

	it("reports the D1 database's size against the plan's limit in /api/status", async () => {
		const empty = (await (await admin("/api/status")).json()) as { database: { plan: string; bytes: number; limitBytes: number; warning?: string } };
		// Random hex: 100 KB that compress no further than half, as the stored content is compressed.
		const weight = [...crypto.getRandomValues(new Uint8Array(50_000))].map((byte) => byte.toString(16).padStart(2, "0")).join("");
		await env.POSTS.put("good.md", fencedPost({ title: "Good", date: "2026-01-01" }, `${weight}\n`));
		await syncNow();
		const grown = (await (await admin("/api/status")).json()) as typeof empty;
		const free = (await (
			await worker.fetch(new Request("http://127.0.0.1:8787/api/status", { headers: { Authorization: "Bearer test-admin-token" } }), { ...env, PLAN: "free" } as Cloudflare.Env, createExecutionContext())
		).json()) as typeof empty;

		expect(empty.database).toMatchObject({ plan: "paid", limitBytes: 10_000_000_000 });
		expect(empty.database.bytes).toBeGreaterThan(0);
		expect(empty.database.warning).toBeUndefined();
		// The post's 100 KB are in its packed content at least (about 50 KB); with DOCUMENT_BODIES=d1 also in its page and the site feeds.
		expect(grown.database.bytes).toBeGreaterThan(empty.database.bytes + 40_000);
		expect(free.database).toMatchObject({ plan: "free", limitBytes: 500_000_000, bytes: grown.database.bytes });
	});

	it("runs a sync on POST /api/sync", async () => {
		await env.POSTS.put("good.md", fencedPost({ title: "Good", date: "2026-01-01" }));
		const response = await admin("/api/sync", { method: "POST" });
		expect(response.status).toBe(200);
		expect(await response.json()).toMatchObject({ sync: { status: "succeeded", posts: 1 } });
	});

	it("answers POST /api/sync with 409 and the skipped run while another sync holds the lease", async () => {
		await env.DB.prepare("INSERT INTO leases (name, holder, expires_at) VALUES ('sync', 'another-sync', ?1)").bind(Date.now() + 60_000).run();
		const response = await admin("/api/sync", { method: "POST" });
		await env.DB.prepare("DELETE FROM leases WHERE holder = 'another-sync'").run();
		const after = await admin("/api/sync", { method: "POST" });

		expect(response.status).toBe(409);
		expect(await response.json()).toMatchObject({ sync: { status: "skipped", error: "another sync is running" } });
		expect(after.status).toBe(200);
	});

	// RFC 6750 §3.1: a missing or wrong token is 401, a malformed Authorization header is 400 (invalid_request).
	it.each([
		["no token", {}, 401],
		["a wrong token", { Authorization: "Bearer nope" }, 401],
		["a malformed header", { Authorization: "Basic dXNlcjpwYXNz" }, 400],
	] as const)("refuses %s with a JSON error", async (_case, headers, status) => {
		const response = await request("/api/status", { headers });
		expect(response.status).toBe(status);
		expect(response.headers.get("WWW-Authenticate")).toMatch(/^Bearer/);
		expect(await response.json()).toMatchObject({ error: "unauthorized" });
	});

	it("answers an unknown route with a JSON 404", async () => {
		const response = await request("/nope");
		expect(response.status).toBe(404);
		expect(await response.json()).toMatchObject({ error: "not_found" });
	});
});

describe("misconfiguration", () => {
	const call = (path: string, overrides: Partial<Cloudflare.Env>, headers: Record<string, string> = {}) =>
		worker.fetch(new Request(`http://127.0.0.1:8787${path}`, { method: path === "/api/sync" ? "POST" : "GET", headers }), { ...env, ...overrides } as Cloudflare.Env, createExecutionContext());
	const asAdmin = { Authorization: "Bearer test-admin-token" };
	const BAD_STORAGE: [string, Partial<Cloudflare.Env>, RegExp][] = [
		["a bad endpoint URL", { S3_ENDPOINT: "not a url", S3_BUCKET: "b", S3_ACCESS_KEY_ID: "k", S3_SECRET_ACCESS_KEY: "s" }, /S3_ENDPOINT must be an absolute http\(s\) URL/],
		["a missing bucket", { S3_ENDPOINT: "https://s3.example", S3_ACCESS_KEY_ID: "k", S3_SECRET_ACCESS_KEY: "s" }, /S3_BUCKET is required/],
		["missing credentials", { S3_ENDPOINT: "https://s3.example", S3_BUCKET: "b" }, /S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY are required/],
	];

	it.each(BAD_STORAGE)("reports %s in the sync and /api/status, and keeps serving feeds", async (_case, overrides, problem) => {
		await env.POSTS.put("good.md", fencedPost({ title: "Good", date: "2026-01-01" }));
		await syncNow();

		const sync = await call("/api/sync", overrides, asAdmin);
		const status = (await (await call("/api/status", overrides, asAdmin)).json()) as { storage: { backend: string; problems: string[] }; lastSync: { status: string; error: string } };
		const feed = await call("/rss.xml", overrides);

		expect(sync.status).toBe(502);
		expect(status.storage.backend).toBe("invalid");
		expect(status.storage.problems.join("; ")).toMatch(problem);
		expect(status.lastSync).toMatchObject({ status: "failed", error: expect.stringMatching(problem) });
		expect(feed.status).toBe(200);
		expect(await feed.text()).toContain("Good");
	});

	it.each([
		["a bad scheme", "s3://AKIAUSERINFO:wJalr-userinfo-secret@s3.example.com"],
		["a missing colon", "https//AKIAUSERINFO:wJalr-userinfo-secret@s3.example.com"],
		["a password with an @", "s3://AKIAUSERINFO:wJalr-userinfo@secret@s3.example.com"],
	])("never echoes the credentials an S3_ENDPOINT with %s carries: not in the sync, /api/status or the logs", async (_case, endpoint) => {
		const logged: unknown[] = [];
		for (const level of ["log", "warn", "error"] as const) vi.spyOn(console, level).mockImplementation((...args) => void logged.push(args));
		const overrides = { S3_ENDPOINT: endpoint, S3_BUCKET: "b", S3_ACCESS_KEY_ID: "k", S3_SECRET_ACCESS_KEY: "s" };

		const sync = await (await call("/api/sync", overrides, asAdmin)).json();
		const status = (await (await call("/api/status", overrides, asAdmin)).json()) as { lastSync: { status: string; error: string } };
		await worker.scheduled(createScheduledController({ cron: "*/5 * * * *" }), { ...env, ...overrides } as Cloudflare.Env);
		vi.restoreAllMocks();

		expect(status.lastSync).toMatchObject({ status: "failed", error: expect.stringContaining("S3") });
		const everything = JSON.stringify([sync, status, logged]);
		expect(everything).not.toContain("AKIAUSERINFO");
		expect(everything).not.toMatch(/userinfo|secret@/);
	});

	it("never echoes the credentials a SITE_URL carries in the 500 or the log", async () => {
		const logged: unknown[] = [];
		vi.spyOn(console, "error").mockImplementation((...args) => void logged.push(args));
		const response = await call("/rss.xml", { SITE_URL: "ftp://editor:wJalr-userinfo-secret@blog.example" });
		const body = await response.json();
		vi.restoreAllMocks();

		expect(response.status).toBe(500);
		expect(JSON.stringify(body)).toContain("SITE_URL must be an absolute http(s) URL");
		expect(JSON.stringify([body, logged])).not.toMatch(/editor|userinfo/);
	});

	it("answers a site misconfiguration with a clear JSON 500 that names the setting, never a stack", async () => {
		const response = await call("/rss.xml", { SITE_URL: "blog.example", SITE_TIME_ZONE: "Mars/Olympus" });
		const body = (await response.json()) as { error: string; problems: string[] };
		expect(response.status).toBe(500);
		expect(body.error).toBe("misconfigured");
		expect(body.problems).toEqual([expect.stringContaining("SITE_URL"), expect.stringContaining("SITE_TIME_ZONE")]);
		expect(JSON.stringify(body)).not.toMatch(/\n\s+at |\.ts:\d+/);
	});
});
