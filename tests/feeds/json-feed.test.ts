import { describe, expect, it } from "vitest";
import { type JsonFeedItem, renderJsonFeed } from "../../src/feeds";
import { buildAuthor, buildChannel, buildPost, FORBIDDEN_SAMPLE, FORBIDDEN_SAMPLE_CLEANED } from "./builders";

/** An item read back from the output: the fields the renderer promises, and whatever else it may have written. */
type ParsedItem = JsonFeedItem & { [field: string]: unknown };

interface ParsedFeed {
	[field: string]: unknown;
	items: ParsedItem[];
}

function parse(json: string): ParsedFeed {
	return JSON.parse(json) as ParsedFeed;
}

function onlyItem(json: string): ParsedItem {
	const { items } = parse(json);
	expect(items).toHaveLength(1);
	return items[0] as ParsedItem;
}

describe("renderJsonFeed", () => {
	it("emits JSON Feed 1.1 with authors and language and an id on every item", () => {
		const channel = buildChannel({ author: { name: "Pressroom Editors", url: "https://blog.example/about" } });
		const posts = [buildPost({ slug: "a", published: "2026-01-01T00:00:00Z" }), buildPost({ slug: "b", authors: [] })];

		const feed = parse(renderJsonFeed(channel, posts));

		expect(feed).toMatchObject({
			version: "https://jsonfeed.org/version/1.1",
			title: channel.title,
			description: channel.description,
			language: channel.language,
			authors: [{ name: "Pressroom Editors", url: "https://blog.example/about" }],
		});
		expect(feed).not.toHaveProperty("author");
		expect(feed.items.map((item) => item.id)).toEqual([posts[1]?.id, posts[0]?.id]);
	});

	it("gives JSON Feed its own feed_url and home_page_url", () => {
		const channel = buildChannel();

		const feed = parse(renderJsonFeed(channel, [buildPost()]));

		expect(feed.feed_url).toBe(channel.links.json);
		expect(feed.home_page_url).toBe(channel.links.html);
	});

	it("fills every item field from the post", () => {
		const post = buildPost({ image: "https://blog.example/images/lag.png", tags: ["wal"], categories: ["databases"] });

		const item = onlyItem(renderJsonFeed(buildChannel(), [post]));

		expect(item).toEqual({
			id: post.id,
			url: post.url,
			title: post.title,
			content_html: post.contentHtml,
			summary: post.summary,
			image: post.image,
			date_published: "2026-03-01T09:00:00Z",
			date_modified: "2026-03-02T10:30:00Z",
			authors: [{ name: "Ada Writer", url: "https://blog.example/about/ada" }],
			tags: ["wal", "databases"],
		});
	});

	it("keeps an entry's id when its slug changes", () => {
		const before = buildPost({ slug: "replication-lag" });
		const after = { ...before, slug: "why-replicas-lag", url: "https://blog.example/posts/why-replicas-lag" };

		expect(onlyItem(renderJsonFeed(buildChannel(), [before])).id).toBe(before.id);
		expect(onlyItem(renderJsonFeed(buildChannel(), [after]))).toMatchObject({ id: before.id, url: after.url });
	});

	it("uses ids and links exactly as given, without URL normalisation", () => {
		const post = buildPost({ id: "tag:Pressroom.Example,2026:posts/Café au lait", url: "https://blog.example/posts/café?a=1&b=2" });

		expect(onlyItem(renderJsonFeed(buildChannel(), [post]))).toMatchObject({ id: post.id, url: post.url });
	});

	it("merges tags and categories without repeats", () => {
		const post = buildPost({ tags: ["postgres", "shared", "postgres"], categories: ["databases", "shared"] });

		expect(onlyItem(renderJsonFeed(buildChannel(), [post])).tags).toEqual(["postgres", "shared", "databases"]);
	});

	it("renders the same bytes twice for the same posts, whatever their order", () => {
		const posts = [
			buildPost({ slug: "tie-b", published: "2026-01-01T00:00:00Z" }),
			buildPost({ slug: "old", published: "2025-01-01T00:00:00Z" }),
			buildPost({ slug: "tie-a", published: "2026-01-01T00:00:00Z" }),
		];

		const first = renderJsonFeed(buildChannel(), posts);

		expect(renderJsonFeed(buildChannel(), [...posts].reverse())).toBe(first);
		expect(parse(first).items.map((item) => item.id)).toEqual([posts[2]?.id, posts[0]?.id, posts[1]?.id]);
	});

	it("lets items without authors inherit the feed's and links an e-mail-only author with mailto:", () => {
		const withoutAuthors = buildPost({ slug: "none", published: "2026-04-01T00:00:00Z", authors: [] });
		const mailOnly = buildPost({ slug: "mail", authors: [buildAuthor({ name: "Bo", email: "bo@blog.example", url: undefined })] });

		const [first, second] = parse(renderJsonFeed(buildChannel(), [withoutAuthors, mailOnly])).items;

		expect(first).not.toHaveProperty("authors");
		expect(second?.authors).toEqual([{ name: "Bo", url: "mailto:bo@blog.example" }]);
	});

	it("leaves out the summary, image and tags a post does not have", () => {
		const item = onlyItem(renderJsonFeed(buildChannel(), [buildPost({ summary: "", image: undefined, tags: [], categories: [] })]));

		expect(Object.keys(item)).toEqual(["id", "url", "title", "content_html", "date_published", "date_modified", "authors"]);
	});

	it("renders an empty feed with an empty item list", () => {
		expect(parse(renderJsonFeed(buildChannel(), [])).items).toEqual([]);
	});

	it("keeps ]]>, <, & and quotes as written", () => {
		const awkward = `a ]]> b ]]> <c> & "d" &amp;`;
		const post = buildPost({ title: awkward, contentHtml: awkward, summary: awkward, tags: [awkward] });

		expect(onlyItem(renderJsonFeed(buildChannel(), [post]))).toMatchObject({ title: awkward, content_html: awkward, summary: awkward, tags: [awkward, "notes"] });
	});

	it("strips characters XML 1.0 forbids, as the XML formats do", () => {
		const post = buildPost({ title: FORBIDDEN_SAMPLE, contentHtml: FORBIDDEN_SAMPLE, summary: FORBIDDEN_SAMPLE, tags: [FORBIDDEN_SAMPLE], categories: [] });

		const json = renderJsonFeed(buildChannel({ title: FORBIDDEN_SAMPLE }), [post]);

		expect(json).not.toMatch(/\\u00[01]|\\ud[89a-f]/i);
		expect(parse(json).title).toBe(FORBIDDEN_SAMPLE_CLEANED);
		expect(onlyItem(json)).toMatchObject({ title: FORBIDDEN_SAMPLE_CLEANED, content_html: FORBIDDEN_SAMPLE_CLEANED, summary: FORBIDDEN_SAMPLE_CLEANED, tags: [FORBIDDEN_SAMPLE_CLEANED] });
	});
});

describe("item tags", () => {
	it("lists a label once when a tag and a category differ only in case", () => {
		const feed = JSON.parse(renderJsonFeed(buildChannel(), [buildPost({ tags: ["tooling", "xml"], categories: ["Tooling", "Ops"] })])) as { items: { tags: string[] }[] };
		expect(feed.items[0]!.tags).toEqual(["tooling", "xml", "Ops"]);
	});
});
