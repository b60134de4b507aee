import { type ByteRange, type ListPage, type MediaBody, type ObjectStore, type ObjectSummary, type ReadResult, StoreError, normalizeEtag } from "./object-store";
import { describeError } from "../shared";

/** The default backend: posts in an R2 bucket bound to the Worker. */
export class R2Store implements ObjectStore {
	readonly description: string;

	constructor(
		private readonly bucket: R2Bucket,
		private readonly keyPrefix = "",
		bindingName = "POSTS",
	) {
		this.description = `r2:${bindingName}${keyPrefix ? `/${keyPrefix}` : ""}`;
	}

	async list(options: { prefix?: string; cursor?: string; limit?: number } = {}): Promise<ListPage> {
		const listed = await this.call(() =>
			this.bucket.list({
				prefix: this.keyPrefix + (options.prefix ?? ""),
				cursor: options.cursor,
				limit: options.limit ?? 1000,
				// No `include: ["httpMetadata"]`: R2 then returns fewer keys a page, and each page is a Class A
				// operation. Media without a known extension are told by the type a read returns (sync-catalog.ts).
			}),
		);
		return {
			objects: listed.objects.map((object) => ({
				key: object.key.slice(this.keyPrefix.length),
				etag: normalizeEtag(object.etag),
				size: object.size,
				lastModified: object.uploaded,
			})),
			// R2 may return fewer keys than asked for and still be truncated: only `truncated` says whether more follow.
			cursor: listed.truncated ? listed.cursor : undefined,
		};
	}

	async head(key: string): Promise<ObjectSummary | null> {
		const object = await this.call(() => this.bucket.head(this.keyPrefix + key));
		return object === null ? null : { key, etag: normalizeEtag(object.etag), size: object.size, lastModified: object.uploaded };
	}

	async read(key: string, options: { ifNoneMatch?: string; maxBytes?: number } = {}): Promise<ReadResult> {
		const object = await this.call(() =>
			this.bucket.get(this.keyPrefix + key, options.ifNoneMatch ? { onlyIf: { etagDoesNotMatch: normalizeEtag(options.ifNoneMatch) } } : {}),
		);
		if (object === null) return null;
		if (!("body" in object)) return "not-modified";
		if (options.maxBytes !== undefined && object.size > options.maxBytes) {
			// Not awaited: a failure to cancel must not fail the read, whose answer is already known.
			object.body.cancel().catch(() => undefined);
			const { size, uploaded: lastModified } = object;
			return { key, etag: normalizeEtag(object.etag), lastModified, size, contentType: object.httpMetadata?.contentType, oversized: true };
		}
		return {
			key,
			etag: normalizeEtag(object.etag),
			lastModified: object.uploaded,
			bytes: new Uint8Array(await object.arrayBuffer()),
			contentType: object.httpMetadata?.contentType,
		};
	}

	async openMedia(key: string, range?: ByteRange): Promise<MediaBody | null> {
		const object = await this.call(() => this.bucket.get(this.keyPrefix + key, range ? { range } : {}));
		if (object === null) return null;
		return { etag: normalizeEtag(object.etag), size: object.size, lastModified: object.uploaded, body: object.body };
	}

	async put(key: string, bytes: Uint8Array, options: { contentType?: string } = {}): Promise<{ etag: string }> {
		const object = await this.call(() =>
			this.bucket.put(this.keyPrefix + key, bytes, { httpMetadata: { contentType: options.contentType ?? "text/markdown; charset=utf-8" } }),
		);
		return { etag: normalizeEtag(object.etag) };
	}

	async delete(key: string): Promise<void> {
		await this.call(() => this.bucket.delete(this.keyPrefix + key));
	}

	private async call<T>(operation: () => Promise<T>): Promise<T> {
		try {
			return await operation();
		} catch (error) {
			throw new StoreError("server", `R2 call failed: ${describeError(error)}`, { cause: error });
		}
	}
}
