import { ATOM, childNamed, childrenNamed, DC, parseXml, type XmlNode } from "./xml";

/*
 * The W3C feed validator's rules on text and ids (https://github.com/w3c/feedvalidator, src/feedvalidator),
 * ported so the workerd tests can apply them to a rendered document. Each function names the rule it ports.
 * Where the port differs it is stricter, never looser: any `</word>` counts as an HTML end tag and any
 * `&word` as an entity (the validator checks its lists of HTML tag and entity names).
 */

/** A warning the validator would give, by its message class name. */
export interface ValidatorEvent {
	rule: "ContainsHTML" | "ContainsUndeclaredHTML" | "CharacterData" | "NonCanonicalURI";
	element: string;
	value: string;
}

const HTML_END_TAG = /<\/(\w+)>/;
const ENTITY_LIKE = /&(#?\w+)/;

/**
 * validators.py `nonhtml.validate`, applied to RSS plain-text elements (title, category, author,
 * dc:creator: ContainsHTML) and to Atom type="text" constructs (ContainsUndeclaredHTML). `rawLines` are the
 * document's lines: the validator stops warning about entity-like and markup-like text when one of the
 * element's lines holds "&#x" (its experimental RSS Profile support, __init__.py rssCharData).
 */
export function nonHtmlEvents(node: XmlNode, rawLines: readonly string[], feed: "rss2" | "atom", rule: "ContainsHTML" | "ContainsUndeclaredHTML"): ValidatorEvent[] {
	const value = node.text;
	const element = node.local;
	const endTag = HTML_END_TAG.exec(value);
	if (endTag) return [{ rule, element, value: endTag[1] ?? "" }];
	const hexReferenced = rawLines.slice(node.line - 1, node.endLine).some((line) => line.includes("&#x"));
	const entity = ENTITY_LIKE.exec(value);
	if (entity) return hexReferenced ? [] : [{ rule, element, value: `&${entity[1]};` }];
	if (feed === "rss2" && /&#[x0-9]|<[/a-zA-Z]/.test(value) && !hexReferenced) return [{ rule: "CharacterData", element, value }];
	return [];
}

const SUBDELIMS = "!$&'()*+,;=";
const PCHAR = `-._~${SUBDELIMS}:@`;
const RESERVED = `:/?#[]@${SUBDELIMS}`;
const ALWAYS_SAFE = /^[A-Za-z0-9_.~-]$/;

/**
 * uri.py `canonicalForm` for a URI without an authority, such as tag: and urn: ids (entry.py uses it through
 * `canonicaluri`: NonCanonicalURI when the id differs from it): the scheme lower-cased, and between the
 * reserved characters every run percent-decoded, put in Unicode NFC and encoded again with upper-case hex.
 * Undefined where the validator's is None (not UTF-8, a stray "%").
 */
export function canonicalForm(uri: string): string | undefined {
	const match = /^([^:/?#]+):([^?#]*)(?:\?([^#]*))?(?:#(.*))?$/.exec(uri);
	if (!match || uri.startsWith("//", (match[1]?.length ?? 0) + 1)) return undefined;
	const [, scheme = "", path = "", query, fragment] = match;
	const canonicalPath = normalizeRun(path, `${PCHAR}/`);
	const canonicalQuery = query === undefined ? "" : normalizeRun(query, `${PCHAR}/?`);
	const canonicalFragment = fragment === undefined ? "" : normalizeRun(fragment, `${PCHAR}/?`);
	if (canonicalPath === undefined || canonicalQuery === undefined || canonicalFragment === undefined) return undefined;
	return `${scheme.toLowerCase()}:${canonicalPath}${query === undefined ? "" : `?${canonicalQuery}`}${fragment === undefined ? "" : `#${canonicalFragment}`}`;
}

/** uri.py `_qnu`. */
function normalizeRun(text: string, safe: string): string | undefined {
	let out = "";
	let octets: number[] = [];
	const flush = (): boolean => {
		let decoded: string;
		try {
			decoded = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(new Uint8Array(octets));
		} catch {
			return false;
		}
		out += quote(decoded.normalize("NFC"), safe);
		octets = [];
		return true;
	};
	for (const token of text.match(/%[0-9A-Fa-f]{2}|%|[^%]/gu) ?? []) {
		if (token === "%") return undefined;
		const octet = token.startsWith("%") ? Number.parseInt(token.slice(1), 16) : undefined;
		const char = octet === undefined ? token : String.fromCharCode(octet);
		if (RESERVED.includes(char) && safe.includes(char)) {
			// A reserved character keeps its form: "/" stays "/", "%2F" stays "%2F" (hex upper-cased).
			if (!flush()) return undefined;
			out += token.toUpperCase();
		} else if (octet !== undefined) {
			octets.push(octet);
		} else {
			octets.push(...new TextEncoder().encode(token));
		}
	}
	return flush() ? out : undefined;
}

/** Python's urllib.parse.quote(text, safe): UTF-8, upper-case hex, letters, digits and `_.-~` never escaped. */
function quote(text: string, safe: string): string {
	let out = "";
	for (const char of text) {
		if (ALWAYS_SAFE.test(char) || safe.includes(char)) out += char;
		else for (const octet of new TextEncoder().encode(char)) out += `%${octet.toString(16).toUpperCase().padStart(2, "0")}`;
	}
	return out;
}

/** entry.py `do_id` -> validators.py `canonicaluri`. */
export function canonicalIdEvents(id: string, element = "id"): ValidatorEvent[] {
	return canonicalForm(id) === id ? [] : [{ rule: "NonCanonicalURI", element, value: id }];
}

/** Every text and id warning of an RSS document. */
export function rssEvents(xml: string): ValidatorEvent[] {
	const lines = xml.split("\n");
	const channel = childNamed(parseXml(xml), "", "channel");
	// channel.py: title, description; item.py: title, category; author and dc:creator are person text.
	const plain = [childNamed(channel, "", "title"), childNamed(channel, "", "description")];
	for (const item of childrenNamed(channel, "", "item")) {
		plain.push(childNamed(item, "", "title"), ...childrenNamed(item, "", "category"), ...childrenNamed(item, "", "author"), ...childrenNamed(item, DC, "creator"));
	}
	return plain.flatMap((node) => nonHtmlEvents(node, lines, "rss2", "ContainsHTML"));
}

/** Every text and id warning of an Atom document; content.py textConstruct: type="text" is checked as non-HTML, type="html" is parsed as HTML. */
export function atomEvents(xml: string): ValidatorEvent[] {
	const lines = xml.split("\n");
	const feed = parseXml(xml);
	const constructs = [childNamed(feed, ATOM, "title"), childNamed(feed, ATOM, "subtitle")];
	for (const entry of childrenNamed(feed, ATOM, "entry")) constructs.push(childNamed(entry, ATOM, "title"), ...childrenNamed(entry, ATOM, "summary"));
	const names = [feed, ...childrenNamed(feed, ATOM, "entry")].flatMap((node) => childrenNamed(node, ATOM, "author")).map((author) => childNamed(author, ATOM, "name"));
	return [
		...constructs.filter((node) => node.attributes.type === "text").flatMap((node) => nonHtmlEvents(node, lines, "atom", "ContainsUndeclaredHTML")),
		...names.flatMap((node) => nonHtmlEvents(node, lines, "atom", "ContainsHTML")),
		...childrenNamed(feed, ATOM, "entry").flatMap((entry) => canonicalIdEvents(childNamed(entry, ATOM, "id").text)),
	];
}

