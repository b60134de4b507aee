import { env } from "cloudflare:workers";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { readConfig } from "../../src/config";
import { StoreError } from "../../src/storage/object-store";
import { openObjectStore } from "../../src/storage/open-object-store";
import { S3Store } from "../../src/storage/s3-store";
import { type FaultProxyHandle, freshPrefix, openFaultProxy, s3rverSettings, s3rverStore } from "./s3-test-stores";

/** The Worker's own settings (wrangler.toml [vars]) plus the given S3_* ones, as `wrangler secret put` would add them. */
function storageConfig(settings: Partial<Cloudflare.Env>) {
	return readConfig({ ...env, ...settings }).storage;
}

function s3rverEnv(overrides: Partial<Cloudflare.Env> = {}): Partial<Cloudflare.Env> {
	const server = inject("s3Server");
	return {
		S3_ENDPOINT: server.endpoint,
		S3_BUCKET: server.bucket,
		S3_FORCE_PATH_STYLE: "true",
		S3_PREFIX: freshPrefix("config"),
		S3_ACCESS_KEY_ID: server.accessKeyId,
		S3_SECRET_ACCESS_KEY: server.secretAccessKey,
		...overrides,
	};
}

async function configRejection(settings: Partial<Cloudflare.Env>): Promise<StoreError> {
	const error = await openObjectStore(storageConfig(settings), env).then(
		(store) => new Error(`expected a config error, got a store: ${store.description}`),
		(rejected: unknown) => rejected,
	);
	expect(error).toBeInstanceOf(StoreError);
	expect((error as StoreError).failure).toBe("config");
	return error as StoreError;
}

describe("openObjectStore", () => {
	it("opens the R2 binding when no S3_* setting is given", async () => {
		const store = await openObjectStore(storageConfig({ POSTS_PREFIX: "posts/" }), env);
		expect(store.description).toBe("r2:POSTS/posts/");
		await store.put("hello.md", new TextEncoder().encode("hi"));
		expect(await env.POSTS.head("posts/hello.md")).not.toBeNull();
	});

	it("opens an S3 store on the configured endpoint, bucket and prefix", async () => {
		const settings = s3rverEnv();
		const store = await openObjectStore(storageConfig(settings), env);
		expect(store.description).toBe(`s3:${settings.S3_ENDPOINT}/${settings.S3_BUCKET}/${settings.S3_PREFIX}`);
		const { etag } = await store.put("hello.md", new TextEncoder().encode("hi"));
		expect((await store.list()).objects).toMatchObject([{ key: "hello.md", etag }]);
		// Keys are relative to S3_PREFIX: the same object seen from the bucket root carries the prefix.
		const root = s3rverStore({ prefix: "" });
		expect((await root.list({ prefix: settings.S3_PREFIX })).objects.map((object) => object.key)).toEqual([`${settings.S3_PREFIX}hello.md`]);
	});

	it("refuses a missing bucket, naming the setting", async () => {
		const error = await configRejection(s3rverEnv({ S3_BUCKET: undefined }));
		expect(error.message).toBe("Storage is misconfigured: S3_BUCKET is required");
	});

	it("refuses missing credentials, naming both secrets", async () => {
		const error = await configRejection(s3rverEnv({ S3_SECRET_ACCESS_KEY: "  " }));
		expect(error.message).toContain("S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY are required");
	});

	it.each(["s3.example.com", "ftp://s3.example.com", "http//missing-colon"])("refuses the endpoint %s, quoting it", async (endpoint) => {
		const error = await configRejection(s3rverEnv({ S3_ENDPOINT: endpoint }));
		expect(error.message).toContain(`S3_ENDPOINT must be an absolute http(s) URL, got "${endpoint}"`);
	});

	it("lists every problem at once, and never a secret", async () => {
		const secret = "wJalrXUtnFEMI-do-not-print-me";
		const error = await configRejection({ S3_ENDPOINT: "not a url", S3_SECRET_ACCESS_KEY: secret });
		expect(error.message).toContain("S3_ENDPOINT must be an absolute http(s) URL");
		expect(error.message).toContain("S3_BUCKET is required");
		expect(error.message).toContain("S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY are required");
		expect(error.message).not.toContain(secret);
	});

	it("names the store without the credentials an endpoint URL may carry", () => {
		const store = new S3Store(s3rverSettings({ endpoint: "https://user:hunter2@s3.example.com", prefix: "" }));
		expect(store.description).toBe("s3:https://s3.example.com/pressroom-test");
	});

	it("refuses, as a config error, settings that bypass readConfig", () => {
		expect(() => new S3Store(s3rverSettings({ endpoint: "nope" }))).toThrowError(expect.objectContaining({ failure: "config" }));
		expect(() => new S3Store(s3rverSettings({ bucket: "" }))).toThrowError(/S3_BUCKET/);
		expect(() => new S3Store(s3rverSettings({ accessKeyId: "" }))).toThrowError(/S3_ACCESS_KEY_ID/);
	});
});

// @aws-sdk/client-s3 needs three fixes to work inside workerd (docs/s3.md). The tests named after a fix fail without it.
describe("S3Store inside workerd", () => {
	let proxy: FaultProxyHandle;
	beforeAll(async () => {
		proxy = await openFaultProxy();
	});
	afterAll(async () => {
		await proxy.close();
	});

	it("sends no checksum headers or aws-chunked bodies (requestChecksumCalculation: WHEN_REQUIRED)", async () => {
		// Since 3.729 the SDK adds x-amz-checksum-crc32 / x-amz-sdk-checksum-algorithm to every PutObject, which
		// R2, B2 and others reject; without this setting both headers appear in the request seen here.
		const store = s3rverStore({ endpoint: proxy.endpoint });
		await store.put("checksums.md", new TextEncoder().encode("# Checksums\n"));
		const { lastRequest } = await proxy.state();
		expect(lastRequest?.method).toBe("PUT");
		const headers = Object.keys(lastRequest?.headers ?? {});
		expect(headers.filter((name) => name.startsWith("x-amz-checksum-") || name === "x-amz-sdk-checksum-algorithm" || name === "x-amz-trailer")).toEqual([]);
		expect(lastRequest?.headers["content-encoding"] ?? "").not.toContain("aws-chunked");
	});

	it("asks for no response checksum (responseChecksumValidation: WHEN_REQUIRED)", async () => {
		// Without this setting every GetObject carries x-amz-checksum-mode: ENABLED.
		const store = s3rverStore({ endpoint: proxy.endpoint });
		await store.put("checksums.md", new TextEncoder().encode("# Checksums\n"));
		await store.read("checksums.md");
		const { lastRequest } = await proxy.state();
		expect(lastRequest?.method).toBe("GET");
		expect(lastRequest?.headers).not.toHaveProperty("x-amz-checksum-mode");
	});

	it("stores and returns every byte value exactly", async () => {
		// Not a control for the checksum fix: a Uint8Array body is sent whole even with the SDK defaults (only
		// streamed bodies became aws-chunked), so this passes either way; it guards the body handling itself.
		const store = s3rverStore();
		const bytes = Uint8Array.from({ length: 4096 }, (_, index) => (index * 7) % 256);
		await store.put("bytes.bin", bytes, { contentType: "application/octet-stream" });
		const read = await store.read("bytes.bin");
		expect(read !== null && read !== "not-modified" && !("oversized" in read) ? read.bytes : read).toEqual(bytes);
	});

	it("signs with the region and access key it was given, not ones from files or the environment", async () => {
		const settings = s3rverEnv({ S3_ENDPOINT: proxy.endpoint, S3_REGION: "eu-central-1" });
		const store = await openObjectStore(storageConfig(settings), env);
		await store.list();
		const { lastRequest } = await proxy.state();
		expect(lastRequest?.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=S3RVER\/\d{8}\/eu-central-1\/s3\/aws4_request,/);

		const defaulted = await openObjectStore(storageConfig({ ...settings, S3_REGION: undefined }), env);
		await defaulted.list();
		expect((await proxy.state()).lastRequest?.headers.authorization).toMatch(/Credential=S3RVER\/\d{8}\/auto\/s3\/aws4_request,/);
	});

	it("reports an access key the server does not know as forbidden", async () => {
		const store = s3rverStore({ accessKeyId: "AKIAUNKNOWNKEY000000" });
		const error = await store.list().catch((rejected: unknown) => rejected);
		expect(error).toMatchObject({ failure: "forbidden", message: expect.stringContaining("403 InvalidAccessKeyId") });
		expect((error as Error).message).not.toContain("AKIAUNKNOWNKEY000000");
	});

	it("parses XML listings and XML error bodies, although workerd has no DOMParser (the @aws-sdk/xml-builder alias)", async () => {
		// The SDK's browser build parses XML with DOMParser, which workerd lacks (aws-sdk-js-v3 #7375): without the
		// alias in wrangler.toml and tests/vitest.config.ts, both calls below fail with "DOMParser is not defined".
		expect("DOMParser" in globalThis).toBe(false);
		const store = s3rverStore();
		await store.put("a.md", new TextEncoder().encode("a"));
		await store.put("b & <c>.md", new TextEncoder().encode("b"));
		expect((await store.list()).objects.map((object) => object.key)).toEqual(["a.md", "b & <c>.md"]);

		const missingBucket = s3rverStore({ bucket: "no-such-bucket-here" });
		const error = await missingBucket.list().catch((rejected: unknown) => rejected);
		// The error code comes from the XML body: only a parsed body tells NoSuchBucket from any other 404.
		expect(error).toMatchObject({ failure: "no-such-bucket", message: expect.stringContaining("404 NoSuchBucket") });
		expect(await missingBucket.read("a.md").catch((rejected: unknown) => rejected)).toMatchObject({ failure: "no-such-bucket" });
	});
});
