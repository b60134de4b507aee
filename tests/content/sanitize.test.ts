import { describe, expect, it } from "vitest";
import { fenced, minimal, parseOk } from "./builders";

function html(body: string, siteUrl = "https://journal.example"): string {
	return parseOk(fenced(minimal("slug: the-post"), body), { settings: { siteUrl } }).contentHtml;
}

describe("HTML sanitization", () => {
	it.each([
		["a script element and its code", "Before <script>alert(1)</script> after", "<p>Before  after</p>"],
		["a script block", "<script>\nalert(1)\n</script>\n\nText", "<p>Text</p>"],
		["a style element", "<style>body{display:none}</style>\n\nText", "<p>Text</p>"],
		["an event handler attribute", '<img src="/a.png" onerror="alert(1)" onload="x()">', '<img src="https://journal.example/a.png" />'],
		["a javascript: link", "[click](javascript:alert(1))", "<p><a>click</a></p>"],
		["a javascript: link hidden by case and whitespace", '<a href=" JaVa&#x09;ScRiPt:alert(1)">x</a>', "<p><a>x</a></p>"],
		["a vbscript: link", '<a href="vbscript:msgbox(1)">x</a>', "<p><a>x</a></p>"],
		["a data: link", '<a href="data:text/html;base64,PHNjcmlwdD4=">x</a>', "<p><a>x</a></p>"],
		["a data: image", '<img src="data:image/png;base64,iVBORw0KGgo=" alt="x">', ""],
		["an image without a usable source", '<img src="javascript:alert(1)" alt="x">', ""],
		["an iframe", '<iframe src="https://evil.example"></iframe>', ""],
		["object and embed", '<object data="x.swf"></object><embed src="x.swf">', "<p></p>"],
		["a form", '<form action="https://evil.example"><input name="q"><button>Go</button></form>', "Go"],
		["style and class attributes", '<p style="color:red" class="x" id="y">Text</p>', "<p>Text</p>"],
		["an SVG with a script", "<svg><script>alert(1)</script><text>hi</text></svg>", "<p></p>"],
		["a meta refresh", '<meta http-equiv="refresh" content="0;url=https://evil.example">', ""],
		["a base element", '<base href="https://evil.example/">', ""],
	])("removes %s", (_name, body, expected) => {
		expect(html(body).trim()).toBe(expected);
	});

	it.each([
		["emphasis and strong", "*a* **b** ~~c~~", "<p><em>a</em> <strong>b</strong> <del>c</del></p>\n"],
		["headings", "## Two", "<h2>Two</h2>\n"],
		["block quotes", "> quoted", "<blockquote>\n<p>quoted</p>\n</blockquote>\n"],
		["code with its language", "```sql\nSELECT 1 < 2;\n```", '<pre><code class="language-sql">SELECT 1 &lt; 2;\n</code></pre>\n'],
		["inline code", "use `a < b`", "<p>use <code>a &lt; b</code></p>\n"],
		["tables with alignment", "| a | b |\n|:--|--:|\n| 1 | 2 |", '<table>\n<thead>\n<tr>\n<th align="left">a</th>\n<th align="right">b</th>\n</tr>\n</thead>\n<tbody><tr>\n<td align="left">1</td>\n<td align="right">2</td>\n</tr>\n</tbody></table>\n'],
		["image attributes", '<img src="https://cdn.example/a.png" alt="A" title="T" width="10" height="20">', '<img src="https://cdn.example/a.png" alt="A" title="T" width="10" height="20" />'],
		["link titles", '[x](https://other.example/ "Other")', '<p><a href="https://other.example/" title="Other">x</a></p>\n'],
		["mailto links", "[mail](mailto:ed@journal.example)", '<p><a href="mailto:ed@journal.example">mail</a></p>\n'],
		["ordered lists with a start", "3. three\n4. four", '<ol start="3">\n<li>three</li>\n<li>four</li>\n</ol>\n'],
		["raw inline formatting", "<kbd>Ctrl</kbd> <sup>2</sup> <abbr title=\"Write-ahead log\">WAL</abbr>", '<p><kbd>Ctrl</kbd> <sup>2</sup> <abbr title="Write-ahead log">WAL</abbr></p>\n'],
	])("keeps %s", (_name, body, expected) => {
		expect(html(body).trim()).toBe(expected.trim());
	});

	it("reads * followed by a tab as a list item", () => {
		expect(html("Points:\n\n*\tfirst\n*\tsecond")).toBe("<p>Points:</p>\n<ul>\n<li>first</li>\n<li>second</li>\n</ul>\n");
	});

	it("reads an indented * list after a line holding only a tab", () => {
		expect(html("Points:\n\t\n  * first\t\n  * second")).toMatch(/^<p>Points:<\/p>\n<ul>\n<li>first\s*<\/li>\n<li>second<\/li>\n<\/ul>\n$/);
	});
});

describe("links and images made absolute", () => {
	it.each([
		["a root-relative link", "[a](/about)", "https://journal.example/about"],
		["a relative link", "[a](notes.html)", "https://journal.example/media/posts/notes.html"],
		["a relative link to a parent", "[a](../other/x.pdf)", "https://journal.example/media/other/x.pdf"],
		["a fragment", "[a](#part-2)", "https://journal.example/posts/the-post#part-2"],
		["a query", "[a](?page=2)", "https://journal.example/media/posts/?page=2"],
		["a protocol-relative link", "[a](//cdn.example/x)", "https://cdn.example/x"],
		["an absolute link", "[a](https://other.example/x?y=1&z=2)", "https://other.example/x?y=1&amp;z=2"],
		["a raw HTML link", '<a href="files/report.pdf">a</a>', "https://journal.example/media/posts/files/report.pdf"],
		["a reference link", "[a][ref]\n\n[ref]: /refs", "https://journal.example/refs"],
	])("makes %s absolute", (_name, body, href) => {
		expect(html(body)).toContain(`href="${href}"`);
	});

	it.each([
		["a relative image", "![diagram](diagram.png)", "https://journal.example/media/posts/diagram.png"],
		["a root-relative image", "![diagram](/images/diagram.png)", "https://journal.example/images/diagram.png"],
	])("makes %s absolute", (_name, body, src) => {
		expect(html(body)).toContain(`src="${src}"`);
	});

	it("resolves root-relative links under a site URL with a path", () => {
		const result = html("[a](/about) [b](notes.html)", "https://host.example/journal");
		expect(result).toContain('href="https://host.example/journal/about"');
		expect(result).toContain('href="https://host.example/journal/media/posts/notes.html"');
	});

	it("leaves no relative URL anywhere in the content", () => {
		const result = html("[a](a) [b](/b) [c](#c) ![d](d.png) <a href='e'>e</a> <img src='/f.png'>");
		const urls = [...result.matchAll(/(?:href|src)="([^"]*)"/g)].map((m) => m[1]);
		expect(urls).toHaveLength(6);
		for (const url of urls) expect(url).toMatch(/^https:\/\/journal\.example\//);
	});
});
