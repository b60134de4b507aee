import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { SubrequestMeter } from "../../src/storage/subrequest-meter";
import { SyncRuns } from "../../src/storage/sync-runs";
import { request, syncNow } from "../support/http";
import { fencedPost } from "../support/posts";
import { deliverToWorker, notification, putAndNotify } from "../support/r2-events";
import { emptyCatalogAndBucket, syncHarness } from "../support/state";

beforeEach(() => emptyCatalogAndBucket());

const SITE = "http://127.0.0.1:8787";
const EPISODE = "2026/episodes/episode-1.mp3";

const episodePost = ["---", 'title: "Episode 1"', "date: 2026-03-01T09:00:00Z", "enclosure: episode-1.mp3", "---", "", "Show notes.", ""].join("\n");
const audio = (length: number) => new Uint8Array(length).fill(7);
const latestRun = async () => (await new SyncRuns(env.DB).latest())[0]!;
const rss = async () => (await request("/rss.xml")).text();
const enclosure = (length: number) => `<enclosure url="${SITE}/media/${EPISODE}" length="${length}" type="audio/mpeg"/>`;
const mediaRow = () => env.DB.prepare("SELECT key, etag, size, content_type, last_modified FROM media WHERE key = ?1").bind(EPISODE).first();

/** What the next reconciliation does to the row a notification wrote: it must agree, and leave it as it is. */
async function rowAfterReconciliation() {
	const before = await mediaRow();
	await syncNow();
	return { before, after: await mediaRow() };
}

describe("R2 event notifications for media", () => {
	it("record a new enclosure from its notification, never reading it, and put its length in the post's feeds", async () => {
		await env.POSTS.put("2026/episodes/one.md", episodePost);
		await syncNow();
		expect(await rss()).not.toContain("<enclosure");
		expect((await request(`/media/${EPISODE}`)).status).toBe(404);

		await deliverToWorker([await putAndNotify(EPISODE, audio(12_345))]);

		expect(await latestRun()).toMatchObject({ status: "succeeded", objectsListed: 0, objectsRead: 0, changes: 1 });
		expect(await rss()).toContain(enclosure(12_345));
		const served = await request(`/media/${EPISODE}`);
		expect(served.status).toBe(200);
		expect((await served.arrayBuffer()).byteLength).toBe(12_345);
		// The reconciliation agrees with what the notification recorded, modification time included.
		const stored = await env.POSTS.head(EPISODE);
		const { before, after } = await rowAfterReconciliation();
		expect(before).toMatchObject({ etag: stored!.etag, size: 12_345, content_type: "audio/mpeg", last_modified: new Date(Math.floor(stored!.uploaded.getTime() / 1000) * 1000).toISOString() });
		expect(after).toEqual(before);
	});

	it("follow a replaced and a deleted enclosure, and let no redelivered or older event bring either state back", async () => {
		await env.POSTS.put("2026/episodes/one.md", episodePost);
		const first = await putAndNotify(EPISODE, audio(100));
		await syncNow();
		expect(await rss()).toContain(enclosure(100));

		const replaced = await putAndNotify(EPISODE, audio(250));
		await deliverToWorker([replaced, first]);
		expect(await rss()).toContain(enclosure(250));
		await deliverToWorker([replaced]);
		expect(await latestRun()).toMatchObject({ status: "succeeded", changes: 0 });

		await env.POSTS.delete(EPISODE);
		await deliverToWorker([notification("DeleteObject", EPISODE), replaced]);
		expect(await rss()).not.toContain("<enclosure");
		expect((await request(`/media/${EPISODE}`)).status).toBe(404);
		await deliverToWorker([first]);
		expect((await request(`/media/${EPISODE}`)).status).toBe(404);
		expect(await rowAfterReconciliation()).toEqual({ before: null, after: null });
	});

	it("are not undone by a reconciliation that listed the file before the notification and ends after it", async () => {
		await env.POSTS.put("2026/episodes/one.md", episodePost);
		for (let i = 0; i < 6; i++) await env.POSTS.put(`z/${i}.md`, fencedPost({ title: `Filler ${i}`, date: "2026-01-01" }));
		await env.POSTS.put(EPISODE, audio(100));
		await syncNow();
		await env.POSTS.put(EPISODE, audio(200));
		// One invocation of a job that lists two keys a page and stops while listing: the 200-byte file is in its listing.
		const invoke = () => {
			const harness = syncHarness({ meter: new SubrequestMeter() });
			harness.deps.budget = { ...harness.deps.budget, maxSubrequests: 14 };
			harness.deps.listPageSize = 2;
			return harness.syncOnly();
		};
		expect((await invoke()).status).toBe("partial");
		expect(await env.DB.prepare("SELECT size FROM sync_listing WHERE key = ?1").bind(EPISODE).first()).toEqual({ size: 200 });

		await deliverToWorker([await putAndNotify(EPISODE, audio(300))]);
		expect(await mediaRow()).toMatchObject({ size: 300 });
		for (let i = 0; i < 20 && (await env.DB.prepare("SELECT 1 FROM sync_job").first()) !== null; i++) await invoke();

		expect(await env.DB.prepare("SELECT 1 FROM sync_job").first()).toBeNull();
		expect(await mediaRow()).toMatchObject({ size: 300 });
	});
});
