import { cleanLine } from "./text";

export const SUMMARY_LENGTH = 280;

/** A post's summary from the start of its text (sanitizePostHtml reads it): cut at a word boundary, "…" when cut. */
export function summaryFromText(text: string): string {
	return truncateAtWord(cleanLine(text), SUMMARY_LENGTH);
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
