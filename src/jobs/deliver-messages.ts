import type { WebhookConfig } from "../config";
import { describeError, mapConcurrently } from "../shared";
import type { Deliveries } from "../storage/deliveries";
import { HUB_VERIFICATION_PREFIX, type HubSubscriptions } from "../storage/hub-subscriptions";
import type { Subscriptions } from "../storage/subscriptions";
import type { DeadLetter, WebhookQueue, WebhookQueueMessage } from "../storage/webhook-queue";
import { shouldDisableSubscription } from "../webhooks/decision";
import { type FetchFunction, USER_AGENT, buildSignedRequest } from "../webhooks/deliver";
import { MAX_INLINE_WAIT_MS, minSendIntervalMs, pacingStep } from "../webhooks/chat-pacing";
import { type DeliveryFormat, hideChatUrl, isChatFormat, payloadFor } from "../webhooks/delivery-format";
import type { WebhookEvent } from "../webhooks/event";
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
	/** Waits for a chat webhook's send slot; tests pass one that moves their clock. */
	sleep?: (ms: number) => Promise<void>;
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
	const endpoint = subscription && (await deps.subscriptions.deliveryEndpoint(subscription.id, now));
	if (!subscription || !endpoint || !subscription.enabled) {
		await deps.deliveries.markFailed(messageId, subscription && endpoint ? "subscription is disabled" : "subscription was deleted", now);
		return { action: "ack" };
	}
	// A chat webhook's URL is its secret: the log never quotes it, whatever the receiver or the runtime says.
	const hideUrl = (text: string): string => hideChatUrl(endpoint.format, endpoint.url, text);
	// Checked again at send time: a URL stored under dev mode must not be called from production.
	const urlCheck = checkCallbackUrl(endpoint.url, { devMode: deps.devMode });
	if (!urlCheck.ok) {
		await deps.deliveries.markFailed(messageId, hideUrl(`callback URL refused: ${urlCheck.reason}`), now);
		return { action: "ack" };
	}

	const interval = minSendIntervalMs(endpoint.format);
	if (interval > 0) {
		const step = pacingStep(await deps.subscriptions.reserveSendSlot(subscription.id, now.getTime(), interval, MAX_INLINE_WAIT_MS), now.getTime());
		// Not an attempt: nothing is logged and the retry schedule does not move.
		if (step.action === "defer") return { action: "retry", delaySeconds: step.delaySeconds };
		if (step.action === "wait") await (deps.sleep ?? sleep)(step.ms);
	}

	const request = await deliveryRequest(endpoint.format, message.event, messageId, endpoint.secrets, deps.now());
	// A redelivery restarts the schedule without renumbering: the log keeps counting, the schedule starts over.
	const { decision, after } = await attemptAndLog({
		deliveries: deps.deliveries,
		messageId,
		subscriptionId: subscription.id,
		eventId: message.event.id,
		progress: message,
		request: { url: endpoint.url, ...request, timeoutMs: deps.webhooks.timeoutMs, fetcher: deps.fetcher },
		redact: hideUrl,
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
	await deps.queue.deadLetter(messageId, hideUrl(decision.reason));
	return { action: "ack" };
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The body and headers of one attempt. Chat services verify no signature, so they get no Standard Webhooks
 * headers: a signature nobody checks would only suggest a protection that is not there.
 */
async function deliveryRequest(
	format: DeliveryFormat,
	event: WebhookEvent,
	messageId: string,
	secrets: readonly string[],
	now: Date,
): Promise<{ body: string; headers: Record<string, string> }> {
	const body = payloadFor(format, event);
	if (isChatFormat(format)) return { body, headers: { "content-type": "application/json", "user-agent": USER_AGENT } };
	return buildSignedRequest({ msgId: messageId, body, secrets, now });
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
