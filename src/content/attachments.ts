import { mediaTypeByExtension } from "../shared/media-types";
import { readText } from "./fields";
import { absoluteUrl, type LinkBase, mediaKeyOf } from "./links";
import type { Attachment } from "./post";
import { PostProblem, quote } from "./problem";

const SCHEMES = ["http", "https"] as const;
/** RSS and Atom write lengths as decimal integers; JSON numbers stay exact below 2^53. */
const MAX_LENGTH = Number.MAX_SAFE_INTEGER;

/**
 * Front matter `enclosure` (one file: a podcast episode) and `attachments` (a list), each a URL or a mapping
 * `{ url, type, length, title }`; relative URLs name media beside the post. Without either, the lead image is
 * the post's one attachment. The same URL twice is listed once.
 */
export function readAttachments(data: ReadonlyMap<string, unknown>, links: LinkBase, image: string | undefined): Attachment[] {
	const enclosure = data.get("enclosure");
	if (Array.isArray(enclosure)) throw new PostProblem("enclosure must be one file (a URL or a mapping with url); list more under attachments");
	const rawAttachments = data.get("attachments");
	const written = [
		...(enclosure === undefined || enclosure === null ? [] : [readOne(enclosure, "enclosure", links)]),
		...toList(rawAttachments).map((entry, index) => readOne(entry, `attachments entry ${index + 1}`, links)),
	];
	const attachments = written.length === 0 && image !== undefined ? [describe(image, links)] : written;
	const seen = new Set<string>();
	return attachments.filter((attachment) => !seen.has(attachment.url) && seen.add(attachment.url));
}

function toList(value: unknown): unknown[] {
	if (value === undefined || value === null) return [];
	return Array.isArray(value) ? value.filter((entry) => entry !== null && entry !== undefined) : [value];
}

function readOne(value: unknown, field: string, links: LinkBase): Attachment {
	if (typeof value !== "object" || value === null) {
		const url = readText(value, field);
		if (url === undefined) throw new PostProblem(`${field} is empty`);
		return describe(resolve(url, field, links), links);
	}
	if (Array.isArray(value)) throw new PostProblem(`${field} must be a URL or a mapping with url, not a list`);
	const entry = new Map(Object.entries(value).map(([key, item]) => [key.toLowerCase(), item]));
	const url = readText(entry.get("url") ?? entry.get("href"), `${field} url`);
	if (url === undefined) throw new PostProblem(`${field} has no url`);
	const attachment = describe(resolve(url, field, links), links);
	const title = readText(entry.get("title"), `${field} title`);
	if (title !== undefined) attachment.title = title;
	// A stored object's own length and type win at publish; these describe files kept elsewhere.
	const type = readText(entry.get("type") ?? entry.get("mime_type"), `${field} type`);
	if (type !== undefined) {
		if (!/^[\w.+-]+\/[\w.+-]+$/.test(type)) throw new PostProblem(`${field} type ${quote(type)} is not a MIME type such as audio/mpeg`);
		attachment.type = type.toLowerCase();
	}
	const length = entry.get("length") ?? entry.get("size_in_bytes");
	if (length !== undefined && length !== null) {
		const text = String(length).trim();
		if (!/^\d{1,16}$/.test(text) || Number(text) > MAX_LENGTH) throw new PostProblem(`${field} length ${quote(length)} must be a number of bytes`);
		attachment.length = Number(text);
	}
	return attachment;
}

function resolve(written: string, field: string, links: LinkBase): string {
	const url = absoluteUrl(written, links, SCHEMES);
	if (url === undefined) throw new PostProblem(`${field} ${quote(written)} is not a usable http(s) URL`);
	return url;
}

/** An attachment for a URL: its key when it is media of this site, and its type by extension until the stored object's is known. */
function describe(url: string, links: LinkBase): Attachment {
	const key = mediaKeyOf(url, links.siteUrl);
	const type = mediaTypeByExtension(key ?? new URL(url).pathname);
	return { url, ...(key === undefined ? {} : { key }), ...(type === undefined ? {} : { type }) };
}
