import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import type { StorageConfig } from "../config";
import { redactCredentials } from "../redaction";
import { describeError, shorten } from "../shared";
import { type ByteRange, type ListPage, type MediaBody, type ObjectStore, type ObjectSummary, type ReadResult, StoreError, normalizeEtag } from "./object-store";
import { type S3Settings, s3SettingsProblems } from "./s3-settings";

/** What S3Store needs to reach a bucket: the `kind: "s3"` storage settings from readConfig(). */
export type S3StoreSettings = S3Settings;

export interface S3StoreOptions {
	/** Limit for one whole call (request, retries and reading the body). */
	timeoutMs?: number;
}

export const DEFAULT_S3_TIMEOUT_MS = 10_000;

/** S3 never returns more than 1,000 keys a page (https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectsV2.html). */
const MAX_PAGE_SIZE = 1000;
/** Server messages are quoted in StoreError messages; keep them to one short line. */
const MAX_QUOTED_MESSAGE = 200;

/**
 * An S3-compatible bucket (AWS S3, R2's S3 API, MinIO…) through @aws-sdk/client-s3, made to work inside workerd.
 * Import this module lazily (openObjectStore does): the SDK is large and feed requests never need it.
 */
export class S3Store implements ObjectStore {
	readonly description: string;
	private readonly client: S3Client;
	private readonly timeoutMs: number;

	constructor(
		private readonly settings: S3StoreSettings,
		options: S3StoreOptions = {},
	) {
		// Checked again here, by the same rules as readConfig, for settings that did not come through it.
		const problems = s3SettingsProblems(settings);
		if (problems.length > 0) throw new StoreError("config", `S3 settings are invalid: ${problems.join("; ")}`);
		const endpoint = new URL(settings.endpoint);
		this.timeoutMs = options.timeoutMs ?? DEFAULT_S3_TIMEOUT_MS;
		// The endpoint may carry user:password; the description goes to logs and /api/status, so it never does.
		const base = `${endpoint.origin}${endpoint.pathname.replace(/\/+$/, "")}`;
		this.description = `s3:${base}/${settings.bucket}${settings.prefix ? `/${settings.prefix}` : ""}`;
		this.client = new S3Client({
			endpoint: base,
			forcePathStyle: settings.forcePathStyle,
			// Explicit region and credentials: left out, the SDK goes looking for them (shared config files, which
			// workerd cannot read: aws-sdk-js-v3 #7446; its browser build just fails with "Region is missing").
			region: settings.region,
			credentials: { accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey },
			// Since 3.729 the SDK adds CRC32 checksums (aws-chunked bodies with trailers) by default; R2, B2 and
			// other stores reject or mis-store them. Only send or check checksums when an operation requires one.
			requestChecksumCalculation: "WHEN_REQUIRED",
			responseChecksumValidation: "WHEN_REQUIRED",
		});
	}

	async list(options: { prefix?: string; cursor?: string; limit?: number } = {}): Promise<ListPage> {
		const { settings } = this;
		const output = await this.call("list", async (abortSignal) =>
			this.client.send(
				new ListObjectsV2Command({
					Bucket: settings.bucket,
					Prefix: settings.prefix + (options.prefix ?? ""),
					ContinuationToken: options.cursor,
					MaxKeys: Math.max(1, Math.min(options.limit ?? MAX_PAGE_SIZE, MAX_PAGE_SIZE)),
				}),
				{ abortSignal },
			),
		);
		// A listing is what the sync uses to decide which posts were deleted: a response that parsed but is not a
		// listing (an HTML error page answered with 200, a proxy's placeholder) must not read as "the bucket is empty".
		if (output.IsTruncated === undefined) {
			throw new StoreError("malformed-response", `S3 list of ${this.description} returned a response that is not a bucket listing (no IsTruncated)`);
		}
		if (output.IsTruncated && !output.NextContinuationToken) {
			throw new StoreError("malformed-response", `S3 list of ${this.description} says more keys follow but gave no continuation token`);
		}
		const objects: ObjectSummary[] = (output.Contents ?? []).map((entry) => {
			if (entry.Key === undefined || entry.ETag === undefined || entry.LastModified === undefined) {
				throw new StoreError("malformed-response", `S3 list of ${this.description} returned an entry without Key, ETag or LastModified`);
			}
			return {
				key: entry.Key.slice(settings.prefix.length),
				etag: normalizeEtag(entry.ETag),
				size: entry.Size ?? 0,
				lastModified: entry.LastModified,
			};
		});
		return { objects, cursor: output.IsTruncated ? output.NextContinuationToken : undefined };
	}

	async head(key: string): Promise<ObjectSummary | null> {
		return this.call(`head of "${key}"`, async (abortSignal) => {
			try {
				const output = await this.client.send(new HeadObjectCommand({ Bucket: this.settings.bucket, Key: this.settings.prefix + key }), { abortSignal });
				if (output.ETag === undefined) throw new StoreError("malformed-response", `S3 head of "${key}" from ${this.description} returned no ETag`);
				return { key, etag: normalizeEtag(output.ETag), size: output.ContentLength ?? 0, lastModified: output.LastModified ?? new Date(0) };
			} catch (error) {
				if (isNoSuchKey(error)) return null;
				throw error;
			}
		});
	}

	async read(key: string, options: { ifNoneMatch?: string; maxBytes?: number } = {}): Promise<ReadResult> {
		return this.call(`read of "${key}"`, async (abortSignal) => {
			try {
				// Etags are kept without quotes; S3 (and s3rver) compare If-None-Match against the quoted form.
				const ifNoneMatch = options.ifNoneMatch === undefined ? undefined : `"${normalizeEtag(options.ifNoneMatch)}"`;
				const { output, body, etag } = await this.getObject(key, { IfNoneMatch: ifNoneMatch }, abortSignal);
				const lastModified = output.LastModified ?? new Date(0);
				if (options.maxBytes !== undefined && output.ContentLength !== undefined && output.ContentLength > options.maxBytes) {
					// Not awaited: a failure to cancel must not fail the read, whose answer is already known.
					body.transformToWebStream().cancel().catch(() => undefined);
					return { key, etag, lastModified, size: output.ContentLength, contentType: output.ContentType, oversized: true };
				}
				return { key, etag, lastModified, bytes: await body.transformToByteArray(), contentType: output.ContentType };
			} catch (error) {
				// A 304 has no body to name it, so the SDK throws an error named "Unknown" carrying the status.
				if (httpStatusOf(error) === 304) return "not-modified";
				if (isNoSuchKey(error)) return null;
				throw error;
			}
		});
	}

	/**
	 * The timeout bounds the wait for the response, not the streaming of its body to the client, which may take
	 * minutes for a video: the request gets no abort signal, which would cut the stream when it fires.
	 */
	async openMedia(key: string, range?: ByteRange): Promise<MediaBody | null> {
		return this.call(`read of "${key}"`, async () => {
			try {
				const { output, body, etag } = await this.getObject(key, { Range: range ? `bytes=${range.offset}-${range.offset + range.length - 1}` : undefined });
				// "bytes 0-9/1234": the whole size is after the slash; without a range, the body's own length.
				const total = /\/(\d+)$/.exec(output.ContentRange ?? "")?.[1];
				return {
					etag,
					size: total === undefined ? (output.ContentLength ?? 0) : Number(total),
					lastModified: output.LastModified ?? new Date(0),
					body: body.transformToWebStream() as ReadableStream<Uint8Array>,
				};
			} catch (error) {
				if (isNoSuchKey(error)) return null;
				throw error;
			}
		});
	}

	/** One GetObject; an answer without a body or an ETag is not one. */
	private async getObject(key: string, input: { IfNoneMatch?: string; Range?: string }, abortSignal?: AbortSignal) {
		const output = await this.client.send(new GetObjectCommand({ Bucket: this.settings.bucket, Key: this.settings.prefix + key, ...input }), { abortSignal });
		if (!output.Body || output.ETag === undefined) {
			throw new StoreError("malformed-response", `S3 read of "${key}" from ${this.description} returned no body or no ETag`);
		}
		return { output, body: output.Body, etag: normalizeEtag(output.ETag) };
	}

	async put(key: string, bytes: Uint8Array, options: { contentType?: string } = {}): Promise<{ etag: string }> {
		const output = await this.call(`put of "${key}"`, async (abortSignal) =>
			this.client.send(
				new PutObjectCommand({
					Bucket: this.settings.bucket,
					Key: this.settings.prefix + key,
					Body: bytes,
					ContentLength: bytes.byteLength,
					ContentType: options.contentType ?? "text/markdown; charset=utf-8",
				}),
				{ abortSignal },
			),
		);
		if (output.ETag === undefined) throw new StoreError("malformed-response", `S3 put of "${key}" to ${this.description} returned no ETag`);
		return { etag: normalizeEtag(output.ETag) };
	}

	async delete(key: string): Promise<void> {
		await this.call(`delete of "${key}"`, async (abortSignal) =>
			this.client.send(new DeleteObjectCommand({ Bucket: this.settings.bucket, Key: this.settings.prefix + key }), { abortSignal }),
		);
	}

	/** Runs one store call under the timeout and turns whatever it throws into a StoreError. */
	private async call<T>(operation: string, run: (signal: AbortSignal) => Promise<T>): Promise<T> {
		const signal = AbortSignal.timeout(this.timeoutMs);
		// The signal aborts the request in flight; the race also covers retry back-off sleeps, which do not watch it.
		let onAbort = (): void => {};
		const aborted = new Promise<never>((_, reject) => {
			onAbort = () => reject(signal.reason);
			signal.addEventListener("abort", onAbort, { once: true });
		});
		try {
			return await Promise.race([run(signal), aborted]);
		} catch (error) {
			throw this.storeError(operation, error, signal.aborted);
		} finally {
			signal.removeEventListener("abort", onAbort);
		}
	}

	private storeError(operation: string, error: unknown, timedOut: boolean): StoreError {
		if (error instanceof StoreError) return error;
		const where = `S3 ${operation} at ${this.description}`;
		if (timedOut) return new StoreError("timeout", `${where} timed out after ${this.timeoutMs} ms`, { cause: error });

		const status = httpStatusOf(error);
		const name = errorName(error);
		const detail = this.quote(error);
		if (status === undefined) {
			// An answer arrived (the SDK attaches it) but could not be read as one.
			if (hasResponse(error)) return new StoreError("malformed-response", `${where} failed: the response could not be parsed (${detail})`, { cause: error });
			return new StoreError("unreachable", `${where} failed: could not reach ${this.description.replace(/^s3:/, "")} (${detail})`, { cause: error });
		}
		if (status >= 200 && status < 300) {
			return new StoreError("malformed-response", `${where} failed: the ${status} response could not be parsed (${detail})`, { cause: error });
		}
		const answered = `${status}${name && name !== "Unknown" && !/^\d+$/.test(name) ? ` ${name}` : ""}`;
		if (status === 401 || status === 403) {
			return new StoreError("forbidden", `${where} was refused (${answered}): check S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY and the bucket's permissions`, { cause: error });
		}
		if (status === 404 && name !== "NoSuchKey") {
			return new StoreError("no-such-bucket", `${where} failed (${answered}): bucket "${this.settings.bucket}" does not exist at that endpoint; check S3_BUCKET and S3_ENDPOINT`, { cause: error });
		}
		if (status >= 500) return new StoreError("server", `${where} failed: the server answered ${answered}${detail ? ` (${detail})` : ""}`, { cause: error });
		return new StoreError("server", `${where} was rejected (${answered})${detail ? `: ${detail}` : ""}`, { cause: error });
	}

	/** The first line of an error's message, short, with any credential removed. */
	private quote(error: unknown): string {
		let message = describeError(error, { firstLine: true });
		if (message === "UnknownError" || message === "Unknown") message = "";
		// Credentials go before the cut, so a cut cannot leave part of one behind.
		for (const secret of [this.settings.secretAccessKey, this.settings.accessKeyId]) {
			if (secret) message = message.split(secret).join("***");
		}
		return shorten(message, MAX_QUOTED_MESSAGE);
	}
}

function httpStatusOf(error: unknown): number | undefined {
	const metadata = (error as { $metadata?: { httpStatusCode?: unknown } } | null)?.$metadata;
	return typeof metadata?.httpStatusCode === "number" ? metadata.httpStatusCode : undefined;
}

function isNoSuchKey(error: unknown): boolean {
	return httpStatusOf(error) === 404 && (errorName(error) === "NoSuchKey" || errorName(error) === "NotFound");
}

function errorName(error: unknown): string | undefined {
	return error instanceof Error ? error.name : undefined;
}

function hasResponse(error: unknown): boolean {
	return (error as { $response?: unknown } | null)?.$response !== undefined;
}
