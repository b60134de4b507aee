import { plainTextAsHtml } from "./xml-text";
import { element, plainTextElement, type XmlElement } from "./xml-writer";

/**
 * An end tag of the kind the W3C feed validator looks for in text (feedvalidator validators.py,
 * nonhtml.htmlEndTag_re); any word, not only HTML's element names, so nothing it counts slips through.
 */
const END_TAG = /<\/\w+>/;

/**
 * An Atom text construct (RFC 4287 §3.1) that says what its text is, so that every reader shows the text
 * exactly as written and the W3C validator has nothing to warn about:
 * - type="text" with `&`, `<`, `>` as hexadecimal references (escapePlainText), which quiets the validator's
 *   entity-like-text check ("Tom &amp; Jerry" written literally) and which every XML parser decodes;
 * - type="html" with the text escaped as HTML, when it holds an end tag such as "</b>": the validator
 *   reads that as undeclared HTML (ContainsUndeclaredHTML) in type="text" whatever the escaping, and its own
 *   advice is to declare type="html". A reader then renders the escaped HTML, which shows the same text.
 */
export function atomText(name: string, text: string): XmlElement {
	if (END_TAG.test(text)) return element(name, { type: "html" }, plainTextAsHtml(text));
	return plainTextElement(name, text, { type: "text" });
}
