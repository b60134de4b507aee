import { describe, expect, it } from "vitest";
import { linkBaseFor } from "../../src/content/links";
import { htmlToText, sanitizePostHtml } from "../../src/content/sanitize";
import { fenced, minimal, parseOk } from "./builders";

/** What a post's HTML may contain once sanitized (the allowlist of src/content/sanitize.ts, written out again). */
const ALLOWED_ELEMENTS = new Set(
	(
		"p br hr h1 h2 h3 h4 h5 h6 blockquote pre code kbd samp var em strong b i u s del ins mark small sub sup abbr cite q " +
		"dfn span div ul ol li dl dt dd a img figure figcaption details summary table caption thead tbody tfoot tr th td"
	).split(" "),
);
const ALLOWED_ATTRIBUTES = new Set(["href", "title", "src", "alt", "width", "height", "class", "start", "align", "colspan", "rowspan"]);
const HTML_NAMESPACE = "http://www.w3.org/1999/xhtml";

interface Found {
	elements: { tag: string; namespace: string; attributes: [string, string][] }[];
	comments: number;
}

/**
 * Re-reads sanitized HTML with workerd's HTMLRewriter (lol-html, a different parser from the sanitizer's
 * htmlparser2, tokenizing as browsers do, foreign content included): what a browser would build from it.
 */
async function reparse(html: string): Promise<Found> {
	const found: Found = { elements: [], comments: 0 };
	await new HTMLRewriter()
		.on("*", {
			element(element) {
				found.elements.push({ tag: element.tagName, namespace: element.namespaceURI, attributes: [...element.attributes] as [string, string][] });
			},
		})
		.onDocument({
			comments() {
				found.comments++;
			},
		})
		.transform(new Response(html))
		.text();
	return found;
}

/** Fails the test naming the first thing in `html` that could run script or leave the allowlist. */
async function expectInert(html: string): Promise<void> {
	expect(html).not.toMatch(/<\/?(?:script|style|svg|math|iframe|object|embed|form|button|input|base|meta|link|noscript|template|textarea|xmp|select|option)\b/i);
	const { elements, comments } = await reparse(html);
	expect(comments, "comments").toBe(0);
	for (const { tag, namespace, attributes } of elements) {
		expect(ALLOWED_ELEMENTS.has(tag), `element <${tag}>`).toBe(true);
		expect(namespace, `namespace of <${tag}>`).toBe(HTML_NAMESPACE);
		for (const [name, value] of attributes) {
			expect(ALLOWED_ATTRIBUTES.has(name), `attribute ${name} on <${tag}>`).toBe(true);
			if (name === "href" || name === "src") expect(value, `${name} on <${tag}>`).toMatch(/^(?:https?:\/\/|mailto:)[^\s]/);
			// lol-html gives attribute values as written: the sanitizer writes only these entities.
			expect(value.replace(/&(?:amp|lt|gt|quot);/g, ""), `${name} on <${tag}>`).not.toMatch(/&|javascript:|data:|vbscript:/i);
		}
	}
}

const LINKS = linkBaseFor("https://journal.example", "the-post", "the-post.md");

/** Each payload, named by the trick it plays; classic ones from DOMPurify's and sanitize-html's advisories. */
const PAYLOADS: [string, string][] = [
	// Namespace confusion and raw-text elements that browsers and sanitizers read differently.
	["noscript read as raw text by browsers", '<noscript><p title="</noscript><img src=x onerror=alert(1)>">'],
	["noscript closed early by an ancestor's end tag", "<div><noscript></div><img src=x onerror=alert(1)></noscript>"],
	["template content", "<template><img src=x onerror=alert(1)></template>"],
	["style inside svg", "<svg><style><img src=x onerror=alert(1)></style></svg>"],
	["svg p-breakout", '<svg></p><style><a id="</style><img src=1 onerror=alert(1)>">'],
	["math mglyph style (DOMPurify 2.0.0)", "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>"],
	["math mglyph textarea", '<math><mi><mglyph><svg><mtext><textarea><path id="</textarea><img onerror=alert(1) src=1>">'],
	["nested forms in math (DOMPurify 2.2.2)", "<form><math><mtext></form><form><mglyph><style></math><img src onerror=alert(1)>"],
	["textarea inside svg", "<svg><textarea><img src=x onerror=alert(1)></textarea></svg>"],
	["textarea closed by a solidus", "<textarea></textarea/><img src=x onerror=alert(1)></textarea>"],
	["xmp", "<xmp><img src=x onerror=alert(1)></xmp>"],
	["title", "<title><img src=x onerror=alert(1)></title>"],
	["noembed and noframes", "<noembed><img src=x onerror=alert(1)></noembed><noframes><img src=x onerror=alert(1)></noframes>"],
	["plaintext", "<plaintext><img src=x onerror=alert(1)>"],
	["CDATA inside svg", "<svg><![CDATA[</svg><img src=x onerror=alert(1)>]]></svg>"],
	["CDATA in HTML", "<![CDATA[<img src=x onerror=alert(1)>]]>"],
	["select and option", "<select><option><img src=x onerror=alert(1)></option></select>"],
	["iframe fallback", "<iframe><img src=x onerror=alert(1)></iframe>"],
	// Comments that end where browsers think they do, not where a naive parser does.
	["abrupt comment", "<!--><img src=x onerror=alert(1)>-->"],
	["comment ended by --!>", "<!-- --!><img src=x onerror=alert(1)> -->"],
	["comment hiding a tag", "<!--<img src=x onerror=alert(1)>-->"],
	["bogus comment", "<? <img src=x onerror=alert(1)> ?>"],
	// Event handlers, written every way a browser accepts.
	["img onerror", "<img src=x onerror=alert(1)>"],
	["img onerror with slashes", "<img/src=x/onerror=alert(1)>"],
	["img onerror upper case", "<IMG SRC=x ONERROR=alert(1)>"],
	["img onerror with spaces around =", '<img src="x" onerror  =  "alert(1)">'],
	["img onerror with entities", "<img src=x onerror=alert&#40;1&#41;>"],
	["img onerror after a newline in the source", '<img src="x\n" onerror="alert(1)">'],
	["img onerror after a broken attribute", '<img """><script>alert(1)</script>">'],
	["img src and onerror reusing each other", "<img src=x:alert(alt) onerror=eval(src) alt=0>"],
	["split tag names", "<scr<script>ipt>alert(1)</script>"],
	["doubled brackets", "<<script>script>alert(1)<</script>/script>"],
	["details ontoggle", "<details open ontoggle=alert(1)><summary>x</summary></details>"],
	["onclick on a link", '<a href="/" onclick="alert(1)">x</a>'],
	["onmouseover on a div", '<div onmouseover="alert(1)">x</div>'],
	["attribute value breaking out", '<a href="https://ok.example/" title="&quot;><script>alert(1)</script>">x</a>'],
	// javascript:, vbscript: and data: URLs, disguised.
	["javascript: as decimal entities", '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">x</a>'],
	["javascript: with a hex entity and &colon;", '<a href="&#x6A;avascript&colon;alert(1)">x</a>'],
	["javascript: with an entity lacking its semicolon", '<a href="javascript&#58alert(1)">x</a>'],
	["javascript: with zero-padded entities", '<a href="&#0000106avascript:alert(1)">x</a>'],
	["javascript: split by a newline entity", '<a href="jav&#x0A;ascript:alert(1)">x</a>'],
	["javascript: split by a tab", '<a href="jav\tascript:alert(1)">x</a>'],
	["javascript: after spaces", '<a href="   javascript:alert(1)">x</a>'],
	["javascript: in a Markdown link with an entity", "[x](&#106;avascript:alert(1))"],
	["javascript: in an angle-bracket Markdown link", "[x](<javascript:alert(1)>)"],
	["javascript: as a Markdown autolink", "<javascript:alert(1)>"],
	["javascript: in a Markdown image", "![x](javascript:alert(1))"],
	["javascript: in a reference definition", "[x][r]\n\n[r]: javascript:alert(1)"],
	["vbscript:", '<a href="vbscript:msgbox(1)">x</a>'],
	["data: HTML link", '<a href="data:text/html,<script>alert(1)</script>">x</a>'],
	["data: link in upper case", '<a href="DATA:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>'],
	["data: SVG image", '<img src="data:image/svg+xml,<svg onload=alert(1)>">'],
	["javascript: image source", '<img src="javascript:alert(1)">'],
	// Attributes that carry URLs or code besides href and src.
	["srcset", '<img src="/a.png" srcset="javascript:alert(1) 1x, data:image/svg+xml,x 2x">'],
	["picture source srcset", '<picture><source srcset="javascript:alert(1)"><img src="/a.png"></picture>'],
	["style with a javascript: url", '<p style="background:url(javascript:alert(1))">x</p>'],
	["style with expression()", '<span style="width:expression(alert(1))">x</span>'],
	["style with behavior", '<div style="behavior:url(x.htc)">x</div>'],
	["button formaction", '<form><button formaction="javascript:alert(1)">X</button></form>'],
	["input formaction", '<input type="image" src="/a.png" formaction="javascript:alert(1)">'],
	["form action", '<form action="javascript:alert(1)"><input type="submit"></form>'],
	["isindex", '<isindex action="javascript:alert(1)" type="image">'],
	["iframe srcdoc", '<iframe srcdoc="<script>alert(1)</script>"></iframe>'],
	["object data", '<object data="javascript:alert(1)"></object>'],
	["embed src", '<embed src="javascript:alert(1)">'],
	["svg xlink:href", '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>'],
	["math href", '<math href="javascript:alert(1)">x</math>'],
	["math maction", '<math><maction actiontype="statusline" xlink:href="javascript:alert(1)">x</maction></math>'],
	["base href", '<base href="javascript:alert(1)//">[a](rel)'],
	["meta refresh to javascript:", '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">'],
	["link stylesheet", '<link rel="stylesheet" href="https://evil.example/x.css">'],
	["a class and id to hijack the page's CSS or scripts", '<p class="modal" id="login" name="x">x</p>'],
];

describe("sanitizing mutation-XSS payloads", () => {
	it.each(PAYLOADS)("leaves nothing that runs from %s, as the sanitizer's direct input", async (_name, payload) => {
		await expectInert(sanitizePostHtml(payload, LINKS).html);
	});

	it.each(PAYLOADS)("leaves nothing that runs from %s, in a post's Markdown", async (_name, payload) => {
		const post = parseOk(fenced(minimal("slug: the-post"), `Before\n\n${payload}\n\nAfter`));
		await expectInert(post.contentHtml);
	});

	it.each([
		["noscript content", '<noscript><p title="</noscript><img src=x onerror=alert(1)>">', ""],
		["template content", "<template><img src=x onerror=alert(1)></template>", ""],
		["math and svg content", "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>", ""],
		["a comment", "<!--<img src=x onerror=alert(1)>-->", ""],
		["an abrupt comment, which ends where browsers end it", "<!--><img src=x onerror=alert(1)>-->", '<img src="https://journal.example/media/x" />--&gt;'],
		["javascript: behind entities", '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">x</a>', "<a>x</a>"],
		["srcset next to a usable src", '<img src="/a.png" srcset="javascript:alert(1) 1x">', '<img src="https://journal.example/a.png" />'],
		["style and formaction, keeping the text", '<p style="color:red"><button formaction="javascript:alert(1)">Go</button></p>', "<p>Go</p>"],
		["an attribute value that tries to close its tag", '<abbr title="&quot;><script>alert(1)</script>">x</abbr>', '<abbr title="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;">x</abbr>'],
		["text that looks like a tag", "&lt;img src=x onerror=alert(1)&gt;", "&lt;img src=x onerror=alert(1)&gt;"],
	])("writes exactly what remains of %s", (_name, payload, expected) => {
		expect(sanitizePostHtml(payload, LINKS).html).toBe(expected);
	});

	it("never lets a base element move the post's relative links", () => {
		const post = parseOk(fenced(minimal("slug: the-post"), '<base href="https://evil.example/">\n\n[a](notes.html)'));
		expect(post.contentHtml).toContain('href="https://journal.example/media/posts/notes.html"');
		expect(post.contentHtml).not.toContain("evil.example");
	});
});

describe("reading a post's text in the sanitizer's pass", () => {
	it("reads the same text as the whole HTML gives, when asked for enough of it", () => {
		const html = "<h2>Head</h2><p>One &amp; <em>two</em></p><ul><li>a</li><li>b</li></ul><script>x()</script><p>end</p>";
		const { text } = sanitizePostHtml(html, LINKS, 1000);
		expect(text.replace(/\s+/g, " ").trim()).toBe("Head One & two a b end");
		expect(htmlToText(html)).toBe("Head One & two a b end");
	});

	it("stops reading once it has enough text, however much whitespace the post has", () => {
		const html = "<p>word \n\n\t </p>\n".repeat(5000);
		const { text } = sanitizePostHtml(html, LINKS, 280);
		expect(text.length).toBeLessThan(2 * 280 + 64 + 20);
		expect(text.trim().length).toBeGreaterThan(281);
	});
});
