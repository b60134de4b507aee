import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { ObjectStore } from "../../src/storage/object-store";
import { R2Store } from "../../src/storage/r2-store";
import { freshPrefix, s3rverStore } from "./s3-test-stores";

/**
 * What the sync relies on from any ObjectStore, run unchanged against every backend.
 * `makeStore` must give each call an empty store of its own (a fresh key prefix or bucket).
 */
function describeObjectStoreContract(name: string, makeStore: () => ObjectStore | Promise<ObjectStore>): void {
	describe(`${name}: ObjectStore contract`, () => {
		it("reads back the exact bytes it was given, under the etag put returned", async () => {
			const store = await makeStore();
			const bytes = allByteValues();
			const { etag } = await store.put("posts/first.md", bytes);
			const read = expectBody(await store.read("posts/first.md"));
			expect(read.key).toBe("posts/first.md");
			expect(read.etag).toBe(etag);
			expect(read.bytes).toEqual(bytes);
			expect(read.lastModified.getTime()).toBeGreaterThan(Date.parse("2020-01-01"));
		});

		it("gives a single-part object the MD5 of its bytes as etag, without quotes", async () => {
			// scripts/posts-push.mjs compares a local file's MD5 with this etag to skip unchanged files.
			const store = await makeStore();
			const bytes = text("---\ntitle: Hello\n---\nBody\n");
			const { etag } = await store.put("hello.md", bytes);
			expect(etag).toBe(await md5Hex(bytes));
			const [listed] = (await store.list()).objects;
			expect(listed?.etag).toBe(etag);
		});

		it("answers null for a key that was never written", async () => {
			const store = await makeStore();
			await store.put("present.md", text("here"));
			expect(await store.read("absent.md")).toBeNull();
			expect(await store.read("absent.md", { ifNoneMatch: "0123456789abcdef0123456789abcdef" })).toBeNull();
		});

		it("streams an object, or one range of it, with the whole size and its etag, for /media", async () => {
			const store = await makeStore();
			const bytes = allByteValues();
			const { etag } = await store.put("media/tone.mp3", bytes, { contentType: "audio/mpeg" });
			const whole = await store.openMedia("media/tone.mp3");
			expect(whole).toMatchObject({ etag, size: bytes.length });
			expect(new Uint8Array(await new Response(whole!.body).arrayBuffer())).toEqual(bytes);
			const part = await store.openMedia("media/tone.mp3", { offset: 10, length: 5 });
			expect(part).toMatchObject({ etag, size: bytes.length });
			expect(new Uint8Array(await new Response(part!.body).arrayBuffer())).toEqual(bytes.slice(10, 15));
			expect(await store.openMedia("media/absent.mp3")).toBeNull();
			expect(expectBody(await store.read("media/tone.mp3")).contentType).toBe("audio/mpeg");
		});

		it("lists nothing, and no cursor, when the store is empty", async () => {
			const store = await makeStore();
			expect(await store.list()).toEqual({ objects: [], cursor: undefined });
			expect(await store.list({ prefix: "posts/" })).toEqual({ objects: [], cursor: undefined });
		});

		it("lists each object with its key, size, etag and date, in key order", async () => {
			const store = await makeStore();
			const puts = new Map<string, string>();
			for (const key of ["b.md", "a.md", "c/d.md", "a0.md"]) puts.set(key, (await store.put(key, text(`content of ${key}`))).etag);
			const { objects, cursor } = await store.list();
			expect(cursor).toBeUndefined();
			expect(objects.map((object) => object.key)).toEqual(["a.md", "a0.md", "b.md", "c/d.md"]);
			for (const object of objects) {
				expect(object.etag).toBe(puts.get(object.key));
				expect(object.size).toBe(`content of ${object.key}`.length);
				expect(object.lastModified).toBeInstanceOf(Date);
			}
		});

		it(
			"pages through more than 1,000 keys, at most 1,000 a page, each key exactly once",
			async () => {
				const store = await makeStore();
				const keys = Array.from({ length: 1050 }, (_, index) => `posts/${String(index).padStart(4, "0")}.md`);
				await inBatches(keys, 25, (key) => store.put(key, text(key)));

				const seen: string[] = [];
				const pageSizes: number[] = [];
				let cursor: string | undefined;
				do {
					const page = await store.list({ cursor });
					pageSizes.push(page.objects.length);
					seen.push(...page.objects.map((object) => object.key));
					cursor = page.cursor;
				} while (cursor !== undefined && pageSizes.length < 10);

				expect(cursor, "listing must end").toBeUndefined();
				expect(pageSizes.length).toBeGreaterThanOrEqual(2);
				expect(Math.max(...pageSizes)).toBeLessThanOrEqual(1000);
				expect(seen).toHaveLength(keys.length);
				expect(new Set(seen).size).toBe(keys.length);
				expect([...seen].sort()).toEqual(keys);
			},
			120_000,
		);

		it("honours a smaller page limit", async () => {
			const store = await makeStore();
			await inBatches(["1", "2", "3", "4", "5"], 5, (key) => store.put(`${key}.md`, text(key)));
			const seen: string[] = [];
			let cursor: string | undefined;
			let pages = 0;
			do {
				const page = await store.list({ cursor, limit: 2 });
				expect(page.objects.length).toBeLessThanOrEqual(2);
				seen.push(...page.objects.map((object) => object.key));
				cursor = page.cursor;
				pages += 1;
			} while (cursor !== undefined && pages < 10);
			expect(seen).toEqual(["1.md", "2.md", "3.md", "4.md", "5.md"]);
			expect(pages).toBeGreaterThanOrEqual(3);
		});

		it("lists only under the asked prefix, with keys still relative to the store", async () => {
			const store = await makeStore();
			await store.put("2026/a.md", text("a"));
			await store.put("2026/b.md", text("b"));
			await store.put("2025/c.md", text("c"));
			await store.put("2026-notes.md", text("d"));
			const { objects } = await store.list({ prefix: "2026/" });
			expect(objects.map((object) => object.key)).toEqual(["2026/a.md", "2026/b.md"]);
		});

		it("never sees keys outside its own prefix", async () => {
			const mine = await makeStore();
			const theirs = await makeStore();
			await theirs.put("post.md", text("not mine"));
			expect((await mine.list()).objects).toEqual([]);
			expect(await mine.read("post.md")).toBeNull();
		});

		it("answers not-modified to a conditional read while the etag still matches", async () => {
			const store = await makeStore();
			const { etag } = await store.put("post.md", text("v1"));
			expect(await store.read("post.md", { ifNoneMatch: etag })).toBe("not-modified");
			// Asking again changes nothing: a conditional read does not consume anything.
			expect(await store.read("post.md", { ifNoneMatch: etag })).toBe("not-modified");
		});

		it("notices a changed object: a new etag, and its new bytes despite the old etag", async () => {
			const store = await makeStore();
			const first = await store.put("post.md", text("version one"));
			const second = await store.put("post.md", text("version two"));
			expect(second.etag).not.toBe(first.etag);
			const read = expectBody(await store.read("post.md", { ifNoneMatch: first.etag }));
			expect(new TextDecoder().decode(read.bytes)).toBe("version two");
			expect(read.etag).toBe(second.etag);
			expect((await store.list()).objects.map((object) => object.etag)).toEqual([second.etag]);
		});

		it("deletes: the key reads null and is no longer listed; deleting it again is not an error", async () => {
			const store = await makeStore();
			await store.put("keep.md", text("keep"));
			await store.put("gone.md", text("gone"));
			await store.delete("gone.md");
			expect(await store.read("gone.md")).toBeNull();
			expect((await store.list()).objects.map((object) => object.key)).toEqual(["keep.md"]);
			await store.delete("gone.md");
			await store.delete("never-existed.md");
		});

		it("keeps keys with spaces, unicode, + and other URL-significant characters intact", async () => {
			const store = await makeStore();
			const keys = ["notes/a post with spaces.md", "notes/café-ünïcödé-日本語.md", "notes/c++ & c#.md", "notes/50%+off?.md", "notes/emoji-🚀.md"];
			for (const key of keys) await store.put(key, text(`body of ${key}`));
			const listed = (await store.list({ prefix: "notes/" })).objects.map((object) => object.key);
			expect([...listed].sort()).toEqual([...keys].sort());
			for (const key of keys) {
				const read = expectBody(await store.read(key));
				expect(read.key).toBe(key);
				expect(new TextDecoder().decode(read.bytes)).toBe(`body of ${key}`);
			}
			// "+" is not a space: the key with "+" and one with " " in its place are different objects.
			expect(await store.read("notes/c   & c#.md")).toBeNull();
			await store.delete("notes/c++ & c#.md");
			expect(await store.read("notes/c++ & c#.md")).toBeNull();
		});

		it("heads exactly one key: its etag, size and date as listed, null once gone, never a key it is the prefix of", async () => {
			const store = await makeStore();
			const { etag } = await store.put("media/episode.mp3", new Uint8Array(1_234).fill(2), { contentType: "audio/mpeg" });
			await store.put("media/episode.mp3.bak", text("older"));
			const [listed] = (await store.list({ prefix: "media/episode.mp3", limit: 1 })).objects;
			expect(await store.head("media/episode.mp3")).toEqual({ key: "media/episode.mp3", etag, size: 1_234, lastModified: listed!.lastModified });
			await store.delete("media/episode.mp3");
			expect(await store.head("media/episode.mp3")).toBeNull();
			expect(await store.head("media/episode")).toBeNull();
		});

		it("reads no body over maxBytes, and says the object's size, etag and type instead", async () => {
			const store = await makeStore();
			const { etag } = await store.put("big/video", new Uint8Array(300_000).fill(1), { contentType: "video/mp4" });
			expect(await store.read("big/video", { maxBytes: 100_000 })).toMatchObject({ key: "big/video", etag, size: 300_000, contentType: "video/mp4", oversized: true });
			expect(expectBody(await store.read("big/video", { maxBytes: 300_000 })).bytes.byteLength).toBe(300_000);
			expect(await store.read("big/video", { ifNoneMatch: etag, maxBytes: 100_000 })).toBe("not-modified");
		});

		it(
			"round-trips a 5 MB object unchanged",
			async () => {
				const store = await makeStore();
				const bytes = pseudoRandomBytes(5 * 1024 * 1024);
				const { etag } = await store.put("big/archive.md", bytes);
				const read = expectBody(await store.read("big/archive.md"));
				expect(read.bytes.byteLength).toBe(bytes.byteLength);
				expect(await sha256Hex(read.bytes)).toBe(await sha256Hex(bytes));
				expect(read.etag).toBe(etag);
				const [listed] = (await store.list({ prefix: "big/" })).objects;
				expect(listed?.size).toBe(bytes.byteLength);
			},
			60_000,
		);
	});
}

describeObjectStoreContract("R2 binding (local simulator)", () => new R2Store(env.POSTS, freshPrefix("contract")));
describeObjectStoreContract("S3 (s3rver on 127.0.0.1)", () => s3rverStore({ prefix: freshPrefix("contract") }));

function expectBody(result: Awaited<ReturnType<ObjectStore["read"]>>) {
	if (result === null || result === "not-modified" || "oversized" in result) throw new Error(`expected an object body, got ${JSON.stringify(result)}`);
	return result;
}

function text(value: string): Uint8Array {
	return new TextEncoder().encode(value);
}

function allByteValues(): Uint8Array {
	return Uint8Array.from({ length: 512 }, (_, index) => index % 256);
}

/** Deterministic incompressible bytes (xorshift32), so a truncated or reordered copy cannot match. */
function pseudoRandomBytes(length: number): Uint8Array {
	const bytes = new Uint8Array(length);
	let state = 0x9e3779b9;
	for (let index = 0; index < length; index++) {
		state ^= state << 13;
		state ^= state >>> 17;
		state ^= state << 5;
		bytes[index] = state & 0xff;
	}
	return bytes;
}

async function inBatches<T>(items: T[], size: number, run: (item: T) => Promise<unknown>): Promise<void> {
	for (let start = 0; start < items.length; start += size) await Promise.all(items.slice(start, start + size).map(run));
}

async function sha256Hex(bytes: Uint8Array): Promise<string> {
	return hex(await crypto.subtle.digest("SHA-256", bytes));
}

async function md5Hex(bytes: Uint8Array): Promise<string> {
	// workerd implements MD5 in crypto.subtle (not part of WebCrypto) for exactly this: comparing etags.
	return hex(await crypto.subtle.digest("MD5", bytes));
}

function hex(buffer: ArrayBuffer): string {
	return [...new Uint8Array(buffer)].map((byte) => byte.toString(16).padStart(2, "0")).join("");
}
