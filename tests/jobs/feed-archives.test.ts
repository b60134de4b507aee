import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { ATOM, childrenNamed, childNamed, parseXml } from "../feeds/xml";
import { walkJsonFeed } from "../support/feed-walk";
import { request } from "../support/http";
import { fencedPost } from "../support/posts";
import { emptyCatalogAndBucket, syncHarness } from "../support/state";

beforeEach(() => emptyCatalogAndBucket());

const FH = "http://purl.org/syndication/history/1.0";
/** Small pages so a dozen posts make several: 3 entries in the site feeds, 4 posts per archive page. */
const SMALL = { itemCount: 3, archivePageSize: 4 };

async function storedDocuments(): Promise<Map<string, { etag: string; body: string; cacheControl: string }>> {
	const rows = await env.DB.prepare("SELECT path, etag, body, cache_control FROM documents ORDER BY path").all<{ path: string; etag: string; body: string; cache_control: string }>();
	return new Map(rows.results.map((row) => [row.path, { etag: row.etag, body: row.body, cacheControl: row.cache_control }]));
}

/** Posts post-01 … post-nn, one a day, so the archive order is the date order. */
async function putPosts(h: ReturnType<typeof syncHarness>, from: number, to: number) {
	for (let n = from; n <= to; n += 1) {
		const number = String(n).padStart(2, "0");
		await h.put(`post-${number}.md`, fencedPost({ title: `Post ${number}`, slug: `post-${number}`, date: `2026-01-${number}`, tags: ["walk"] }));
	}
}

/** What a reader following RFC 5005 sees in Atom: from /atom.xml along prev-archive to the oldest page. */
async function walkAtom(): Promise<{ titles: string[]; documents: { path: string; archive: boolean; rels: Record<string, string> }[] }> {
	const titles: string[] = [];
	const documents: { path: string; archive: boolean; rels: Record<string, string> }[] = [];
	let next: string | undefined = "/atom.xml";
	while (next !== undefined) {
		const response = await request(next);
		expect(response.status, next).toBe(200);
		const feed = parseXml(await response.text());
		const rels = Object.fromEntries(childrenNamed(feed, ATOM, "link").map((link) => [link.attributes.rel!, new URL(link.attributes.href!).pathname]));
		documents.push({ path: next, archive: childrenNamed(feed, FH, "archive").length === 1, rels });
		for (const entry of childrenNamed(feed, ATOM, "entry")) titles.push(childNamed(entry, ATOM, "title").text);
		next = rels["prev-archive"];
		expect(documents.length).toBeLessThan(50);
	}
	return { titles, documents };
}

const titlesOf = (numbers: number[]) => numbers.map((n) => `Post ${String(n).padStart(2, "0")}`);
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, index) => to - index);

describe("feed archives (RFC 5005)", () => {
	it("walks from the subscription feed to the oldest archive page and meets every visible post exactly once, newest first", async () => {
		const h = syncHarness({ site: SMALL });
		await putPosts(h, 1, 13);
		await h.sync();

		const walk = await walkAtom();
		expect(walk.titles).toEqual(titlesOf(range(1, 13)));
		// 3 in the subscription feed, the other 10 on pages 3 (9-10), 2 (5-8) and 1 (1-4).
		expect(walk.documents.map((document) => document.path)).toEqual(["/atom.xml", "/archive/3/atom.xml", "/archive/2/atom.xml", "/archive/1/atom.xml"]);
		expect(walk.documents[0]).toMatchObject({ archive: false });
		expect(walk.documents[0]!.rels).not.toHaveProperty("current");
		for (const page of walk.documents.slice(1)) expect(page).toMatchObject({ archive: true, rels: { current: "/atom.xml", self: page.path } });
		expect(walk.documents[1]!.rels).not.toHaveProperty("next-archive");
		expect(walk.documents[2]!.rels["next-archive"]).toBe("/archive/3/atom.xml");
		expect(walk.documents[3]!.rels).not.toHaveProperty("prev-archive");
		expect(await walkJsonFeed()).toEqual(titlesOf(range(1, 13)));

		const rss = await (await request("/archive/2/rss.xml")).text();
		expect(rss).toContain('xmlns:fh="http://purl.org/syndication/history/1.0"');
		expect(rss).toContain("<fh:archive/>");
		expect(rss).toMatch(/<atom:link href="[^"]+\/archive\/1\/rss\.xml" rel="prev-archive"/);
	});

	it("keeps complete pages byte for byte when new posts arrive, serves them with a long cache, and still meets every post once", async () => {
		const h = syncHarness({ site: SMALL });
		await putPosts(h, 1, 13);
		await h.sync();
		const before = await storedDocuments();
		expect(before.get("/archive/1/atom.xml")!.cacheControl).toBe("public, max-age=86400");
		expect(before.get("/archive/3/atom.xml")!.cacheControl).toBe("public, max-age=120");
		expect((await request("/archive/2/rss.xml")).headers.get("cache-control")).toBe("public, max-age=86400");

		h.clock.now = new Date(h.clock.now.getTime() + 60_000);
		await putPosts(h, 14, 16);
		await h.sync();
		const after = await storedDocuments();

		for (const path of ["/archive/1/atom.xml", "/archive/1/rss.xml", "/archive/2/feed.json", "/archive/2/atom.xml"]) expect(after.get(path)).toEqual(before.get(path));
		expect((await walkAtom()).titles).toEqual(titlesOf(range(1, 16)));
		expect(after.get("/archive/3/atom.xml")!.cacheControl).toBe("public, max-age=86400");
	});

	it("re-renders only the archive page of an edited old post, and a deletion leaves a hole instead of shifting later pages", async () => {
		const h = syncHarness({ site: SMALL });
		await putPosts(h, 1, 13);
		await h.sync();
		const before = await storedDocuments();

		h.clock.now = new Date(h.clock.now.getTime() + 60_000);
		await h.put("post-02.md", fencedPost({ title: "Post 02, corrected", slug: "post-02", date: "2026-01-02", tags: ["walk"] }));
		await h.sync();
		const edited = await storedDocuments();
		const changedArchives = [...edited.keys()].filter((path) => path.startsWith("/archive/") && edited.get(path)!.etag !== before.get(path)?.etag);
		expect(changedArchives.sort()).toEqual(["/archive/1", "/archive/1/atom.xml", "/archive/1/feed.json", "/archive/1/rss.xml"]);
		for (const path of ["/atom.xml", "/rss.xml", "/feed.json"]) expect(edited.get(path)!.etag).toBe(before.get(path)!.etag);
		expect(edited.get("/archive/1/atom.xml")!.body).toContain("Post 02, corrected");

		h.clock.now = new Date(h.clock.now.getTime() + 60_000);
		await h.remove("post-06.md");
		await h.sync();
		const deleted = await storedDocuments();
		for (const path of ["/archive/1/atom.xml", "/archive/3/atom.xml"]) expect(deleted.get(path)!.etag).toBe(edited.get(path)!.etag);
		expect(deleted.get("/archive/2/atom.xml")!.body).not.toContain("Post 06");
		const expected = titlesOf(range(1, 13).filter((n) => n !== 6)).map((title) => (title === "Post 02" ? "Post 02, corrected" : title));
		expect((await walkAtom()).titles).toEqual(expected);
	});
});
