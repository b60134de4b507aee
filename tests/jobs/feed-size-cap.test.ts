import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { ATOM, childrenNamed, parseXml, type XmlNode } from "../feeds/xml";
import { walkJsonFeed } from "../support/feed-walk";
import { request } from "../support/http";
import { fencedPost } from "../support/posts";
import { emptyCatalogAndBucket, syncHarness } from "../support/state";

beforeEach(() => emptyCatalogAndBucket());

const MAX_BYTES = 1_000_000;
const POSTS = 500;
const SITE = { itemCount: 500, feedMaxBytes: MAX_BYTES };

/** About 11 KB of HTML per post: 500 of them make feeds of over 5 MB without the cap. */
function longBody(n: number): string {
	return Array.from({ length: 20 }, (_, index) => `Paragraph ${index} of post ${n}: ${"replication lag budget ".repeat(22)}\n`).join("\n");
}

/** 500 long posts; with `longSummaries`, 2 KB summaries too, so the summaries alone are over 1 MB. */
async function putLongPosts(h: ReturnType<typeof syncHarness>, longSummaries: boolean) {
	const writes: Promise<unknown>[] = [];
	for (let n = 1; n <= POSTS; n += 1) {
		const date = new Date(Date.UTC(2025, 0, 1) + n * 3_600_000).toISOString();
		const summary = longSummaries ? `Summary of post ${n}. ${"A long abstract. ".repeat(120)}` : undefined;
		writes.push(h.put(`long-${n}.md`, fencedPost({ title: `Long ${n}`, slug: `long-${n}`, date, tags: ["long"], author: "Ada Lovelace", summary }, longBody(n))));
	}
	await Promise.all(writes);
}

async function expectEveryFeedUnderTheCap() {
	const feeds = await env.DB.prepare(
		"SELECT path, length(CAST(body AS BLOB)) AS bytes FROM documents WHERE content_type NOT LIKE 'text/html%' AND path != '/feeds.opml'",
	).all<{ path: string; bytes: number }>();
	expect(feeds.results.length).toBeGreaterThanOrEqual(9);
	for (const feed of feeds.results) expect(feed.bytes, feed.path).toBeLessThanOrEqual(MAX_BYTES);
}

async function atomEntries(path: string): Promise<XmlNode[]> {
	return childrenNamed(parseXml(await (await request(path)).text()), ATOM, "entry");
}
const hasContent = (entry: XmlNode) => childrenNamed(entry, ATOM, "content").length === 1;
const titleOf = (entry: XmlNode) => entry.children.find((child) => child.local === "title")!.text;

describe("FEED_MAX_BYTES with FEED_ITEM_COUNT=500 and long posts", () => {
	it("first takes the full content off older entries, which keep their summary", async () => {
		const h = syncHarness({ site: SITE });
		await putLongPosts(h, false);
		const run = await h.sync();
		expect(run.publish).toMatchObject({ status: "published", failures: [], remaining: 0 });
		await expectEveryFeedUnderTheCap();

		const entries = await atomEntries("/atom.xml");
		expect(entries).toHaveLength(POSTS);
		const withContent = entries.filter(hasContent);
		expect(withContent.length).toBeGreaterThan(0);
		expect(withContent.length).toBeLessThan(POSTS);
		// The newest keep their content; every one keeps its summary.
		expect(entries.slice(0, withContent.length).every(hasContent)).toBe(true);
		expect(titleOf(entries[0]!)).toBe(`Long ${POSTS}`);
		for (const entry of entries) expect(childrenNamed(entry, ATOM, "summary")).toHaveLength(1);
	}, 120_000);

	it("then moves entries into the archives, where a reader still finds every post once; term and author feeds stay under it too", async () => {
		const h = syncHarness({ site: SITE });
		await putLongPosts(h, true);
		const run = await h.sync();
		expect(run.publish).toMatchObject({ status: "published", failures: [], remaining: 0 });
		await expectEveryFeedUnderTheCap();

		const entries = await atomEntries("/atom.xml");
		expect(entries.length).toBeGreaterThan(0);
		expect(entries.length).toBeLessThan(POSTS);
		const json = (await (await request("/feed.json")).json()) as { items: unknown[] };
		expect(json.items).toHaveLength(entries.length);
		const seen = await walkJsonFeed();
		expect(seen).toHaveLength(POSTS);
		expect(new Set(seen).size).toBe(POSTS);

		for (const path of ["/tags/long/atom.xml", "/authors/ada%20lovelace/rss.xml"]) {
			const response = await request(path);
			expect(response.status, path).toBe(200);
			expect(new TextEncoder().encode(await response.text()).length).toBeLessThanOrEqual(MAX_BYTES);
		}
	}, 120_000);
});
