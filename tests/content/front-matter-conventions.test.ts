import { describe, expect, it } from "vitest";
import type { Post } from "../../src/content";
import { fenced, fenceless, minimal, parseError, parseOk } from "./builders";

/** Hugo's TOML shape: `+++` fences. */
function toml(lines: string[], body = "Some body text."): string {
	return `+++\n${lines.join("\n")}\n+++\n\n${body}\n`;
}

/** Hugo's JSON shape: an object at byte 0, the body after its closing brace. */
function json(data: Record<string, unknown>, body = "Some body text."): string {
	return `${JSON.stringify(data, null, 2)}\n\n${body}\n`;
}

const TOML_MINIMAL = ["title = 'A post'", "date = 2026-05-01T12:00:00Z"];
const JSON_MINIMAL = { title: "A post", date: "2026-05-01T12:00:00Z" };

type Case = [name: string, post: string, expected: Partial<Post>];

describe("front matter conventions of other tools (docs/front-matter.md)", () => {
	it.each<Case>([
		// Jekyll
		["Jekyll published: false hides the post", fenced(minimal("published: false")), { draft: true }],
		["Jekyll published: true keeps it visible", fenced(minimal("published: true")), { draft: false }],
		["Jekyll published: false wins over draft: false", fenced(minimal("published: false", "draft: false")), { draft: true }],
		["Jekyll redirect_from gives aliases", fenced(minimal("redirect_from:", "- /2019/03/old-name/", "- /old.html")), { aliases: ["/2019/03/old-name/", "/old.html"] }],
		// Hugo, YAML
		["Hugo draft: true hides the post", fenced(minimal("draft: true")), { draft: true }],
		["Hugo publishDate is the publication date", fenced(minimal("publishDate: 2026-05-03 09:00:00+00:00")), { published: "2026-05-03T09:00:00.000Z", updated: "2026-05-03T09:00:00.000Z" }],
		["Hugo publishDate alone", fenced(["title: A post", "publishdate: 2026-05-03"]), { published: "2026-05-02T22:00:00.000Z" }],
		["Hugo's pubdate alias", fenced(["title: A post", "pubDate: 2026-05-04"]), { published: "2026-05-03T22:00:00.000Z" }],
		["Hugo's published alias holding a date", fenced(["title: A post", "published: 2026-05-05"]), { published: "2026-05-04T22:00:00.000Z", draft: false }],
		["Hugo expiryDate", fenced(minimal("expiryDate: 2026-06-01 00:00:00+02:00")), { expires: "2026-05-31T22:00:00.000Z" }],
		["Hugo expirydate (lower case)", fenced(minimal("expirydate: 2026-06-01")), { expires: "2026-05-31T22:00:00.000Z" }],
		["Hugo's unpublishdate alias", fenced(minimal("unpublishdate: 2026-06-02")), { expires: "2026-06-01T22:00:00.000Z" }],
		["Hugo aliases, absolute and relative to /posts/", fenced(minimal("aliases: [/2010/01/old.html, old-name/, ../elsewhere]")), { aliases: ["/2010/01/old.html", "/posts/old-name/", "/elsewhere"] }],
		["one alias written as a string", fenced(minimal("aliases: /old")), { aliases: ["/old"] }],
		["aliases percent-encoded, NFC, repeats and the post's own path left out", fenced(minimal("slug: a-post", "aliases: [/café, /cafe\u0301, /posts/a-post, /a b]")), { aliases: ["/caf%C3%A9", "/a%20b"] }],
		["no aliases", fenced(minimal()), { aliases: [] }],
		// Hugo, TOML
		[
			"Hugo TOML front matter",
			toml([
				"title = 'Replication slots'",
				"date = 2026-04-10T08:00:00+02:00",
				"lastmod = 2026-04-12T09:30:00+02:00",
				"draft = false",
				"tags = ['replication', 'postgres']",
				"categories = ['Internals']",
				"summary = 'How slots keep the log around.'",
				"aliases = ['/old/slots/']",
				"expiryDate = 2027-01-01T00:00:00Z",
				"id = 3004",
				"[params]",
				"weight = 3",
			]),
			{
				title: "Replication slots",
				published: "2026-04-10T06:00:00.000Z",
				updated: "2026-04-12T07:30:00.000Z",
				draft: false,
				tags: ["replication", "postgres"],
				categories: ["Internals"],
				summary: "How slots keep the log around.",
				aliases: ["/old/slots/"],
				expires: "2027-01-01T00:00:00.000Z",
				id: "tag:journal.example,2026:post/3004",
			},
		],
		["a TOML draft", toml([...TOML_MINIMAL, "draft = true"]), { draft: true }],
		["a TOML local date-time in the site's zone", toml(["title = 'A post'", "date = 2026-05-01T12:00:00"]), { published: "2026-05-01T10:00:00.000Z" }],
		["a TOML local date", toml(["title = 'A post'", "date = 2026-05-01"]), { published: "2026-04-30T22:00:00.000Z" }],
		["a TOML publishDate", toml([...TOML_MINIMAL, "publishDate = 2026-05-02T00:00:00Z"]), { published: "2026-05-02T00:00:00.000Z" }],
		["a TOML id past 2^53, not rounded", toml([...TOML_MINIMAL, "id = 12345678901234567890"]), { id: "tag:journal.example,2026:post/12345678901234567890" }],
		["TOML fences with trailing spaces and an empty body", "+++  \ntitle = 'A post'\ndate = 2026-05-01\n+++ ", { title: "A post", contentHtml: "" }],
		// Hugo, JSON
		[
			"Hugo JSON front matter",
			json({ title: "Replication {slots}", date: "2026-04-10T08:00:00+02:00", draft: false, tags: ["replication"], aliases: ["/old/"], publishDate: "2026-04-11T00:00:00Z" }, "Body with } and {."),
			{ title: "Replication {slots}", published: "2026-04-11T00:00:00.000Z", tags: ["replication"], aliases: ["/old/"], contentHtml: "<p>Body with } and {.</p>\n" },
		],
		["a JSON draft", json({ ...JSON_MINIMAL, draft: true }), { draft: true }],
		["JSON front matter with its body on the same line", `{"title": "A post", "date": "2026-05-01"} Body.`, { contentHtml: "<p>Body.</p>\n" }],
		// Pelican
		["Pelican Status: draft", fenceless(minimal("Status: draft")), { draft: true }],
		["Pelican Status: hidden", fenceless(minimal("Status: hidden")), { draft: true }],
		["Pelican Status: published", fenceless(minimal("Status: published")), { draft: false }],
		["Pelican comma-separated Tags", fenceless(minimal("Tags: replication, wal , postgres,")), { tags: ["replication", "wal", "postgres"] }],
		["Pelican's singular Category", fenceless(minimal("Category: Internals")), { categories: ["Internals"] }],
		["Pelican Modified", fenceless(minimal("Modified: 2026-05-06 10:00")), { updated: "2026-05-06T08:00:00.000Z" }],
		[
			"Pelican metadata that is not YAML (a colon in the title, a continued summary)",
			fenceless(["Title: Python: the good parts", "Date: 2026-05-01 10:00", "Tags: python, style", "Summary: A first line", "    and its continuation.", "Status: draft"]),
			{ title: "Python: the good parts", published: "2026-05-01T08:00:00.000Z", tags: ["python", "style"], summary: "A first line and its continuation.", draft: true },
		],
	])("%s", (_name, post, expected) => {
		expect(parseOk(post, { settings: { timeZone: "Europe/Paris" } })).toMatchObject(expected);
	});

	it.each(["expiryDate: 0001-01-01T00:00:00Z", "expiryDate:", "expirydate: 0000-00-00 00:00:00"])("reads %s as no expiry", (line) => {
		expect(parseOk(fenced(minimal(line)))).not.toHaveProperty("expires");
	});

	it("takes a Jekyll post's date from its file name when the front matter has none", () => {
		const post = parseOk(fenced(["title: A post"]), { key: "_posts/2026-05-07-a-post.md", settings: { timeZone: "Europe/Paris" } });
		expect(post.published).toBe("2026-05-06T22:00:00.000Z");
		expect(parseOk(fenced(minimal()), { key: "_posts/2026-05-07-a-post.md" }).published).toBe("2026-05-01T12:00:00.000Z");
		expect(parseError(fenced(["title: A post"]), { key: "_posts/2026-13-07-a-post.md" })).toMatch(/^the date in the file name "2026-13-07" is not a valid date/);
	});

	it("reads the same post the same way in YAML, TOML and JSON", () => {
		const yamlPost = parseOk(fenced(["title: Same", "date: 2026-05-01T12:00:00Z", "draft: true", "tags: [a, b]", "aliases: [/x]"], "Body."));
		const tomlPost = parseOk(toml(["title = 'Same'", "date = 2026-05-01T12:00:00Z", "draft = true", "tags = ['a', 'b']", "aliases = ['/x']"], "Body."));
		const jsonPost = parseOk(json({ title: "Same", date: "2026-05-01T12:00:00Z", draft: true, tags: ["a", "b"], aliases: ["/x"] }, "Body."));
		expect(tomlPost).toEqual(yamlPost);
		expect(jsonPost).toEqual(yamlPost);
	});

	it("leaves Markdown that starts with a brace or a template tag alone", () => {
		expect(parseError("{{< figure src=x >}}\n\nBody")).toBe("title is missing (the post has no front matter)");
		expect(parseError("{% include x %}\n")).toBe("title is missing (the post has no front matter)");
	});
});

describe("front matter conventions that are refused, with the reason", () => {
	it.each([
		["TOML that does not parse", toml(["title = 'A post'", "date = "]), /^front matter is not valid TOML: .+ \(line 3\)$/],
		["TOML that never closes", "+++\ntitle = 'A post'\n\nBody\n", /^front matter opens with \+\+\+ but never closes$/],
		["a TOML key spelled twice in different cases", toml([...TOML_MINIMAL, "Title = 'Again'"]), /^front matter has both "title" and "Title"; keep one$/],
		["a TOML __proto__ key", toml([...TOML_MINIMAL, "__proto__ = 1"]), /^front matter is not valid TOML: /],
		["JSON that does not parse", '{"title": "A post", "date": 2026-05-01}\n', /^front matter is not valid JSON: /],
		["JSON that never closes", '{"title": "A post",\n\nBody\n', /^front matter opens with \{ but its JSON object never closes$/],
		["a published that is neither true/false nor a date", fenced(minimal("published: soon")), /^published "soon" must be true or false \(Jekyll\) or a date \(Hugo\)$/],
		["TOML dotted keys nested 20,000 deep", toml([...TOML_MINIMAL, `${Array.from({ length: 20_000 }, () => "a").join(".")} = 1`]), /^front matter is not valid TOML: /],
		["an unknown Pelican status", fenceless(minimal("Status: pending")), /^status "pending" must be published, draft or hidden$/],
		["an expiryDate before the publication date", fenced(minimal("expiryDate: 2026-04-01")), /^expiryDate "2026-04-01T00:00:00.000Z" is not after the publication date "2026-05-01T12:00:00.000Z": the post would never be shown$/],
		["an expiryDate that is not a date", fenced(minimal("expiryDate: soon")), /^expiryDate "soon" is not a valid date/],
		["a publishDate that is not a date", fenced(minimal("publishDate: 2026-13-01")), /^publishDate "2026-13-01" is not a valid date/],
		["an alias that is a URL", fenced(minimal("aliases: [https://old.example/x]")), /^alias "https:\/\/old.example\/x" must be a path on this site, such as \/2010\/old-post.html, not a URL$/],
		["an alias that is protocol-relative", fenced(minimal("aliases: [//old.example/x]")), /must be a path on this site/],
		["an alias with a query", fenced(minimal("aliases: [/x?p=1]")), /^alias "\/x\?p=1" must be a plain path, without \?, #, backslashes or control characters$/],
		["an alias for the home page", fenced(minimal("aliases: [/posts/..]")), /^alias "\/posts\/.." would redirect the site's home page$/],
		["an alias that is not text", fenced(minimal("aliases: [{a: 1}]")), /^aliases must be paths on this site, not \{"a":"1"\}$/],
		["more than 100 aliases", fenced(minimal(`aliases: [${Array.from({ length: 101 }, (_, i) => `/a${i}`).join(", ")}]`)), /^aliases lists 101 paths; at most 100 are read$/],
	])("refuses %s", (_name, post, reason) => {
		expect(parseError(post)).toMatch(reason);
	});
});
