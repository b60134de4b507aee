import { describe, expect, it } from "vitest";
import { fenced, fenceless, minimal, parse, parseError, parseOk } from "./builders";

const shapes = [
	["fenced", fenced],
	["fence-less", fenceless],
] as const;

describe("front matter shapes", () => {
	it.each(shapes)("reads every field from %s front matter", (_name, shape) => {
		const post = parseOk(
			shape(
				[
					"title: Replication slots explained",
					"slug: replication-slots",
					"date: 2026-04-10 08:00:00+02:00",
					"lastmod: 2026-04-12 09:30:00+02:00",
					"author: Ada Example",
					"tags:",
					"- replication",
					"- postgres",
					"categories: [Internals]",
					"summary: How slots keep the log around.",
					"draft: false",
					"layout: post",
					"type: post",
				],
				"The body, with *emphasis*.",
			),
		);
		expect(post).toMatchObject({
			title: "Replication slots explained",
			slug: "replication-slots",
			url: "https://journal.example/posts/replication-slots",
			published: "2026-04-10T06:00:00.000Z",
			updated: "2026-04-12T07:30:00.000Z",
			authors: [{ name: "Ada Example" }],
			tags: ["replication", "postgres"],
			categories: ["Internals"],
			summary: "How slots keep the log around.",
			draft: false,
			key: "posts/a-post.md",
			etag: "etag-1",
		});
		expect(post.contentHtml).toBe("<p>The body, with <em>emphasis</em>.</p>\n");
	});

	it("accepts a ---yaml language marker on the opening fence", () => {
		expect(parseOk(`---yaml\n${minimal().join("\n")}\n---\nBody`).title).toBe("A post");
	});

	it("accepts trailing spaces after both fences", () => {
		expect(parseOk(`---  \n${minimal().join("\n")}\n--- \t\nBody`).contentHtml).toContain("Body");
	});

	it("accepts a blank line before the closing fence", () => {
		expect(parseOk(`---\n${minimal().join("\n")}\n\n---\n\nBody`).title).toBe("A post");
	});

	it("ends a fence-less block at a line holding only a tab", () => {
		const post = parseOk(`${minimal().join("\n")}\n\t\nname: not front matter\n`);
		expect(post.contentHtml).toBe("<p>name: not front matter</p>\n");
	});

	it("reads a post that is only a fence-less block, with an empty body", () => {
		const post = parseOk(minimal().join("\n"));
		expect(post.contentHtml).toBe("");
		expect(post.summary).toBe("");
	});

	it("keeps a --- thematic break in the body after the front matter", () => {
		expect(parseOk(fenced(minimal(), "One\n\n---\n\nTwo")).contentHtml).toBe("<p>One</p>\n<hr />\n<p>Two</p>\n");
	});

	it.each(["posts/a.md", "posts/a.markdown", "posts/a.txt", "posts/a", "a.MD"])("parses a post stored as %s", (key) => {
		expect(parseOk(fenced(minimal()), { key }).slug).toBe("a");
	});

	it("treats a post whose first line is not key: value as having no front matter", () => {
		expect(parseError("Just some prose.\n\ntitle: A post\n")).toBe("title is missing (the post has no front matter)");
	});

	it("explains a missing title when the fence-less block is not valid YAML", () => {
		expect(parseError("title: A post\n  date: [2026\n\nBody")).toMatch(
			/^title is missing \(the first lines look like front matter but are not valid YAML: .+ \(line \d+\)\)$/,
		);
	});

	it("ignores unknown keys", () => {
		expect(parseOk(fenced(minimal("layout: post", "type: post", "weight: 3", "comments: [1, 2]"))).title).toBe("A post");
	});
});

describe("front matter keys", () => {
	it.each([
		["Title:", "Date:", "Tags:"],
		["TITLE:", "DATE:", "TAGS:"],
		["title:", "dAtE:", "tags:"],
	])("reads %s %s %s without regard to case", (title, date, tags) => {
		const post = parseOk(fenceless([`${title} Cased`, `${date} 2026-01-02`, `${tags} one, two`]));
		expect(post).toMatchObject({ title: "Cased", published: "2026-01-02T00:00:00.000Z", tags: ["one", "two"] });
	});

	it("rejects a key written twice in different cases", () => {
		expect(parseError(fenced(["title: One", "Title: Two", "date: 2026-01-02"]))).toBe(
			'front matter has both "title" and "Title"; keep one',
		);
	});
});

describe("line ends and byte order marks", () => {
	const variants = [
		["LF", "", "\n"],
		["CRLF", "", "\r\n"],
		["CR", "", "\r"],
		["BOM + LF", "\uFEFF", "\n"],
		["BOM + CRLF", "\uFEFF", "\r\n"],
	] as const;
	it.each(shapes.flatMap(([shapeName, shape]) => variants.map(([name, bom, eol]) => [shapeName, name, shape, bom, eol] as const)))(
		"reads %s front matter with %s",
		(_shapeName, _name, shape, bom, eol) => {
			const text = bom + shape(minimal("tags: [a, b]"), "First line\nsecond line").replace(/\n/g, eol);
			const post = parseOk(text);
			expect(post).toMatchObject({ title: "A post", tags: ["a", "b"], published: "2026-05-01T12:00:00.000Z" });
			expect(post.contentHtml).toBe("<p>First line\nsecond line</p>\n");
		},
	);
});

describe("fields", () => {
	it.each([
		["a list", ["tags:", "- alpha", "- beta"], ["alpha", "beta"]],
		["an inline list", ["tags: [alpha, beta]"], ["alpha", "beta"]],
		["a comma-separated string", ["tags: alpha,  beta ,gamma"], ["alpha", "beta", "gamma"]],
		["one word", ["tags: alpha"], ["alpha"]],
		["numbers, kept as written", ["tags: [2011, 3.10, 007]"], ["2011", "3.10", "007"]],
		["duplicates in any case", ["tags: [Postgres, postgres, POSTGRES, sql]"], ["Postgres", "sql"]],
		["padded and empty entries", ["tags: ['  padded  ', '', ~, 'two  words']"], ["padded", "two words"]],
		["nothing", ["tags:"], []],
	])("reads tags written as %s", (_name, lines, expected) => {
		expect(parseOk(fenced(minimal(...lines))).tags).toEqual(expected);
	});

	it("reads categories like tags", () => {
		expect(parseOk(fenced(minimal("categories: [Ops, ops, 42]"))).categories).toEqual(["Ops", "42"]);
	});

	it("rejects tags given as a mapping", () => {
		expect(parseError(fenced(minimal("tags:", "  a: b")))).toBe("tags must be a list of words, not a mapping");
	});

	it.each([
		["true", true],
		["True", true],
		['"true"', true],
		["yes", true],
		["on", true],
		["false", false],
		["no", false],
		["~", false],
	])("reads draft: %s as %s", (value, expected) => {
		expect(parseOk(fenced(minimal(`draft: ${value}`))).draft).toBe(expected);
	});

	it("is not a draft when draft is absent", () => {
		expect(parseOk(fenced(minimal())).draft).toBe(false);
	});

	it("rejects a draft flag that is neither true nor false", () => {
		expect(parseError(fenced(minimal("draft: maybe")))).toBe('draft "maybe" must be true or false');
	});

	it("keeps <, & and ]]> in a title as plain text", () => {
		const post = parseOk(fenced(['title: "Escaping <, & and ]]> in XML"', "date: 2026-01-01"]));
		expect(post.title).toBe("Escaping <, & and ]]> in XML");
	});

	it("collapses line breaks in a folded title", () => {
		expect(parseOk(fenced(["title: >", "  A long", "  title", "date: 2026-01-01"])).title).toBe("A long title");
	});

	it("makes a relative front matter image absolute", () => {
		expect(parseOk(fenced(minimal("slug: shots", "image: cover.png"))).image).toBe("https://journal.example/media/posts/cover.png");
	});

	it("rejects a front matter image with a script URL", () => {
		expect(parseError(fenced(minimal("image: javascript:alert(1)")))).toBe('image "javascript:alert(1)" is not a usable http(s) URL');
	});

	it("leaves image unset when the front matter has none", () => {
		expect(parseOk(fenced(minimal()))).not.toHaveProperty("image");
	});
});

describe("slugs", () => {
	it.each([
		["slug: Hello, World!", "posts/x.md", "hello-world"],
		["slug: Ünïcödé Café", "posts/x.md", "unicode-cafe"],
		["slug: 2011", "posts/x.md", "2011"],
		["layout: post", "posts/2026/004_Notes Draft.txt", "004-notes-draft"],
		["layout: post", "replica_lag.markdown", "replica-lag"],
	])("makes %s in %s the slug %s", (line, key, slug) => {
		const post = parseOk(fenced(minimal(line)), { key });
		expect(post.slug).toBe(slug);
		expect(post.url).toBe(`https://journal.example/posts/${slug}`);
	});

	it("rejects a slug with no letters or digits", () => {
		expect(parseError(fenced(minimal('slug: "!!!"')))).toBe('slug "!!!" has no letters or digits to make a URL slug from');
	});

	it("rejects a file name with no letters or digits when there is no slug", () => {
		expect(parseError(fenced(minimal()), { key: "posts/___.md" })).toBe(
			'file name "___" has no letters or digits to make a URL slug from',
		);
	});

	it("builds the permalink from a site URL written with a trailing slash", () => {
		expect(parseOk(fenced(minimal("slug: s")), { settings: { siteUrl: "https://journal.example/" } }).url).toBe(
			"https://journal.example/posts/s",
		);
	});
});

describe("authors", () => {
	it.each([
		["no author", [], [{ name: "Site Editors" }]],
		["an empty author", ["author: ''"], [{ name: "Site Editors" }]],
		["an empty list", ["authors: []"], [{ name: "Site Editors" }]],
		["a name", ["author: Ada Example"], [{ name: "Ada Example" }]],
		["a name with an e-mail", ["author: Ada Example <ada@journal.example>"], [{ name: "Ada Example", email: "ada@journal.example" }]],
		["a list of names", ["authors: [Ada, Grace]"], [{ name: "Ada" }, { name: "Grace" }]],
		["a comma-separated authors string", ["authors: Ada, Grace"], [{ name: "Ada" }, { name: "Grace" }]],
		["a singular author with a comma", ["author: Example, Ada"], [{ name: "Example, Ada" }]],
		[
			"a mapping",
			["author:", "  name: Ada", "  email: ada@journal.example", "  url: https://ada.example"],
			[{ name: "Ada", email: "ada@journal.example", url: "https://ada.example/" }],
		],
		["a mapping with capitalised keys", ["author: {Name: Ada, EMAIL: ada@journal.example}"], [{ name: "Ada", email: "ada@journal.example" }]],
		[
			"a mixed list",
			["authors:", "  - Grace", "  - name: Ada", "    url: https://ada.example/"],
			[{ name: "Grace" }, { name: "Ada", url: "https://ada.example/" }],
		],
		["the same person twice", ["authors: [Ada, ada, Grace]"], [{ name: "Ada" }, { name: "Grace" }]],
	])("credits %s", (_name, lines, expected) => {
		expect(parseOk(fenced(minimal(...lines))).authors).toEqual(expected);
	});

	it("returns a copy of the default author, not the settings object", () => {
		const defaultAuthor = { name: "Site Editors" };
		const post = parseOk(fenced(minimal()), { settings: { defaultAuthor } });
		expect(post.authors[0]).toEqual(defaultAuthor);
		expect(post.authors[0]).not.toBe(defaultAuthor);
	});

	it.each([
		["a mapping without a name", ["author: {email: ada@journal.example}"], 'author {"email":"ada@journal.example"} has no name'],
		["a bad e-mail", ["author: {name: Ada, email: not-an-address}"], 'author e-mail "not-an-address" is not an e-mail address'],
		["a relative url", ["author: {name: Ada, url: /ada}"], 'author url "/ada" is not an absolute http(s) URL'],
		["a script url", ["author: {name: Ada, url: 'javascript:alert(1)'}"], 'author url "javascript:alert(1)" is not an absolute http(s) URL'],
	])("rejects %s", (_name, lines, reason) => {
		expect(parseError(fenced(minimal(...lines)))).toBe(reason);
	});
});

describe("summaries", () => {
	it.each([
		["summary", "summary: 'Plain *markdown* & <b>html</b> &amp; entities'", "Plain markdown & html & entities"],
		["description", "description: The   description,\t spaced", "The description, spaced"],
		["summary over description", "summary: Wins\ndescription: Loses", "Wins"],
	])("takes the %s from the front matter as plain text", (_name, line, expected) => {
		expect(parseOk(fenced(minimal(...line.split("\n")), "Body text that is not the summary.")).summary).toBe(expected);
	});

	it("uses the start of the body as plain text when the front matter has no summary", () => {
		const body = "# Heading\n\nA *first* paragraph &amp; [a link](https://x.example).\n\n- one\n- two\n\n<script>hidden()</script>\n\n`a < b`";
		expect(parseOk(fenced(minimal(), body)).summary).toBe("Heading A first paragraph & a link. one two a < b");
	});

	it("cuts a long body at a word boundary near 280 characters and adds an ellipsis", () => {
		const body = Array.from({ length: 100 }, (_, i) => `word${i}`).join(" ");
		const summary = parseOk(fenced(minimal(), body)).summary;
		expect(summary.endsWith("…")).toBe(true);
		expect(summary.length).toBeLessThanOrEqual(281);
		expect(summary.length).toBeGreaterThan(240);
		expect(body.startsWith(summary.slice(0, -1))).toBe(true);
		expect(body.charAt(summary.length - 1)).toBe(" ");
	});

	it("does not add an ellipsis to a short body", () => {
		expect(parseOk(fenced(minimal(), "Short and sweet.")).summary).toBe("Short and sweet.");
	});

	it("cuts a single enormous word at 280 characters", () => {
		expect(parseOk(fenced(minimal(), "x".repeat(1000))).summary).toBe(`${"x".repeat(280)}…`);
	});
});

describe("broken posts", () => {
	it.each([
		["bad YAML", fenced(["title: A post", "date: [2026-01-01", "tags: x"]), /^front matter is not valid YAML: .+ \(line \d+\)$/],
		["bad YAML indentation (names the line)", "---\ntitle: A post\n  date: 2026\nx: y\n---\n", /^front matter is not valid YAML: bad indentation of a mapping entry \(line 3\)$/],
		["a repeated key", fenced(["title: A post", "title: Again", "date: 2026-01-01"]), /^front matter is not valid YAML: duplicated mapping key \(line 3\)$/],
		["an unterminated fence", "---\ntitle: A post\ndate: 2026-01-01\n\nBody without end.\n", /^front matter opens with --- but never closes$/],
		["a closing fence with text after it", "---\ntitle: A post\n---- not a fence\n", /^front matter opens with --- but never closes \(line 3 starts with --- but is "---- not a fence"\)$/],
		["JavaScript front matter", "---js\n{ title: (globalThis.__pwned = 'yes') }\n---\nBody", /^front matter language "js" is not supported; use YAML$/],
		["JSON front matter", '---json\n{"title": "x"}\n---\nBody', /^front matter language "json" is not supported; use YAML$/],
		["a list instead of a mapping", fenced(["- title", "- date"]), /^front matter must be a YAML mapping of keys to values, not a list$/],
		["a missing title", fenced(["date: 2026-01-01"]), /^title is missing$/],
		["an empty title", fenced(["title: '  '", "date: 2026-01-01"]), /^title is missing$/],
		["a title that is a list", fenced(["title: [a, b]", "date: 2026-01-01"]), /^title must be text, not a list$/],
		["a missing date", fenced(["title: A post"]), /^date is missing$/],
		["an invalid date", fenced(["title: A post", "date: 2011-13-45"]), /^date "2011-13-45" is not a valid date; write it as YYYY-MM-DD/],
		["a number as date", fenced(["title: A post", "date: 1715000000"]), /^date "1715000000" is not a valid date/],
		["a list as date", fenced(["title: A post", "date: [2026-01-01]"]), /^date \["2026-01-01"\] is not a date; write it as YYYY-MM-DD/],
		["an invalid lastmod", fenced(["title: A post", "date: 2026-01-01", "lastmod: soon"]), /^lastmod "soon" is not a valid date/],
		["an id that is a list", fenced(minimal("id: [1, 2]")), /^id \["1","2"\] must be a number or a non-empty string$/],
		["an empty object", new Uint8Array(0), /^object is empty$/],
		["only whitespace", " \n\t\r\n", /^object is empty \(only whitespace\)$/],
		["a byte order mark and nothing else", "\uFEFF", /^object is empty \(only whitespace\)$/],
		["invalid UTF-8", new Uint8Array([0x2d, 0x2d, 0x2d, 0x0a, 0xff, 0xfe, 0xc3, 0x28]), /^not UTF-8 text/],
		["a PNG image", new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]), /^not UTF-8 text/],
		["UTF-16 text", utf16le(fenced(minimal())), /^not UTF-8 text \(it is full of NUL bytes: binary data or UTF-16\)$/],
		["a lone UTF-8 encoded surrogate", new Uint8Array([0x61, 0xed, 0xa0, 0x80]), /^not UTF-8 text/],
		["an unknown site time zone", fenced(minimal()), /^the site's time zone "Mars\/Olympus" is not an IANA time zone$/, { timeZone: "Mars/Olympus" }],
	] as const)("rejects %s with a clear reason", (_name, content, reason, siteSettings?) => {
		expect(parseError(content, { settings: siteSettings })).toMatch(reason);
		expect((globalThis as { __pwned?: string }).__pwned).toBeUndefined();
	});

	it("rejects front matter with 100,000 blank lines in a row", () => {
		expect(parseError(`---\ntitle: A post\n${"\n".repeat(100_000)}date: 2026-01-01\n---\nBody`)).toBe("front matter has too many blank lines in a row");
	});

	it("accepts front matter with some blank lines and comments", () => {
		expect(parseOk(`---\n# comment\ntitle: A post\n${"\n".repeat(1_000)}  # indented comment\ndate: 2026-01-01\n---\nBody`).title).toBe("A post");
	});

	it("says a title is missing from empty fences without claiming there is no front matter", () => {
		expect(parseError("---\n---\nBody")).toBe("title is missing");
	});

	it("rejects a 5 MB post with its size and the limit", () => {
		const text = fenced(minimal(), "a".repeat(5 * 1024 * 1024));
		expect(parseError(text)).toMatch(/^post is 5\.0 MiB; posts larger than 1 MiB are not read/);
	});

	it.each([
		["block quotes nested 50,000 deep", fenced(minimal(), ">".repeat(50_000)), "the post's Markdown nests lists and quotes more than 20 levels deep"],
		["lists nested 500 deep", fenced(minimal(), Array.from({ length: 500 }, (_, i) => `${"  ".repeat(i)}- x`).join("\n")), "the post's Markdown nests lists and quotes more than 20 levels deep"],
		["HTML nested 50,000 deep", fenced(minimal(), "<div>".repeat(50_000)), "the post's HTML nests elements more than 256 levels deep"],
		["unclosed inline HTML repeated 100,000 times", fenced(minimal(), "<p><b>x".repeat(100_000)), "the post's HTML nests elements more than 256 levels deep"],
		["YAML nested 50,000 deep", fenced([...minimal(), `x: ${"[".repeat(50_000)}`]), "front matter is not valid YAML: it is nested too deeply"],
		["a 1 MB paragraph written unindented under a list item", fenced(minimal(), `- item\n${"lazy continuation line\n".repeat(40_000)}`), "the list item at line 6 goes on for too long without indentation; indent its lines or end the list with a blank line"],
	])("rejects %s instead of exhausting time or memory", (_name, content, reason) => {
		expect(parseError(content)).toBe(reason);
	});

	it("accepts Markdown nested a realistic number of levels", () => {
		const lists = Array.from({ length: 8 }, (_, i) => `${"  ".repeat(i)}- level ${i + 1}`).join("\n");
		const quotes = Array.from({ length: 8 }, (_, i) => `${">".repeat(i + 1)} quote ${i + 1}`).join("\n");
		const post = parseOk(fenced(minimal(), `${lists}\n\n${quotes}`));
		expect(post.contentHtml.match(/<ul>/g)).toHaveLength(8);
		expect(post.contentHtml.match(/<blockquote>/g)).toHaveLength(8);
	});

	it("accepts a short paragraph written unindented under a list item", () => {
		expect(parseOk(fenced(minimal(), "- item starts\nand lazily continues\n- next")).contentHtml).toBe(
			"<ul>\n<li>item starts\nand lazily continues</li>\n<li>next</li>\n</ul>\n",
		);
	});

	it.each([
		["a YAML alias bomb", fenced([...minimal(), "a: &a [x, x]", "b: &b [*a, *a]", "c: &c [*b, *b]", "tags: [*c, *c]"])],
		["unbalanced brackets", fenced(minimal(), "[".repeat(100_000) + "](".repeat(10_000))],
		["random bytes", randomBytes(4096, 7)],
		["random printable text", fenced(minimal(), randomText(200_000, 11))],
	])("returns an outcome instead of throwing for %s", (_name, content) => {
		const outcome = parse(content);
		expect(typeof outcome.ok).toBe("boolean");
		if (!outcome.ok) expect(outcome.error.reason).not.toBe("");
	});
});

describe("characters XML 1.0 forbids", () => {
	const filler = "Plenty of ordinary prose around the stray characters. ".repeat(20);

	it("removes stray control characters from every text field", () => {
		const text = fenced(
			["title: Con\u0001trol \u0008title", "date: 2026-01-01", "tags: [a\u000Bb, \u001Fc]", "categories: [d\u000Ce]", "author: Ada\u0007 Example"],
			`Body\u0000 with\u0002 stray\u001B characters\uFFFE.\n\n${filler}`,
		);
		const post = parseOk(text);
		expect(post).toMatchObject({ title: "Control title", tags: ["ab", "c"], categories: ["de"], authors: [{ name: "Ada Example" }] });
		expect(post.contentHtml.startsWith("<p>Body with stray characters.</p>")).toBe(true);
		expect(JSON.stringify(post)).not.toMatch(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/);
	});

	it.each([
		["a numeric entity in the body", fenced(minimal(), "Bell &#7; here &#xFFFF; and &#xD800;.")],
		["a YAML escape in the title", fenced(['title: "Bell \\x07 \\uFFFE \\uD800 title"', "date: 2026-01-01"], "Body")],
		["a YAML escape in the summary", fenced([...minimal(), 'summary: "S\\x01ummary"'], "Body")],
	])("removes forbidden characters produced by %s", (_name, text) => {
		const post = parseOk(text);
		expect(JSON.stringify(post)).not.toMatch(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|\\u[dD][89abAB]/);
		expect(JSON.stringify([post.title, post.summary, post.contentHtml])).not.toMatch(/[\uD800-\uDFFF]/);
	});

	it("keeps tabs and line breaks", () => {
		expect(parseOk(fenced(minimal(), "```\na\tb\nc\n```")).contentHtml).toBe("<pre><code>a\tb\nc\n</code></pre>\n");
	});
});

describe("large posts", () => {
	it("parses a post just under the 1 MiB limit", () => {
		const paragraph =
			"Replication *lag* is measured in **bytes** and [seconds](https://journal.example/lag), see `pg_stat_replication` & friends.\n\n" +
			"- a list item with a [relative link](notes.html)\n- another item\n\n> a quote\n\n";
		const body = paragraph.repeat(Math.floor((1024 * 1024 - 200) / paragraph.length));
		const post = parseOk(fenced(minimal("slug: big"), body));
		expect(post.contentHtml.length).toBeGreaterThan(1000 * 1000);
		expect(post.contentHtml).toContain('href="https://journal.example/media/posts/notes.html"');
		expect(post.summary.endsWith("…")).toBe(true);
	}, 30_000);

	it.each([
		["asterisks", `a${"*".repeat(200_000)}a`],
		["underscores and words", "_a ".repeat(100_000).trim()],
		["backticks", `a${"`".repeat(100_000)}a`],
		["open angle brackets", "<".repeat(200_000)],
		["link openers", "[a](".repeat(50_000)],
		["spaces before a colon", `title${" ".repeat(200_000)}x`],
	])("keeps a long run of %s as the paragraph's plain text", (_name, body) => {
		const html = parseOk(fenced(minimal(), body)).contentHtml;
		expect(html.startsWith("<p>")).toBe(true);
		expect(textOf(html)).toBe(body);
	}, 20_000);

	it.each([
		["asterisks", "*".repeat(200_000), "<hr />\n"],
		["backticks", "`".repeat(100_000), "<pre><code></code></pre>\n"],
	])("reads a line of 100,000+ %s as the block CommonMark makes of it", (_name, body, html) => {
		expect(parseOk(fenced(minimal(), body)).contentHtml).toBe(html);
	}, 20_000);

	it("parses a fence-less post whose first line is 1 MB long", () => {
		expect(parseError(`key${" x".repeat(500_000)}:\n`)).toMatch(/^title is missing/);
	});
});

/** The text of rendered HTML: tags dropped, the entities the renderer writes decoded. */
function textOf(html: string): string {
	const entities: Record<string, string> = { "&lt;": "<", "&gt;": ">", "&quot;": '"', "&#39;": "'", "&amp;": "&" };
	return html
		.replace(/<[^>]*>/g, "")
		.replace(/&(?:lt|gt|quot|#39|amp);/g, (entity) => entities[entity]!)
		.trim();
}

function utf16le(text: string): Uint8Array {
	const bytes = new Uint8Array(text.length * 2);
	for (let i = 0; i < text.length; i++) {
		bytes[i * 2] = text.charCodeAt(i) & 0xff;
		bytes[i * 2 + 1] = text.charCodeAt(i) >> 8;
	}
	return bytes;
}

/** Deterministic pseudo-random bytes (a linear congruential generator), so a failure can be replayed. */
function randomBytes(length: number, seed: number): Uint8Array {
	const bytes = new Uint8Array(length);
	let state = seed;
	for (let i = 0; i < length; i++) {
		state = (state * 1103515245 + 12345) >>> 0;
		bytes[i] = state >>> 24;
	}
	return bytes;
}

/** Markdown-ish noise: punctuation that opens and closes inline and block constructs, letters and line breaks. */
function randomText(length: number, seed: number): string {
	const alphabet = "ab *_`[]()<>!#-+>|:=~\\\n&;";
	let state = seed;
	let text = "";
	for (let i = 0; i < length; i++) {
		state = (state * 1103515245 + 12345) >>> 0;
		text += alphabet[(state >>> 24) % alphabet.length];
	}
	return text;
}
