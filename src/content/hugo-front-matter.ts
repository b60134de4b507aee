import { parse as parseToml, TomlDate, TomlError } from "smol-toml";
import { PostProblem } from "./problem";

/*
 * Hugo's two other front matter formats (https://gohugo.io/content-management/front-matter/):
 * TOML between `+++` lines, and a JSON object at the very start of the file.
 */

/** Deepest nesting of TOML arrays and inline tables read; front matter needs a few levels. */
const MAX_TOML_DEPTH = 64;

/** Where a format's front matter ends, and its values as plain JavaScript. */
export interface FormatBlock {
	data: unknown;
	/** The text after the front matter. */
	body: string;
}

/** `+++` on the first line ... a line `+++`. Dates become the strings written (TOML dates are typed). */
export function splitToml(text: string): FormatBlock {
	const close = /\n\+\+\+[ \t]*(?:\n|$)/.exec(text);
	if (close === null) throw new PostProblem("front matter opens with +++ but never closes");
	const firstLineEnd = text.indexOf("\n");
	const source = text.slice(firstLineEnd + 1, close.index);
	let data: unknown;
	try {
		data = plainTomlValue(parseToml(source, { integersAsBigInt: "asNeeded", unsafeKeyBehaviour: "throw", maxDepth: MAX_TOML_DEPTH }));
	} catch (error) {
		if (error instanceof TomlError) {
			const reason = error.message.split("\n")[0]?.replace(/^Invalid TOML document: /, "") ?? "invalid";
			// The TOML starts on line 2 of the post, after the opening +++.
			throw new PostProblem(`front matter is not valid TOML: ${reason} (line ${error.line + 1})`);
		}
		if (error instanceof RangeError) throw new PostProblem("front matter is not valid TOML: it is nested too deeply");
		throw error;
	}
	return { data, body: text.slice(close.index + close[0].length) };
}

/**
 * TOML dates as the text they were written as, ISO 8601 (a local date-time has no offset, so the site's zone
 * applies, as for YAML); integers past 2^53 as their digits, so ids are not rounded.
 */
function plainTomlValue(value: unknown, depth = 0): unknown {
	// Dotted keys (a.b.c = 1) nest tables without smol-toml's inline-depth limit; stop before the stack does.
	if (depth > MAX_TOML_DEPTH) throw new PostProblem("front matter is not valid TOML: it is nested too deeply");
	if (value instanceof TomlDate) return value.toISOString();
	if (typeof value === "bigint") return value.toString();
	if (Array.isArray(value)) return value.map((item) => plainTomlValue(item, depth + 1));
	if (typeof value === "object" && value !== null) {
		return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, plainTomlValue(item, depth + 1)]));
	}
	return value;
}

/** Is this the start of a JSON object (`{` then a key or `}`), and not Markdown or a template tag such as `{{<` or `{%`? */
export function startsWithJsonObject(text: string): boolean {
	return /^\{\s*["}]/.test(text);
}

/**
 * A JSON object at byte 0, ending at its matching `}` (as Hugo reads it); the body follows. The end is found
 * in one pass that skips strings, so braces inside values do not count.
 */
export function splitJson(text: string): FormatBlock {
	const end = jsonObjectEnd(text);
	if (end === undefined) throw new PostProblem("front matter opens with { but its JSON object never closes");
	let data: unknown;
	try {
		data = JSON.parse(text.slice(0, end));
	} catch (error) {
		throw new PostProblem(`front matter is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
	}
	return { data, body: text.slice(end).replace(/^[ \t]*\n?/, "") };
}

function jsonObjectEnd(text: string): number | undefined {
	let depth = 0;
	let inString = false;
	for (let i = 0; i < text.length; i++) {
		const c = text.charCodeAt(i);
		if (inString) {
			if (c === 0x5c) i++; // backslash: skip the escaped character
			else if (c === 0x22) inString = false;
		} else if (c === 0x22) {
			inString = true;
		} else if (c === 0x7b || c === 0x5b) {
			depth++;
		} else if (c === 0x7d || c === 0x5d) {
			depth--;
			if (depth === 0) return i + 1;
		}
	}
	return undefined;
}
