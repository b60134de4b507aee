import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { Lease } from "../../src/storage/lease";
import { SyncJobs } from "../../src/storage/sync-job";
import { fencedPost } from "../support/posts";
import { deliverToWorker } from "../support/r2-events";
import { emptyCatalogAndBucket, syncHarness } from "../support/state";

beforeEach(() => emptyCatalogAndBucket());

// 0.1 ms an entry and 1 ms a publish: a post page fits ten times, the site's or a term's feeds only alone.
const TIGHT = { PUBLISH_MAX_RENDER_MS: "1", PUBLISH_RENDER_MS_PER_ENTRY: "0.1" };

function spiedQueue() {
	const sent: unknown[] = [];
	return { sent, queue: { send: (body: unknown) => (sent.push(body), Promise.resolve()) } };
}

async function staleCatalog(posts = 4) {
	// Marked stale now, as the Worker's clock reads it: the shared documents are within their minute of lag.
	const h = syncHarness({ now: new Date() });
	for (let i = 0; i < posts; i++) await h.put(`c${i}.md`, fencedPost({ title: `Continued ${i}`, date: `2026-02-0${i + 1}`, tags: ["news"] }));
	await h.syncOnly();
	return h;
}

describe("a publish continuation", () => {
	it("that arrives with the job's continuation comes back, once, rather than being acknowledged unserved", async () => {
		await staleCatalog();
		const { queue } = spiedQueue();
		const log = vi.spyOn(console, "log").mockImplementation(() => undefined);

		// The job's invocation publishes after its sync, where a ref that renders only alone never does.
		const result = await deliverToWorker([{ continueSync: "cron" }, { continuePublish: "cron" }, { continuePublish: "request" }], {
			...env,
			...TIGHT,
			R2_EVENTS: queue,
		} as unknown as Cloudflare.Env);
		log.mockRestore();

		expect(result.retryMessages.map((message) => message.msgId)).toEqual([expect.stringMatching(/^r2-1-/)]);
		expect(result.explicitAcks.sort()).toEqual([expect.stringMatching(/^r2-0-/), expect.stringMatching(/^r2-2-/)]);
	});

	it("that finds another publish holding the lease comes back", async () => {
		await staleCatalog();
		await new Lease(env.DB, "publish").acquire("someone else", 60_000, new Date());
		const { queue, sent } = spiedQueue();
		const log = vi.spyOn(console, "log").mockImplementation(() => undefined);

		const result = await deliverToWorker([{ continuePublish: "cron" }], { ...env, ...TIGHT, R2_EVENTS: queue } as unknown as Cloudflare.Env);
		log.mockRestore();

		expect(result.retryMessages.map((message) => message.msgId)).toEqual([expect.stringMatching(/^r2-0-/)]);
		expect(result.explicitAcks).toEqual([]);
		expect(sent).toEqual([]);
	});

	it("while a reconciliation is still listing, renders what renders only alone and asks for the next", async () => {
		await staleCatalog();
		// A job that has listed nothing yet: it changes nothing until its listing is complete.
		await new SyncJobs(env.DB).start(crypto.randomUUID(), new Date());
		const { queue, sent } = spiedQueue();
		const lines: string[] = [];
		const log = vi.spyOn(console, "log").mockImplementation((line: string) => void lines.push(String(line)));

		const result = await deliverToWorker([{ continuePublish: "cron" }], { ...env, ...TIGHT, R2_EVENTS: queue } as unknown as Cloudflare.Env);
		log.mockRestore();

		// The oldest stale ref is a set of feeds over the whole budget: it rendered alone, and the chain goes on.
		expect(lines.find((line) => line.startsWith("publish published (publish continuation)"))).toMatch(/publish rendered 1, \d+ left, render [2-9]\.\d\d ms charged/);
		expect(sent).toEqual([{ continuePublish: "publish continuation" }]);
		expect(result.ackAll).toBe(true);
		expect(result.retryMessages).toEqual([]);
		expect(await new SyncJobs(env.DB).changingCatalog()).toBe(false);
	});
});
