import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { stripXmlForbidden } from "../../src/content/xml-chars";
import { escapePlainText, escapeXmlAttribute, escapeXmlText } from "../../src/feeds/xml-text";
import { FORBIDDEN_SAMPLE, FORBIDDEN_SAMPLE_CLEANED } from "./builders";

/** The XML 1.0 Char production, code point by code point: what the fast path must agree with. */
function xmlCharsOnly(text: string): string {
	let kept = "";
	for (const char of text) {
		const code = char.codePointAt(0)!;
		const allowed = code === 0x9 || code === 0xa || code === 0xd || (code >= 0x20 && code <= 0xd7ff) || (code >= 0xe000 && code <= 0xfffd) || code >= 0x10000;
		if (allowed) kept += char;
	}
	return kept;
}

describe("xml-text", () => {
	it("strips exactly what the Char production forbids, whether or not the text has a candidate (lone and paired surrogates, controls)", () => {
		const units = fc.constantFrom("a", "<", "&", "\r", "\t", "\u0000", "\u0008", "\u000B", "\u001F", "\uD800", "\uDBFF", "\uDC00", "\uDFFF", "\uFFFE", "\uFFFF", "\uFFFD", "\u{1F600}", "é");
		fc.assert(
			fc.property(fc.oneof(fc.string({ unit: "binary" }), fc.array(units).map((parts) => parts.join(""))), (text) => {
				// Compared as JSON, which writes a lone surrogate as \uXXXX: a failure must reach the runner as valid UTF-8.
				expect(JSON.stringify(stripXmlForbidden(text))).toBe(JSON.stringify(xmlCharsOnly(text)));
				const escaped = xmlCharsOnly(text).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/\r/g, "&#13;");
				expect(JSON.stringify(escapeXmlText(text))).toBe(JSON.stringify(escaped));
			}),
			{ numRuns: 2000 },
		);
	});

	it("strips characters XML 1.0 forbids and keeps tab, line breaks and surrogate pairs", () => {
		expect(stripXmlForbidden(FORBIDDEN_SAMPLE)).toBe(FORBIDDEN_SAMPLE_CLEANED);
		expect(stripXmlForbidden("a\tb\nc\rd\u{10FFFF}\uFFFD\u0085")).toBe("a\tb\nc\rd\u{10FFFF}\uFFFD\u0085");
	});

	it("escapes text so ]]> and markup cannot appear", () => {
		expect(escapeXmlText("a]]>b <c> & \r")).toBe("a]]&gt;b &lt;c&gt; &amp; &#13;");
	});

	it("escapes plain text with the RSS Profile's hexadecimal references", () => {
		expect(escapePlainText("a]]>b <c> &amp; \r\u0001")).toBe("a]]&#x3E;b &#x3C;c&#x3E; &#x26;amp; &#13;");
	});

	it("escapes attribute values so <, quotes and whitespace survive", () => {
		expect(escapeXmlAttribute(`<"&'\t\n\r`)).toBe("&lt;&quot;&amp;'&#9;&#10;&#13;");
	});
});
