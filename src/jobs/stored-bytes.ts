// What a rendered document is stored as: its exact bytes, checked against D1's row limit, with a strong ETag.
import type { RenderedDocument } from "../feeds/publication";
import { wholeSecondsIso } from "../shared";
import type { StaleRef, StoredDocument } from "../storage/documents";

/** D1 stores at most 2,000,000 bytes in one row (developers.cloudflare.com/d1/platform/limits); the rest of the row needs a little. */
export const MAX_DOCUMENT_BYTES = 1_990_000;

/** Keeps a document's Last-Modified while its bytes are unchanged; a new ETag always comes with a new date. */
export async function compareWithStored(stale: StaleRef, rendered: RenderedDocument[], etags: Map<string, string>, now: Date) {
	const lastModified = wholeSecondsIso(now);
	const write: StoredDocument[] = [];
	const keep: string[] = [];
	for (const document of rendered) {
		const bytes = new TextEncoder().encode(document.body);
		if (bytes.length > MAX_DOCUMENT_BYTES) {
			throw new Error(`${document.path} is ${bytes.length} bytes, over D1's ${MAX_DOCUMENT_BYTES}-byte row limit: lower FEED_ITEM_COUNT`);
		}
		const etag = await strongEtag(bytes);
		if (etags.get(document.path) === etag) keep.push(document.path);
		else write.push({ ...document, etag, lastModified });
	}
	return { stale, write, keep };
}

/** A hash of the exact bytes (RFC 9110 §8.8.3): computed once here, never at request time. */
export async function strongEtag(bytes: Uint8Array): Promise<string> {
	const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
	const base64 = btoa(String.fromCharCode(...digest.subarray(0, 18)));
	return `"${base64.replaceAll("+", "-").replaceAll("/", "_")}"`;
}
