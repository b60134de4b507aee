import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { SyncRuns } from "../../src/storage/sync-runs";
import { request, syncNow } from "../support/http";
import { deliverToWorker, notification, putAndNotify } from "../support/r2-events";
import { emptyCatalogAndBucket } from "../support/state";

beforeEach(() => emptyCatalogAndBucket());

const SITE = "http://127.0.0.1:8787";
const EPISODE = "2026/episodes/episode-1.mp3";

const episodePost = ["---", 'title: "Episode 1"', "date: 2026-03-01T09:00:00Z", "enclosure: episode-1.mp3", "---", "", "Show notes.", ""].join("\n");
const audio = (length: number) => new Uint8Array(length).fill(7);
const latestRun = async () => (await new SyncRuns(env.DB).latest())[0]!;
const rss = async () => (await request("/rss.xml")).text();
const enclosure = (length: number) => `<enclosure url="${SITE}/media/${EPISODE}" length="${length}" type="audio/mpeg"/>`;

describe("R2 event notifications for media", () => {
	it("record a new enclosure from its notification, never reading it, and put its length in the post's feeds", async () => {
		await env.POSTS.put("2026/episodes/one.md", episodePost);
		await syncNow();
		expect(await rss()).not.toContain("<enclosure");
		expect((await request(`/media/${EPISODE}`)).status).toBe(404);

		await deliverToWorker([await putAndNotify(EPISODE, audio(12_345))]);

		expect(await latestRun()).toMatchObject({ status: "succeeded", objectsListed: 1, objectsRead: 0, changes: 1 });
		expect(await rss()).toContain(enclosure(12_345));
		const served = await request(`/media/${EPISODE}`);
		expect(served.status).toBe(200);
		expect((await served.arrayBuffer()).byteLength).toBe(12_345);
		// The reconciliation agrees with what the notification recorded: nothing to change.
		expect(((await syncNow()) as { sync: { changes: number } }).sync.changes).toBe(0);
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
		expect(((await syncNow()) as { sync: { changes: number } }).sync.changes).toBe(0);
	});
});
