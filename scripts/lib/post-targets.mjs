/**
 * Where `npm run posts:push` uploads to: the local R2 bucket that `wrangler dev` uses (through wrangler's
 * getPlatformProxy, the same .wrangler/state), or an S3-compatible store named by S3_* environment variables.
 * Both targets answer the same three calls: list() -> Map<key, etag>, put(key, bytes, contentType), close().
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describeError } from "../../src/shared/describe-error.ts";
import { mediaContentTypeHeader, mediaTypeByExtension } from "../../src/shared/media-types.ts";
import { readS3Settings } from "../../src/storage/s3-settings.ts";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/** A problem the operator must fix (bad settings, an unreachable store); printed without a stack. */
export class PushError extends Error {
	name = "PushError";
}

/**
 * Where `env` says posts go, by the Worker's own rules (src/storage/s3-settings.ts): `{ s3: null, prefix }`
 * for local R2 when no S3_* setting names a store, else the checked S3 settings; a PushError lists every problem.
 */
export function readPostTarget(env) {
	const reading = readS3Settings(env);
	if (reading.kind === "invalid") throw new PushError(`S3 settings are incomplete: ${reading.problems.join("; ")}`);
	if (reading.kind === "none") return { s3: null, prefix: reading.prefix };
	const { kind: _kind, ...s3 } = reading;
	return { s3, prefix: s3.prefix };
}

/** The local R2 bucket bound as POSTS in wrangler.toml, in `persistTo` (wrangler's --persist-to) or .wrangler/state. */
export async function openLocalR2({ persistTo, prefix = "" } = {}) {
	const { getPlatformProxy } = await import("wrangler");
	// wrangler dev --persist-to X keeps its state in X/v3; getPlatformProxy wants that v3 directory itself.
	const stateDir = path.resolve(persistTo ?? path.join(ROOT, ".wrangler", "state"), "v3");
	const proxy = await getPlatformProxy({
		configPath: path.join(ROOT, "wrangler.toml"),
		persist: { path: stateDir },
		remoteBindings: false,
		envFiles: [],
	});
	const bucket = proxy.env.POSTS;
	if (!bucket) {
		await proxy.dispose();
		throw new PushError("wrangler.toml has no R2 binding named POSTS");
	}
	return {
		description: `local R2 bucket POSTS (${displayPath(stateDir)})${prefix ? `, prefix "${prefix}"` : ""}`,
		prefix,
		async list() {
			const etags = new Map();
			let cursor;
			do {
				const page = await bucket.list({ prefix, cursor, limit: 1000 });
				for (const object of page.objects) etags.set(object.key, object.etag);
				cursor = page.truncated ? page.cursor : undefined;
			} while (cursor);
			return etags;
		},
		async put(key, bytes, contentType) {
			await bucket.put(key, bytes, { httpMetadata: { contentType } });
		},
		close: () => proxy.dispose(),
	};
}

/** An S3-compatible bucket through @aws-sdk/client-s3 (in Node: no workerd fixes needed except the checksums). */
export async function openS3(settings, { timeoutMs = 60_000 } = {}) {
	const { ListObjectsV2Command, PutObjectCommand, S3Client } = await import("@aws-sdk/client-s3");
	const client = new S3Client({
		endpoint: settings.endpoint,
		region: settings.region,
		forcePathStyle: settings.forcePathStyle,
		credentials: { accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey },
		// R2, B2 and others reject the CRC32 checksums the SDK adds by default since 3.729.
		requestChecksumCalculation: "WHEN_REQUIRED",
		responseChecksumValidation: "WHEN_REQUIRED",
	});
	const where = `${new URL(settings.endpoint).origin}/${settings.bucket}${settings.prefix ? `/${settings.prefix}` : ""}`;
	const call = async (what, command) => {
		try {
			return await client.send(command, { abortSignal: AbortSignal.timeout(timeoutMs) });
		} catch (error) {
			throw new PushError(`S3 ${what} at ${where} failed: ${describeS3Error(error, settings)}`);
		}
	};
	return {
		description: `S3 bucket ${where}`,
		prefix: settings.prefix,
		async list() {
			const etags = new Map();
			let token;
			do {
				const page = await call("list", new ListObjectsV2Command({ Bucket: settings.bucket, Prefix: settings.prefix, ContinuationToken: token }));
				for (const object of page.Contents ?? []) if (object.Key && object.ETag) etags.set(object.Key, object.ETag);
				token = page.IsTruncated ? page.NextContinuationToken : undefined;
			} while (token);
			return etags;
		},
		async put(key, bytes, contentType) {
			await call(`put of "${key}"`, new PutObjectCommand({ Bucket: settings.bucket, Key: key, Body: bytes, ContentLength: bytes.byteLength, ContentType: contentType }));
		},
		close: async () => client.destroy(),
	};
}

/** One line an operator can act on; never a stack, never a credential. */
export function describeS3Error(error, settings) {
	const status = error?.$metadata?.httpStatusCode;
	const name = error?.name && error.name !== "Unknown" ? error.name : "";
	let text;
	if (error?.name === "TimeoutError" || error?.name === "AbortError") text = "timed out";
	else if (status === 401 || status === 403) text = `refused (${status} ${name}): check S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY and the bucket's permissions`;
	else if (status === 404) text = `${status} ${name}: check S3_BUCKET and S3_ENDPOINT`;
	else if (status !== undefined) text = `the server answered ${status} ${name}`.trim();
	else {
		const code = error?.code ?? error?.cause?.code;
		text = `could not reach the endpoint${code ? ` (${code})` : ""}: ${describeError(error, { firstLine: true })}`;
	}
	for (const secret of [settings.secretAccessKey, settings.accessKeyId]) if (secret) text = text.split(secret).join("***");
	return text;
}

/** Content types for the post files the Worker reads (Markdown and plain text) and the media beside them. */
export function contentTypeFor(file) {
	const extension = path.extname(file).toLowerCase();
	if (extension === ".md" || extension === ".markdown") return "text/markdown; charset=utf-8";
	if (extension === ".txt") return "text/plain; charset=utf-8";
	const media = mediaTypeByExtension(file);
	if (media !== undefined) return mediaContentTypeHeader(media);
	return "application/octet-stream";
}

/** Etags as R2 and S3 write them (quoted, perhaps weak) compared with a hex MD5. */
export function etagMatchesMd5(etag, md5Hex) {
	return etag.replace(/^W\//, "").replace(/^"(.*)"$/, "$1").toLowerCase() === md5Hex;
}

/** `file` relative to the working directory when it lies below it, for messages. */
export function displayPath(file) {
	const relative = path.relative(process.cwd(), file);
	return relative === "" ? "." : relative.startsWith("..") ? file : relative;
}
