import { PostProblem, quote } from "./problem";
import { stripSuffix } from "./slug";

/** Front matter ids already written as absolute URIs are used as they are. */
const ABSOLUTE_ID = /^(?:tag|urn|https?):\S+$/i;

/**
 * The permanent entry id (docs/ids.md): `tag:{authority}:post/{id}` when front matter gives an id,
 * else `tag:{authority}:key/{key without suffix}` (RFC 4151). Never built from title, slug, body, date or
 * SITE_URL, so editing a post or moving the site does not make it look new to feed readers.
 */
export function entryId(key: string, frontMatterId: unknown, authority: string): string {
	if (frontMatterId === undefined || frontMatterId === null) {
		return `tag:${authority}:key/${encodeTagSpecific(stripSuffix(key))}`;
	}
	const given = idText(frontMatterId);
	if (ABSOLUTE_ID.test(given)) {
		if (/[\u0000-\u001F\u007F<>"{}|\\^`]/.test(given)) throw new PostProblem(`id ${quote(given)} is not a valid URI`);
		return given;
	}
	return `tag:${authority}:post/${encodeTagSpecific(given)}`;
}

function idText(value: unknown): string {
	if (typeof value === "number" && Number.isFinite(value)) return String(value);
	if (typeof value === "string" && value.trim() !== "") return value.trim();
	throw new PostProblem(`id ${quote(value)} must be a number or a non-empty string`);
}

/**
 * Percent-encodes (UTF-8) what a tag URI's specific part does not allow. RFC 4151 §2.1:
 * specific = *( pchar / "/" / "?" ), pchar per RFC 3986 = unreserved / pct-encoded / sub-delims / ":" / "@".
 * A literal "%" is encoded too, so the text maps to exactly one id. The text is first put in Unicode NFC, so
 * a key written in NFD (as macOS file names are) gives the canonical form RFC 3987 §5.3.2.2 and the W3C feed
 * validator's NonCanonicalURI rule ask for: "café" is always `caf%C3%A9`, never `cafe%CC%81`. Every escape
 * is upper-case and nothing unreserved is escaped (RFC 3986 §6.2.2.1–2).
 */
export function encodeTagSpecific(text: string): string {
	return text.normalize("NFC").replace(/[^A-Za-z0-9\-._~!$&'()*+,;=:@/?]+/gu, (run) => encodeURIComponent(run));
}
