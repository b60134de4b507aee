import { Marked, Tokenizer } from "marked";
import sanitizeHtml from "sanitize-html";
import { absoluteUrl, type LinkBase } from "./links";
import { checkLazyContinuations, htmlNestingDepth } from "./markdown-limits";
import { PostProblem } from "./problem";
import { stripXmlForbidden } from "./xml-chars";

const LINK_SCHEMES = ["http", "https", "mailto"] as const;
const IMAGE_SCHEMES = ["http", "https"] as const;

const ALLOWED_TAGS = [
	"p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "code", "kbd", "samp", "var",
	"em", "strong", "b", "i", "u", "s", "del", "ins", "mark", "small", "sub", "sup", "abbr", "cite", "q", "dfn",
	"span", "div", "ul", "ol", "li", "dl", "dt", "dd", "a", "img", "figure", "figcaption", "details", "summary",
	"table", "caption", "thead", "tbody", "tfoot", "tr", "th", "td",
];

/** Lines a setext heading's text may span before its `===` / `---` underline is no longer looked for. */
const SETEXT_HEADING_MAX_LINES = 10;
/** Lists and block quotes inside each other; marked copies an item's text at every level (memory ~ depth x size). */
export const MAX_MARKDOWN_NESTING = 20;
/** Open HTML elements; htmlparser2's per-tag cost grows with the depth of its stack. */
export const MAX_HTML_NESTING = 256;

/** Markdown (GFM, https://github.github.com/gfm/) -> sanitized HTML whose links and images are absolute. */
export function renderMarkdown(markdown: string, links: LinkBase, firstLine = 1): string {
	checkLazyContinuations(markdown, firstLine);
	const html = parseMarkdown(markdown);
	if (htmlNestingDepth(html) > MAX_HTML_NESTING) {
		throw new PostProblem(`the post's HTML nests elements more than ${MAX_HTML_NESTING} levels deep`);
	}
	return sanitizePostHtml(html, links);
}

/** Inline Markdown (a front matter summary) -> HTML, before it is reduced to text. */
export function renderInlineMarkdown(markdown: string): string {
	return new Marked({ gfm: true, breaks: false }).parseInline(markdown, { async: false });
}

class NestedTooDeep extends Error {}

/** A fresh instance per call: `marked`'s global instance is shared, mutable state. */
function parseMarkdown(markdown: string): string {
	let depth = 0;
	const nested = <T>(parse: () => T): T => {
		if (++depth > MAX_MARKDOWN_NESTING) throw new NestedTooDeep();
		try {
			return parse();
		} finally {
			depth--;
		}
	};
	const marked = new Marked({ gfm: true, breaks: false }).use({
		tokenizer: {
			list(src) {
				return nested(() => Tokenizer.prototype.list.call(this, src));
			},
			blockquote(src) {
				return nested(() => Tokenizer.prototype.blockquote.call(this, src));
			},
			// Inside list items marked reads a paragraph one line at a time, re-trying its setext-heading regex on
			// the rest of the item and re-flattening the text so far at every line: quadratic, minutes for one
			// long item. Take runs of plain lines at once, and look for a heading underline only nearby.
			text(src) {
				const end = plainRunEnd(src);
				if (end === undefined) return false;
				const text = src.slice(0, end);
				return { type: "text", raw: text, text, tokens: this.lexer.inline(text) };
			},
			lheading: (src) => (underlineNear(src) ? false : undefined),
		},
	});
	try {
		return marked.parse(markdown, { async: false });
	} catch (error) {
		if (error instanceof NestedTooDeep) {
			throw new PostProblem(`the post's Markdown nests lists and quotes more than ${MAX_MARKDOWN_NESTING} levels deep`);
		}
		throw error;
	}
}

/** A line no block rule could start at (no list marker, quote, fence, heading, HTML, table or underline). */
const PLAIN_LINE = /^ {0,3}(?!\d{1,9}[.)](?:[ \t]|$))[\p{L}\p{N}]/u;
/** A line that could turn the line before it into a setext heading or a table header. */
const UNDERLINE_OR_DELIMITER = /^ {0,3}[-=|:]/;

/** The end of the first line plus every following plain line; undefined when that is just one line. */
function plainRunEnd(src: string): number | undefined {
	let end = src.indexOf("\n");
	let lines = 1;
	while (end !== -1) {
		const next = end + 1;
		const nextEnd = src.indexOf("\n", next);
		const line = src.slice(next, nextEnd === -1 ? undefined : nextEnd);
		if (!PLAIN_LINE.test(line)) break;
		if (nextEnd !== -1 && UNDERLINE_OR_DELIMITER.test(src.slice(nextEnd + 1, nextEnd + 8))) break;
		end = nextEnd;
		lines++;
	}
	if (lines === 1) return undefined;
	return end === -1 ? src.length : end;
}

function underlineNear(src: string): boolean {
	let end = 0;
	for (let line = 0; line <= SETEXT_HEADING_MAX_LINES && end !== -1; line++) end = src.indexOf("\n", end + 1);
	return /\n {0,3}(?:=+|-+)[ \t]*(?:\n|$)/.test(end === -1 ? src : src.slice(0, end));
}

/**
 * Keeps formatting, tables, code, links and images; drops scripts, styles, frames, embeds, forms, event
 * handler attributes and every URL whose scheme is not http(s) (or mailto for links).
 */
export function sanitizePostHtml(html: string, links: LinkBase): string {
	const clean = sanitizeHtml(html, {
		allowedTags: ALLOWED_TAGS,
		allowedAttributes: {
			a: ["href", "title"],
			img: ["src", "alt", "title", "width", "height"],
			abbr: ["title"],
			ol: ["start"],
			th: ["align", "colspan", "rowspan"],
			td: ["align", "colspan", "rowspan"],
		},
		allowedClasses: { code: ["language-*"] },
		allowedSchemes: [...LINK_SCHEMES],
		allowedSchemesByTag: { img: [...IMAGE_SCHEMES] },
		allowedSchemesAppliedToAttributes: ["href", "src"],
		allowProtocolRelative: false,
		disallowedTagsMode: "discard",
		// Their text is code or data, not prose: drop it with the tag.
		nonTextTags: ["script", "style", "textarea", "option", "xmp", "noscript", "template", "iframe", "object", "embed", "svg", "math", "title"],
		enforceHtmlBoundary: false,
		parseStyleAttributes: false,
		transformTags: {
			a: (tagName, attribs) => withUrl(tagName, attribs, "href", links, LINK_SCHEMES),
			img: (tagName, attribs) => withUrl(tagName, attribs, "src", links, IMAGE_SCHEMES),
		},
		exclusiveFilter: (frame) => frame.tag === "img" && !frame.attribs.src,
	});
	return stripXmlForbidden(clean);
}

function withUrl(
	tagName: string,
	attribs: sanitizeHtml.Attributes,
	name: string,
	links: LinkBase,
	schemes: readonly string[],
): sanitizeHtml.Tag {
	const raw = attribs[name];
	if (raw === undefined) return { tagName, attribs };
	const url = absoluteUrl(raw, links, schemes);
	// Replacing the value in place keeps the attribute order as written.
	const result = { ...attribs, [name]: url ?? "" };
	if (url === undefined) delete result[name];
	return { tagName, attribs: result };
}
