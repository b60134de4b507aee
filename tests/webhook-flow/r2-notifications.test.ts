import { env } from "cloudflare:workers";
import { beforeEach, expect, inject, it } from "vitest";
import { eventually } from "../support/eventually";
import { admin } from "../support/http";
import { fencedPost } from "../support/posts";
import { deliverToWorker, notification, putAndNotify } from "../support/r2-events";
import { received, uniquePath, verifiedByReceiver } from "../support/receiver";
import { resetWebhookState } from "./harness";

beforeEach(() => resetWebhookState());

it("an R2 notification of a new post → one signed webhook that the reference receiver verifies, and none for its redelivery", async () => {
	await env.POSTS.put("old.md", fencedPost({ title: "Old", date: "2026-01-01" }));
	expect((await admin("/api/sync", { method: "POST" })).status).toBe(200);
	const path = uniquePath();
	const created = await admin("/api/subscriptions", { method: "POST", body: JSON.stringify({ url: `${inject("webhookReceiverUrl")}${path}` }) });
	const { secret } = (await created.json()) as { secret: string };

	const event = await putAndNotify("new.md", fencedPost({ title: "Straight from the bucket", date: "2026-02-01" }));
	await deliverToWorker([event]);
	await deliverToWorker([event]);

	const [request] = await eventually(() => received(path), (requests) => requests.length > 0);
	const check = await verifiedByReceiver(request!.headers["webhook-id"]!, secret);
	expect(check.error ?? "verified").toBe("verified");
	expect(check.payload).toMatchObject({ type: "post.published", data: { item: { title: "Straight from the bucket" } } });

	await env.POSTS.delete("new.md");
	await deliverToWorker([notification("DeleteObject", "new.md")]);
	const requests = await eventually(() => received(path), (all) => all.length > 1);
	const deleted = await verifiedByReceiver(requests[1]!.headers["webhook-id"]!, secret);
	expect(deleted.payload).toMatchObject({ type: "post.deleted" });
	expect(requests).toHaveLength(2);
});
