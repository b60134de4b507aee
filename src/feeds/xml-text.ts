import { stripXmlForbidden } from "../content/xml-chars";

/**
 * Character data (https://www.w3.org/TR/xml/#syntax): `&` and `<` must be escaped, and `>` is, so
 * `]]>` can never appear. CR is written as a reference because parsers turn a literal CR into LF.
 */
export function escapeXmlText(text: string): string {
	return stripXmlForbidden(text)
		.replace(/&/g, "&amp;")
		.replace(/</g, "&lt;")
		.replace(/>/g, "&gt;")
		.replace(/\r/g, "&#13;");
}

/**
 * A double-quoted attribute value: `<`, `&` and `"` must be escaped; tab, LF and CR are written as
 * references because attribute-value normalisation would turn them into spaces
 * (https://www.w3.org/TR/xml/#AVNormalize).
 */
export function escapeXmlAttribute(value: string): string {
	return escapeXmlText(value).replace(/"/g, "&quot;").replace(/\t/g, "&#9;").replace(/\n/g, "&#10;");
}
