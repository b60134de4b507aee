import type { Documents, PublicationState, StoredDocument } from "./documents";

/** A stored document with its HTTP date computed once, as the serving path uses it. */
export interface CachedDocument extends StoredDocument {
	lastModifiedHttp: string;
	lastModifiedMs: number;
	/** The response headers, filled by the serving route the first time it answers with this entry. */
	responseHeaders?: Headers;
}

export interface DocumentCacheOptions {
	/** Bodies kept in memory, in UTF-16 code units ×2 (what V8 holds): the bound of this cache. */
	maxBytes: number;
}

/** What a lookup cost in D1, for the serving bench (`meta.rows_read`). */
export interface LookupCost {
	rowsRead: number;
}

/** The one bounded, documented in-isolate cache (docs/serving.md); misses are cached too, so an unknown path costs one lookup per version. */
const MISSING_ENTRY_BYTES = 64;

/**
 * Published documents kept in the isolate's memory in front of D1. Every `stalenessMs` (a setting) one query reads the
 * publication version (and when the next scheduled post is due); when the version moved, everything cached
 * is dropped. Between checks a hit costs no D1 read at all. Least recently used entries go first when the
 * bytes would exceed `maxBytes`.
 */
export class DocumentCache {
	private readonly entries = new Map<string, CachedDocument | null>();
	private bytes = 0;
	private checkedAtMs = Number.NEGATIVE_INFINITY;
	private state: PublicationState | undefined;

	constructor(private readonly options: DocumentCacheOptions) {}

	/**
	 * The publication state, read again from D1 when the last check is `stalenessMs` old or more: the most a
	 * reader of this isolate can lag behind a publish made elsewhere.
	 */
	async publicationState(documents: Documents, nowMs: number, stalenessMs: number, cost: LookupCost): Promise<PublicationState> {
		if (this.state !== undefined && nowMs - this.checkedAtMs < stalenessMs) return this.state;
		const { state, rowsRead } = await documents.state();
		cost.rowsRead += rowsRead;
		if (state.version !== this.state?.version) this.clear();
		this.state = state;
		this.checkedAtMs = nowMs;
		return state;
	}

	/** The state without waiting, when the last check is still within the bound; undefined when it must be read. */
	freshState(nowMs: number, stalenessMs: number): PublicationState | undefined {
		return this.state !== undefined && nowMs - this.checkedAtMs < stalenessMs ? this.state : undefined;
	}

	/** A cached entry without waiting (null: known to be missing), or undefined when D1 must be asked. */
	peek(path: string): CachedDocument | null | undefined {
		const cached = this.entries.get(path);
		if (cached !== undefined) {
			this.entries.delete(path);
			this.entries.set(path, cached);
		}
		return cached;
	}

	/** The document at a canonical path, or null when none is published there. */
	async get(documents: Documents, path: string, cost: LookupCost): Promise<CachedDocument | null> {
		const cached = this.entries.get(path);
		if (cached !== undefined) {
			// Map keeps insertion order: re-inserting marks the entry most recently used.
			this.entries.delete(path);
			this.entries.set(path, cached);
			return cached;
		}
		const version = this.state?.version;
		const { document, rowsRead } = await documents.get(path);
		cost.rowsRead += rowsRead;
		const entry = document === undefined ? null : withHttpDate(document);
		// A publish seen while this read was in flight must not be undone by caching what it replaced.
		if (this.state?.version === version) this.put(path, entry);
		return entry;
	}

	/** Makes the next lookup check the version: this isolate just published, so it need not wait for the bound. */
	expire(): void {
		this.checkedAtMs = Number.NEGATIVE_INFINITY;
	}

	/** Size and fill, for tests and the status page. */
	get stats(): { entries: number; bytes: number; maxBytes: number } {
		return { entries: this.entries.size, bytes: this.bytes, maxBytes: this.options.maxBytes };
	}

	private put(path: string, entry: CachedDocument | null): void {
		const size = sizeOf(entry);
		if (size > this.options.maxBytes) return;
		while (this.bytes + size > this.options.maxBytes) {
			const [oldestPath, oldest] = this.entries.entries().next().value as [string, CachedDocument | null];
			this.entries.delete(oldestPath);
			this.bytes -= sizeOf(oldest);
		}
		this.entries.set(path, entry);
		this.bytes += size;
	}

	private clear(): void {
		this.entries.clear();
		this.bytes = 0;
	}
}

function sizeOf(entry: CachedDocument | null): number {
	return entry === null ? MISSING_ENTRY_BYTES : entry.body.length * 2 + entry.path.length * 2 + 256;
}

function withHttpDate(document: StoredDocument): CachedDocument {
	const lastModifiedMs = Date.parse(document.lastModified);
	return { ...document, lastModifiedMs, lastModifiedHttp: new Date(lastModifiedMs).toUTCString() };
}
