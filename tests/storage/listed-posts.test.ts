import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { ARCHIVE_PAGE_SIZE } from "../../src/feeds/publication";
import { Catalog } from "../../src/storage/catalog";
import { LabelIndexes } from "../../src/storage/post-index";
import { request, syncNow } from "../support/http";
import { fencedPost } from "../support/posts";
import { emptyCatalogAndBucket } from "../support/state";

beforeEach(() => emptyCatalogAndBucket());

/** `count` posts tagged "db", one a day, each with a body that names it. */
async function taggedPosts(count: number): Promise<void> {
	for (let day = 1; day <= count; day++) {
		const date = `2026-01-${String(day).padStart(2, "0")}`;
		await env.POSTS.put(`db-${day}.md`, fencedPost({ title: `Post ${day}`, date, tags: ["db"] }, `Body of post ${day}.\n`));
	}
	await syncNow();
}

describe("posts read for a list", () => {
	it("come without their content past the ones a label's feeds show, newest first", async () => {
		await taggedPosts(12);
		const { posts, listed } = await new LabelIndexes(env.DB).termPosts("db", { now: new Date("2026-06-01T00:00:00Z"), limit: 10, withContent: 4 });

		expect(listed.map((post) => post.title)).toEqual(["Post 12", "Post 11", "Post 10", "Post 9", "Post 8", "Post 7", "Post 6", "Post 5", "Post 4", "Post 3"]);
		expect(posts.map((post) => post.title)).toEqual(["Post 12", "Post 11", "Post 10", "Post 9"]);
		expect(posts.map((post) => post.contentHtml)).toEqual([12, 11, 10, 9].map((day) => `<p>Body of post ${day}.</p>\n`));
		expect(listed.slice(4).some((post) => "contentHtml" in post)).toBe(false);
		expect(listed.slice(4).every((post) => post.summary === `Body of post ${post.title.slice(5)}.`)).toBe(true);
	});

	it("for the home page have everything but the content", async () => {
		await taggedPosts(3);
		const catalog = new Catalog(env.DB, ARCHIVE_PAGE_SIZE, 20);
		const now = new Date("2026-06-01T00:00:00Z");
		const full = await catalog.visiblePosts({ now, limit: 10 });
		const listed = await catalog.listedPosts({ now, limit: 10 });

		expect(listed).toEqual(full.map(({ contentHtml: _content, ...rest }) => rest));
	});

	it("still fill a term's page beyond its feeds (FEED_ITEM_COUNT is 20 here)", async () => {
		await taggedPosts(25);
		const page = await (await request("/tags/db")).text();
		const feed = await (await request("/tags/db/feed.json")).json<{ items: { title: string; content_html: string }[] }>();

		for (let day = 1; day <= 25; day++) expect(page).toContain(`>Post ${day}</a>`);
		expect(feed.items).toHaveLength(20);
		expect(feed.items.every((item) => item.content_html === `<p>Body of ${item.title.toLowerCase()}.</p>\n`)).toBe(true);
	});
});
