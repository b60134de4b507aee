/**
 * The three feeds as real clients read them from the running dev server: feedparser (with its own HTTP
 * client), sfeed, xmllint, optionally newsboat, plus the element-level rules the W3C feed validator applies.
 */
import { describe, expect, inject, it } from "vitest";
import { readContent } from "./support/expected-posts";
import { FEEDS, lazy, request, site } from "./support/site";
import { feedStructure, feedparser, newsboatItemCounts, sfeed, toolStatus, xmllint } from "./support/tools";

const base = inject("e2eBaseUrl");
const visiblePosts = readContent(inject("e2eContentDir")).filter((post) => post.visible);
const expectedCount = Math.min(visiblePosts.length, site.itemCount);
const expectedTitles = visiblePosts.map((post) => post.title ?? post.key).sort();

/** RSS 2.0 <author>: "Email address of the author of the item", e.g. "lawyer@boyer.net (Lawyer Boyer)". */
const RSS_AUTHOR = /^[^\s@()]+@[^\s@()]+\.[^\s@()]+(\s+\(.+\))?$/;

const xmlFeeds = [
	{ ...FEEDS.rss, format: "rss", feedparserVersion: "rss20" },
	{ ...FEEDS.atom, format: "atom", feedparserVersion: "atom10" },
] as const;

describe.each(xmlFeeds)("$name at $path", (feed) => {
	const url = `${base}${feed.path}`;
	const fetched = lazy(() => request(url));
	const parsed = lazy(() => feedparser(url));
	const structure = lazy(async () => feedStructure((await fetched()).body));

	it(`answers GET with 200 and Content-Type: ${feed.contentType}`, async () => {
		const response = await fetched();
		expect(response.status).toBe(200);
		expect(response.headers.get("content-type")).toBe(feed.contentType);
	});

	it("answers HEAD with the same status and Content-Type and no body", async () => {
		const head = await request(url, { method: "HEAD" });
		expect(head.status).toBe(200);
		expect(head.headers.get("content-type")).toBe(feed.contentType);
		expect(head.body).toBe("");
	});

	it("is well-formed XML (xmllint --noout)", async () => {
		const result = xmllint((await fetched()).body);
		expect(result.errors).toBe("");
		expect(result.ok).toBe(true);
	});

	it(`parses cleanly in feedparser (bozo 0, ${feed.feedparserVersion}) with the site's title`, async () => {
		const d = await parsed();
		expect(d.bozo_exception).toBeNull();
		expect(d.bozo).toBe(0);
		expect(d.status).toBe(200);
		expect(d.version).toBe(feed.feedparserVersion);
		expect(d.feed.title).toBe(site.title);
	});

	it("has one entry per published post in content/ (no drafts, no future posts, at most FEED_ITEM_COUNT)", async () => {
		const d = await parsed();
		expect(expectedCount, "content/ should hold at least one published post for this suite to mean anything").toBeGreaterThan(0);
		expect(d.entries.map((entry) => entry.title).sort(), `expected ${expectedCount} of: ${expectedTitles.join(" | ")}`).toHaveLength(
			expectedCount,
		);
	});

	it("gives every entry an id, link, title and published date in feedparser", async () => {
		const d = await parsed();
		for (const entry of d.entries) {
			expect(entry, JSON.stringify(entry)).toMatchObject({
				id: expect.stringMatching(/\S/),
				link: expect.stringMatching(/^https?:\/\//),
				title: expect.stringMatching(/\S/),
				published: expect.stringMatching(/\S/),
			});
		}
		const ids = d.entries.map((entry) => entry.id);
		expect(new Set(ids).size, "entry ids are unique").toBe(ids.length);
	});

	if (feed.format === "atom") {
		it("gives every entry an updated date of its own (atom:updated)", async () => {
			for (const entry of (await parsed()).entries) expect(entry.updated, entry.id ?? "").toMatch(/\S/);
		});
	} else {
		// RSS 2.0 has no updated element; feedparser 6.0 answers entry.updated with pubDate (deprecated fallback).
		it("answers feedparser's entry.updated for every entry", async () => {
			for (const entry of (await parsed()).entries) expect(entry.updated_or_published, entry.id ?? "").toMatch(/\S/);
		});
	}

	it("lists every entry with a title and a link in sfeed", async () => {
		const items = sfeed((await fetched()).body, url);
		expect(items).toHaveLength(expectedCount);
		for (const item of items) {
			expect(item.title, JSON.stringify(item)).toMatch(/\S/);
			expect(item.link, JSON.stringify(item)).toMatch(/^https?:\/\//);
		}
	});

	it("answers feedparser's conditional GET (etag=, modified=) with 304", async () => {
		const first = await parsed();
		expect(first.etag ?? first.modified, "an ETag or Last-Modified to revalidate with").toBeTruthy();
		const again = feedparser(url, { etag: first.etag, modified: first.modified });
		expect(again.status).toBe(304);
		expect(again.entries).toHaveLength(0);
	});

	it("names the URL it was fetched from in atom:link rel=self", async () => {
		const { self_links } = await structure();
		expect(self_links.map((link) => link.href)).toEqual([url]);
	});

	if (feed.format === "rss") {
		it("has no name-only <author> (RSS 2.0 wants an e-mail address; names go in dc:creator)", async () => {
			for (const author of (await structure()).item_authors) expect(author).toMatch(RSS_AUTHOR);
		});
	} else {
		it("gives every category a term", async () => {
			for (const category of (await structure()).categories) expect(category.term, JSON.stringify(category)).toMatch(/\S/);
		});
	}
});

describe(`${FEEDS.json.name} at ${FEEDS.json.path}`, () => {
	const url = `${base}${FEEDS.json.path}`;
	const fetched = lazy(() => request(url));
	const document = lazy(async () => JSON.parse((await fetched()).body) as Record<string, unknown>);
	const items = lazy(async () => {
		const value = (await document()).items;
		expect(Array.isArray(value), "items is an array").toBe(true);
		return value as Record<string, unknown>[];
	});

	it(`answers GET with 200 and Content-Type: ${FEEDS.json.contentType}`, async () => {
		const response = await fetched();
		expect(response.status).toBe(200);
		expect(response.headers.get("content-type")).toBe(FEEDS.json.contentType);
	});

	it("answers HEAD with the same status and Content-Type and no body", async () => {
		const head = await request(url, { method: "HEAD" });
		expect(head.status).toBe(200);
		expect(head.headers.get("content-type")).toBe(FEEDS.json.contentType);
		expect(head.body).toBe("");
	});

	it("answers a conditional GET with its ETag or Last-Modified with 304", async () => {
		const first = await fetched();
		const etag = first.headers.get("etag");
		const lastModified = first.headers.get("last-modified");
		expect(etag ?? lastModified, "an ETag or Last-Modified to revalidate with").toBeTruthy();
		const headers: Record<string, string> = {};
		if (etag) headers["if-none-match"] = etag;
		if (lastModified) headers["if-modified-since"] = lastModified;
		const again = await request(url, { headers });
		expect(again.status).toBe(304);
		expect(again.body).toBe("");
	});

	it("follows JSON Feed 1.1 at the top level (version, title, home_page_url, feed_url, language)", async () => {
		const doc = await document();
		expect(doc.version).toBe("https://jsonfeed.org/version/1.1");
		expect(doc.title).toBe(site.title);
		expect(doc.home_page_url).toMatch(/^https?:\/\//);
		expect(doc.feed_url).toBe(url);
		expect(doc.language).toBe(site.language);
		expect(doc, "1.1 replaced author with authors").not.toHaveProperty("author");
		if ("authors" in doc) expectAuthors(doc.authors);
	});

	it("has one item per published post, each with an id, content and authors (not author)", async () => {
		const doc = await document();
		const list = await items();
		expect(list).toHaveLength(expectedCount);
		for (const item of list) {
			const label = String(item.id);
			expect(item.id, label).toEqual(expect.stringMatching(/\S/));
			expect(typeof item.content_html === "string" || typeof item.content_text === "string", `${label}: content_html or content_text`).toBe(true);
			expect(item.url, label).toEqual(expect.stringMatching(/^https?:\/\//));
			expect(item, `${label}: 1.1 replaced author with authors`).not.toHaveProperty("author");
			expect("authors" in item || "authors" in doc, `${label}: authors on the item or the feed`).toBe(true);
			if ("authors" in item) expectAuthors(item.authors);
		}
	});
});

describe("the three feeds together", () => {
	const rss = lazy(() => feedparser(`${base}${FEEDS.rss.path}`));
	const atom = lazy(() => feedparser(`${base}${FEEDS.atom.path}`));
	const json = lazy(async () => {
		const doc = JSON.parse((await request(`${base}${FEEDS.json.path}`)).body) as { items?: { id?: string; url?: string }[] };
		return doc.items ?? [];
	});

	it("give each post the same id and link in RSS, Atom and JSON Feed", async () => {
		const byId = (entries: { id: string | null | undefined; link: string | null | undefined }[]) =>
			entries.map((entry) => `${entry.id} ${entry.link}`).sort();
		const atomEntries = byId((await atom()).entries);
		expect(byId((await rss()).entries)).toEqual(atomEntries);
		expect(byId((await json()).map((item) => ({ id: item.id, link: item.url })))).toEqual(atomEntries);
	});

	it.skipIf(!toolStatus().newsboat)("are stored entry by entry by newsboat (-x reload, headless)", () => {
		for (const feed of [FEEDS.rss, FEEDS.atom]) {
			const url = `${base}${feed.path}`;
			const counts = newsboatItemCounts([url]);
			expect(counts.get(url) ?? 0, url).toBe(expectedCount);
		}
	});
});

function expectAuthors(value: unknown): void {
	expect(Array.isArray(value), "authors is an array").toBe(true);
	for (const author of value as Record<string, unknown>[]) {
		expect(["name", "url", "avatar"].some((key) => typeof author[key] === "string"), JSON.stringify(author)).toBe(true);
	}
}
