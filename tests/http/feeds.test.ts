import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { fencedPost, headerBlockPost } from "../support/posts";
import { request, syncNow } from "../support/http";
import { emptyCatalogAndBucket } from "../support/state";

beforeEach(() => emptyCatalogAndBucket());

async function seedTwoPosts() {
	await env.POSTS.put("one.md", fencedPost({ title: "One <&> ]]> done", date: "2026-01-01", tags: ["db"] }, "Body of [one](/about)."));
	await env.POSTS.put("two.txt", headerBlockPost({ title: "Two", date: "2026-01-02 08:00:00", categories: ["ops"] }));
	await syncNow();
}

const FEEDS = [
	{ path: "/rss.xml", type: "application/rss+xml; charset=utf-8", self: 'href="http://127.0.0.1:8787/rss.xml"' },
	{ path: "/atom.xml", type: "application/atom+xml; charset=utf-8", self: 'href="http://127.0.0.1:8787/atom.xml"' },
	{ path: "/feed.json", type: "application/feed+json; charset=utf-8", self: '"feed_url":"http://127.0.0.1:8787/feed.json"' },
];

describe("feed routes", () => {
	it.each(FEEDS)("serves $path with its media type, its own self link and a cache policy", async ({ path, type, self }) => {
		await seedTwoPosts();

		const response = await request(path);
		const body = await response.text();

		expect(response.status).toBe(200);
		expect(response.headers.get("Content-Type")).toBe(type);
		expect(response.headers.get("Cache-Control")).toMatch(/max-age=\d+/);
		expect(body.replaceAll(/\s+/g, "").replaceAll("\\/", "/")).toContain(self.replaceAll(/\s+/g, ""));
		expect(body).toContain("Two");
	});

	it.each(FEEDS)("answers 304 to $path for a matching If-None-Match or If-Modified-Since", async ({ path }) => {
		await seedTwoPosts();
		const first = await request(path);
		const etag = first.headers.get("ETag")!;
		const lastModified = first.headers.get("Last-Modified")!;
		expect(etag).toMatch(/^"[^"]+"$/);

		const byEtag = await request(path, { headers: { "If-None-Match": etag } });
		const byDate = await request(path, { headers: { "If-Modified-Since": lastModified } });
		const stale = await request(path, { headers: { "If-None-Match": '"something-else"' } });

		expect(byEtag.status).toBe(304);
		expect(byEtag.headers.get("ETag")).toBe(etag);
		expect(await byEtag.text()).toBe("");
		expect(byDate.status).toBe(304);
		expect(stale.status).toBe(200);
	});

	it("renders the same bytes on every request for the same catalog", async () => {
		await seedTwoPosts();
		const [a, b] = await Promise.all([request("/atom.xml"), request("/atom.xml")]);
		expect(await a.text()).toBe(await b.text());
		expect(a.headers.get("ETag")).toBe(b.headers.get("ETag"));
	});

	it("changes ETag and Last-Modified together when a post changes", async () => {
		await seedTwoPosts();
		const before = await request("/rss.xml");
		await new Promise((resolve) => setTimeout(resolve, 1100));
		await env.POSTS.put("two.txt", headerBlockPost({ title: "Two, edited", date: "2026-01-02 08:00:00" }));
		await syncNow();

		const after = await request("/rss.xml");

		expect(after.headers.get("ETag")).not.toBe(before.headers.get("ETag"));
		expect(after.headers.get("Last-Modified")).not.toBe(before.headers.get("Last-Modified"));
		const conditional = await request("/rss.xml", { headers: { "If-Modified-Since": before.headers.get("Last-Modified")! } });
		expect(conditional.status).toBe(200);
	});

	it("answers HEAD with the headers and no body", async () => {
		await seedTwoPosts();
		const response = await request("/atom.xml", { method: "HEAD" });
		expect(response.status).toBe(200);
		expect(response.headers.get("ETag")).toBeTruthy();
		expect(await response.text()).toBe("");
	});

	it("serves a feed per tag or category with its own self link", async () => {
		await seedTwoPosts();
		const response = await request("/tags/db/atom.xml");
		const body = await response.text();
		expect(body).toContain('href="http://127.0.0.1:8787/tags/db/atom.xml"');
		expect(body).toContain("One");
		expect(body).not.toContain("<title>Two</title>");
	});
});

describe("pages", () => {
	it("lists posts on / with autodiscovery links for all three feeds, and every entry link resolves", async () => {
		await seedTwoPosts();
		const home = await (await request("/")).text();
		for (const type of ["application/rss+xml", "application/atom+xml", "application/feed+json"]) {
			expect(home).toContain(`<link rel="alternate" type="${type}"`);
		}
		const feed = (await (await request("/feed.json")).json()) as { items: { url: string }[] };
		expect(feed.items).toHaveLength(2);
		for (const item of feed.items) {
			const page = await request(new URL(item.url).pathname);
			expect(page.status).toBe(200);
			expect(await page.text()).toContain('rel="alternate" type="application/atom+xml"');
		}
	});

	it("answers 404 for an unknown slug", async () => {
		expect((await request("/posts/nothing-here")).status).toBe(404);
	});
});
