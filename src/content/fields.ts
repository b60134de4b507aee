import { isDateLike } from "./dates";
import { PostProblem, quote } from "./problem";
import { cleanLine } from "./text";

/** A single-line text field: a YAML string (or a scalar written without quotes), XML-safe, whitespace collapsed. */
export function readText(value: unknown, field: string): string | undefined {
	if (value === undefined || value === null) return undefined;
	if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") {
		const text = cleanLine(String(value));
		return text === "" ? undefined : text;
	}
	throw new PostProblem(`${field} must be text, not ${Array.isArray(value) ? "a list" : "a mapping"}`);
}

/**
 * `tags` / `categories`: a list, or one comma-separated string (Pelican's "Tags: a, b"). Numbers become text;
 * entries are trimmed and duplicates (ignoring case) dropped, keeping the first spelling.
 */
export function readTerms(value: unknown, field: string): string[] {
	if (value === undefined || value === null) return [];
	let items: unknown[];
	if (Array.isArray(value)) items = value;
	else if (typeof value === "string") items = value.split(",");
	else if (typeof value === "number" || typeof value === "boolean") items = [value];
	else throw new PostProblem(`${field} must be a list of words, not a mapping`);

	const terms = new Map<string, string>();
	for (const [index, item] of items.entries()) {
		if (item === null || item === undefined) continue;
		if (typeof item === "object") {
			throw new PostProblem(`${field} must be a list of words; entry ${index + 1} is ${Array.isArray(item) ? "a list" : "a mapping"}`);
		}
		const term = cleanLine(String(item));
		if (term !== "" && !terms.has(term.toLowerCase())) terms.set(term.toLowerCase(), term);
	}
	return [...terms.values()];
}

/** A YAML/TOML/JSON boolean, or the words true/yes/on/1 and false/no/off/0; undefined when absent. */
function readBoolean(value: unknown, field: string): boolean | undefined {
	if (value === undefined || value === null) return undefined;
	if (typeof value === "boolean") return value;
	const word = String(value).trim().toLowerCase();
	if (["true", "yes", "on", "1"].includes(word)) return true;
	if (["false", "no", "off", "0"].includes(word)) return false;
	if (word === "") return undefined;
	throw new PostProblem(`${field} ${quote(value)} must be true or false`);
}

/** Pelican's `Status:` (https://docs.getpelican.com/en/latest/content.html): only `published` is listed in feeds. */
const PELICAN_STATUSES = new Map([
	["published", false],
	["draft", true],
	["hidden", true],
]);

/**
 * Whether the post stays out of every feed (the catalog treats it as a draft). Each tool's way of saying so
 * hides it: `draft: true` (Hugo), `published: false` (Jekyll), `status: draft` or `hidden` (Pelican).
 */
export function readDraft(data: ReadonlyMap<string, unknown>): boolean {
	const draft = readBoolean(data.get("draft"), "draft") ?? false;
	const published = data.get("published");
	let unpublished = false;
	// A date in `published` is Hugo's publication date (post-dates.ts), not a visibility.
	if (!isDateLike(published)) {
		try {
			unpublished = readBoolean(published, "published") === false;
		} catch {
			throw new PostProblem(`published ${quote(published)} must be true or false (Jekyll) or a date (Hugo)`);
		}
	}
	const statusText = readText(data.get("status"), "status");
	const status = statusText === undefined ? false : PELICAN_STATUSES.get(statusText.toLowerCase());
	if (status === undefined) throw new PostProblem(`status ${quote(statusText)} must be published, draft or hidden`);
	return draft || unpublished || status;
}

/** Keys compared without case; two spellings of one key are ambiguous, so they are an error. */
export function lowerCaseKeys(record: Record<string, unknown>, where: string): Map<string, unknown> {
	const result = new Map<string, unknown>();
	const spelling = new Map<string, string>();
	for (const [key, value] of Object.entries(record)) {
		const lower = key.trim().toLowerCase();
		const earlier = spelling.get(lower);
		if (earlier !== undefined) throw new PostProblem(`${where} has both ${quote(earlier)} and ${quote(key)}; keep one`);
		spelling.set(lower, key);
		result.set(lower, value);
	}
	return result;
}
