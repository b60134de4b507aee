/**
 * The sanitizer Pressroom used before src/content/sanitize.ts: sanitize-html 2.18 with the options
 * src/content/markdown.ts and summary.ts passed it. Only `npm run bench -- --stages` uses it, to time the
 * previous sanitize and summary stages in the same run as the current ones (sanitize-html is a devDependency).
 */
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const NON_TEXT_TAGS = ["script", "style", "textarea", "option", "xmp", "noscript", "template", "iframe", "object", "embed", "svg", "math", "title"];
const ALLOWED_TAGS = [
	"p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "code", "kbd", "samp", "var",
	"em", "strong", "b", "i", "u", "s", "del", "ins", "mark", "small", "sub", "sup", "abbr", "cite", "q", "dfn",
	"span", "div", "ul", "ol", "li", "dl", "dt", "dd", "a", "img", "figure", "figcaption", "details", "summary",
	"table", "caption", "thead", "tbody", "tfoot", "tr", "th", "td",
];
const BLOCK_BOUNDARY = /<(?:br|\/?(?:p|div|li|h[1-6]|tr|td|th|blockquote|pre|dt|dd|figcaption|caption|table|ul|ol|dl|hr))\b/gi;
const SUMMARY_SOURCE_CHARS = 20_000;

export function previousSanitizer({ absoluteUrl, truncateAtWord, summaryLength }) {
	const sanitizeHtml = require("sanitize-html");
	const version = require("sanitize-html/package.json").version;
	const withUrl = (tagName, attribs, name, links, schemes) => {
		const raw = attribs[name];
		if (raw === undefined) return { tagName, attribs };
		const url = absoluteUrl(raw, links, schemes);
		const result = { ...attribs, [name]: url ?? "" };
		if (url === undefined) delete result[name];
		return { tagName, attribs: result };
	};
	const sanitizePostHtml = (html, links) =>
		sanitizeHtml(html, {
			allowedTags: ALLOWED_TAGS,
			allowedAttributes: {
				a: ["href", "title"],
				img: ["src", "alt", "title", "width", "height"],
				abbr: ["title"],
				ol: ["start"],
				th: ["align", "colspan", "rowspan"],
				td: ["align", "colspan", "rowspan"],
			},
			allowedClasses: { code: ["language-*"] },
			allowedSchemes: ["http", "https", "mailto"],
			allowedSchemesByTag: { img: ["http", "https"] },
			allowedSchemesAppliedToAttributes: ["href", "src"],
			allowProtocolRelative: false,
			disallowedTagsMode: "discard",
			nonTextTags: NON_TEXT_TAGS,
			enforceHtmlBoundary: false,
			parseStyleAttributes: false,
			transformTags: {
				a: (tagName, attribs) => withUrl(tagName, attribs, "href", links, ["http", "https", "mailto"]),
				img: (tagName, attribs) => withUrl(tagName, attribs, "src", links, ["http", "https"]),
			},
			exclusiveFilter: (frame) => frame.tag === "img" && !frame.attribs.src,
		});
	const htmlToText = (html) => {
		const escaped = sanitizeHtml(html.replace(BLOCK_BOUNDARY, " $&"), { allowedTags: [], allowedAttributes: {}, nonTextTags: NON_TEXT_TAGS });
		return escaped.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&").replace(/\s+/g, " ").trim();
	};
	const summaryFromHtml = (html) => {
		let text = htmlToText(html.slice(0, SUMMARY_SOURCE_CHARS));
		if (text.length <= summaryLength && html.length > SUMMARY_SOURCE_CHARS) text = htmlToText(html);
		return truncateAtWord(text, summaryLength);
	};
	return { version, sanitizePostHtml, htmlToText, summaryFromHtml };
}
