import { createScheduledController } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import worker from "../../src/index";
import { syncObjects } from "../../src/jobs/sync-object";
import { SyncJobs } from "../../src/storage/sync-job";
import { d1RowsCounter } from "../support/d1-rows";
import { fencedPost } from "../support/posts";
import { catalogPost, emptyCatalogAndBucket, syncHarness } from "../support/state";

beforeEach(() => emptyCatalogAndBucket());

const post = (n: number, title = `Post ${n}`) => fencedPost({ title, date: "2026-01-01" });
const keyOf = (n: number) => `posts/${String(n).padStart(3, "0")}.md`;
const agreedRanges = async () =>
	(await env.DB.prepare("SELECT after_key, through_key FROM listing_agreement ORDER BY after_key").all<{ after_key: string; through_key: string | null }>()).results;
const titleOf = async (key: string) => (await catalogPost(key))?.title;

/** `count` posts in pages of `pageSize`, imported in one invocation, then reconciled once: every page agrees. */
async function agreedBucket(count: number, pageSize: number) {
	const h = syncHarness();
	h.deps.listPageSize = pageSize;
	for (let n = 0; n < count; n++) await h.put(keyOf(n), post(n));
	expect(await h.syncOnly()).toMatchObject({ status: "succeeded", changes: count });
	expect(await h.syncOnly()).toMatchObject({ status: "succeeded", changes: 0 });
	return h;
}

describe("listing pages the catalog agrees with", () => {
	it("keeps each page that shows no difference, with its range, the last one open-ended", async () => {
		await agreedBucket(6, 2);
		expect(await agreedRanges()).toEqual([
			{ after_key: "", through_key: keyOf(1) },
			{ after_key: keyOf(1), through_key: keyOf(3) },
			{ after_key: keyOf(3), through_key: null },
		]);
	});

	it("reconciles an unchanged bucket of 300 posts reading a handful of D1 rows, not one per key", async () => {
		const h = await agreedBucket(300, 100);
		const counter = d1RowsCounter(env.DB);
		h.deps.jobs = new SyncJobs(counter.db);
		const comparing = await h.syncOnly();
		expect(comparing).toMatchObject({ status: "succeeded", objectsListed: 300, changes: 0 });
		const withoutAgreement = d1RowsCounter(env.DB);
		await env.DB.prepare("DELETE FROM listing_agreement").run();
		h.deps.jobs = new SyncJobs(withoutAgreement.db);
		await h.syncOnly();

		expect(counter.read).toBeLessThan(20);
		expect(withoutAgreement.read).toBeGreaterThan(600);
		expect(counter.written).toBeLessThan(10);
	});

	it("keeps the pages of an import that its own commit settled, so the next reconciliation compares none", async () => {
		const h = syncHarness();
		h.deps.listPageSize = 2;
		for (let n = 0; n < 6; n++) await h.put(keyOf(n), post(n));
		await h.syncOnly();
		expect(await agreedRanges()).toHaveLength(3);
		const counter = d1RowsCounter(env.DB);
		h.deps.jobs = new SyncJobs(counter.db);

		expect(await h.syncOnly()).toMatchObject({ status: "succeeded", changes: 0 });
		expect(counter.read).toBeLessThan(20);
	});

	it("finds the edit in the one page that changed, and keeps that page once its commit has settled it", async () => {
		const h = await agreedBucket(6, 2);
		await h.put(keyOf(2), post(2, "Edited"));

		expect(await h.syncOnly()).toMatchObject({ status: "succeeded", objectsRead: 1, changes: 1 });
		expect(await titleOf(keyOf(2))).toBe("Edited");
		expect(await agreedRanges()).toHaveLength(3);
		const counter = d1RowsCounter(env.DB);
		h.deps.jobs = new SyncJobs(counter.db);
		expect(await h.syncOnly()).toMatchObject({ status: "succeeded", changes: 0 });
		expect(counter.read).toBeLessThan(20);
	});

	it("does not keep a page whose object changed again between its listing and its read", async () => {
		const h = await agreedBucket(6, 2);
		await h.put(keyOf(2), post(2, "Listed"));
		const store = await h.deps.openStore();
		const read = store.read.bind(store);
		let changedUnderfoot = false;
		store.read = async (key, options) => {
			if (key === keyOf(2) && !changedUnderfoot) {
				changedUnderfoot = true;
				await h.put(keyOf(2), post(2, "Read"));
			}
			return read(key, options);
		};
		expect(await h.syncOnly()).toMatchObject({ status: "succeeded", objectsRead: 1 });
		expect(await titleOf(keyOf(2))).toBe("Read");
		store.read = read;
		// Back to the bytes the page was listed with, and no notification: only a comparison finds it.
		await h.put(keyOf(2), post(2, "Listed"));

		expect(await h.syncOnly()).toMatchObject({ status: "succeeded", objectsRead: 1 });
		expect(await titleOf(keyOf(2))).toBe("Listed");
	});

	it("does not keep a page listed by an earlier invocation of the job: the catalog may have changed in between", async () => {
		const h = await agreedBucket(6, 2);
		await h.put(keyOf(0), post(0, "Edited first"));
		await h.put(keyOf(5), post(5, "Edited last"));
		h.deps.budget = { ...h.deps.budget, maxReads: 1 };

		expect(await h.syncOnly()).toMatchObject({ status: "partial", objectsRead: 1 });
		expect(await h.syncOnly()).toMatchObject({ status: "succeeded", objectsRead: 1 });
		expect(await titleOf(keyOf(5))).toBe("Edited last");
		expect(await agreedRanges()).toEqual([{ after_key: keyOf(1), through_key: keyOf(3) }]);
	});

	it("finds an object put back as it was after a notification synced another version (the second notification lost)", async () => {
		const h = await agreedBucket(6, 2);
		await h.put(keyOf(2), post(2, "Briefly different"));
		await syncObjects(h.deps, [keyOf(2)], "test notification");
		expect(await titleOf(keyOf(2))).toBe("Briefly different");
		// The same bytes as before, so the same etag: the page lists exactly as it did when it agreed.
		await h.put(keyOf(2), post(2));

		expect(await h.syncOnly()).toMatchObject({ status: "succeeded", objectsRead: 1, changes: 1 });
		expect(await titleOf(keyOf(2))).toBe("Post 2");
	});

	it("finds an object deleted by a notification that came back unannounced", async () => {
		const h = await agreedBucket(6, 2);
		await h.remove(keyOf(5));
		await syncObjects(h.deps, [keyOf(5)], "test notification");
		expect(await titleOf(keyOf(5))).toBeUndefined();
		await h.put(keyOf(5), post(5));

		expect(await h.syncOnly()).toMatchObject({ status: "succeeded", objectsRead: 1 });
		expect(await titleOf(keyOf(5))).toBe("Post 5");
	});

	it("does not keep a key without an extension as media once a notification made it a post, so putting the media back is found", async () => {
		const h = await agreedBucket(4, 2);
		const media = new Uint8Array(640).fill(7);
		await env.POSTS.put("photo", media, { httpMetadata: { contentType: "image/png" } });
		await h.syncOnly();
		expect(await env.DB.prepare("SELECT count(*) AS n FROM media WHERE key = 'photo'").first("n")).toBe(1);
		await env.POSTS.put("photo", post(9, "Now a post"), { httpMetadata: { contentType: "text/markdown" } });
		await syncObjects(h.deps, ["photo"], "test notification");
		expect(await titleOf("photo")).toBe("Now a post");
		// The same bytes as the media before, so the same etag; its notification reads media and commits nothing.
		await env.POSTS.put("photo", media, { httpMetadata: { contentType: "image/png" } });
		await syncObjects(h.deps, ["photo"], "test notification");

		await h.syncOnly();
		expect(await titleOf("photo")).toBeUndefined();
		expect(await env.DB.prepare("SELECT content_type FROM media WHERE key = 'photo'").first("content_type")).toBe("image/png");
	});

	it("keeps no agreement for a page the store returned empty but truncated, so the next page's stays", async () => {
		const h = await agreedBucket(6, 2);
		const store = await h.deps.openStore();
		const list = store.list.bind(store);
		let inserted = false;
		store.list = async (options) => {
			if (options?.cursor !== undefined && !inserted) {
				inserted = true;
				return { objects: [], cursor: options.cursor };
			}
			return list(options);
		};

		expect(await h.syncOnly()).toMatchObject({ status: "succeeded", objectsListed: 6, changes: 0 });
		expect(await agreedRanges()).toEqual([
			{ after_key: "", through_key: keyOf(1) },
			{ after_key: keyOf(1), through_key: keyOf(3) },
			{ after_key: keyOf(3), through_key: null },
		]);
	});

	it("reads every post again after a settings change, whatever the pages agreed with", async () => {
		const h = await agreedBucket(6, 2);
		h.deps.content = { ...h.deps.content, timeZone: "Europe/Paris" };

		expect(await h.syncOnly()).toMatchObject({ status: "succeeded", objectsRead: 6 });
	});

	it("does not carry an agreement over to a page whose range moved", async () => {
		const h = await agreedBucket(6, 2);
		// A new first key shifts every page boundary after it: no range is listed as it was kept.
		await h.put("posts/000a.md", post(99));

		expect(await h.syncOnly()).toMatchObject({ status: "succeeded", objectsListed: 7, objectsRead: 1 });
		await h.remove(keyOf(4));
		expect(await h.syncOnly()).toMatchObject({ status: "succeeded", objectsListed: 6, changes: 1 });
		expect(await titleOf(keyOf(4))).toBeUndefined();
	});

	it("makes the Worker's five-minute cron over 500 unchanged posts read about 140 D1 rows instead of 5 per post", async () => {
		for (let n = 0; n < 500; n++) await env.POSTS.put(keyOf(n), post(n));
		const cron = async () => {
			const counter = d1RowsCounter(env.DB);
			await worker.scheduled(createScheduledController({ cron: "*/5 * * * *" }), { ...env, DB: counter.db });
			return counter;
		};
		await cron();
		const steady = await cron();
		await env.DB.prepare("DELETE FROM listing_agreement").run();
		const comparing = await cron();

		expect(comparing.read).toBeGreaterThan(5 * 500);
		expect(steady.read).toBeLessThan(200);
		expect(steady.written).toBeLessThan(20);
	}, 60_000);
});
