import type { WebhookConfig } from "../config";
import { describeError, mapConcurrently } from "../shared";
import type { Deliveries } from "../storage/deliveries";
import { HUB_VERIFICATION_PREFIX, type HubSubscriptions } from "../storage/hub-subscriptions";
import type { Subscriptions } from "../storage/subscriptions";
import type { DeadLetter, WebhookQueue, WebhookQueueMessage } from "../storage/webhook-queue";
import { shouldDisableSubscription } from "../webhooks/decision";
import { type FetchFunction, buildSignedRequest } from "../webhooks/deliver";
import { buildPayload } from "../webhooks/event";
import type { RetrySchedule } from "../webhooks/retry-schedule";
import { checkCallbackUrl } from "../webhooks/url-policy";
import { attemptAndLog } from "./delivery-attempt";

export interface DeliveryDependencies {
	deliveries: Deliveries;
	subscriptions: Subscriptions;
	queue: WebhookQueue;
	webhooks: WebhookConfig;
	devMode: boolean;
	now: () => Date;
	schedule?: RetrySchedule;
	random?: () => number;
	fetcher?: FetchFunction;
}

/** What to tell the queue about one message. */
export type QueueVerdict = { action: "ack" } | { action: "retry"; delaySeconds: number };

/** Attempts in flight per batch: Workers allow six simultaneous outgoing connections per invocation. */
const CONCURRENCY = 6;

/**
 * The webhook queue's consumer. Each message is acked or retried on its own once its attempt is logged,
 * so a crash mid-batch leaves the unsettled messages to the queue's redelivery: none is lost, and an
 * already-delivered one is recognised by its status and not sent again.
 */
export async function consumeWebhookBatch(
	batch: MessageBatch<WebhookQueueMessage>,
	deps: DeliveryDependencies,
	/** The queue also carries the WebSub hub's work (src/index.ts routes it by message id). */
	deliver: (messageId: string) => Promise<QueueVerdict> = (messageId) => deliverMessage(messageId, deps),
): Promise<void> {
	await mapConcurrently(batch.messages, CONCURRENCY, async (message) => {
		try {
			const verdict = await deliver(message.body.messageId);
			if (verdict.action === "retry") message.retry({ delaySeconds: verdict.delaySeconds });
			else message.ack();
		} catch (error) {
			// A D1 or queue failure, not the receiver's: let the queue try again (its max_retries ends in the DLQ).
			console.error(`webhook message ${message.body.messageId}: ${describeError(error)}`);
			message.retry();
		}
	});
}

/** Makes one attempt for a message and records it; the verdict says whether the queue should bring it back. */
export async function deliverMessage(messageId: string, deps: DeliveryDependencies): Promise<QueueVerdict> {
	const message = await deps.deliveries.pending(messageId);
	if (!message || message.status === "succeeded" || message.status === "failed") return { action: "ack" };
	const now = deps.now();
	const subscription = await deps.subscriptions.get(message.subscriptionId);
	if (!subscription || !subscription.enabled) {
		await deps.deliveries.markFailed(messageId, subscription ? "subscription is disabled" : "subscription was deleted", now);
		return { action: "ack" };
	}
	// Checked again at send time: a URL stored under dev mode must not be called from production.
	const urlCheck = checkCallbackUrl(subscription.url, { devMode: deps.devMode });
	if (!urlCheck.ok) {
		await deps.deliveries.markFailed(messageId, `callback URL refused: ${urlCheck.reason}`, now);
		return { action: "ack" };
	}

	const request = await buildSignedRequest({
		msgId: messageId,
		body: buildPayload(message.event),
		secrets: await deps.subscriptions.signingSecrets(subscription.id, now),
		now,
	});
	// A redelivery restarts the schedule without renumbering: the log keeps counting, the schedule starts over.
	const { decision, after } = await attemptAndLog({
		deliveries: deps.deliveries,
		messageId,
		subscriptionId: subscription.id,
		eventId: message.event.id,
		progress: message,
		request: { url: subscription.url, ...request, timeoutMs: deps.webhooks.timeoutMs, fetcher: deps.fetcher },
		now: deps.now,
		schedule: deps.schedule,
		random: deps.random,
	});

	if (decision.action === "succeeded") {
		await deps.subscriptions.recordSuccess(subscription.id, after);
		return { action: "ack" };
	}
	const failing = await deps.subscriptions.recordFailure(subscription.id, after);
	if (decision.action === "disable-subscription") {
		await deps.subscriptions.disable(subscription.id, "gone", after);
	} else if (
		shouldDisableSubscription({
			firstFailureAt: new Date(failing.failingSince),
			lastSuccessAt: failing.lastSuccessAt ? new Date(failing.lastSuccessAt) : null,
			now: after,
			disableAfterHours: deps.webhooks.disableAfterHours,
		})
	) {
		await deps.subscriptions.disable(subscription.id, "failing", after);
	}
	if (decision.action === "retry") return { action: "retry", delaySeconds: decision.delaySeconds };
	await deps.queue.deadLetter(messageId, decision.reason);
	return { action: "ack" };
}

/** The dead-letter queue's consumer: whatever arrives there is recorded as failed, with the reason when known. */
export async function consumeDeadLetters(
	batch: MessageBatch<DeadLetter | WebhookQueueMessage>,
	deps: Pick<DeliveryDependencies, "deliveries" | "now"> & { hub?: HubSubscriptions },
): Promise<void> {
	for (const message of batch.messages) {
		const reason = "reason" in message.body ? message.body.reason : `gave up after ${message.attempts} queue deliveries`;
		// A WebSub verification is not an outbox message: it is settled as failed in its own table.
		if (message.body.messageId.startsWith(HUB_VERIFICATION_PREFIX)) await deps.hub?.failVerification(message.body.messageId, `dead-lettered: ${reason}`, deps.now());
		else await deps.deliveries.markFailed(message.body.messageId, `dead-lettered: ${reason}`, deps.now());
		console.warn(`webhook message ${message.body.messageId} dead-lettered: ${reason}`);
		message.ack();
	}
}
