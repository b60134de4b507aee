import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { Lease } from "../../src/storage/lease";
import { SyncJobs } from "../../src/storage/sync-job";
import { fencedPost } from "../support/posts";
import { deliverToWorker, putAndNotify } from "../support/r2-events";
import { emptyCatalogAndBucket, syncHarness } from "../support/state";

beforeEach(() => emptyCatalogAndBucket());

// 0.1 ms an entry and 1 ms a publish: a post page fits ten times, the site's or a term's feeds only alone.
const TIGHT = { PUBLISH_MAX_RENDER_MS: "1", PUBLISH_RENDER_MS_PER_ENTRY: "0.1" };

function spiedQueue() {
	const sent: unknown[] = [];
	const delays: (number | undefined)[] = [];
	const send = (body: unknown, options?: { delaySeconds?: number }) => (sent.push(body), delays.push(options?.delaySeconds), Promise.resolve());
	return { sent, delays, queue: { send } };
}

const RESENT = { continuePublish: "publish continuation" };

async function staleCatalog(posts = 4) {
	// Marked stale now, as the Worker's clock reads it: the shared documents are within their minute of lag.
	const h = syncHarness({ now: new Date() });
	for (let i = 0; i < posts; i++) await h.put(`c${i}.md`, fencedPost({ title: `Continued ${i}`, date: `2026-02-0${i + 1}`, tags: ["news"] }));
	await h.syncOnly();
	return h;
}

/** One batch to the Worker's queue handler under TIGHT, with `queue` as R2_EVENTS; returns what the queue recorded and the Worker's log lines. */
async function deliverTight(bodies: unknown[], queue: unknown, { attempts = 1, bindings = {} }: { attempts?: number; bindings?: object } = {}) {
	const lines: string[] = [];
	const log = vi.spyOn(console, "log").mockImplementation((line: string) => void lines.push(String(line)));
	const errors = vi.spyOn(console, "error").mockImplementation(() => undefined);
	try {
		const result = await deliverToWorker(bodies, { ...env, ...TIGHT, ...bindings, R2_EVENTS: queue } as unknown as Cloudflare.Env, { attempts });
		return { result, lines };
	} finally {
	}
}

describe("a publish continuation", () => {
	it("that arrives with the job's continuation publishes first, alone, and the job's continuation is sent again", async () => {
		await staleCatalog();
		const { queue, sent } = spiedQueue();

		// The job's invocation publishes after its sync, where a ref that renders only alone never does: run first,
		// while a reconciliation's continuation followed every cron, those refs stayed stale for good.
		const { result, lines } = await deliverTight([{ continueSync: "cron" }, { continuePublish: "cron" }, { continuePublish: "request" }], queue);

		expect(lines.find((line) => line.startsWith("publish published (publish continuation)"))).toMatch(/publish rendered 1, \d+ left, render [2-9]\.\d\d ms charged/);
		expect(lines.some((line) => line.startsWith("sync "))).toBe(false);
		expect(sent).toEqual([{ continuePublish: "publish continuation" }, { continueSync: "continuation" }]);
		expect(result.ackAll).toBe(true);
		expect(result.retryMessages).toEqual([]);
	});

	it("that finds another publish holding the lease is sent again, delayed, however often it came before", async () => {
		await staleCatalog();
		await new Lease(env.DB, "publish").acquire("someone else", 60_000, new Date());
		const { queue, sent, delays } = spiedQueue();

		// A retry would have run out of max_retries (10) here: a new message has its own.
		const { result } = await deliverTight([{ continuePublish: "cron" }], queue, { attempts: 10 });

		expect(sent).toEqual([RESENT]);
		expect(delays[0]).toBeGreaterThan(0);
		expect(result.ackAll).toBe(true);
		expect(result.retryMessages).toEqual([]);
	});

	it("that cannot be sent again comes back itself", async () => {
		await staleCatalog();
		await new Lease(env.DB, "publish").acquire("someone else", 60_000, new Date());
		const queue = { send: () => Promise.reject(new Error("queue unavailable")) };

		const { result } = await deliverTight([{ continuePublish: "cron" }, { continuePublish: "request" }], queue);

		expect(result.retryMessages.map((message) => message.msgId)).toEqual([expect.stringMatching(/^r2-0-/)]);
		expect(result.explicitAcks).toEqual([expect.stringMatching(/^r2-1-/)]);
		expect(result.ackAll).toBe(false);
	});

	it("while a reconciliation is still listing, renders what renders only alone and asks for the next", async () => {
		await staleCatalog();
		// A job that has listed nothing yet: it changes nothing until its listing is complete.
		await new SyncJobs(env.DB).start(crypto.randomUUID(), new Date());
		const { queue, sent } = spiedQueue();

		const { result, lines } = await deliverTight([{ continuePublish: "cron" }], queue);

		// The oldest stale ref is a set of feeds over the whole budget: it rendered alone, and the chain goes on.
		expect(lines.find((line) => line.startsWith("publish published (publish continuation)"))).toMatch(/publish rendered 1, \d+ left, render [2-9]\.\d\d ms charged/);
		expect(sent).toEqual([{ continuePublish: "publish continuation" }]);
		expect(result.ackAll).toBe(true);
		expect(result.retryMessages).toEqual([]);
		expect(await new SyncJobs(env.DB).changingCatalog()).toBe(false);
	});

	it("beside notified keys whose publish asked for one already, is not sent a second time", async () => {
		await staleCatalog();
		const { queue, sent } = spiedQueue();
		const added = await putAndNotify("added.md", fencedPost({ title: "Added", date: "2026-03-01", tags: ["news"] }));

		// The keys' publish stops at the tight budget and asks for a continuation: a second would be a 51st subrequest on Free.
		const { result } = await deliverTight([added, { continuePublish: "cron" }, { continueSync: "cron" }], queue);

		expect(sent.filter((body) => typeof body === "object" && body !== null && "continuePublish" in body)).toEqual([RESENT]);
		expect(sent).toContainEqual({ continueSync: "continuation" });
		expect(result.ackAll).toBe(true);
	});

	it("beside notified keys that find the sync lease held is sent again, while the notifications come back", async () => {
		await staleCatalog();
		// A crashed holder keeps the lease for up to 15 minutes: far longer than the queue's retries last.
		await new Lease(env.DB, "sync").acquire("crashed holder", 15 * 60_000, new Date());
		const { queue, sent, delays } = spiedQueue();
		const added = await putAndNotify("added.md", fencedPost({ title: "Added", date: "2026-03-01" }));

		const { result } = await deliverTight([added, { continuePublish: "cron" }], queue, { attempts: 10 });

		expect(result.retryMessages.map((message) => message.msgId)).toEqual([expect.stringMatching(/^r2-0-/)]);
		expect(result.explicitAcks).toEqual([expect.stringMatching(/^r2-1-/)]);
		expect(sent).toEqual([RESENT]);
		expect(delays[0]).toBeGreaterThan(0);
	});

	it("whose publish failed comes back itself, and nothing is sent", async () => {
		await staleCatalog();
		const failing = new Proxy(env.DB, {
			get(target, property) {
				if (property === "batch") return () => Promise.reject(new Error("D1 is down"));
				const value = Reflect.get(target, property);
				return typeof value === "function" ? value.bind(target) : value;
			},
		});
		const { queue, sent } = spiedQueue();

		const { result } = await deliverTight([{ continuePublish: "cron" }], queue, { bindings: { DB: failing } });

		expect(result.retryBatch).toMatchObject({ retry: true });
		expect(result.ackAll).toBe(false);
		expect(sent).toEqual([]);
	});
});
