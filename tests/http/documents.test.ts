import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { canonicalPath } from "../../src/feeds/document-paths";
import { Documents } from "../../src/storage/documents";
import { request, syncNow } from "../support/http";
import { fencedPost } from "../support/posts";
import { emptyCatalogAndBucket } from "../support/state";

beforeEach(() => emptyCatalogAndBucket());

const AWKWARD_TERMS = [
	{ term: "C++", requests: ["/tags/c%2B%2B/atom.xml", "/tags/C++/atom.xml", "/tags/c%2b%2b/atom.xml"], canonical: "/tags/c%2B%2B/atom.xml" },
	{ term: "a/b", requests: ["/tags/a%2Fb/rss.xml", "/tags/A%2fB/rss.xml"], canonical: "/tags/a%2Fb/rss.xml" },
	{ term: "two words", requests: ["/tags/two%20words/feed.json", "/tags/Two%20%20Words/feed.json"], canonical: "/tags/two%20words/feed.json" },
	// Precomposed (NFC) and decomposed (NFD) spellings of "été" are one term.
	{ term: "Été", requests: ["/tags/%C3%A9t%C3%A9/atom.xml", "/tags/e%CC%81te%CC%81/atom.xml", "/tags/%C3%89T%C3%89/atom.xml"], canonical: "/tags/%C3%A9t%C3%A9/atom.xml" },
];

describe("term feeds", () => {
	it.each(AWKWARD_TERMS)("serve $term under every spelling of its URL, with the canonical self link", async ({ term, requests, canonical }) => {
		await env.POSTS.put("awkward.md", fencedPost({ title: "Awkward terms", date: "2026-01-01", tags: [term] }));
		await env.POSTS.put("other.md", fencedPost({ title: "Unrelated", date: "2026-01-02", tags: ["other"] }));
		await syncNow();

		for (const path of requests) {
			const response = await request(path);
			const body = await response.text();
			expect(response.status, path).toBe(200);
			expect(body).toContain("Awkward terms");
			expect(body).not.toContain("Unrelated");
			expect(body.replaceAll("\\/", "/")).toContain(`http://127.0.0.1:8787${canonical}`);
		}
	});

	it("answers 404 for a term no visible post carries, after at most one index row", async () => {
		await env.POSTS.put("one.md", fencedPost({ title: "One", date: "2026-01-01", tags: ["db"] }));
		await syncNow();

		expect((await request("/tags/nobody-uses-this/atom.xml")).status).toBe(404);
		expect((await request("/tags/nobody-uses-this")).status).toBe(404);
		const lookup = await new Documents(env.DB).get(canonicalPath("/tags/nobody-uses-this/atom.xml")!);
		expect(lookup.document).toBeUndefined();
		expect(lookup.rowsRead).toBeLessThanOrEqual(1);
	});

	it.each([
		["a NUL", "/tags/a%00b/atom.xml"],
		["a control character", "/tags/a%0Ab/rss.xml"],
		["malformed percent-encoding", "/tags/%E0%A4%A/atom.xml"],
		["a 5,000-character term", `/tags/${"x".repeat(5_000)}/atom.xml`],
		["an unknown feed file", "/tags/db/feed.xml"],
	])("answers 404 for %s without any storage lookup", async (_name, path) => {
		await env.POSTS.put("one.md", fencedPost({ title: "One", date: "2026-01-01", tags: ["db"] }));
		await syncNow();
		expect(canonicalPath(path)).toBeUndefined();
		expect((await request(path)).status).toBe(404);
	});

	it("lists every term on /tags with its post count and feed links", async () => {
		await env.POSTS.put("one.md", fencedPost({ title: "One", date: "2026-01-01", tags: ["PostgreSQL", "c++"] }));
		await env.POSTS.put("two.md", fencedPost({ title: "Two", date: "2026-01-02", tags: ["postgresql"], categories: ["Ops"] }));
		await env.POSTS.put("draft.md", fencedPost({ title: "Draft", date: "2026-01-02", tags: ["secret"], draft: true }));
		await syncNow();

		const page = await (await request("/tags")).text();

		expect(page).toMatch(/<a href="http:\/\/127\.0\.0\.1:8787\/tags\/postgresql">PostgreSQL<\/a> \(2\)/);
		expect(page).toContain('href="http://127.0.0.1:8787/tags/c%2B%2B/atom.xml"');
		expect(page).toMatch(/Ops<\/a> \(1\)/);
		expect(page).not.toContain("secret");
	});

	it("advertises the term's own feeds first on the term's page", async () => {
		await env.POSTS.put("one.md", fencedPost({ title: "One", date: "2026-01-01", tags: ["db"] }));
		await syncNow();
		const page = await (await request("/tags/db")).text();
		const alternates = [...page.matchAll(/<link rel="alternate" type="application\/atom\+xml"[^>]*href="([^"]+)"/g)].map((match) => match[1]);
		expect(alternates).toEqual(["http://127.0.0.1:8787/tags/db/atom.xml", "http://127.0.0.1:8787/atom.xml"]);
	});
});

describe("serving", () => {
	it("answers HEAD and 304 from the stored validators, with the same headers as a 200", async () => {
		await env.POSTS.put("one.md", fencedPost({ title: "One", date: "2026-01-01", tags: ["db"] }));
		await syncNow();
		for (const path of ["/atom.xml", "/tags/db/rss.xml", "/posts/one", "/"]) {
			const full = await request(path);
			const head = await request(path, { method: "HEAD" });
			const byEtag = await request(path, { headers: { "If-None-Match": full.headers.get("ETag")! } });
			const byDate = await request(path, { headers: { "If-Modified-Since": full.headers.get("Last-Modified")! } });
			expect(await head.text()).toBe("");
			for (const response of [head, byEtag, byDate]) {
				for (const header of ["Content-Type", "ETag", "Last-Modified", "Cache-Control"]) {
					expect(response.headers.get(header), `${path} ${header}`).toBe(full.headers.get(header));
				}
			}
			expect([head.status, byEtag.status, byDate.status]).toEqual([200, 304, 304]);
		}
	});

	it("never reads the bucket on a request", async () => {
		await env.POSTS.put("one.md", fencedPost({ title: "One", date: "2026-01-01" }));
		await syncNow();
		// The bucket is emptied behind the catalog's back: every document is still served as published.
		await env.POSTS.delete("one.md");
		expect(await (await request("/atom.xml")).text()).toContain("One");
		expect((await request("/posts/one")).status).toBe(200);
	});
});
