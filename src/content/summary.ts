import sanitizeHtml from "sanitize-html";
import { cleanLine } from "./text";

export const SUMMARY_LENGTH = 280;

/** How much of a long post's HTML is read to find the first SUMMARY_LENGTH characters of its text. */
const SUMMARY_SOURCE_CHARS = 20_000;

const BLOCK_BOUNDARY = /<(?:br|\/?(?:p|div|li|h[1-6]|tr|td|th|blockquote|pre|dt|dd|figcaption|caption|table|ul|ol|dl|hr))\b/gi;

/** HTML -> plain text: no markup, entities decoded, whitespace collapsed, block boundaries kept as spaces. */
export function htmlToText(html: string): string {
	// sanitize-html decodes every entity while parsing and re-escapes only &, < and > in text.
	const escaped = sanitizeHtml(html.replace(BLOCK_BOUNDARY, " $&"), {
		allowedTags: [],
		allowedAttributes: {},
		nonTextTags: ["script", "style", "textarea", "option", "xmp", "noscript", "template", "iframe", "object", "embed", "svg", "math", "title"],
	});
	return cleanLine(escaped.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&"));
}

/** The first SUMMARY_LENGTH characters of a post's text, cut at a word boundary, with "…" when cut. */
export function summaryFromHtml(html: string): string {
	let text = htmlToText(html.slice(0, SUMMARY_SOURCE_CHARS));
	if (text.length <= SUMMARY_LENGTH && html.length > SUMMARY_SOURCE_CHARS) text = htmlToText(html);
	return truncateAtWord(text, SUMMARY_LENGTH);
}

export function truncateAtWord(text: string, length: number): string {
	if (text.length <= length) return text;
	let cut = text.slice(0, length + 1);
	const space = cut.lastIndexOf(" ");
	cut = space > length / 2 ? cut.slice(0, space) : cut.slice(0, length);
	// Never end on half of a surrogate pair.
	cut = cut.replace(/[\uD800-\uDBFF]$/, "");
	return `${cut.replace(/[\s,;:.\u2013\u2014-]+$/, "")}…`;
}
