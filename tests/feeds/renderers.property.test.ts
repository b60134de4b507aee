/**
 * Property-based tests (fast-check) for the other place untrusted text reaches: whatever a post holds, each
 * renderer's output is a well-formed XML 1.0 document (RSS, Atom) or valid JSON (JSON Feed), with no character
 * XML 1.0 forbids. Posts here are not the parser's sanitized ones but arbitrary strings, lone surrogates and
 * control characters included: the renderers must not rely on the content layer having cleaned them.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Author, Post } from "../../src/content/post";
import { type FeedChannel, renderAtom, renderJsonFeed, renderRss } from "../../src/feeds";
import { buildChannel } from "./builders";
import { parseXml } from "./xml";

const XML_FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Any UTF-16 string, weighted towards the characters markup and XML care about. */
const text = fc.oneof(
	fc.string({ unit: "binary", maxLength: 40 }),
	fc.array(fc.constantFrom("<", ">", "&", '"', "'", "]]>", "&amp;", "<![CDATA[", "\u0000", "\u000B", "\uFFFE", "\uD800", "\uDC00", "\u{1F600}", "\r", "\n", "\t", "a", " "), { maxLength: 20 }).map((parts) => parts.join("")),
);
const isoDate = fc.date({ min: new Date("1970-01-01T00:00:00Z"), max: new Date("2999-12-31T23:59:59Z"), noInvalidDate: true }).map((date) => date.toISOString());
const author: fc.Arbitrary<Author> = fc.record({ name: text, email: text, url: text }, { requiredKeys: ["name"] });
const post: fc.Arbitrary<Post> = fc.record(
	{
		key: text,
		etag: text,
		id: text,
		slug: text,
		url: text,
		title: text,
		published: isoDate,
		updated: isoDate,
		authors: fc.array(author, { maxLength: 3 }),
		tags: fc.array(text, { maxLength: 4 }),
		categories: fc.array(text, { maxLength: 4 }),
		summary: text,
		contentHtml: text,
		draft: fc.boolean(),
		image: text,
		aliases: fc.constant([]),
	},
	{ requiredKeys: ["key", "etag", "id", "slug", "url", "title", "published", "updated", "authors", "tags", "categories", "summary", "contentHtml", "draft", "aliases"] },
);
const channel: fc.Arbitrary<FeedChannel> = fc
	.record({ title: text, description: text, language: text, author })
	.map((fields) => buildChannel(fields));
const feedInput = fc.tuple(channel, fc.array(post, { maxLength: 4 }));

/** Every string value anywhere in a parsed JSON document. */
function stringsIn(value: unknown): string[] {
	if (typeof value === "string") return [value];
	if (Array.isArray(value)) return value.flatMap(stringsIn);
	if (value !== null && typeof value === "object") return Object.entries(value).flatMap(([key, inner]) => [key, ...stringsIn(inner)]);
	return [];
}

describe("the renderers on arbitrary posts", () => {
	it.each([
		["RSS 2.0", renderRss],
		["Atom 1.0", renderAtom],
	])("always write %s as well-formed XML 1.0 with no forbidden character", (_name, render) => {
		fc.assert(
			fc.property(feedInput, ([feedChannel, posts]) => {
				const xml = render(feedChannel, posts);
				expect(xml).not.toMatch(XML_FORBIDDEN);
				expect(() => parseXml(xml)).not.toThrow();
			}),
			{ numRuns: 150 },
		);
	});

	it("always writes JSON Feed as valid JSON whose strings hold no forbidden character", () => {
		fc.assert(
			fc.property(feedInput, ([feedChannel, posts]) => {
				const json = renderJsonFeed(feedChannel, posts);
				expect(json).not.toMatch(XML_FORBIDDEN);
				const feed = JSON.parse(json) as { items: unknown[] };
				expect(feed.items).toHaveLength(posts.length);
				for (const value of stringsIn(feed)) expect(value).not.toMatch(XML_FORBIDDEN);
			}),
			{ numRuns: 150 },
		);
	});
});
