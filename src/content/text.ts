import { PostProblem } from "./problem";
import { stripXmlForbidden } from "./xml-chars";

/**
 * The largest post read. Feed readers cap whole documents at 1–2 MB (FeedBurner 1 MB, goread 2 MiB), and
 * parsing costs tens of times the post's size in memory: a larger post would risk the Worker's 128 MB.
 */
export const MAX_POST_BYTES = 1024 * 1024;

/** How much of the start of a post is sampled for NULs, as git does to tell binary from text. */
const BINARY_SAMPLE_CHARS = 8000;

/**
 * Stored bytes -> text with LF line ends, without BOM and without XML-forbidden characters.
 * Invalid UTF-8, or NULs in more than 1 % of the first 8,000 characters (binary data, UTF-16), reject the post.
 */
export function decodePostText(bytes: Uint8Array): string {
	if (bytes.byteLength === 0) throw new PostProblem("object is empty");
	if (bytes.byteLength > MAX_POST_BYTES) throw new PostProblem(tooLargeReason(bytes.byteLength));
	let text: string;
	try {
		text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
	} catch {
		throw new PostProblem("not UTF-8 text (the bytes are not valid UTF-8)");
	}
	if (looksBinary(text)) throw new PostProblem("not UTF-8 text (it is full of NUL bytes: binary data or UTF-16)");
	text = stripXmlForbidden(text.replace(/^\uFEFF/, "").replace(/\r\n?/g, "\n"));
	if (text.trim() === "") throw new PostProblem("object is empty (only whitespace)");
	return text;
}

function looksBinary(text: string): boolean {
	const sample = text.slice(0, BINARY_SAMPLE_CHARS);
	let nuls = 0;
	for (let i = 0; i < sample.length; i++) if (sample.charCodeAt(i) === 0) nuls++;
	return nuls > 0 && nuls * 100 >= sample.length;
}

/**
 * U+FEFF inside text is a stray byte order mark (files pasted together) or the deprecated zero-width no-break
 * space; JavaScript's \s counts it as white space, so it would become a visible space. Other zero-width
 * characters (U+200B, U+200C, U+200D, U+2060) are not white space here and are kept: they mark word
 * boundaries (Thai, Khmer) and join characters (emoji, Persian), and stay invisible in every reader.
 */
const STRAY_BYTE_ORDER_MARK = /\uFEFF/g;

/** For single-line fields: XML-safe, U+FEFF removed, whitespace runs (line breaks included) become one space, trimmed. */
export function cleanLine(text: string): string {
	return stripXmlForbidden(text).replace(STRAY_BYTE_ORDER_MARK, "").replace(/\s+/g, " ").trim();
}

/** Why a post of `size` bytes is refused; the sync uses it too, to skip such objects without reading them. */
export function tooLargeReason(size: number): string {
	return `post is ${(size / (1024 * 1024)).toFixed(1)} MiB; posts larger than ${MAX_POST_BYTES / (1024 * 1024)} MiB are not read (feed readers cap whole feeds at 1–2 MB)`;
}
