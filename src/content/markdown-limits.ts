import { PostProblem } from "./problem";

/**
 * Work, in characters re-read, that marked may spend on lazy continuation lines: for each such line it
 * re-reads the list item's whole text so far (`item.includes("\n")` on a growing string), so a long
 * paragraph written unindented under a list item costs size² (a 5 MB one: minutes). ~0.3 s here.
 */
const LAZY_LINE_BUDGET = 200_000_000;

const LIST_ITEM = /^( {0,3}(?:[-*+]|\d{1,9}[.)]))([ \t]+)\S/;
const BLOCK_START = /^ {0,3}(?:[#>`~<|]|[-*_](?:[ \t]*[-*_]){2,}[ \t]*$)/;

/**
 * Rejects Markdown whose lazy continuation lines (https://spec.commonmark.org/0.31.2/#lazy-continuation-line)
 * would make marked quadratic. Estimates marked's list tokenizer cost in one linear pass over the lines.
 */
export function checkLazyContinuations(markdown: string, firstLine: number): void {
	let itemLength = -1;
	let contentIndent = 0;
	let previousBlank = false;
	let cost = 0;
	let itemLine = 0;
	let lineNumber = firstLine - 1;
	for (let start = 0; start <= markdown.length; ) {
		const newline = markdown.indexOf("\n", start);
		const end = newline === -1 ? markdown.length : newline;
		const line = markdown.slice(start, end);
		start = end + 1;
		lineNumber++;
		const item = LIST_ITEM.exec(line);
		if (item) {
			const gap = (item[2] ?? " ").length;
			contentIndent = (item[1] ?? "").length + (gap > 4 ? 1 : gap);
			itemLength = line.length;
			itemLine = lineNumber;
			previousBlank = false;
			continue;
		}
		if (itemLength < 0) continue;
		if (line.trim() === "") {
			itemLength += 1;
			previousBlank = true;
			continue;
		}
		const indent = line.length - line.trimStart().length;
		if (indent < contentIndent) {
			if (previousBlank || BLOCK_START.test(line)) {
				itemLength = -1;
				continue;
			}
			cost += itemLength;
			if (cost > LAZY_LINE_BUDGET) {
				throw new PostProblem(
					`the list item at line ${itemLine} goes on for too long without indentation; indent its lines or end the list with a blank line`,
				);
			}
		}
		itemLength += line.length + 1;
		previousBlank = false;
	}
}

/** Elements htmlparser2 closes by itself when a sibling opens, or that never have content. */
const NOT_NESTING = new Set([
	"p", "li", "dt", "dd", "tr", "td", "th", "thead", "tbody", "tfoot", "option", "optgroup", "rb", "rt", "rp",
	"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr",
]);

/** The deepest run of open elements, estimated without parsing (each tag is read up to the next < or >). */
export function htmlNestingDepth(html: string): number {
	let depth = 0;
	let deepest = 0;
	for (const match of html.matchAll(/<(\/?)([A-Za-z][A-Za-z0-9-]*)[^<>]*?(\/?)>/g)) {
		const [, closing, name = "", selfClosing] = match;
		if (NOT_NESTING.has(name.toLowerCase()) || selfClosing) continue;
		if (closing) depth = Math.max(0, depth - 1);
		else deepest = Math.max(deepest, ++depth);
	}
	return deepest;
}
