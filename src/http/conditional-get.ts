import type { Context } from "hono";

export interface Representation {
	body: string;
	contentType: string;
	lastModified: Date;
	cacheControl: string;
}

/**
 * Answers with a strong ETag (hash of the exact bytes) and a Last-Modified that moves with every catalog
 * change, or 304 when the client already has these bytes (RFC 9110 §13.1; If-None-Match wins over
 * If-Modified-Since). Readers poll every few minutes: a 304 saves them and us the whole document.
 */
export async function respondConditionally(c: Context, representation: Representation): Promise<Response> {
	const etag = await strongEtag(representation.body);
	const lastModified = new Date(Math.floor(representation.lastModified.getTime() / 1000) * 1000);
	const headers = {
		"Content-Type": representation.contentType,
		ETag: etag,
		"Last-Modified": lastModified.toUTCString(),
		"Cache-Control": representation.cacheControl,
	};
	if (isNotModified(c.req.header("If-None-Match"), c.req.header("If-Modified-Since"), etag, lastModified)) {
		return new Response(null, { status: 304, headers });
	}
	return new Response(representation.body, { status: 200, headers });
}

function isNotModified(ifNoneMatch: string | undefined, ifModifiedSince: string | undefined, etag: string, lastModified: Date): boolean {
	if (ifNoneMatch !== undefined) {
		// Weak comparison, as RFC 9110 §13.1.2 prescribes for If-None-Match.
		const opaque = (tag: string) => tag.trim().replace(/^W\//, "");
		return ifNoneMatch.split(",").some((tag) => tag.trim() === "*" || opaque(tag) === opaque(etag));
	}
	if (ifModifiedSince !== undefined) {
		const since = Date.parse(ifModifiedSince);
		return !Number.isNaN(since) && lastModified.getTime() <= since;
	}
	return false;
}

async function strongEtag(body: string): Promise<string> {
	const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(body)));
	const base64 = btoa(String.fromCharCode(...digest.subarray(0, 18)));
	return `"${base64.replaceAll("+", "-").replaceAll("/", "_")}"`;
}
