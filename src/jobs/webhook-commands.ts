import type { WebhookCommands } from "../http/context";
import type { Deliveries } from "../storage/deliveries";
import type { Subscriptions } from "../storage/subscriptions";
import type { WebhookQueue } from "../storage/webhook-queue";
import { buildPingEvent, messageId } from "../webhooks/event";

/** The admin API's webhook operations: everything goes through the outbox and the queue, like sync events. */
export function webhookCommands(deps: { deliveries: Deliveries; subscriptions: Subscriptions; queue: WebhookQueue; now: () => Date }): WebhookCommands {
	return {
		async sendPing(subscriptionId) {
			const now = deps.now();
			const event = buildPingEvent(now);
			const id = await messageId(event.id, subscriptionId);
			await deps.deliveries.write([deps.deliveries.insertEvent(event, null), deps.deliveries.insertMessage(id, event.id, subscriptionId, now)]);
			await deps.queue.enqueue([id]);
			await deps.deliveries.markEnqueued([id], now);
			return { eventId: event.id, messageId: id };
		},

		async redeliver(id) {
			const now = deps.now();
			const reset = await deps.deliveries.resetForRedelivery(id, now);
			if (!reset) return undefined;
			await deps.queue.enqueue([id]);
			await deps.deliveries.markEnqueued([id], now);
			return reset;
		},

		deliveries: (subscriptionId, page) => deps.deliveries.page(subscriptionId, page),

		async health() {
			const [subscriptions, messages] = await Promise.all([deps.subscriptions.needingAttention(), deps.deliveries.countsByStatus()]);
			return { subscriptions, messages };
		},
	};
}
