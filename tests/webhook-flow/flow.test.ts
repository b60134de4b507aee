import { createExecutionContext, createMessageBatch, createScheduledController, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, inject, it } from "vitest";
import worker from "../../src/index";
import { eventually } from "../support/eventually";
import { admin } from "../support/http";
import { fencedPost } from "../support/posts";
import { received, uniquePath, verifiedByReceiver } from "../support/receiver";
import { resetWebhookState } from "./harness";

beforeEach(() => resetWebhookState());

describe("webhooks end to end, through the Queue simulator", () => {
	it("new post → scheduled sync → queue → signed POST that the reference receiver verifies", async () => {
		await env.POSTS.put("old.md", fencedPost({ title: "Old", date: "2026-01-01" }));
		expect((await admin("/api/sync", { method: "POST" })).status).toBe(200);
		const path = uniquePath();
		const created = await admin("/api/subscriptions", { method: "POST", body: JSON.stringify({ url: `${inject("webhookReceiverUrl")}${path}` }) });
		expect(created.status).toBe(201);
		const { secret } = (await created.json()) as { secret: string };

		await env.POSTS.put("new.md", fencedPost({ title: "Fresh off the press", date: "2026-02-01", tags: ["news"] }));
		await worker.scheduled(createScheduledController({ cron: "*/5 * * * *" }), env);

		const [request] = await eventually(() => received(path), (requests) => requests.length > 0);
		const check = await verifiedByReceiver(request!.headers["webhook-id"]!, secret);
		expect(check.error ?? "verified").toBe("verified");
		expect(check.payload).toMatchObject({ type: "post.published", data: { item: { title: "Fresh off the press" }, tags: ["news"] } });
		const deliveries = await eventually(
			async () => (await (await admin(`/api/subscriptions/${(await firstSubscriptionId())}/deliveries`)).json()) as { deliveries: { status: string; attemptLog: unknown[] }[] },
			(page) => page.deliveries[0]?.status === "succeeded",
		);
		expect(deliveries.deliveries[0]!.attemptLog).toEqual([expect.objectContaining({ attemptNumber: 1, statusCode: 200, outcome: "succeeded" })]);
	});

	it("sends a ping on POST /api/subscriptions/{id}/test", async () => {
		const path = uniquePath();
		const created = (await (await admin("/api/subscriptions", { method: "POST", body: JSON.stringify({ url: `${inject("webhookReceiverUrl")}${path}` }) })).json()) as {
			subscription: { id: string };
			secret: string;
		};
		expect((await admin(`/api/subscriptions/${created.subscription.id}/test`, { method: "POST" })).status).toBe(202);

		const [request] = await eventually(() => received(path), (requests) => requests.length > 0);
		expect(await verifiedByReceiver(request!.headers["webhook-id"]!, created.secret)).toMatchObject({ verified: true, payload: { type: "ping" } });
	});

	it("records a dead-lettered message as failed", async () => {
		const created = (await (await admin("/api/subscriptions", { method: "POST", body: JSON.stringify({ url: `${inject("webhookReceiverUrl")}${uniquePath("/status/500")}` }) })).json()) as {
			subscription: { id: string };
		};
		const { messageId } = (await (await admin(`/api/subscriptions/${created.subscription.id}/test`, { method: "POST" })).json()) as { messageId: string };
		const batch = createMessageBatch("pressroom-webhooks-dlq", [{ id: "d1", timestamp: new Date(), attempts: 21, body: { messageId } }]);
		const ctx = createExecutionContext();

		await worker.queue(batch, env);

		expect((await getQueueResult(batch, ctx)).explicitAcks).toEqual(["d1"]);
		const row = await env.DB.prepare("SELECT status, last_error FROM messages WHERE id = ?1").bind(messageId).first<{ status: string; last_error: string }>();
		expect(row).toMatchObject({ status: "failed", last_error: expect.stringContaining("dead-lettered") });
	});
});

async function firstSubscriptionId(): Promise<string> {
	const row = await env.DB.prepare("SELECT id FROM subscriptions ORDER BY created_at LIMIT 1").first<{ id: string }>();
	return row!.id;
}
