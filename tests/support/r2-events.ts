import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import worker from "../../src/index";

/** The body R2 sends to the queue (developers.cloudflare.com/r2/buckets/event-notifications/#message-format). */
export function notification(action: "PutObject" | "CopyObject" | "DeleteObject", key: string, object: { size?: number; eTag?: string } = {}) {
	return { account: "3f4b7e3dcab231cbfdaa90a6a28bd548", action, bucket: "pressroom-posts", object: { key, ...object }, eventTime: new Date().toISOString() };
}

/** Puts an object and returns the notification R2 would send for it. */
export async function putAndNotify(key: string, body: string | Uint8Array) {
	const object = await env.POSTS.put(key, body);
	return notification("PutObject", key, { size: object!.size, eTag: object!.etag });
}

/** Hands one batch to the Worker's queue handler, as the queue would, and returns what it acked and retried. */
export async function deliverToWorker(bodies: unknown[], bindings: Cloudflare.Env = env, { attempts = 1 } = {}) {
	const batch = createMessageBatch(
		"pressroom-r2-events",
		bodies.map((body, i) => ({ id: `r2-${i}-${crypto.randomUUID()}`, timestamp: new Date(), attempts, body })),
	);
	const ctx = createExecutionContext();
	await worker.queue(batch, bindings);
	return getQueueResult(batch, ctx);
}
