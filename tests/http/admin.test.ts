import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
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
		expect(status.catalog).toEqual({ posts: 1, broken: 1 });
		expect(status.brokenPosts).toEqual([expect.objectContaining({ key: "bad.md", reason: expect.stringContaining("date") })]);
	});

	it("runs a sync on POST /api/sync", async () => {
		await env.POSTS.put("good.md", fencedPost({ title: "Good", date: "2026-01-01" }));
		const response = await admin("/api/sync", { method: "POST" });
		expect(response.status).toBe(200);
		expect(await response.json()).toMatchObject({ sync: { status: "succeeded", posts: 1 } });
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
