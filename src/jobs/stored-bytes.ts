// What a rendered document is stored as: its exact bytes, checked against D1's row limit, with a strong ETag.
import type { RenderedDocument } from "../feeds/publication";
import { wholeSecondsIso } from "../shared";
import type { StaleRef, StoredDocument, StoredVersion } from "../storage/documents";

/** D1 stores at most 2,000,000 bytes in one row (developers.cloudflare.com/d1/platform/limits); the rest of the row needs a little. */
export const MAX_DOCUMENT_BYTES = 1_990_000;

/**
 * Keeps a document's Last-Modified while its bytes are unchanged; a new ETag always comes with a new date. Unchanged
 * bytes kept elsewhere than DOCUMENT_BODIES says are moved (`move`), with their ETag and date: not a new version.
 */
export async function compareWithStored(stale: StaleRef, rendered: RenderedDocument[], stored: Map<string, StoredVersion>, now: Date) {
	const lastModified = wholeSecondsIso(now);
	const write: StoredDocument[] = [];
	const move: StoredDocument[] = [];
	const keep: string[] = [];
	for (const document of rendered) {
		const bytes = new TextEncoder().encode(document.body);
		if (bytes.length > MAX_DOCUMENT_BYTES) {
			throw new Error(`${document.path} is ${bytes.length} bytes, over D1's ${MAX_DOCUMENT_BYTES}-byte row limit: lower FEED_ITEM_COUNT`);
		}
		const etag = await strongEtag(bytes);
		const before = stored.get(document.path);
		if (before?.etag !== etag) write.push({ ...document, etag, lastModified });
		else if (before.misplaced) move.push({ ...document, etag, lastModified: before.lastModified });
		else keep.push(document.path);
	}
	return { stale, write, move, keep };
}

/** A hash of the exact bytes (RFC 9110 §8.8.3): computed once here, never at request time. */
export async function strongEtag(bytes: Uint8Array): Promise<string> {
	const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
	const base64 = btoa(String.fromCharCode(...digest.subarray(0, 18)));
	return `"${base64.replaceAll("+", "-").replaceAll("/", "_")}"`;
}
