/**
 * Every published document, not only the site feeds: the real clients read every tag and category feed
 * listed on /tags, and every HTML page (/tags, each term's page, each archive page) answers as HTML.
 */
import { describe, expect, inject, it } from "vitest";
import { lazy, request } from "./support/site";
import { feedparser, sfeed, xmllint } from "./support/tools";

const base = inject("e2eBaseUrl");

const termFeeds = lazy(async () => {
	const page = (await request(`${base}/tags`)).body;
	const feeds = [...page.matchAll(/href="([^"]+\/tags\/[^"/]+\/(?:rss\.xml|atom\.xml|feed\.json))"/g)].map((match) => match[1]!);
	return [...new Set(feeds)];
});

describe("every tag and category feed", () => {
	it("is listed on /tags, at least one per format", async () => {
		const feeds = await termFeeds();
		for (const file of ["rss.xml", "atom.xml", "feed.json"]) expect(feeds.some((url) => url.endsWith(`/${file}`)), file).toBe(true);
	});

	it("is well-formed XML (xmllint), parses in feedparser with bozo 0, and lists its entries in sfeed", async () => {
		for (const url of (await termFeeds()).filter((feed) => feed.endsWith(".xml"))) {
			const fetched = await request(url);
			expect(fetched.status, url).toBe(200);
			expect(xmllint(fetched.body).errors, url).toBe("");
			const d = feedparser(url);
			expect(d.bozo, `${url}: ${d.bozo_exception}`).toBe(0);
			expect(d.entries.length, url).toBeGreaterThan(0);
			expect(d.feed.links?.some((link) => link.rel === "self" && link.href === url), `${url} names itself`).toBe(true);
			expect(sfeed(fetched.body, base).length, url).toBe(d.entries.length);
		}
	});

	it("answers JSON Feed 1.1 with its own feed_url", async () => {
		for (const url of (await termFeeds()).filter((feed) => feed.endsWith(".json"))) {
			const fetched = await request(url);
			expect(fetched.headers.get("content-type"), url).toBe("application/feed+json; charset=utf-8");
			const feed = JSON.parse(fetched.body) as { version: string; feed_url: string; items: unknown[] };
			expect(feed.version).toBe("https://jsonfeed.org/version/1.1");
			expect(feed.feed_url).toBe(url);
			expect(feed.items.length).toBeGreaterThan(0);
		}
	});

	it("answers feedparser's conditional GET with 304", async () => {
		const [url] = (await termFeeds()).filter((feed) => feed.endsWith("atom.xml"));
		const first = feedparser(url!);
		const again = feedparser(url!, { etag: first.etag, modified: first.modified });
		expect(again.status).toBe(304);
	});
});

describe("HTML documents", () => {
	it("serves /tags, every term page and the first archive page as HTML with autodiscovery links", async () => {
		const termPages = [...new Set((await termFeeds()).map((url) => url.replace(/\/(rss\.xml|atom\.xml|feed\.json)$/, "")))];
		for (const url of [`${base}/tags`, `${base}/archive/1`, ...termPages]) {
			const fetched = await request(url);
			expect(fetched.status, url).toBe(200);
			expect(fetched.headers.get("content-type"), url).toBe("text/html; charset=utf-8");
			expect(fetched.body, url).toContain('rel="alternate" type="application/atom+xml"');
		}
	});

	it("answers 404 for an unknown term", async () => {
		expect((await request(`${base}/tags/no-post-has-this-term/atom.xml`)).status).toBe(404);
	});
});
