import yamlLoader from "js-yaml/lib/js-yaml/loader.js";
import Schema from "js-yaml/lib/js-yaml/schema.js";
import FAILSAFE_SCHEMA from "js-yaml/lib/js-yaml/schema/failsafe.js";
import Type from "js-yaml/lib/js-yaml/type.js";
import { lowerCaseKeys } from "./fields";
import { splitJson, splitToml, startsWithJsonObject } from "./hugo-front-matter";
import { PostProblem, quote } from "./problem";

/** Front matter as written, keys lower-cased (`Title:` = `title:`), plus the Markdown body after it. */
export interface SplitPost {
	shape: "fenced" | "toml" | "json" | "fence-less" | "none";
	data: Map<string, unknown>;
	body: string;
	/** Line of the post on which the body starts, for messages about the Markdown. */
	bodyLine: number;
	/** Set when the first lines looked like a fence-less block but were not YAML; explains a later "missing" error. */
	hint?: string;
}

/**
 * Only strings, booleans and null: js-yaml's timestamps would read zone-less dates as UTC (gray-matter #78),
 * and its numbers would turn `id: 0123` into 83 and round ids past 2^53. Code-running types are absent.
 */
const FRONT_MATTER_SCHEMA = new Schema({
	include: [FAILSAFE_SCHEMA],
	implicit: [
		new Type("tag:yaml.org,2002:null", {
			kind: "scalar",
			resolve: (data) => data === null || data === "" || data === "~" || /^(?:null|Null|NULL)$/.test(String(data)),
			construct: () => null,
		}),
		new Type("tag:yaml.org,2002:bool", {
			kind: "scalar",
			resolve: (data) => /^(?:true|True|TRUE|false|False|FALSE)$/.test(String(data)),
			construct: (data) => /^t/i.test(String(data)),
		}),
	],
});

/** A YAML syntax error, carrying the line in the whole post. */
class FrontMatterSyntax extends Error {
	constructor(
		readonly reason: string,
		readonly line: number | undefined,
	) {
		super(reason);
	}
}

/** Parses a YAML block; its line 0 is line `firstLine` of the post. */
function parseYaml(source: string, firstLine: number): unknown {
	try {
		return yamlLoader.load(source, { schema: FRONT_MATTER_SCHEMA });
	} catch (error) {
		if (isYamlException(error)) {
			const line = error.mark ? error.mark.line + firstLine : undefined;
			throw new FrontMatterSyntax(error.reason ?? error.message, line);
		}
		// js-yaml recurses once per level of nesting: `x: [[[[...` exhausts the stack.
		if (error instanceof RangeError) throw new FrontMatterSyntax("it is nested too deeply", undefined);
		throw error;
	}
}

/**
 * js-yaml's own error, told by name: a class identity check fails under the test runner, which loads the
 * loader's CommonJS files apart from this ES module's import of them.
 */
function isYamlException(error: unknown): error is Error & { reason?: string; mark?: { line: number } } {
	return error instanceof Error && error.name === "YAMLException";
}

function syntaxProblem(error: FrontMatterSyntax): PostProblem {
	return new PostProblem(`front matter is not valid YAML: ${error.reason}${error.line ? ` (line ${error.line})` : ""}`);
}

/**
 * Splits a post (LF line ends, no BOM) into front matter and Markdown. Four shapes (docs/front-matter.md):
 * YAML fenced (`---` at byte 0 ... a line `---`, Jekyll/Hugo), TOML (`+++` ... `+++`, Hugo), JSON (an object
 * at byte 0, Hugo) and fence-less (a `key: value` block from line 1 to the first blank line,
 * MultiMarkdown/Pelican). Anything else has no front matter.
 */
export function splitFrontMatter(text: string): SplitPost {
	const split = splitShapes(text);
	// Every shape's body is the end of the text.
	const head = text.slice(0, text.length - split.body.length);
	return { ...split, bodyLine: head.split("\n").length };
}

function splitShapes(text: string): Omit<SplitPost, "bodyLine"> {
	const firstLineEnd = text.indexOf("\n");
	const firstLine = firstLineEnd === -1 ? text : text.slice(0, firstLineEnd);
	const fence = /^---([A-Za-z]*)[ \t]*$/.exec(firstLine);
	if (fence) return splitFenced(text, fence[1] ?? "");
	if (/^\+\+\+[ \t]*$/.test(firstLine)) {
		const { data, body } = splitToml(text);
		return { shape: "toml", data: toMapping(data, "TOML table"), body };
	}
	if (startsWithJsonObject(text)) {
		const { data, body } = splitJson(text);
		return { shape: "json", data: toMapping(data, "JSON object"), body };
	}
	if (/^[A-Za-z][\w -]*:(?:[ \t]|$)/.test(firstLine)) return splitFenceless(text);
	return { shape: "none", data: new Map(), body: text };
}

/**
 * `---` (or `---yaml`) at byte 0, the YAML, then the first line starting `---`, which must be only `---`.
 * Any other language after the fence is refused before anything is read: `---js` is what gray-matter would
 * eval (CVE-2022-25863), and Hugo writes JSON without fences (docs/front-matter.md). Read as gray-matter read
 * it, which Pressroom used until the bundle work (docs/design.md, "Front matter without gray-matter").
 */
function splitFenced(text: string, language: string): Omit<SplitPost, "bodyLine"> {
	if (!["", "yaml", "yml"].includes(language.toLowerCase())) {
		throw new PostProblem(`front matter language ${quote(language)} is not supported; use YAML`);
	}
	const close = text.indexOf("\n---", 3);
	if (close === -1) throw new PostProblem("front matter opens with --- but never closes");
	const closeLineEnd = text.indexOf("\n", close + 1);
	const closeLine = text.slice(close + 1, closeLineEnd === -1 ? undefined : closeLineEnd);
	if (!/^---[ \t]*$/.test(closeLine)) {
		const line = lineNumberAt(text, close + 1);
		throw new PostProblem(`front matter opens with --- but never closes (line ${line} starts with --- but is ${quote(closeLine)})`);
	}
	if (commentStripCost(text.slice(3 + language.length, close)) > COMMENT_STRIP_BUDGET) {
		throw new PostProblem("front matter has too many blank lines in a row");
	}
	// The block starts at the end of the fence's line, so its line 0 is line 1 of the post.
	const block = text.slice(text.indexOf("\n"), close);
	let data: unknown;
	try {
		data = isOnlyComments(block) ? undefined : parseYaml(block, 1);
	} catch (error) {
		if (error instanceof FrontMatterSyntax) throw syntaxProblem(error);
		throw error;
	}
	// The body is what follows the closing `---` less one line end (blanks after `---` stay, as gray-matter left them).
	return { shape: "fenced", data: toMapping(data), body: text.slice(close + 4).replace(/^\r?\n?/, "") };
}

function splitFenceless(text: string): Omit<SplitPost, "bodyLine"> {
	const blank = /\n[ \t]*(?:\n|$)/.exec(text);
	const block = blank ? text.slice(0, blank.index) : text;
	const body = blank ? text.slice(blank.index + blank[0].length) : "";
	let data: unknown;
	try {
		data = parseYaml(block, 1);
	} catch (error) {
		if (!(error instanceof FrontMatterSyntax)) throw error;
		const lines = metadataLines(block);
		if (lines !== undefined) return { shape: "fence-less", data: toMapping(lines), body };
		const where = error.line ? ` (line ${error.line})` : "";
		return { shape: "none", data: new Map(), body: text, hint: `the first lines look like front matter but are not valid YAML: ${error.reason}${where}` };
	}
	if (!isPlainMapping(data)) return { shape: "none", data: new Map(), body: text };
	return { shape: "fence-less", data: toMapping(data), body };
}

const METADATA_LINE = /^([A-Za-z][\w -]*):[ \t]*(.*)$/;

/**
 * Pelican / Python-Markdown "meta" lines (https://python-markdown.github.io/extensions/meta_data/), read when
 * the block is not YAML, as in `Title: Python: the good parts`: `Key: value` per line, lines indented by four spaces
 * continue the value. Undefined when a line is neither.
 */
function metadataLines(block: string): Record<string, string> | undefined {
	const data: Record<string, string> = {};
	let last: string | undefined;
	for (const line of block.split("\n")) {
		const field = METADATA_LINE.exec(line);
		if (field) {
			last = field[1] as string;
			if (Object.hasOwn(data, last)) return undefined;
			data[last] = field[2] ?? "";
		} else if (last !== undefined && /^ {4}/.test(line)) {
			data[last] = `${data[last]} ${line.trim()}`;
		} else {
			return undefined;
		}
	}
	return data;
}

function isPlainMapping(value: unknown): value is Record<string, unknown> {
	return typeof value === "object" && value !== null && !Array.isArray(value);
}

function toMapping(data: unknown, kind = "YAML mapping"): Map<string, unknown> {
	if (data === null || data === undefined) return new Map();
	if (!isPlainMapping(data)) {
		throw new PostProblem(`front matter must be a ${kind} of keys to values, not ${Array.isArray(data) ? "a list" : "a single value"}`);
	}
	return lowerCaseKeys(data, "front matter");
}

/** A block of comments and blank lines is empty front matter (gray-matter's test, kept so such posts read alike). */
function isOnlyComments(block: string): boolean {
	return block.replace(/^\s*#[^\n]+/gm, "").trim() === "";
}

/** Characters isOnlyComments's regex may scan in one block (~0.2 s); ordinary front matter needs a few thousand. */
const COMMENT_STRIP_BUDGET = 100_000_000;

/**
 * isOnlyComments's /^\s*#[^\n]+/gm scans a run of blank lines again from each of its lines: quadratic
 * (40,000 blank lines take 1.5 s). Counts the characters that regex reads.
 */
function commentStripCost(block: string): number {
	let cost = 0;
	let run = 0;
	for (let i = block.length - 1; i >= 0; i--) {
		run = isWhitespace(block.charCodeAt(i)) ? run + 1 : 0;
		if (i === 0 || block.charCodeAt(i - 1) === 10) cost += run;
	}
	return cost;
}

function isWhitespace(code: number): boolean {
	return code === 32 || (code >= 9 && code <= 13) || (code > 127 && /\s/.test(String.fromCharCode(code)));
}

function lineNumberAt(text: string, index: number): number {
	let line = 1;
	for (let i = text.indexOf("\n"); i !== -1 && i < index; i = text.indexOf("\n", i + 1)) line++;
	return line;
}
