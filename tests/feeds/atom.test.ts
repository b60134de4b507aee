import { describe, expect, it } from "vitest";
import { renderAtom } from "../../src/feeds";
import { buildAuthor, buildChannel, buildPost, FORBIDDEN_SAMPLE, FORBIDDEN_SAMPLE_CLEANED } from "./builders";
import { ATOM, childNamed, childrenNamed, parseXml, type XmlNode } from "./xml";

function feedOf(xml: string): XmlNode {
	const feed = parseXml(xml);
	expect(feed).toMatchObject({ uri: ATOM, local: "feed" });
	return feed;
}

function entriesOf(xml: string): XmlNode[] {
	return childrenNamed(feedOf(xml), ATOM, "entry");
}

function onlyEntry(xml: string): XmlNode {
	const [entry, ...rest] = entriesOf(xml);
	expect(rest).toEqual([]);
	return entry as XmlNode;
}

function textOf(node: XmlNode, local: string): string {
	return childNamed(node, ATOM, local).text;
}

describe("renderAtom", () => {
	it("describes the feed with an id, plain-text title and subtitle, its language and an author", () => {
		const channel = buildChannel();
		const feed = feedOf(renderAtom(channel, [buildPost()]));

		expect(feed.attributes["xml:lang"]).toBe(channel.language);
		expect(textOf(feed, "id")).toBe(channel.id);
		expect(childNamed(feed, ATOM, "title")).toMatchObject({ text: channel.title, attributes: { type: "text" } });
		expect(childNamed(feed, ATOM, "subtitle")).toMatchObject({ text: channel.description, attributes: { type: "text" } });
		expect(textOf(childNamed(feed, ATOM, "author"), "name")).toBe(channel.author.name);
		expect(textOf(feed, "generator")).toBe("Pressroom");
	});

	it("keeps the feed's id when the site moves to another URL", () => {
		const moved = buildChannel({ links: { rss: "https://new.example/rss.xml", atom: "https://new.example/atom.xml", json: "https://new.example/feed.json", html: "https://new.example/" } });
		expect(textOf(feedOf(renderAtom(moved, [buildPost()])), "id")).toBe(textOf(feedOf(renderAtom(buildChannel(), [buildPost()])), "id"));
	});

	it("links to itself as Atom and to the site as the alternate", () => {
		const channel = buildChannel();
		const xml = renderAtom(channel, [buildPost()]);

		const links = childrenNamed(feedOf(xml), ATOM, "link").map((link) => link.attributes);

		expect(links).toEqual([
			{ rel: "alternate", type: "text/html", href: channel.links.html },
			{ rel: "self", type: "application/atom+xml", href: channel.links.atom },
		]);
		expect(xml).not.toContain(channel.links.rss);
	});

	it("keeps an entry's id when its slug changes", () => {
		const before = buildPost({ slug: "replication-lag" });
		const after = { ...before, slug: "why-replicas-lag", url: "https://blog.example/posts/why-replicas-lag" };

		const entryBefore = onlyEntry(renderAtom(buildChannel(), [before]));
		const entryAfter = onlyEntry(renderAtom(buildChannel(), [after]));

		expect(textOf(entryBefore, "id")).toBe(before.id);
		expect(textOf(entryAfter, "id")).toBe(before.id);
		expect(childNamed(entryAfter, ATOM, "link").attributes).toEqual({ rel: "alternate", type: "text/html", href: after.url });
	});

	it("uses a tag: id and links exactly as given, without URL normalisation", () => {
		const post = buildPost({ id: "tag:Pressroom.Example,2026:posts/Café au lait", url: "https://blog.example/posts/café?a=1&b=2" });

		const entry = onlyEntry(renderAtom(buildChannel(), [post]));

		expect(textOf(entry, "id")).toBe(post.id);
		expect(childNamed(entry, ATOM, "link").attributes.href).toBe(post.url);
	});

	it("renders the same bytes twice for the same posts, whatever their order", () => {
		const posts = [
			buildPost({ slug: "a", published: "2026-01-01T00:00:00Z", updated: "2026-04-01T00:00:00Z" }),
			buildPost({ slug: "b", published: "2026-02-01T00:00:00Z" }),
			buildPost({ slug: "c", published: "2026-03-01T00:00:00Z" }),
		];

		const first = renderAtom(buildChannel(), posts);

		expect(renderAtom(buildChannel(), posts)).toBe(first);
		expect(renderAtom(buildChannel(), [posts[1], posts[2], posts[0]] as typeof posts)).toBe(first);
		expect(entriesOf(first).map((entry) => textOf(entry, "id"))).toEqual([posts[2]?.id, posts[1]?.id, posts[0]?.id]);
	});

	it("sets updated to the newest post change, not now", () => {
		const posts = [
			buildPost({ slug: "a", published: "2011-05-18T15:22:21Z", updated: "2011-05-20T08:00:00Z" }),
			buildPost({ slug: "b", published: "2011-05-19T10:00:00Z", updated: "2011-05-19T10:00:00Z" }),
		];

		expect(textOf(feedOf(renderAtom(buildChannel(), posts)), "updated")).toBe("2011-05-20T08:00:00Z");
	});

	it("dates an empty feed at the epoch, since Atom requires updated", () => {
		const feed = feedOf(renderAtom(buildChannel(), []));

		expect(textOf(feed, "updated")).toBe("1970-01-01T00:00:00Z");
		expect(childrenNamed(feed, ATOM, "entry")).toEqual([]);
	});

	it("dates each entry with the post's published and updated times", () => {
		const entry = onlyEntry(renderAtom(buildChannel(), [buildPost({ published: "2011-05-18T15:22:21.000Z", updated: "2011-06-01T12:00:00.250Z" })]));

		expect(textOf(entry, "published")).toBe("2011-05-18T15:22:21Z");
		expect(textOf(entry, "updated")).toBe("2011-06-01T12:00:00.250Z");
	});

	it("writes titles and summaries as plain text that keeps < and & as written", () => {
		const post = buildPost({ title: "Why a < b & c > d, not <b>", summary: "Use &amp; and <table> literally" });

		const entry = onlyEntry(renderAtom(buildChannel(), [post]));

		expect(childNamed(entry, ATOM, "title")).toMatchObject({ text: post.title, attributes: { type: "text" } });
		expect(childNamed(entry, ATOM, "summary")).toMatchObject({ text: post.summary, attributes: { type: "text" } });
	});

	it("carries the full HTML content as type html", () => {
		const post = buildPost({ contentHtml: '<p>Full <a href="https://blog.example/x?a=1&amp;b=2">text</a></p>' });

		const entry = onlyEntry(renderAtom(buildChannel(), [post]));

		expect(childNamed(entry, ATOM, "content")).toMatchObject({ text: post.contentHtml, attributes: { type: "html" } });
	});

	it("uses a term attribute that survives <, & and quotes", () => {
		const awkward = `a < b & "c" 'd' &amp; >`;
		const xml = renderAtom(buildChannel(), [buildPost({ tags: [awkward], categories: [] })]);

		expect(xml).toContain('term="a &lt; b &amp; &quot;c&quot;');
		expect(childNamed(onlyEntry(xml), ATOM, "category").attributes).toEqual({ term: awkward });
	});

	it("keeps tabs and line breaks inside a term by writing them as references", () => {
		const term = "line one\nline\ttwo\r\nthree";
		const xml = renderAtom(buildChannel(), [buildPost({ tags: [term], categories: [] })]);

		expect(xml).toContain('term="line one&#10;line&#9;two&#13;&#10;three"');
		expect(childNamed(onlyEntry(xml), ATOM, "category").attributes.term).toBe(term);
	});

	it("gives every tag and category a category with a term", () => {
		const post = buildPost({ tags: ["postgres", "shared"], categories: ["databases", "shared"] });

		const categories = childrenNamed(onlyEntry(renderAtom(buildChannel(), [post])), ATOM, "category");

		expect(categories.map((category) => category.attributes)).toEqual([{ term: "postgres" }, { term: "shared" }, { term: "databases" }]);
	});

	it("names each author with e-mail and uri only when present", () => {
		const post = buildPost({
			authors: [buildAuthor({ name: "Ada", email: "ada@blog.example", url: "https://blog.example/ada" }), buildAuthor({ name: "Bo", email: undefined, url: undefined })],
		});

		const authors = childrenNamed(onlyEntry(renderAtom(buildChannel(), [post])), ATOM, "author");

		expect(authors.map((author) => author.children.map((part) => [part.local, part.text]))).toEqual([
			[["name", "Ada"], ["email", "ada@blog.example"], ["uri", "https://blog.example/ada"]],
			[["name", "Bo"]],
		]);
	});

	it("lets an entry without authors inherit the feed's author", () => {
		const feed = feedOf(renderAtom(buildChannel(), [buildPost({ authors: [] })]));

		expect(childrenNamed(childNamed(feed, ATOM, "entry"), ATOM, "author")).toEqual([]);
		expect(childrenNamed(feed, ATOM, "author")).toHaveLength(1);
	});

	it("leaves out a summary or content the post does not have", () => {
		const entry = onlyEntry(renderAtom(buildChannel(), [buildPost({ summary: "", contentHtml: "" })]));

		expect(childrenNamed(entry, ATOM, "summary")).toEqual([]);
		expect(childrenNamed(entry, ATOM, "content")).toEqual([]);
	});

	it("keeps every ]]> in titles, content and terms without breaking the document", () => {
		const post = buildPost({ title: "a ]]> b ]]> c", summary: "]]>", contentHtml: "<p>x ]]> y ]]> z</p>]]>", tags: ["t]]>1"], categories: ["]]>]]>"] });

		const entry = onlyEntry(renderAtom(buildChannel({ title: "]]> channel ]]>" }), [post]));

		expect(textOf(entry, "title")).toBe(post.title);
		expect(textOf(entry, "summary")).toBe(post.summary);
		expect(textOf(entry, "content")).toBe(post.contentHtml);
		expect(childrenNamed(entry, ATOM, "category").map((category) => category.attributes.term)).toEqual(["t]]>1", "]]>]]>"]);
	});

	it("strips characters XML 1.0 forbids from text and attributes", () => {
		const post = buildPost({
			id: `tag:pressroom.example,2026:${FORBIDDEN_SAMPLE}`,
			url: `https://blog.example/${FORBIDDEN_SAMPLE}`,
			title: FORBIDDEN_SAMPLE,
			summary: FORBIDDEN_SAMPLE,
			contentHtml: FORBIDDEN_SAMPLE,
			tags: [FORBIDDEN_SAMPLE],
			categories: [],
			authors: [buildAuthor({ name: FORBIDDEN_SAMPLE, email: undefined, url: undefined })],
		});

		const xml = renderAtom(buildChannel({ title: FORBIDDEN_SAMPLE }), [post]);
		const entry = onlyEntry(xml);

		for (const local of ["title", "summary", "content"]) expect(textOf(entry, local)).toBe(FORBIDDEN_SAMPLE_CLEANED);
		expect(textOf(entry, "id")).toBe(`tag:pressroom.example,2026:${FORBIDDEN_SAMPLE_CLEANED}`);
		expect(childNamed(entry, ATOM, "link").attributes.href).toBe(`https://blog.example/${FORBIDDEN_SAMPLE_CLEANED}`);
		expect(childNamed(entry, ATOM, "category").attributes.term).toBe(FORBIDDEN_SAMPLE_CLEANED);
		expect(textOf(childNamed(entry, ATOM, "author"), "name")).toBe(FORBIDDEN_SAMPLE_CLEANED);
		expect(textOf(feedOf(xml), "title")).toBe(FORBIDDEN_SAMPLE_CLEANED);
	});
});
