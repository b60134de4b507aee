import { describe, expect, it } from "vitest";
import { parsePost } from "../../src/content";
import { renderAtom, renderJsonFeed, renderRss } from "../../src/feeds";
import { buildChannel, buildPost } from "./builders";
import { ATOM, childNamed, childrenNamed, parseXml } from "./xml";

const PODCAST = [
	{ url: "https://blog.example/media/2026/episode-1.mp3", key: "2026/episode-1.mp3", title: "Episode 1", length: 48_000, type: "audio/mpeg" },
	{ url: "https://cdn.example/notes.pdf?a=1&b=2" },
];

/** The W3C validator's enclosure rules (feedvalidator item.py `enclosure`, link.py): what each format must carry. */
const POSITIVE_INTEGER = /^(0|[1-9]\d*)$/;
const MIME_TYPE = /^[\w.+-]+\/[\w.+-]+$/;

describe("enclosures", () => {
	it("writes one RSS enclosure, the first attachment, with url, a decimal length and a MIME type", () => {
		const item = childNamed(childNamed(parseXml(renderRss(buildChannel(), [buildPost({ attachments: PODCAST })])), "", "channel"), "", "item");
		const enclosures = childrenNamed(item, "", "enclosure");
		expect(enclosures).toHaveLength(1);
		expect(enclosures[0]!.attributes).toEqual({ url: PODCAST[0]!.url, length: "48000", type: "audio/mpeg" });
	});

	it("writes length 0 and application/octet-stream for a file elsewhere whose size and type are unknown (RSS Profile)", () => {
		const rss = renderRss(buildChannel(), [buildPost({ attachments: [PODCAST[1]!] })]);
		const enclosure = childNamed(childNamed(childNamed(parseXml(rss), "", "channel"), "", "item"), "", "enclosure");
		expect(enclosure.attributes).toEqual({ url: "https://cdn.example/notes.pdf?a=1&b=2", length: "0", type: "application/octet-stream" });
		expect(enclosure.attributes.length).toMatch(POSITIVE_INTEGER);
	});

	it("writes every attachment as an Atom rel=enclosure link, with length only when known", () => {
		const entry = childNamed(parseXml(renderAtom(buildChannel(), [buildPost({ attachments: PODCAST })])), ATOM, "entry");
		const links = childrenNamed(entry, ATOM, "link").filter((link) => link.attributes.rel === "enclosure");
		expect(links.map((link) => link.attributes)).toEqual([
			{ rel: "enclosure", type: "audio/mpeg", length: "48000", title: "Episode 1", href: PODCAST[0]!.url },
			{ rel: "enclosure", href: "https://cdn.example/notes.pdf?a=1&b=2" },
		]);
		for (const link of links) {
			if (link.attributes.type !== undefined) expect(link.attributes.type).toMatch(MIME_TYPE);
			if (link.attributes.length !== undefined) expect(link.attributes.length).toMatch(POSITIVE_INTEGER);
		}
	});

	it("writes JSON Feed attachments with mime_type always and size_in_bytes when known", () => {
		const feed = JSON.parse(renderJsonFeed(buildChannel(), [buildPost({ attachments: PODCAST })])) as { items: { attachments: unknown[] }[] };
		expect(feed.items[0]!.attachments).toEqual([
			{ url: PODCAST[0]!.url, mime_type: "audio/mpeg", title: "Episode 1", size_in_bytes: 48_000 },
			{ url: "https://cdn.example/notes.pdf?a=1&b=2", mime_type: "application/octet-stream" },
		]);
	});

	it("writes nothing for a post without attachments", () => {
		const post = buildPost();
		expect(renderRss(buildChannel(), [post])).not.toContain("<enclosure");
		expect(renderAtom(buildChannel(), [post])).not.toContain('rel="enclosure"');
		expect(renderJsonFeed(buildChannel(), [post])).not.toContain("attachments");
	});
});

describe("front matter enclosure and attachments", () => {
	const settings = { siteUrl: "https://blog.example", timeZone: "UTC", defaultAuthor: { name: "Ed" }, idAuthority: "blog.example,2026" };
	const parse = (front: string[], body = "Text.\n", key = "2026/episode.md") =>
		parsePost({ key, bytes: new TextEncoder().encode(["---", "title: T", "date: 2026-01-01", ...front, "---", "", body].join("\n")), etag: "e", lastModified: new Date(0) }, settings);

	it("reads a relative enclosure as media beside the post, and lists every referenced key", () => {
		const outcome = parse(["enclosure: audio/episode.mp3", "attachments: [notes.pdf, 'https://cdn.example/x.ogg']"], "![c](img/c.png) [d](../data.csv) [e](/about)\n");
		expect(outcome.ok).toBe(true);
		if (!outcome.ok) return;
		expect(outcome.post.attachments).toEqual([
			{ url: "https://blog.example/media/2026/audio/episode.mp3", key: "2026/audio/episode.mp3", type: "audio/mpeg" },
			{ url: "https://blog.example/media/2026/notes.pdf", key: "2026/notes.pdf", type: "application/pdf" },
			{ url: "https://cdn.example/x.ogg", type: "audio/ogg" },
		]);
		expect(outcome.post.media).toEqual(["2026/audio/episode.mp3", "2026/img/c.png", "2026/notes.pdf", "data.csv"]);
	});

	it("takes type, length and title of a file elsewhere from its mapping", () => {
		const outcome = parse(["enclosure:", "  url: https://cdn.example/e.m4a", "  type: audio/mp4", "  length: 1234", "  title: Episode"]);
		expect(outcome.ok && outcome.post.attachments).toEqual([{ url: "https://cdn.example/e.m4a", type: "audio/mp4", length: 1234, title: "Episode" }]);
	});

	it.each([
		[["enclosure: [a.mp3, b.mp3]"], "enclosure must be one file"],
		[["enclosure: 'javascript:alert(1)'"], "is not a usable http(s) URL"],
		[["enclosure:", "  url: a.mp3", "  length: lots"], 'length "lots" must be a number of bytes'],
		[["enclosure:", "  url: a.mp3", "  type: mp3"], "is not a MIME type"],
		[["attachments:", "  - title: no url"], "attachments entry 1 has no url"],
	])("refuses %j with a clear reason", (front, reason) => {
		const outcome = parse(front);
		expect(outcome.ok).toBe(false);
		if (!outcome.ok) expect(outcome.error.reason).toContain(reason);
	});
});
