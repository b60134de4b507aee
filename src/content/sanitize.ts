import { Parser } from "htmlparser2";
import { decodeReferences, escapeTextKeepingReferences } from "./html-references";
import { absoluteUrl, type LinkBase } from "./links";
import { cleanLine } from "./text";
import { stripXmlForbidden } from "./xml-chars";

/**
 * An allowlist sanitizer that writes its output afresh from htmlparser2's events instead of editing the input
 * (docs/design.md, "Sanitizing"): only the elements and attributes below are ever written, every text and
 * attribute value is escaped, and no raw-text, foreign (SVG/MathML) or template element is ever emitted. So a
 * browser re-parsing the output meets nothing but plain HTML in body context, whatever the input's parser
 * tricks (mutation XSS needs an element whose content a browser reads differently from the sanitizer).
 */

const LINK_SCHEMES = ["http", "https", "mailto"] as const;
const IMAGE_SCHEMES = ["http", "https"] as const;

type AttributeRule = (value: string, links: LinkBase) => string | undefined;

const text: AttributeRule = (value) => value;
const wholeNumber: AttributeRule = (value) => (/^\d{1,9}$/.test(value.trim()) ? value.trim() : undefined);
const size: AttributeRule = (value) => (/^\d{1,5}(?:\.\d{1,3})?%?$/.test(value.trim()) ? value.trim() : undefined);
const alignment: AttributeRule = (value) => (/^(?:left|right|center|justify)$/i.test(value.trim()) ? value.trim().toLowerCase() : undefined);
const link: AttributeRule = (value, links) => absoluteUrl(value, links, LINK_SCHEMES);
const image: AttributeRule = (value, links) => absoluteUrl(value, links, IMAGE_SCHEMES);
/** Only `language-…` classes, as marked writes them on fenced code (`class="language-sql"`). */
const codeLanguage: AttributeRule = (value) => value.split(/\s+/).filter((name) => /^language-\S*$/.test(name)).join(" ") || undefined;

const PHRASE_AND_BLOCK = [
	"p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "kbd", "samp", "var",
	"em", "strong", "b", "i", "u", "s", "del", "ins", "mark", "small", "sub", "sup", "cite", "q", "dfn",
	"span", "div", "ul", "li", "dl", "dt", "dd", "figure", "figcaption", "details", "summary",
	"table", "caption", "thead", "tbody", "tfoot", "tr",
];

/** Element -> the attributes it may keep, each with the rule that checks (or rewrites) its value. */
const ALLOWED: ReadonlyMap<string, Readonly<Record<string, AttributeRule>>> = new Map<string, Record<string, AttributeRule>>([
	...PHRASE_AND_BLOCK.map((name): [string, Record<string, AttributeRule>] => [name, {}]),
	["br", {}],
	["hr", {}],
	["a", { href: link, title: text }],
	["img", { src: image, alt: text, title: text, width: size, height: size }],
	["abbr", { title: text }],
	["code", { class: codeLanguage }],
	["ol", { start: wholeNumber }],
	["th", { align: alignment, colspan: wholeNumber, rowspan: wholeNumber }],
	["td", { align: alignment, colspan: wholeNumber, rowspan: wholeNumber }],
]);

/** Written as `<br />`: they never have content. */
const VOID = new Set(["br", "hr", "img"]);

/** Attributes whose empty value means something (an image without alternative text is decorative). */
const MAY_BE_EMPTY = new Set(["alt"]);

/** Dropped together with everything inside them: their content is code, data or a parser trap, not prose. */
const DROPPED_WITH_CONTENT = new Set([
	"script", "style", "textarea", "option", "select", "datalist", "xmp", "noscript", "noembed", "noframes", "plaintext",
	"template", "iframe", "frame", "frameset", "object", "embed", "applet", "svg", "math", "title", "head",
]);

/** Where words on either side belong to different blocks: "<p>a</p><p>b</p>" reads "a b", not "ab". */
const BLOCK = new Set([
	"br", "p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "td", "th", "blockquote", "pre", "dt", "dd",
	"figcaption", "caption", "table", "ul", "ol", "dl", "hr",
]);

export interface SanitizedHtml {
	html: string;
	/** The start of the text (at least `textLength` characters when there are that many): for the summary. */
	text: string;
	/** Every link and image source written, absolute, in order: the post's media references are among them. */
	urls: string[];
}

/**
 * Keeps formatting, tables, code, links and images; drops scripts, styles, frames, embeds, forms, event
 * handler attributes and every URL whose scheme is not http(s) (or mailto for links). Relative URLs become
 * absolute (docs/ids.md, "Links inside posts"). The text is read in the same pass (see htmlToText).
 */
export function sanitizePostHtml(html: string, links: LinkBase, textLength = 0): SanitizedHtml {
	return walk(html, links, textLength);
}

/** HTML -> plain text: no markup, entities decoded, whitespace collapsed, block boundaries kept as spaces. */
export function htmlToText(html: string): string {
	return cleanLine(walk(html, undefined, Number.POSITIVE_INFINITY).text);
}

/** One pass of htmlparser2: the sanitized HTML (when `links` is given) and the start of the text. */
function walk(html: string, links: LinkBase | undefined, textLength: number): SanitizedHtml {
	let out = "";
	let text = "";
	const urls: string[] = [];
	let textDone = textLength === 0;
	/** Open elements as written: an element dropped with its tag has "" here, so its close writes nothing. */
	const open: string[] = [];
	/** > 0 inside an element of DROPPED_WITH_CONTENT: counts the elements opened since (htmlparser2 closes each). */
	let dropping = 0;
	const addText = (data: string) => {
		text += data;
		// Collapsing as it grows keeps memory flat on a long post; "enough" is counted after collapsing.
		if (text.length > 2 * textLength + 64) {
			text = text.replace(/\s+/g, " ");
			textDone = text.trimStart().length > textLength + 1;
		}
	};
	const parser = new Parser(
		{
			onopentag(name, attributes) {
				if (dropping > 0 || DROPPED_WITH_CONTENT.has(name)) {
					dropping++;
					return;
				}
				if (!textDone && BLOCK.has(name)) addText(" ");
				if (links === undefined) return;
				const rules = ALLOWED.get(name);
				const tag = rules === undefined ? undefined : startTag(name, attributes, rules, links, urls);
				open.push(tag === undefined || VOID.has(name) ? "" : name);
				if (tag !== undefined) out += tag;
			},
			onclosetag(name) {
				if (dropping > 0) {
					dropping--;
					return;
				}
				if (!textDone && BLOCK.has(name)) addText(" ");
				if (links === undefined) return;
				const written = open.pop();
				if (written) out += `</${written}>`;
			},
			ontext(data) {
				if (dropping > 0) return;
				if (!textDone) addText(decodeReferences(data, "text"));
				if (links !== undefined) out += escapeTextKeepingReferences(data);
			},
		},
		// References are read by html-references.ts, not by htmlparser2 (whose decoder, never called, is left out of
		// the bundle: wrangler.toml [alias]). htmlparser2 hands each run of text over whole: a reference is never split.
		{ decodeEntities: false, lowerCaseTags: true, lowerCaseAttributeNames: true, recognizeSelfClosing: false },
	);
	parser.end(html);
	return { html: stripXmlForbidden(out), text, urls };
}

/** `<name attr="value"…>` with the allowed attributes in the order written, or undefined when the element must go. */
function startTag(
	name: string,
	attributes: Record<string, string>,
	rules: Readonly<Record<string, AttributeRule>>,
	links: LinkBase,
	urls: string[],
): string | undefined {
	let tag = `<${name}`;
	let hasSource = false;
	const written: string[] = [];
	for (const attribute in attributes) {
		const rule = Object.hasOwn(rules, attribute) ? rules[attribute] : undefined;
		const given = decodeReferences(attributes[attribute] ?? "", "attribute");
		if (rule === undefined || (given === "" && !MAY_BE_EMPTY.has(attribute))) continue;
		const value = rule(given, links);
		if (value === undefined) continue;
		tag += ` ${attribute}="${escapeAttribute(value)}"`;
		if (attribute === "src") hasSource = true;
		if (attribute === "src" || attribute === "href") written.push(value);
	}
	// An image that is not shown (no usable source) is dropped entirely.
	if (name === "img" && !hasSource) return undefined;
	urls.push(...written);
	return VOID.has(name) ? `${tag} />` : `${tag}>`;
}

function escapeAttribute(value: string): string {
	return value.replace(/[&<>"]/g, (c) => (c === "&" ? "&amp;" : c === "<" ? "&lt;" : c === ">" ? "&gt;" : "&quot;"));
}
