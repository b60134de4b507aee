import type { WebhookConfig } from "../config";
import type { Deliveries } from "../storage/deliveries";
import type { Subscriptions } from "../storage/subscriptions";
import type { DeadLetter, WebhookQueue, WebhookQueueMessage } from "../storage/webhook-queue";
import { decideAfterAttempt, shouldDisableSubscription } from "../webhooks/decision";
import { type FetchFunction, attemptDelivery, buildSignedRequest } from "../webhooks/deliver";
import { buildPayload } from "../webhooks/event";
import { DEFAULT_RETRY_SCHEDULE, type RetrySchedule } from "../webhooks/retry-schedule";
import { messageStatusAfter } from "../webhooks/status";
import { checkCallbackUrl } from "../webhooks/url-policy";

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
	let next = 0;
	const worker = async () => {
		while (next < batch.messages.length) {
			const message = batch.messages[next++]!;
			try {
				const verdict = await deliver(message.body.messageId);
				if (verdict.action === "retry") message.retry({ delaySeconds: verdict.delaySeconds });
				else message.ack();
			} catch (error) {
				// A D1 or queue failure, not the receiver's: let the queue try again (its max_retries ends in the DLQ).
				console.error(`webhook message ${message.body.messageId}: ${error instanceof Error ? error.message : String(error)}`);
				message.retry();
			}
		}
	};
	await Promise.all(Array.from({ length: Math.min(CONCURRENCY, batch.messages.length) }, worker));
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

	const attemptNumber = message.attempts + 1;
	const request = await buildSignedRequest({
		msgId: messageId,
		body: buildPayload(message.event),
		secrets: await deps.subscriptions.signingSecrets(subscription.id, now),
		now,
	});
	const result = await attemptDelivery({ url: subscription.url, ...request, timeoutMs: deps.webhooks.timeoutMs, fetcher: deps.fetcher });
	const decision = decideAfterAttempt(result.outcome, attemptNumber, deps.schedule ?? DEFAULT_RETRY_SCHEDULE, now, deps.random);
	const after = deps.now();
	const error = decision.action === "succeeded" ? result.error : "reason" in decision ? decision.reason : result.error;
	await deps.deliveries.recordAttempt(
		messageId,
		subscription.id,
		message.event.id,
		{ attemptNumber, outcome: decision.action, statusCode: result.status, durationMs: result.durationMs, error, responseSnippet: result.responseSnippet },
		{
			status: messageStatusAfter(decision),
			nextAttemptAt: decision.action === "retry" ? new Date(after.getTime() + decision.delaySeconds * 1000).toISOString() : undefined,
		},
		after,
	);

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
export async function consumeDeadLetters(batch: MessageBatch<DeadLetter | WebhookQueueMessage>, deps: Pick<DeliveryDependencies, "deliveries" | "now">): Promise<void> {
	for (const message of batch.messages) {
		const reason = "reason" in message.body ? message.body.reason : `gave up after ${message.attempts} queue deliveries`;
		await deps.deliveries.markFailed(message.body.messageId, `dead-lettered: ${reason}`, deps.now());
		console.warn(`webhook message ${message.body.messageId} dead-lettered: ${reason}`);
		message.ack();
	}
}
