import { describe, expect, it } from "vitest";
import { renderRss } from "../../src/feeds";
import { buildAuthor, buildChannel, buildPost, FORBIDDEN_SAMPLE, FORBIDDEN_SAMPLE_CLEANED } from "./builders";
import { ATOM, CONTENT, childNamed, childrenNamed, DC, parseXml, type XmlNode } from "./xml";

function channelOf(xml: string): XmlNode {
	const rss = parseXml(xml);
	expect(rss).toMatchObject({ uri: "", local: "rss", attributes: expect.objectContaining({ version: "2.0" }) });
	return childNamed(rss, "", "channel");
}

function itemsOf(xml: string): XmlNode[] {
	return childrenNamed(channelOf(xml), "", "item");
}

function textOf(node: XmlNode, uri: string, local: string): string {
	return childNamed(node, uri, local).text;
}

describe("renderRss", () => {
	it("describes the channel with its title, link, language, docs and generator", () => {
		const channel = buildChannel();
		const rss = channelOf(renderRss(channel, [buildPost()]));

		expect(textOf(rss, "", "title")).toBe(channel.title);
		expect(textOf(rss, "", "link")).toBe(channel.links.html);
		expect(textOf(rss, "", "description")).toBe(channel.description);
		expect(textOf(rss, "", "language")).toBe(channel.language);
		expect(textOf(rss, "", "docs")).toBe("https://www.rssboard.org/rss-specification");
		expect(textOf(rss, "", "generator")).toBe("Pressroom");
		expect(textOf(rss, "", "managingEditor")).toBe(`${channel.author.email} (${channel.author.name})`);
	});

	it("gives RSS a self link of its own", () => {
		const channel = buildChannel();
		const xml = renderRss(channel, [buildPost()]);

		const selfLinks = childrenNamed(channelOf(xml), ATOM, "link");
		expect(selfLinks.map((link) => link.attributes)).toEqual([{ href: channel.links.rss, rel: "self", type: "application/rss+xml" }]);
		expect(xml).not.toContain(channel.links.atom);
		expect(xml).not.toContain(channel.links.json);
	});

	it("keeps an entry's id when its slug changes", () => {
		const before = buildPost({ slug: "replication-lag" });
		const after = { ...before, slug: "why-replicas-lag", url: "https://blog.example/posts/why-replicas-lag" };

		const [itemBefore] = itemsOf(renderRss(buildChannel(), [before]));
		const [itemAfter] = itemsOf(renderRss(buildChannel(), [after]));

		for (const item of [itemBefore, itemAfter]) {
			expect(childNamed(item as XmlNode, "", "guid")).toMatchObject({ text: before.id, attributes: { isPermaLink: "false" } });
		}
		expect(textOf(itemAfter as XmlNode, "", "link")).toBe(after.url);
	});

	it("uses ids and links exactly as given, without URL normalisation", () => {
		const post = buildPost({ id: "tag:Pressroom.Example,2026:posts/Café au lait", url: "https://blog.example/posts/café?a=1&b=2" });
		const channel = buildChannel({ links: { ...buildChannel().links, html: "https://blog.example" } });

		const xml = renderRss(channel, [post]);
		const [item] = itemsOf(xml);

		expect(textOf(channelOf(xml), "", "link")).toBe("https://blog.example");
		expect(textOf(item as XmlNode, "", "guid")).toBe(post.id);
		expect(textOf(item as XmlNode, "", "link")).toBe(post.url);
	});

	it("renders the same bytes twice for the same posts, whatever their order", () => {
		const posts = [
			buildPost({ slug: "a", published: "2026-01-01T00:00:00Z" }),
			buildPost({ slug: "b", published: "2026-02-01T00:00:00Z" }),
			buildPost({ slug: "c", published: "2026-03-01T00:00:00Z" }),
		];

		const first = renderRss(buildChannel(), posts);
		const again = renderRss(buildChannel(), posts);
		const reversed = renderRss(buildChannel(), [...posts].reverse());

		expect(again).toBe(first);
		expect(reversed).toBe(first);
		expect(posts.map((post) => post.slug)).toEqual(["a", "b", "c"]);
	});

	it("lists items newest first by published date, ties by id", () => {
		const posts = [
			buildPost({ slug: "old", published: "2025-12-31T23:59:59Z" }),
			buildPost({ slug: "tie-b", published: "2026-01-01T00:00:00Z" }),
			buildPost({ slug: "new", published: "2026-06-01T00:00:00Z" }),
			buildPost({ slug: "tie-a", published: "2026-01-01T00:00:00.000Z" }),
		];

		const guids = itemsOf(renderRss(buildChannel(), posts)).map((item) => textOf(item, "", "guid"));

		expect(guids).toEqual(["new", "tie-a", "tie-b", "old"].map((slug) => `tag:pressroom.example,2026:posts/${slug}`));
	});

	it("sets lastBuildDate to the newest post change, not now", () => {
		const posts = [
			buildPost({ slug: "a", published: "2011-05-18T15:22:21Z", updated: "2011-05-20T08:00:00Z" }),
			buildPost({ slug: "b", published: "2011-05-19T10:00:00Z", updated: "2011-05-19T10:00:00Z" }),
		];

		const rss = channelOf(renderRss(buildChannel(), posts));

		expect(textOf(rss, "", "lastBuildDate")).toBe("Fri, 20 May 2011 08:00:00 GMT");
	});

	it("leaves lastBuildDate out of an empty feed rather than inventing one", () => {
		const xml = renderRss(buildChannel(), []);

		expect(childrenNamed(channelOf(xml), "", "lastBuildDate")).toEqual([]);
		expect(childrenNamed(channelOf(xml), "", "item")).toEqual([]);
		expect(renderRss(buildChannel(), [])).toBe(xml);
	});

	it("dates each item with pubDate in RFC 822 from its published date", () => {
		const [item] = itemsOf(renderRss(buildChannel(), [buildPost({ published: "2011-05-18T15:22:21Z", updated: "2012-01-01T00:00:00Z" })]));

		expect(textOf(item as XmlNode, "", "pubDate")).toBe("Wed, 18 May 2011 15:22:21 GMT");
	});

	it("puts the full content in content:encoded and the summary, escaped as HTML, in description", () => {
		const post = buildPost({ summary: "Why a < b & c > d", contentHtml: "<p>Full <em>text</em> &amp; more</p>" });

		const [item] = itemsOf(renderRss(buildChannel(), [post]));

		expect(textOf(item as XmlNode, CONTENT, "encoded")).toBe(post.contentHtml);
		expect(textOf(item as XmlNode, "", "description")).toBe("Why a &lt; b &amp; c &gt; d");
	});

	it("writes a single author with an e-mail as email (Name)", () => {
		const author = buildAuthor({ name: "Ada Writer", email: "ada@blog.example" });

		const [item] = itemsOf(renderRss(buildChannel(), [buildPost({ authors: [author] })]));

		expect(textOf(item as XmlNode, "", "author")).toBe("ada@blog.example (Ada Writer)");
		expect(childrenNamed(item as XmlNode, DC, "creator")).toEqual([]);
	});

	it("names authors without an e-mail, or several authors, with dc:creator and no <author>", () => {
		const nameOnly = buildPost({ slug: "name-only", authors: [buildAuthor({ name: "Bo", email: undefined })] });
		const twoAuthors = buildPost({ slug: "two", authors: [buildAuthor({ name: "Ada" }), buildAuthor({ name: "Bo", email: undefined })] });

		const items = itemsOf(renderRss(buildChannel(), [nameOnly, twoAuthors]));
		const creators = items.map((item) => childrenNamed(item, DC, "creator").map((creator) => creator.text));

		expect(creators.sort()).toEqual([["Ada", "Bo"], ["Bo"]]);
		for (const item of items) expect(childrenNamed(item, "", "author")).toEqual([]);
	});

	it("credits the channel's author on a post that names none", () => {
		const channel = buildChannel({ author: { name: "Pressroom Editors" } });

		const [item] = itemsOf(renderRss(channel, [buildPost({ authors: [] })]));

		expect(childrenNamed(item as XmlNode, DC, "creator").map((creator) => creator.text)).toEqual(["Pressroom Editors"]);
	});

	it("gives every tag and category one category element", () => {
		const post = buildPost({ tags: ["postgres", "wal", "shared"], categories: ["databases", "shared"] });

		const [item] = itemsOf(renderRss(buildChannel(), [post]));

		expect(childrenNamed(item as XmlNode, "", "category").map((category) => category.text)).toEqual(["postgres", "wal", "shared", "databases"]);
	});

	it("keeps ]]> in titles, content, summaries and categories without breaking the document", () => {
		const post = buildPost({
			title: "a ]]> b ]]> c",
			contentHtml: "<p>x ]]> y ]]> z ]]></p>",
			summary: "s ]]> t",
			tags: ["t]]>1"],
			categories: ["]]>]]>"],
		});

		const [item] = itemsOf(renderRss(buildChannel({ title: "chan ]]> nel" }), [post]));

		expect(textOf(item as XmlNode, "", "title")).toBe(post.title);
		expect(textOf(item as XmlNode, CONTENT, "encoded")).toBe(post.contentHtml);
		expect(textOf(item as XmlNode, "", "description")).toBe("s ]]&gt; t");
		expect(childrenNamed(item as XmlNode, "", "category").map((category) => category.text)).toEqual(["t]]>1", "]]>]]>"]);
	});

	it("round-trips <, &, quotes and a literal &amp; in every text", () => {
		const awkward = `Tom & Jerry <3 "quoted" 'single' &amp; <b>`;
		const post = buildPost({ title: awkward, contentHtml: awkward, tags: [awkward], categories: [], authors: [buildAuthor({ name: awkward, email: undefined })] });

		const [item] = itemsOf(renderRss(buildChannel({ title: awkward }), [post]));

		expect(textOf(item as XmlNode, "", "title")).toBe(awkward);
		expect(textOf(item as XmlNode, CONTENT, "encoded")).toBe(awkward);
		expect(textOf(item as XmlNode, "", "category")).toBe(awkward);
		expect(textOf(item as XmlNode, DC, "creator")).toBe(awkward);
	});

	it("keeps carriage returns in text as references so parsers do not turn them into line feeds", () => {
		const post = buildPost({ contentHtml: "<p>one\r\ntwo\rthree</p>" });

		const xml = renderRss(buildChannel(), [post]);

		expect(xml).not.toContain("\r");
		expect(xml).toContain("one&#13;\ntwo&#13;three");
	});

	it("strips characters XML 1.0 forbids", () => {
		const post = buildPost({
			id: `tag:pressroom.example,2026:${FORBIDDEN_SAMPLE}`,
			title: FORBIDDEN_SAMPLE,
			summary: FORBIDDEN_SAMPLE,
			contentHtml: FORBIDDEN_SAMPLE,
			tags: [FORBIDDEN_SAMPLE],
			categories: [],
			authors: [buildAuthor({ name: FORBIDDEN_SAMPLE, email: undefined })],
		});

		const [item] = itemsOf(renderRss(buildChannel({ title: FORBIDDEN_SAMPLE, description: FORBIDDEN_SAMPLE }), [post]));

		for (const [uri, local] of [["", "title"], ["", "description"], [CONTENT, "encoded"], ["", "category"], [DC, "creator"]] as const) {
			expect(textOf(item as XmlNode, uri, local)).toBe(FORBIDDEN_SAMPLE_CLEANED);
		}
		expect(textOf(item as XmlNode, "", "guid")).toBe(`tag:pressroom.example,2026:${FORBIDDEN_SAMPLE_CLEANED}`);
	});
});
