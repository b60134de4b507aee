import { describe, expect, it } from "vitest";
import { renderAtom, renderJsonFeed, renderRss } from "../../src/feeds";
import { buildAuthor, buildChannel, buildPost } from "./builders";
import { type ValidatorEvent, atomEvents, nonHtmlEvents, rssEvents } from "./validator-rules";
import { ATOM, childNamed, childrenNamed, DC, parseXml, type XmlNode } from "./xml";

/** Text that looks like markup or entities but is meant literally; none holds an end tag. */
const MARKUP_LIKE = [
	["a generic type", "C<T>"],
	["a literal entity", "Tom &amp; Jerry"],
	["an opening tag", "Use <b> for bold"],
	["a bare ampersand", "AT&T"],
	["comparisons", "a < b > c"],
	["a named entity", "&copy; 2026"],
	["a decimal reference", "&#169; done"],
	["a hexadecimal reference", "x &#x26; y"],
	["the CDATA end", "]]> end"],
] as const;

/** Text with an end tag: the validator reads HTML into it whatever the escaping. */
const WITH_END_TAG = "Why <b>bold</b> and </i> are tags";

/** What a reader shows of an Atom text construct: the text itself, or the text of the HTML (which holds no tags). */
function shownText(node: XmlNode): string {
	if (node.attributes.type === "text") return node.text;
	expect(node.attributes.type).toBe("html");
	expect(node.text).not.toMatch(/<|&(?!amp;|lt;|gt;)/);
	return node.text.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
}

/** The text in every plain-text field; person names have no type to declare, so an end tag stays out of them. */
function awkwardPost(text: string) {
	const name = text === WITH_END_TAG ? "Ada Writer" : `${text} writer`;
	return buildPost({ title: text, summary: text, tags: [text], categories: [`in ${text}`], authors: [buildAuthor({ name, email: undefined })] });
}

describe("RSS plain text (validator rules ContainsHTML and CharacterData, RSS Profile)", () => {
	it.each(MARKUP_LIKE)("draws no ContainsHTML or CharacterData warning for %s, and keeps the text", (_name, text) => {
		const xml = renderRss(buildChannel({ title: text, description: text }), [awkwardPost(text)]);

		expect(rssEvents(xml)).toEqual([]);
		const channel = childNamed(parseXml(xml), "", "channel");
		const item = childNamed(channel, "", "item");
		expect(childNamed(channel, "", "title").text).toBe(text);
		expect(childNamed(item, "", "title").text).toBe(text);
		expect(childrenNamed(item, "", "category").map((node) => node.text)).toEqual([text, `in ${text}`]);
		expect(childNamed(item, DC, "creator").text).toBe(`${text} writer`);
	});

	it("writes &, < and > in plain-text elements as hexadecimal character references", () => {
		const xml = renderRss(buildChannel(), [awkwardPost("C<T> & D>")]);

		expect(xml).toContain("<title>C&#x3C;T&#x3E; &#x26; D&#x3E;</title>");
		expect(xml).toContain("<category>C&#x3C;T&#x3E; &#x26; D&#x3E;</category>");
	});

	it("keeps the summary in description as escaped HTML that shows the text", () => {
		const item = childNamed(childNamed(parseXml(renderRss(buildChannel(), [awkwardPost("Tom &amp; <b>")])), "", "channel"), "", "item");
		expect(childNamed(item, "", "description").text).toBe("Tom &amp;amp; &lt;b&gt;");
	});

	it("is caught by the ported rules when plain text is escaped with named entities (the rules can fail)", () => {
		const lines = ["<title>Tom &amp;amp; Jerry</title>", "<title>C&lt;T&gt;</title>"];
		const node = (line: number, text: string): XmlNode => ({ uri: "", local: "title", attributes: {}, children: [], text, line, endLine: line });

		expect(nonHtmlEvents(node(1, "Tom &amp; Jerry"), lines, "rss2", "ContainsHTML")).toEqual([{ rule: "ContainsHTML", element: "title", value: "&amp;" }]);
		expect(nonHtmlEvents(node(2, "C<T>"), lines, "rss2", "ContainsHTML")).toEqual([{ rule: "CharacterData", element: "title", value: "C<T>" }]);
	});

	it("still draws ContainsHTML for a literal end tag in an RSS title: RSS cannot declare plain text (docs/front-matter.md)", () => {
		const xml = renderRss(buildChannel(), [buildPost({ title: WITH_END_TAG, tags: [], categories: [] })]);
		const item = childNamed(childNamed(parseXml(xml), "", "channel"), "", "item");

		expect(childNamed(item, "", "title").text).toBe(WITH_END_TAG);
		expect(rssEvents(xml)).toEqual([{ rule: "ContainsHTML", element: "title", value: "b" }]);
	});
});

describe("Atom text constructs (validator rule ContainsUndeclaredHTML)", () => {
	it.each([...MARKUP_LIKE, ["end tags", WITH_END_TAG] as const])("draws no warning for %s, declares its type and shows the exact text", (_name, text) => {
		const xml = renderAtom(buildChannel({ title: text, description: text }), [awkwardPost(text)]);

		expect(atomEvents(xml)).toEqual([]);
		const feed = parseXml(xml);
		const entry = childNamed(feed, ATOM, "entry");
		for (const node of [childNamed(feed, ATOM, "title"), childNamed(feed, ATOM, "subtitle"), childNamed(entry, ATOM, "title"), childNamed(entry, ATOM, "summary")]) {
			expect(shownText(node)).toBe(text);
		}
		expect(childrenNamed(entry, ATOM, "category").map((node) => node.attributes.term)).toEqual([text, `in ${text}`]);
	});

	it("declares type=\"text\" unless the text holds an end tag, then type=\"html\"", () => {
		const entry = childNamed(parseXml(renderAtom(buildChannel(), [buildPost({ title: "C<T> &amp;", summary: WITH_END_TAG })])), ATOM, "entry");

		expect(childNamed(entry, ATOM, "title").attributes.type).toBe("text");
		expect(childNamed(entry, ATOM, "summary")).toMatchObject({ attributes: { type: "html" }, text: "Why &lt;b&gt;bold&lt;/b&gt; and &lt;/i&gt; are tags" });
	});

	it("is caught by the ported rule when an end tag is declared as text (the rule can fail)", () => {
		const node: XmlNode = { uri: ATOM, local: "title", attributes: { type: "text" }, children: [], text: WITH_END_TAG, line: 1, endLine: 1 };
		expect(nonHtmlEvents(node, ["<title type=\"text\">Why &#x3C;b&#x3E;bold&#x3C;/b&#x3E;</title>"], "atom", "ContainsUndeclaredHTML")).toEqual([
			{ rule: "ContainsUndeclaredHTML", element: "title", value: "b" },
		]);
	});
});

describe("JSON Feed text", () => {
	it.each(MARKUP_LIKE)("keeps %s exactly in title, summary and tags", (_name, text) => {
		const [item] = JSON.parse(renderJsonFeed(buildChannel(), [awkwardPost(text)])).items;
		expect(item).toMatchObject({ title: text, summary: text, tags: [text, `in ${text}`] });
	});
});

describe("dates before 1990 (validator rule ImplausibleDate)", () => {
	it("keeps a 1969 publication date in every format, although the validator calls dates before 1990 implausible", () => {
		const post = buildPost({ published: "1969-07-20T20:17:40.000Z", updated: "1969-07-21T02:56:15.000Z" });

		const rssItem = childNamed(childNamed(parseXml(renderRss(buildChannel(), [post])), "", "channel"), "", "item");
		const atomEntry = childNamed(parseXml(renderAtom(buildChannel(), [post])), ATOM, "entry");
		const [jsonItem] = JSON.parse(renderJsonFeed(buildChannel(), [post])).items;

		expect(childNamed(rssItem, "", "pubDate").text).toBe("Sun, 20 Jul 1969 20:17:40 GMT");
		expect(childNamed(atomEntry, ATOM, "published").text).toBe("1969-07-20T20:17:40Z");
		expect(childNamed(atomEntry, ATOM, "updated").text).toBe("1969-07-21T02:56:15Z");
		expect(jsonItem).toMatchObject({ date_published: "1969-07-20T20:17:40Z" });
	});
});
