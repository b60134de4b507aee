/**
 * Characters outside XML 1.0's Char production (https://www.w3.org/TR/xml/#charsets): C0 controls other
 * than tab, LF and CR, U+FFFE, U+FFFF and lone surrogates. One of them makes a whole feed ill-formed.
 * With the u flag a valid surrogate pair is one code point and does not match the surrogate range.
 * The one definition: the content layer cleans posts with it, and the feeds (which may import content)
 * clean every string again with it, so no document depends on its input having been cleaned.
 */
const XML_FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF\uD800-\uDFFF]/gu;

/**
 * Any code unit that could be forbidden, surrogates of valid pairs included: without the u flag the scan is a plain
 * code-unit loop, several times faster than the code-point one, and most text (every feed's content, rendered
 * four times a page) has none, so it is returned as it is.
 */
const MAYBE_FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF\uD800-\uDFFF]/;

/** Removes the characters XML 1.0 forbids. */
export function stripXmlForbidden(text: string): string {
	return MAYBE_FORBIDDEN.test(text) ? text.replace(XML_FORBIDDEN, "") : text;
}
