import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { Lease } from "../../src/storage/lease";
import { SyncRuns } from "../../src/storage/sync-runs";
import { eventually } from "../support/eventually";
import { request, syncNow } from "../support/http";
import { fencedPost } from "../support/posts";
import { deliverToWorker, notification, putAndNotify } from "../support/r2-events";
import { catalogPost, emptyCatalogAndBucket } from "../support/state";

beforeEach(() => emptyCatalogAndBucket());

async function catalogTitle(key: string): Promise<string | undefined> {
	return (await catalogPost(key))?.title;
}

async function feedTitles(): Promise<string[]> {
	const feed = (await (await request("/feed.json")).json()) as { items: { title: string }[] };
	return feed.items.map((item) => item.title);
}

const latestRun = async () => (await new SyncRuns(env.DB).latest())[0]!;

describe("R2 event notifications", () => {
	it("sync just the key a notification names, with no listing, and publish it", async () => {
		for (let i = 0; i < 5; i++) await env.POSTS.put(`old-${i}.md`, fencedPost({ title: `Old ${i}`, date: "2026-01-01" }));
		await syncNow();

		const result = await deliverToWorker([await putAndNotify("fresh.md", fencedPost({ title: "Fresh", date: "2026-02-01" }))]);

		expect(result.ackAll).toBe(true);
		expect(await catalogTitle("fresh.md")).toBe("Fresh");
		expect(await latestRun()).toMatchObject({ status: "succeeded", objectsListed: 0, objectsRead: 1, changes: 1, posts: 6 });
		expect((await feedTitles())[0]).toBe("Fresh");
	});

	it("costs the same few subrequests whatever the size of the bucket", async () => {
		await env.POSTS.put("a.md", fencedPost({ title: "A", date: "2026-01-01" }));
		await syncNow();
		await deliverToWorker([await putAndNotify("b.md", fencedPost({ title: "B", date: "2026-01-02" }))]);
		const small = (await latestRun()).subrequests!;
		for (let i = 0; i < 40; i++) await env.POSTS.put(`more-${i}.md`, fencedPost({ title: `More ${i}`, date: "2026-01-03" }));
		await syncNow();

		await deliverToWorker([await putAndNotify("c.md", fencedPost({ title: "C", date: "2026-01-04" }))]);

		expect((await latestRun()).subrequests).toBe(small);
		expect(small).toBeLessThanOrEqual(12);
	});

	it("converge when notifications are duplicated and arrive out of order", async () => {
		await syncNow();
		const first = await putAndNotify("post.md", fencedPost({ title: "Version 1", date: "2026-01-01" }));
		const second = await putAndNotify("post.md", fencedPost({ title: "Version 2", date: "2026-01-01" }));

		await deliverToWorker([second, first, second]);
		expect(await catalogTitle("post.md")).toBe("Version 2");
		// The older event, redelivered alone after the newer one was applied, changes nothing.
		await deliverToWorker([first]);
		expect(await catalogTitle("post.md")).toBe("Version 2");

		await env.POSTS.delete("post.md");
		await deliverToWorker([first, notification("DeleteObject", "post.md"), second]);
		expect(await catalogTitle("post.md")).toBeUndefined();
		await deliverToWorker([second]);
		expect(await catalogTitle("post.md")).toBeUndefined();
		expect(await feedTitles()).toEqual([]);
	});

	it("remove the post on a delete notification, and the next reconciliation confirms it", async () => {
		await env.POSTS.put("keep.md", fencedPost({ title: "Keep", date: "2026-01-01" }));
		await env.POSTS.put("drop.md", fencedPost({ title: "Drop", date: "2026-01-02" }));
		await syncNow();
		expect(await feedTitles()).toEqual(["Drop", "Keep"]);

		await env.POSTS.delete("drop.md");
		await deliverToWorker([notification("DeleteObject", "drop.md")]);

		expect(await catalogTitle("drop.md")).toBeUndefined();
		expect(await feedTitles()).toEqual(["Keep"]);
		const reconciliation = ((await syncNow()) as { sync: { status: string; changes: number; posts: number } }).sync;
		expect(reconciliation).toMatchObject({ status: "succeeded", changes: 0, posts: 1 });
	});

	it("keep a delete notification from removing an object that was put again", async () => {
		await syncNow();
		const recreated = await putAndNotify("back.md", fencedPost({ title: "Back", date: "2026-01-01" }));

		await deliverToWorker([notification("DeleteObject", "back.md"), recreated]);
		await deliverToWorker([notification("DeleteObject", "back.md")]);

		expect(await catalogTitle("back.md")).toBe("Back");
	});

	it("apply the same claims as the sync: a second post with a taken slug is recorded as broken", async () => {
		await env.POSTS.put("a.md", fencedPost({ title: "A", slug: "same", date: "2026-01-01" }));
		await syncNow();

		await deliverToWorker([await putAndNotify("b.md", fencedPost({ title: "B", slug: "same", date: "2026-01-02" }))]);

		const broken = await env.DB.prepare("SELECT reason FROM broken_objects WHERE key = 'b.md'").first<{ reason: string }>();
		expect(broken!.reason).toMatch(/duplicate slug "same".*a\.md/);
		expect(await catalogTitle("a.md")).toBe("A");
	});

	it("skip a malformed message with a reason and still sync the others", async () => {
		await syncNow();

		const result = await deliverToWorker([{ hello: "world" }, "not even an object", await putAndNotify("ok.md", fencedPost({ title: "OK", date: "2026-01-01" }))]);

		expect(result.ackAll).toBe(true);
		expect(await catalogTitle("ok.md")).toBe("OK");
	});

	it("bring the batch back later while another sync holds the lease", async () => {
		await syncNow();
		await new Lease(env.DB, "sync").acquire("a-running-sync", 60_000, new Date());

		const result = await deliverToWorker([await putAndNotify("wait.md", fencedPost({ title: "Wait", date: "2026-01-01" }))]);

		expect(result.ackAll).toBe(false);
		expect(result.retryBatch).toMatchObject({ retry: true });
		expect(await catalogTitle("wait.md")).toBeUndefined();
	});

	it("arrive through the real queue and sync the key", async () => {
		await syncNow();

		await env.R2_EVENTS.send(await putAndNotify("queued.md", fencedPost({ title: "Queued", date: "2026-01-01" })));

		expect(await eventually(() => catalogTitle("queued.md"), (title) => title === "Queued")).toBe("Queued");
	});
});

describe("a sync job larger than one invocation", () => {
	it("asks for its next invocation through the queue, which carries it to the end without waiting for the cron", async () => {
		for (let i = 0; i < 6; i++) await env.POSTS.put(`p${i}.md`, fencedPost({ title: `P${i}`, date: "2026-01-01" }));
		const { createScheduledController } = await import("cloudflare:test");
		const worker = (await import("../../src/index")).default;

		await worker.scheduled(createScheduledController({ cron: "*/5 * * * *" }), { ...env, SYNC_MAX_READS: "2" });

		const runs = await eventually(() => new SyncRuns(env.DB).latest(10), (latest) => latest.some((run) => run.status === "succeeded"));
		expect(runs.find((run) => run.trigger.startsWith("cron"))).toMatchObject({ status: "partial", objectsRead: 2 });
		expect(runs.find((run) => run.status === "succeeded")).toMatchObject({ trigger: "continuation", posts: 6 });
	});

	it("hands the continuation of a batch that also synced notified keys to the next invocation, with a fresh budget", async () => {
		await syncNow();

		await deliverToWorker([await putAndNotify("mixed.md", fencedPost({ title: "Mixed", date: "2026-01-01" })), { continueSync: "test" }]);

		const runs = await eventually(() => new SyncRuns(env.DB).latest(10), (latest) => latest.some((run) => run.trigger === "continuation"));
		const notified = runs.find((run) => run.trigger.startsWith("r2 events"))!;
		const continued = runs.find((run) => run.trigger === "continuation")!;
		expect(await catalogTitle("mixed.md")).toBe("Mixed");
		// Its meter started from zero: it counts only its own calls, fewer than the notification's sync and publish.
		expect(continued.subrequests!).toBeLessThan(notified.subrequests! + 10);
		expect(continued.subrequests!).toBeLessThan(20);
	});
});
