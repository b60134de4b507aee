import { Marked, Tokenizer } from "marked";
import type { LinkBase } from "./links";
import { checkLazyContinuations, htmlNestingDepth } from "./markdown-limits";
import { PostProblem } from "./problem";
import { type SanitizedHtml, sanitizePostHtml } from "./sanitize";

/** Lines a setext heading's text may span before its `===` / `---` underline is no longer looked for. */
const SETEXT_HEADING_MAX_LINES = 10;
/** Lists and block quotes inside each other; marked copies an item's text at every level (memory ~ depth x size). */
export const MAX_MARKDOWN_NESTING = 20;
/** Open HTML elements; htmlparser2's per-tag cost grows with the depth of its stack. */
export const MAX_HTML_NESTING = 256;

/**
 * Markdown (GFM, https://github.github.com/gfm/) -> sanitized HTML whose links and images are absolute, and the
 * first `textLength` characters of its text.
 */
export function renderMarkdown(markdown: string, links: LinkBase, firstLine = 1, textLength = 0): SanitizedHtml {
	return sanitizePostHtml(markdownToHtml(markdown, firstLine), links, textLength);
}

/** Markdown -> HTML as written, not yet sanitized; refuses Markdown or HTML that would make parsing explode. */
export function markdownToHtml(markdown: string, firstLine = 1): string {
	checkLazyContinuations(markdown, firstLine);
	const html = parseMarkdown(markdown);
	if (htmlNestingDepth(html) > MAX_HTML_NESTING) {
		throw new PostProblem(`the post's HTML nests elements more than ${MAX_HTML_NESTING} levels deep`);
	}
	return html;
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
