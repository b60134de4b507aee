import { createMessageBatch, createExecutionContext, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { consumeWebhookBatch, deliverMessage } from "../../src/jobs/deliver-messages";
import { webhookCommands } from "../../src/jobs/webhook-commands";
import { DEFAULT_RETRY_SCHEDULE } from "../../src/webhooks/retry-schedule";
import { generateSecret } from "../../src/webhooks/secret";
import { eventually } from "../support/eventually";
import { admin } from "../support/http";
import { fencedPost } from "../support/posts";
import { connectionOutcome, received, uniquePath, verifiedByReceiver } from "../support/receiver";
import { resetWebhookState, webhookHarness } from "./harness";

beforeEach(() => resetWebhookState());

/** A harness with one subscription at `path` and one new post announced to it; returns its message id. */
async function oneMessageTo(path: string, now = new Date("2026-06-01T00:00:00Z")) {
	const h = webhookHarness({ now });
	await h.sync();
	const { subscription, secret } = await h.subscribe(path);
	await h.put("a.md", fencedPost({ title: "A", date: "2026-01-01" }));
	await h.sync();
	const [message] = h.queued.sent.splice(0);
	return { h, subscription, secret, messageId: message!.messageId };
}

const message = (id: string) => env.DB.prepare("SELECT * FROM messages WHERE id = ?1").bind(id).first<{ status: string; attempts: number; last_error: string | null }>();
const attempts = (id: string) =>
	env.DB.prepare("SELECT attempt_number, outcome, status_code, error, response_snippet FROM attempts WHERE message_id = ?1 ORDER BY id").bind(id).all();

describe("delivery attempts", () => {
	it("retries on the schedule, with jitter, and records the message failed and dead-lettered when it runs out", async () => {
		const { h, messageId } = await oneMessageTo(uniquePath("/status/500"));
		const delays: number[] = [];
		for (;;) {
			const verdict = await deliverMessage(messageId, h.deliveryDeps);
			if (verdict.action === "ack") break;
			delays.push(verdict.delaySeconds);
			h.clock.now = new Date(h.clock.now.getTime() + verdict.delaySeconds * 1000);
		}

		// random() = 0.5 puts the jitter at exactly zero: the delays are the schedule itself.
		expect(delays).toEqual(DEFAULT_RETRY_SCHEDULE.delaysSeconds);
		expect(await message(messageId)).toMatchObject({ status: "failed", attempts: 8 });
		expect((await attempts(messageId)).results).toHaveLength(8);
		expect(h.deadLettered.sent).toEqual([expect.objectContaining({ messageId })]);
	});

	it("keeps every retry within ±20 % of its scheduled delay", async () => {
		const { h, messageId } = await oneMessageTo(uniquePath("/status/503"));
		for (const [random, factor] of [[0, 0.8], [0.999999, 1.2]] as const) {
			h.deliveryDeps.random = () => random;
			await env.DB.prepare("UPDATE messages SET attempts = 2, schedule_attempts = 2, status = 'pending' WHERE id = ?1").bind(messageId).run();
			const verdict = await deliverMessage(messageId, h.deliveryDeps);
			expect(verdict).toEqual({ action: "retry", delaySeconds: Math.round(30 * 60 * factor) });
		}
	});

	it("honours Retry-After on a 429", async () => {
		const { h, messageId } = await oneMessageTo(uniquePath("/status/429?retry-after=3600"));
		expect(await deliverMessage(messageId, h.deliveryDeps)).toEqual({ action: "retry", delaySeconds: 3600 });
	});

	it.each([
		["a year in seconds", "31536000", 12 * 3600],
		["garbage that Date.parse would read as a date in 2030", "later 2030", 5],
		["a date in the past", "Sun, 06 Nov 1994 08:49:37 GMT", 5],
	])("keeps a message pending within the schedule's bounds when a 429 asks for %s", async (_name, value, delaySeconds) => {
		const { h, messageId } = await oneMessageTo(uniquePath(`/status/429?retry-after=${encodeURIComponent(value)}`));
		expect(await deliverMessage(messageId, h.deliveryDeps)).toEqual({ action: "retry", delaySeconds });
		const row = await env.DB.prepare("SELECT status, next_attempt_at FROM messages WHERE id = ?1").bind(messageId).first<{ status: string; next_attempt_at: string }>();
		expect(row).toEqual({ status: "pending", next_attempt_at: new Date(h.clock.now.getTime() + delaySeconds * 1000).toISOString() });
	});

	it("disables the subscription on 410 Gone, stops, and says so in /api/status", async () => {
		const { h, subscription, messageId } = await oneMessageTo(uniquePath("/status/410"));
		expect(await deliverMessage(messageId, h.deliveryDeps)).toEqual({ action: "ack" });
		expect(await h.subscriptions.get(subscription.id)).toMatchObject({ enabled: false, disabledReason: "gone" });
		expect(await message(messageId)).toMatchObject({ status: "failed" });
		const status = (await (await admin("/api/status")).json()) as {
			webhooks: { subscriptions: { attention: { id: string; disabledReason: string }[] }; messages: Record<string, number> };
		};
		expect(status.webhooks.subscriptions.attention).toEqual([expect.objectContaining({ id: subscription.id, disabledReason: "gone" })]);
		expect(status.webhooks.messages).toMatchObject({ failed: 1 });
	});

	it("does not follow a redirect: the 302 is a failed attempt to retry", async () => {
		const redirectTarget = uniquePath("/ok");
		const { h, messageId } = await oneMessageTo(`/redirect?to=${encodeURIComponent(redirectTarget)}`);
		const verdict = await deliverMessage(messageId, h.deliveryDeps);
		expect(verdict.action).toBe("retry");
		expect(await received(redirectTarget)).toEqual([]);
		expect((await attempts(messageId)).results[0]).toMatchObject({ status_code: 302 });
	});

	it("gives up on a slow receiver at the timeout and retries", async () => {
		const tag = crypto.randomUUID();
		const { h, messageId } = await oneMessageTo(`/slow?ms=5000&tag=${tag}`);
		h.deliveryDeps.webhooks = { ...h.deliveryDeps.webhooks, timeoutMs: 300 };
		const verdict = await deliverMessage(messageId, h.deliveryDeps);
		expect(await connectionOutcome(tag)).toEqual({ answered: false, closed: true });
		expect(verdict.action).toBe("retry");
		expect((await attempts(messageId)).results[0]).toMatchObject({ outcome: "retry", status_code: null, error: expect.stringMatching(/timed out/) });
	});

	it("reads no more than the first 4 KiB of a 10 MB answer", async () => {
		const tag = crypto.randomUUID();
		const { h, messageId } = await oneMessageTo(`/big?tag=${tag}`);
		await deliverMessage(messageId, h.deliveryDeps);
		const [attempt] = (await attempts(messageId)).results as { response_snippet: string }[];
		expect(attempt!.response_snippet.length).toBeLessThanOrEqual(4096);
		await new Promise((resolve) => setTimeout(resolve, 300));
		const transfer = (await (await fetch(`${new URL((await h.subscriptions.list({ limit: 1 })).subscriptions[0]!.url).origin}/_control/big?tag=${tag}`)).json()) as {
			bytesWritten: number;
			finished: boolean;
		};
		expect(transfer.finished).toBe(false);
		expect(transfer.bytesWritten).toBeLessThan(10 * 1024 * 1024);
	});

	it("signs with both secrets for 24 hours after a rotation", async () => {
		const path = uniquePath();
		const { h, subscription, secret: oldSecret, messageId } = await oneMessageTo(path, new Date());
		const newSecret = generateSecret();
		await h.subscriptions.rotateSecret(subscription.id, newSecret, h.clock.now);

		await deliverMessage(messageId, h.deliveryDeps);

		const [request] = await received(path);
		expect(request!.headers["webhook-signature"]!.split(" ")).toHaveLength(2);
		expect(await verifiedByReceiver(request!.headers["webhook-id"]!, oldSecret)).toMatchObject({ verified: true });
		expect(await verifiedByReceiver(request!.headers["webhook-id"]!, newSecret)).toMatchObject({ verified: true });
	});

	it("redelivers a failed message through the admin API with the same webhook-id", async () => {
		const { h, subscription, messageId } = await oneMessageTo(uniquePath("/status/410"), new Date());
		await deliverMessage(messageId, h.deliveryDeps);
		const okPath = uniquePath();
		await h.subscriptions.update(subscription.id, { url: `${new URL(subscription.url).origin}${okPath}`, enabled: true }, h.clock.now);

		const response = await admin(`/api/deliveries/${messageId}/redeliver`, { method: "POST" });
		expect(response.status).toBe(202);
		await eventually(() => message(messageId), (row) => row?.status === "succeeded", 10_000);

		const [request] = await received(okPath);
		expect(request!.headers["webhook-id"]).toBe(messageId);
	});

	it("numbers attempts on across a redelivery, marks the redelivered attempt manual and restarts the schedule", async () => {
		const { h, subscription, messageId } = await oneMessageTo(uniquePath("/status/410"));
		await deliverMessage(messageId, h.deliveryDeps);
		await h.subscriptions.update(subscription.id, { url: `${new URL(subscription.url).origin}${uniquePath("/status/500")}`, enabled: true }, h.clock.now);
		const commands = webhookCommands({ deliveries: h.deliveries, subscriptions: h.subscriptions, queue: h.deliveryDeps.queue, now: () => h.clock.now });
		expect(await commands.redeliver(messageId)).toEqual({ messageId, status: "pending" });

		// The redelivery starts the schedule again: 5 s after its first attempt, then 5 min.
		expect(await deliverMessage(messageId, h.deliveryDeps)).toEqual({ action: "retry", delaySeconds: 5 });
		expect(await deliverMessage(messageId, h.deliveryDeps)).toEqual({ action: "retry", delaySeconds: 300 });

		const page = (await (await admin(`/api/subscriptions/${subscription.id}/deliveries`)).json()) as {
			deliveries: { messageId: string; attempts: number; attemptLog: { attemptNumber: number; trigger: string; statusCode: number }[] }[];
		};
		expect(page.deliveries).toHaveLength(1);
		expect(page.deliveries[0]).toMatchObject({ messageId, attempts: 3 });
		expect(page.deliveries[0]!.attemptLog.map((a) => [a.attemptNumber, a.trigger, a.statusCode])).toEqual([
			[1, "scheduled", 410],
			[2, "manual", 500],
			[3, "scheduled", 500],
		]);
	});

	it("gives a redelivered message the whole schedule again before it fails", async () => {
		const { h, messageId } = await oneMessageTo(uniquePath("/status/500"));
		const deliverUntilSettled = async () => {
			while ((await deliverMessage(messageId, h.deliveryDeps)).action === "retry");
		};
		await deliverUntilSettled();
		const commands = webhookCommands({ deliveries: h.deliveries, subscriptions: h.subscriptions, queue: h.deliveryDeps.queue, now: () => h.clock.now });
		await commands.redeliver(messageId);
		await deliverUntilSettled();

		expect(await message(messageId)).toMatchObject({ status: "failed", attempts: 16 });
		const numbers = (await attempts(messageId)).results.map((a) => a.attempt_number);
		expect(numbers).toEqual(Array.from({ length: 16 }, (_, i) => i + 1));
	});
});

describe("the queue consumer", () => {
	it("settles each message on its own, so a crash on one loses none of the others", async () => {
		const h = webhookHarness({ now: new Date() });
		await h.sync();
		await h.subscribe(uniquePath());
		await h.subscribe(uniquePath());
		await h.subscribe(uniquePath());
		await h.put("a.md", fencedPost({ title: "A", date: "2026-01-01" }));
		await h.sync();
		const ids = h.queued.sent.splice(0).map((m) => m.messageId);
		const crashing = ids[1]!;
		const realGet = h.subscriptions.get.bind(h.subscriptions);
		h.subscriptions.get = async (id) => {
			const subscription = await realGet(id);
			if ((await message(crashing)) && subscription && (await env.DB.prepare("SELECT subscription_id FROM messages WHERE id = ?1").bind(crashing).first<{ subscription_id: string }>())!.subscription_id === id) {
				throw new Error("D1 went away");
			}
			return subscription;
		};
		const batch = createMessageBatch("pressroom-webhooks", ids.map((messageId, i) => ({ id: `q${i}`, timestamp: new Date(), attempts: 1, body: { messageId } })));
		const ctx = createExecutionContext();

		await consumeWebhookBatch(batch, h.deliveryDeps);
		const result = await getQueueResult(batch, ctx);

		expect(result.explicitAcks.sort()).toEqual(["q0", "q2"]);
		expect(result.retryMessages).toEqual([expect.objectContaining({ msgId: "q1" })]);
		expect(await message(crashing)).toMatchObject({ status: "pending", attempts: 0 });

		h.subscriptions.get = realGet;
		await deliverMessage(crashing, h.deliveryDeps);
		expect(await message(crashing)).toMatchObject({ status: "succeeded" });
	});
});

describe("a subscription that keeps failing", () => {
	it("is disabled once its deliveries have failed for the configured time", async () => {
		const { h, subscription, messageId } = await oneMessageTo(uniquePath("/status/500"));
		h.deliveryDeps.webhooks = { ...h.deliveryDeps.webhooks, disableAfterHours: 1 };

		await deliverMessage(messageId, h.deliveryDeps);
		expect(await h.subscriptions.get(subscription.id)).toMatchObject({ enabled: true, failingSince: expect.any(String) });
		h.clock.now = new Date(h.clock.now.getTime() + 61 * 60 * 1000);
		await deliverMessage(messageId, h.deliveryDeps);

		expect(await h.subscriptions.get(subscription.id)).toMatchObject({ enabled: false, disabledReason: "failing" });
	});
});
