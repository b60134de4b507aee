import { describe, expect, it } from "vitest";
import { stripXmlForbidden } from "../../src/content/xml-chars";
import { escapePlainText, escapeXmlAttribute, escapeXmlText } from "../../src/feeds/xml-text";
import { FORBIDDEN_SAMPLE, FORBIDDEN_SAMPLE_CLEANED } from "./builders";

describe("xml-text", () => {
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
