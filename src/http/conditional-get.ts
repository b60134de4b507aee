/** What conditional GET needs of a stored document: validators computed when it was published. */
export interface Validated {
	etag: string;
	lastModifiedMs: number;
}

/**
 * Whether the client already has these bytes (RFC 9110 §13.1.2, §13.1.3): If-None-Match, compared
 * weakly as the RFC prescribes, wins over If-Modified-Since. Readers poll every few minutes; a 304
 * saves them and us the whole document.
 */
export function isNotModified(headers: Headers, document: Validated): boolean {
	const ifNoneMatch = headers.get("If-None-Match");
	// The common case, a reader sending back the ETag it was given, needs no parsing.
	if (ifNoneMatch === document.etag) return true;
	if (ifNoneMatch !== null) {
		const opaque = (tag: string) => tag.trim().replace(/^W\//, "");
		const own = opaque(document.etag);
		return ifNoneMatch.split(",").some((tag) => tag.trim() === "*" || opaque(tag) === own);
	}
	const ifModifiedSince = headers.get("If-Modified-Since");
	if (ifModifiedSince !== null) {
		const since = Date.parse(ifModifiedSince);
		return !Number.isNaN(since) && document.lastModifiedMs <= since;
	}
	return false;
}
