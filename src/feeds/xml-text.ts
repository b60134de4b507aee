import { stripXmlForbidden } from "../content/xml-chars";

const NAMED_REFERENCES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;" };
const HEXADECIMAL_REFERENCES: Record<string, string> = { "&": "&#x26;", "<": "&#x3C;", ">": "&#x3E;", "\r": "&#13;" };

/** One pass over the text: a feed's content HTML is most of its bytes, and is escaped once per XML format. */
function escapeCharacterData(text: string, references: Record<string, string>): string {
	return stripXmlForbidden(text).replace(/[&<>\r]/g, (char) => references[char]!);
}

/**
 * Character data (https://www.w3.org/TR/xml/#syntax): `&` and `<` must be escaped, and `>` is, so
 * `]]>` can never appear. CR is written as a reference because parsers turn a literal CR into LF.
 */
export function escapeXmlText(text: string): string {
	return escapeCharacterData(text, NAMED_REFERENCES);
}

/**
 * Character data of an element holding plain text (RSS titles and categories, Atom type="text"): `&`, `<`
 * and `>` as hexadecimal character references, which the RSS Best Practices Profile recommends for the
 * widest interop ("Character data", https://www.rssboard.org/rss-profile#data-types-characterdata). The W3C
 * feed validator asks for exactly this (its CharacterData and ContainsHTML advice): it stops warning about
 * entity-like text such as a literal "&amp;" or markup-like text such as "C<T>" when the line holds `&#x`
 * (feedvalidator validators.py, nonhtml.validate and rssCharData). Every XML parser decodes them alike.
 */
export function escapePlainText(text: string): string {
	return escapeCharacterData(text, HEXADECIMAL_REFERENCES);
}

/**
 * A double-quoted attribute value: `<`, `&` and `"` must be escaped; tab, LF and CR are written as
 * references because attribute-value normalisation would turn them into spaces
 * (https://www.w3.org/TR/xml/#AVNormalize).
 */
export function escapeXmlAttribute(value: string): string {
	return escapeXmlText(value).replace(/"/g, "&quot;").replace(/\t/g, "&#9;").replace(/\n/g, "&#10;");
}

/** Plain text as HTML that displays it as written (the XML writer then escapes the result once more). */
export function plainTextAsHtml(text: string): string {
	return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}
