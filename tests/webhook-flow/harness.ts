import { env } from "cloudflare:workers";
import { inject } from "vitest";
import { webhookSyncHooks } from "../../src/jobs/announce-changes";
import { type DeliveryDependencies, deliverMessage } from "../../src/jobs/deliver-messages";
import { Announcements } from "../../src/storage/announcements";
import { Deliveries } from "../../src/storage/deliveries";
import { Subscriptions } from "../../src/storage/subscriptions";
import { type DeadLetter, WebhookQueue, type WebhookQueueMessage } from "../../src/storage/webhook-queue";
import type { DeliveryFormat } from "../../src/webhooks/delivery-format";
import { generateSecret } from "../../src/webhooks/secret";
import { emptyCatalogAndBucket, syncHarness } from "../support/state";

export const WEBHOOK_TABLES = ["attempts", "messages", "events", "announcements", "subscriptions", "announcement_candidates"];

/** Empty tables, and an announcer that has never looked at the clock, as after the migrations. */
export async function resetWebhookState(): Promise<void> {
	await emptyCatalogAndBucket(WEBHOOK_TABLES);
	await env.DB.prepare("UPDATE announce_clock SET checked_through = NULL").run();
}

/**
 * Records what the sync hands to the queue, so the decision tests drive each attempt themselves with a
 * clock they control. The end-to-end test (flow.test.ts) uses the real Queue simulator instead.
 */
export class RecordingQueue<Body> {
	sent: Body[] = [];
	async send(body: Body): Promise<void> {
		this.sent.push(body);
	}
	async sendBatch(messages: Iterable<{ body: Body }>): Promise<void> {
		for (const message of messages) this.sent.push(message.body);
	}
}

/** A catalog sync plus webhook fan-out and delivery, on real D1/R2 and the real receiver on 127.0.0.1. */
export function webhookHarness(options: { now?: Date } = {}) {
	const sync = syncHarness({ now: options.now });
	const queued = new RecordingQueue<WebhookQueueMessage>();
	const deadLettered = new RecordingQueue<DeadLetter>();
	const queue = new WebhookQueue(queued as unknown as Queue<WebhookQueueMessage>, deadLettered as unknown as Queue<DeadLetter>);
	const deliveries = new Deliveries(env.DB);
	const subscriptions = new Subscriptions(env.DB);
	const announcements = new Announcements(env.DB);
	Object.assign(sync.deps, webhookSyncHooks({ announcements, deliveries, subscriptions, queue }));
	const sleeps: number[] = [];
	const deliveryDeps: DeliveryDependencies = {
		deliveries,
		subscriptions,
		queue,
		webhooks: { timeoutMs: 2_000, disableAfterHours: 120 },
		devMode: true,
		now: () => sync.clock.now,
		random: () => 0.5,
		// Waiting for a chat webhook's send slot moves the controlled clock instead of the test's time.
		sleep: async (ms) => {
			sleeps.push(ms);
			sync.clock.now = new Date(sync.clock.now.getTime() + ms);
		},
	};
	return {
		...sync,
		queue,
		queued,
		/** Every wait for a send slot, in ms. */
		sleeps,
		deadLettered,
		deliveries,
		subscriptions,
		deliveryDeps,
		async subscribe(path: string, extra: { tags?: string[]; categories?: string[]; eventTypes?: string[]; format?: DeliveryFormat } = {}) {
			const secret = generateSecret();
			const subscription = await subscriptions.create(
				{
					url: `${inject("webhookReceiverUrl")}${path}`,
					description: "",
					eventTypes: (extra.eventTypes ?? ["post.published", "post.updated", "post.deleted"]) as never,
					filters: { tags: extra.tags ?? [], categories: extra.categories ?? [] },
					format: extra.format ?? "standard-webhooks",
					enabled: true,
				},
				secret,
				sync.clock.now,
			);
			return { subscription, secret };
		},
		/** Delivers everything queued so far, once each, as the queue consumer would. */
		async deliverQueued() {
			const ids = queued.sent.splice(0).map((body) => body.messageId);
			return Promise.all(ids.map(async (id) => ({ id, verdict: await deliverMessage(id, deliveryDeps) })));
		},
	};
}
