/**
 * The sanitizer's own reader of character references (src/content/html-references.ts) against entities, the
 * decoder htmlparser2 ships with the standard's full table: wherever our table knows the name, the two agree.
 */
import { decodeHTML, decodeHTMLAttribute } from "entities";
import { htmlDecodeTree } from "entities/decode";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { linkBaseFor } from "../../src/content/links";
import { decodeReferences } from "../../src/content/html-references";
import { htmlToText, sanitizePostHtml } from "../../src/content/sanitize";

const LINKS = linkBaseFor("https://journal.example", "the-post", "the-post.md");

/** A sample of the table: HTML 4.01 names (Latin-1, Greek, symbols, the two HTML5 remapped), ASCII names, COPY and REG. */
const HTML4_AND_ASCII_SAMPLE = ["amp", "lt", "gt", "quot", "apos", "nbsp", "copy", "COPY", "reg", "REG", "eacute", "Eacute", "hellip", "mdash", "ndash", "lsquo", "rsquo", "ldquo", "rdquo", "euro", "trade", "larr", "rarr", "hearts", "lang", "rang", "alefsym", "thetasym", "colon", "lpar", "rpar", "excl", "Tab", "NewLine", "num", "sol", "bsol", "commat", "frac12", "sup2", "szlig", "yuml", "Yuml", "OElig", "thinsp", "zwj", "lrm"];

/** One reference as authors and attackers write it; each is followed by a separator so two never merge into a third. */
const reference = fc.oneof(
	fc.constantFrom(...HTML4_AND_ASCII_SAMPLE).map((name) => `&${name};`),
	fc.constantFrom("amp", "lt", "gt", "quot", "copy", "reg", "eacute", "nbsp", "not", "AMP", "COPY", "frac12", "uuml").map((name) => `&${name}`),
	fc.integer({ min: 0, max: 0x11_0000 }).map((code) => `&#${code};`),
	fc.integer({ min: 0, max: 0x11_0000 }).map((code) => `&#x${code.toString(16)};`),
	fc.integer({ min: 0, max: 0x2_0000 }).map((code) => `&#${String(code).padStart(9, "0")}`),
	fc.integer({ min: 0x7f, max: 0xa0 }).map((code) => `&#x${code.toString(16).toUpperCase()}`),
	fc.constantFrom("&", "&#", "&#x", "&#;", "&;", "& amp;", "&&", "&#x;", "&#xZ;"),
);
const separator = fc.constantFrom(" ", "-", ".", "=", "a", "7", ";", "/", "");
const written = fc.array(fc.tuple(reference, separator).map(([ref, sep]) => ref + sep), { maxLength: 12 }).map((parts) => parts.join(""));

describe("reading character references without the full table", () => {
	it("runs with the bundle's stand-in for entities/decode, as the Worker does", () => {
		expect(htmlDecodeTree.length).toBe(0);
	});

	it("reads text as the standard's full table does, wherever it knows the name", () => {
		fc.assert(
			fc.property(written, (text) => {
				expect(decodeReferences(text, "text")).toBe(decodeHTML(text));
			}),
			{ numRuns: 2000 },
		);
	});

	it("reads attribute values as the standard's full table does, legacy names before '=' included", () => {
		fc.assert(
			fc.property(written, (value) => {
				expect(decodeReferences(value, "attribute")).toBe(decodeHTMLAttribute(value));
			}),
			{ numRuns: 2000 },
		);
	});

	it.each([
		["a legacy name before a digit in text", "&copy2026", "text", "©2026"],
		["the longest legacy name in text", "&notit", "text", "¬it"],
		["a URL parameter named like a legacy entity", "?a=1&copy=2", "attribute", "?a=1&copy=2"],
		["a legacy name followed by a letter in an attribute", "&notit", "attribute", "&notit"],
		["a zero-padded numeric reference", "&#00000000106;", "text", "j"],
		["a C1 code point as Windows-1252", "&#x80;&#150;", "text", "€–"],
		["a surrogate, NUL and a code point past Unicode", "&#xD800;&#0;&#x110000;", "text", "\ufffd\ufffd\ufffd"],
	])("reads %s", (_name, raw, context, expected) => {
		expect(decodeReferences(raw, context as "text" | "attribute")).toBe(expected);
		expect(expected).toBe(context === "text" ? decodeHTML(raw) : decodeHTMLAttribute(raw));
	});
});

describe("names outside the table", () => {
	it("are handed to the browser in text, which reads them with the full table", () => {
		const { html } = sanitizePostHtml("<p>&notinva; &NotSquareSuperset; &copy; &amp;notinva;</p>", LINKS);
		expect(html).toBe("<p>&notinva; &NotSquareSuperset; © &amp;notinva;</p>");
	});

	it("stay as written in plain text and in attribute values, where they can hide nothing", () => {
		// Not "¬it;" by the legacy name "not": the full table might hold the whole name, as it does "&notinva;" (∉).
		expect(decodeReferences("&notit; &notinva;", "text")).toBe("&notit; &notinva;");
		expect(htmlToText("<p>&NotSquareSuperset; &eacute;</p>")).toBe("&NotSquareSuperset; é");
		const { html } = sanitizePostHtml('<a href="https://other.example/?q=&NotSquareSuperset;" title="&Bumpeq; &eacute;">x</a>', LINKS);
		expect(html).toBe('<a href="https://other.example/?q=&amp;NotSquareSuperset;" title="&amp;Bumpeq; é">x</a>');
	});

	it("cannot make a javascript: URL: what the sanitizer read is what it writes", () => {
		const { html } = sanitizePostHtml('<a href="javascript&NewLine;&colon;alert(1)">a</a><a href="java&Tab;script&colon;x">b</a><a href="javascript&Colon;x">c</a>', LINKS);
		expect(html).not.toMatch(/javascript:/i);
		expect(html).toMatch(/^<a>a<\/a><a>b<\/a><a href="https:\/\/journal\.example\/[^"]*javascript&amp;Colon;x">c<\/a>$/);
	});
});
