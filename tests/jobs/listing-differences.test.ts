import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import type { ListPage, ObjectStore } from "../../src/storage/object-store";
import { SyncJobs } from "../../src/storage/sync-job";
import { d1RowsCounter } from "../support/d1-rows";
import { fencedPost } from "../support/posts";
import { emptyCatalogAndBucket, syncHarness } from "../support/state";

beforeEach(() => emptyCatalogAndBucket());

const keysOf = async () => (await env.DB.prepare("SELECT key FROM posts UNION SELECT key FROM broken_objects ORDER BY key").all<{ key: string }>()).results.map((row) => row.key);
const post = (n: number) => fencedPost({ title: `Post ${n}`, date: "2026-01-01" });

describe("the sync job's listing, compared with the catalog range by range", () => {
	it("writes a few rows for a reconciliation that finds one edit among 300 posts, not one per key", async () => {
		const h = syncHarness();
		for (let n = 0; n < 300; n++) await h.put(`posts/${String(n).padStart(3, "0")}.md`, post(n));
		await h.syncOnly();
		await h.put("posts/150.md", fencedPost({ title: "Edited", date: "2026-01-01" }));
		const counter = d1RowsCounter(env.DB);
		h.deps.jobs = new SyncJobs(counter.db);
		h.deps.listPageSize = 100;

		const run = await h.syncOnly();

		expect(run).toMatchObject({ status: "succeeded", objectsListed: 300, objectsRead: 1, changes: 1 });
		// The job row per page, the one edited key, and dropping them at the end.
		expect(counter.written).toBeLessThan(20);
	});

	it("finds deletions at the first key, the last key and on both sides of every page boundary", async () => {
		const h = syncHarness();
		h.deps.listPageSize = 3;
		const keys = Array.from({ length: 10 }, (_, n) => `k${String(n).padStart(2, "0")}.md`);
		for (const [n, key] of keys.entries()) await h.put(key, post(n));
		await h.syncOnly();
		// Pages of 3 after the deletions: k01 k03 k04 | k06 k08 (end). Deleted: first, last, and around boundaries.
		const deleted = ["k00.md", "k02.md", "k05.md", "k07.md", "k09.md"];
		for (const key of deleted) await h.remove(key);

		const run = await h.syncOnly();

		expect(run.status).toBe("succeeded");
		expect(await keysOf()).toEqual(keys.filter((key) => !deleted.includes(key)));
	});

	it("deletes every post once the bucket lists nothing", async () => {
		const h = syncHarness();
		for (let n = 0; n < 4; n++) await h.put(`p${n}.md`, post(n));
		await h.syncOnly();
		for (let n = 0; n < 4; n++) await h.remove(`p${n}.md`);

		await h.syncOnly();

		expect(await keysOf()).toEqual([]);
	});

	it("orders keys by code point, as R2 and S3 do, so a store listing a page out of order deletes nothing", async () => {
		const h = syncHarness();
		h.deps.listPageSize = 2;
		// "\u{1F600}" sorts after "\uFFFD" by code point (and UTF-8 bytes) but before it in JavaScript's UTF-16 order.
		const keys = ["b\uFFFD.md", "b\u{1F600}.md", "c.md", "d.md", "e.md"];
		for (const [n, key] of keys.entries()) await h.put(key, post(n));
		await h.syncOnly();
		const real = await h.deps.openStore();
		const reversing: ObjectStore = Object.assign(Object.create(real) as ObjectStore, {
			list: async (options: Parameters<ObjectStore["list"]>[0]): Promise<ListPage> => {
				const page = await real.list(options);
				return { ...page, objects: [...page.objects].reverse() };
			},
		});
		h.deps.openStore = async () => reversing;

		const run = await h.syncOnly();

		expect(run).toMatchObject({ status: "succeeded", changes: 0 });
		expect(await keysOf()).toEqual([...keys].sort((a, b) => (a === b ? 0 : Buffer.compare(Buffer.from(a), Buffer.from(b)))));
	});
});
