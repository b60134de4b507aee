import { discoveryLinks } from "../hub/links";
import { hubSignature } from "../hub/signature";
import type { Deliveries } from "../storage/deliveries";
import type { HubSubscriptions } from "../storage/hub-subscriptions";
import type { WebhookQueue } from "../storage/webhook-queue";
import { decideAfterAttempt } from "../webhooks/decision";
import { type FetchFunction, USER_AGENT, attemptDelivery } from "../webhooks/deliver";
import { DEFAULT_RETRY_SCHEDULE, type RetrySchedule } from "../webhooks/retry-schedule";
import { messageStatusAfter } from "../webhooks/status";
import { checkCallbackUrl } from "../webhooks/url-policy";
import type { QueueVerdict } from "./deliver-messages";

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
	const result = await attemptDelivery({ url: subscription.callback, body: content.body, headers, timeoutMs: deps.timeoutMs, fetcher: deps.fetcher });
	const attemptNumber = delivery.attempts + 1;
	const decision = decideAfterAttempt(result.outcome, attemptNumber, deps.schedule ?? DEFAULT_RETRY_SCHEDULE, now, deps.random);
	const after = deps.now();
	const error = decision.action === "succeeded" ? result.error : "reason" in decision ? decision.reason : result.error;
	await deps.deliveries.recordAttempt(
		messageId,
		subscription.id,
		delivery.eventId,
		{ attemptNumber, outcome: decision.action, statusCode: result.status, durationMs: result.durationMs, error, responseSnippet: result.responseSnippet },
		{
			status: messageStatusAfter(decision),
			nextAttemptAt: decision.action === "retry" ? new Date(after.getTime() + decision.delaySeconds * 1000).toISOString() : undefined,
		},
		after,
	);
	await deps.hub.recordDelivery(subscription.id, result.status === undefined ? (result.error ?? "no answer") : String(result.status), after);
	if (decision.action === "succeeded") return { action: "ack" };
	if (decision.action === "retry") return { action: "retry", delaySeconds: decision.delaySeconds };
	await deps.hub.end(subscription.id, decision.action === "disable-subscription" ? "gone" : "failing", after);
	if (decision.action !== "disable-subscription") await deps.queue.deadLetter(messageId, decision.reason);
	return { action: "ack" };
}
