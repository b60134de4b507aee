import { discoveryLinks } from "../hub/links";
import { hubSignature } from "../hub/signature";
import type { Deliveries } from "../storage/deliveries";
import type { HubSubscriptions } from "../storage/hub-subscriptions";
import type { WebhookQueue } from "../storage/webhook-queue";
import { type FetchFunction, USER_AGENT } from "../webhooks/deliver";
import type { RetrySchedule } from "../webhooks/retry-schedule";
import { checkCallbackUrl } from "../webhooks/url-policy";
import type { QueueVerdict } from "./deliver-messages";
import { attemptAndLog } from "./delivery-attempt";

export interface HubDeliveryDependencies {
	hub: HubSubscriptions;
	deliveries: Deliveries;
	queue: WebhookQueue;
	devMode: boolean;
	timeoutMs: number;
	now: () => Date;
	schedule?: RetrySchedule;
	random?: () => number;
	fetcher?: FetchFunction;
}

/**
 * Delivers one version of a topic to one subscriber (WebSub §7): POST the exact bytes with the topic's
 * Content-Type, the Link hub and self headers, and X-Hub-Signature when the subscriber gave a secret. The
 * same retry schedule, log and dead-letter queue as webhooks. A subscriber stays subscribed while retries
 * remain; 410 or exhausted retries end its subscription.
 */
export async function deliverHubMessage(messageId: string, deps: HubDeliveryDependencies): Promise<QueueVerdict> {
	const delivery = await deps.hub.delivery(messageId);
	if (!delivery || delivery.status === "succeeded" || delivery.status === "failed") return { action: "ack" };
	const now = deps.now();
	const subscription = delivery.subscription;
	if (!subscription || subscription.state !== "active" || subscription.expiresAt <= now.toISOString()) {
		await deps.deliveries.markFailed(messageId, subscription ? "the subscription ended or its lease expired" : "the subscription was removed", now);
		return { action: "ack" };
	}
	const urlCheck = checkCallbackUrl(subscription.callback, { devMode: deps.devMode });
	if (!urlCheck.ok) {
		await deps.deliveries.markFailed(messageId, `callback URL refused: ${urlCheck.reason}`, now);
		return { action: "ack" };
	}

	const { content } = delivery;
	const headers: Record<string, string> = {
		"content-type": content.contentType,
		link: discoveryLinks(content.hubs, content.topic),
		"user-agent": USER_AGENT,
	};
	if (subscription.secret !== undefined) headers["x-hub-signature"] = await hubSignature(subscription.secret, new TextEncoder().encode(content.body));
	const { decision, result, after } = await attemptAndLog({
		deliveries: deps.deliveries,
		messageId,
		subscriptionId: subscription.id,
		eventId: delivery.eventId,
		progress: delivery,
		request: { url: subscription.callback, body: content.body, headers, timeoutMs: deps.timeoutMs, fetcher: deps.fetcher },
		now: deps.now,
		schedule: deps.schedule,
		random: deps.random,
	});
	await deps.hub.recordDelivery(subscription.id, result.status === undefined ? (result.error ?? "no answer") : String(result.status), after);
	if (decision.action === "succeeded") return { action: "ack" };
	if (decision.action === "retry") return { action: "retry", delaySeconds: decision.delaySeconds };
	await deps.hub.end(subscription.id, decision.action === "disable-subscription" ? "gone" : "failing", after);
	if (decision.action !== "disable-subscription") await deps.queue.deadLetter(messageId, decision.reason);
	return { action: "ack" };
}
