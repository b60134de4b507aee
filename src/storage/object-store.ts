/** One entry of a bucket listing. */
export interface ObjectSummary {
	key: string;
	etag: string;
	size: number;
	lastModified: Date;
}

export interface ListPage {
	objects: ObjectSummary[];
	/** Present when more keys follow; pass it back to list() to continue. */
	cursor?: string;
}

export interface ObjectBody {
	key: string;
	etag: string;
	lastModified: Date;
	bytes: Uint8Array;
	/** The Content-Type it was stored with, if any. */
	contentType?: string;
}

/** Bytes `offset` … `offset + length - 1` of an object. */
export interface ByteRange {
	offset: number;
	length: number;
}

/** An object (or part of it) streamed for serving: its validators and its whole size come with it. */
export interface MediaBody {
	etag: string;
	/** The whole object's size, also when only a range is streamed. */
	size: number;
	lastModified: Date;
	body: ReadableStream<Uint8Array>;
}

/** An object over the reader's `maxBytes`: what its metadata says, its body never read. */
export interface OversizedObject {
	key: string;
	etag: string;
	lastModified: Date;
	size: number;
	contentType?: string;
	oversized: true;
}

/** The result of a conditional read: the object, "not-modified" when its etag matched, or null when it is gone. */
export type ReadResult = ObjectBody | OversizedObject | "not-modified" | null;

/**
 * What the sync (and the upload script's server side) needs from a bucket.
 * Implemented by the R2 binding (r2-store.ts) and S3-compatible stores (s3-store.ts).
 * Keys are relative to the store's configured prefix. Etags are compared without quotes.
 */
export interface ObjectStore {
	/** One page of at most `limit` (default 1,000) keys, in key order. */
	list(options?: { prefix?: string; cursor?: string; limit?: number }): Promise<ListPage>;
	/** Reads an object; with `ifNoneMatch`, answers "not-modified" instead of the bytes when the etag still matches. */
	/** One object's listing entry, without its body: null when it is gone. Exactly that key, and a Class B operation where a listing is Class A. */
	head(key: string): Promise<ObjectSummary | null>;
	/**
	 * With `maxBytes`, the body of a bigger object is not read (a notification names a key without its current size);
	 * it applies when the store reports the length up front, as R2 always and S3 for a plain GetObject do.
	 */
	read(key: string, options?: { ifNoneMatch?: string; maxBytes?: number }): Promise<ReadResult>;
	/** Streams an object, or `range` of it, for /media/{key}; null when it is gone. */
	openMedia(key: string, range?: ByteRange): Promise<MediaBody | null>;
	put(key: string, bytes: Uint8Array, options?: { contentType?: string }): Promise<{ etag: string }>;
	delete(key: string): Promise<void>;
	/** A short label for logs and /api/status, e.g. "r2:POSTS" or "s3:https://host/bucket". */
	readonly description: string;
}

/** Why a store call failed, in terms an operator can act on. */
export type StoreFailure =
	| "config"
	| "unreachable"
	| "timeout"
	| "forbidden"
	| "no-such-bucket"
	| "server"
	| "malformed-response";

/** A failed store call; the sync stops and records `message`, never a stack. */
export class StoreError extends Error {
	override readonly name = "StoreError";
	constructor(
		readonly failure: StoreFailure,
		message: string,
		options?: { cause?: unknown },
	) {
		super(message, options);
	}
}

/** Removes the quotes R2 and S3 put around etags so both backends compare alike. */
export function normalizeEtag(etag: string): string {
	// R2's binding gives the bare hex already (10,000 listed keys a reconciliation): only S3 and HTTP quote or weaken it.
	if (etag[0] !== '"' && etag[0] !== "W") return etag;
	return etag.replace(/^W\//, "").replace(/^"(.*)"$/, "$1");
}
