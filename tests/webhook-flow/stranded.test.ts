import { createExecutionContext, createMessageBatch, createScheduledController, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import worker from "../../src/index";
import { STRANDED_AFTER_MINUTES, requeueStranded } from "../../src/jobs/outbox";
import { eventually } from "../support/eventually";
import { fencedPost } from "../support/posts";
import { receivedWithId, uniquePath } from "../support/receiver";
import { resetWebhookState, webhookHarness } from "./harness";

beforeEach(() => resetWebhookState());

/** The bindings with a site setting broken, as a typo in the dashboard would leave them. */
const withBrokenSiteUrl = (): Cloudflare.Env => ({ ...env, SITE_URL: "journal.example without a scheme" });

const MINUTE = 60_000;

/** One post announced to one subscription at `now`; the queue the harness records into stands for a queue that lost it. */
async function announcedAndLost(now: Date) {
	const h = webhookHarness({ now });
	await h.sync();
	await h.subscribe(uniquePath());
	await h.put("a.md", fencedPost({ title: "A", date: "2026-01-01" }));
	await h.sync();
	const [lost] = h.queued.sent.splice(0);
	return { h, messageId: lost!.messageId };
}

const statusOf = async (id: string) => (await env.DB.prepare("SELECT status FROM messages WHERE id = ?1").bind(id).first<{ status: string }>())?.status;

describe("a broken site setting", () => {
	it("does not stop the queue consumer: it delivers and acks", async () => {
		const { messageId } = await announcedAndLost(new Date());
		const batch = createMessageBatch("pressroom-webhooks", [{ id: "q1", timestamp: new Date(), attempts: 1, body: { messageId } }]);
		const ctx = createExecutionContext();

		await worker.queue(batch, withBrokenSiteUrl());

		expect((await getQueueResult(batch, ctx)).explicitAcks).toEqual(["q1"]);
		expect(await receivedWithId(messageId)).toHaveLength(1);
		expect(await statusOf(messageId)).toBe("succeeded");
	});

	it("does not stop the dead-letter consumer from recording the failure", async () => {
		const { messageId } = await announcedAndLost(new Date());
		const batch = createMessageBatch("pressroom-webhooks-dlq", [{ id: "d1", timestamp: new Date(), attempts: 21, body: { messageId } }]);
		const ctx = createExecutionContext();

		await worker.queue(batch, withBrokenSiteUrl());

		expect((await getQueueResult(batch, ctx)).explicitAcks).toEqual(["d1"]);
		expect(await statusOf(messageId)).toBe("failed");
	});
});

describe("the cron's sweep of stranded messages", () => {
	it("re-enqueues a pending message whose queue message was lost, even with the site config broken, and it is delivered once", async () => {
		const { messageId } = await announcedAndLost(new Date(Date.now() - 2 * STRANDED_AFTER_MINUTES * MINUTE));

		// The sync cannot run with SITE_URL broken, and says so; the sweep has run before it.
		await expect(worker.scheduled(createScheduledController({ cron: "*/5 * * * *" }), withBrokenSiteUrl())).rejects.toThrow(/SITE_URL/);

		await eventually(() => statusOf(messageId), (status) => status === "succeeded", 10_000);
		await worker.scheduled(createScheduledController({ cron: "*/5 * * * *" }), withBrokenSiteUrl()).catch(() => undefined);
		expect(await receivedWithId(messageId)).toHaveLength(1);
	}, 15_000);

	it("leaves alone messages still in flight: recently enqueued, or waiting for a retry that is not due", async () => {
		const start = new Date("2026-06-01T00:00:00Z");
		const { h, messageId } = await announcedAndLost(start);
		const sweep = (minutesLater: number) => requeueStranded(h.deliveryDeps, new Date(start.getTime() + minutesLater * MINUTE));

		expect(await sweep(STRANDED_AFTER_MINUTES - 1)).toBe(0);
		// An attempt failed and the next one is due in three hours: the queue holds it until then.
		await env.DB.prepare("UPDATE messages SET attempts = 4, next_attempt_at = ?2 WHERE id = ?1")
			.bind(messageId, new Date(start.getTime() + 3 * 60 * MINUTE).toISOString())
			.run();
		expect(await sweep(2 * 60)).toBe(0);
		expect(h.queued.sent).toEqual([]);

		expect(await sweep(3 * 60 + STRANDED_AFTER_MINUTES + 1)).toBe(1);
		expect(h.queued.sent).toEqual([{ messageId }]);
		// Handed to the queue again just now: in flight once more.
		expect(await sweep(3 * 60 + STRANDED_AFTER_MINUTES + 2)).toBe(0);
	});

	it("enqueues a message the sync wrote but never handed to the queue", async () => {
		const start = new Date("2026-06-01T00:00:00Z");
		const { h, messageId } = await announcedAndLost(start);
		await env.DB.prepare("UPDATE messages SET enqueued_at = NULL WHERE id = ?1").bind(messageId).run();

		expect(await requeueStranded(h.deliveryDeps, new Date(start.getTime() + (STRANDED_AFTER_MINUTES + 1) * MINUTE))).toBe(1);
		expect(h.queued.sent).toEqual([{ messageId }]);
	});
});
