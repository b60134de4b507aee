import type { Deliveries } from "../storage/deliveries";
import type { AttemptTrigger } from "../webhooks/status";
import { type Decision, decideAfterAttempt } from "../webhooks/decision";
import { type AttemptRequest, type AttemptResult, attemptDelivery } from "../webhooks/deliver";
import { DEFAULT_RETRY_SCHEDULE, type RetrySchedule } from "../webhooks/retry-schedule";
import { messageStatusAfter } from "../webhooks/status";

/** Where a message stands before its next attempt. */
export interface MessageProgress {
	attempts: number;
	/** Attempts since the schedule last started over (a redeliver restarts it without renumbering). */
	scheduleAttempts: number;
	nextTrigger: AttemptTrigger;
}

/**
 * One attempt of a message, webhook or WebSub content alike: the HTTP request, the decision of the retry
 * schedule, and the attempt and the message's new state written to the delivery log.
 */
export async function attemptAndLog(args: {
	deliveries: Deliveries;
	messageId: string;
	subscriptionId: string;
	eventId: string;
	progress: MessageProgress;
	request: AttemptRequest;
	now: () => Date;
	schedule?: RetrySchedule;
	random?: () => number;
	/** Applied to the error and the response snippet before they are logged (a chat URL must not be quoted). */
	redact?: (text: string) => string;
}): Promise<{ decision: Decision; result: AttemptResult; after: Date }> {
	const started = args.now();
	const attemptNumber = args.progress.attempts + 1;
	const schedulePosition = args.progress.scheduleAttempts + 1;
	const result = await attemptDelivery(args.request);
	const decision = decideAfterAttempt(result.outcome, schedulePosition, args.schedule ?? DEFAULT_RETRY_SCHEDULE, started, args.random);
	const after = args.now();
	const redact = args.redact ?? ((text: string) => text);
	const rawError = decision.action === "succeeded" ? result.error : "reason" in decision ? decision.reason : result.error;
	const error = rawError === undefined ? undefined : redact(rawError);
	await args.deliveries.recordAttempt(
		args.messageId,
		args.subscriptionId,
		args.eventId,
		{
			attemptNumber,
			trigger: args.progress.nextTrigger,
			outcome: decision.action,
			statusCode: result.status,
			durationMs: result.durationMs,
			error,
			responseSnippet: redact(result.responseSnippet),
		},
		{
			status: messageStatusAfter(decision),
			scheduleAttempts: schedulePosition,
			nextAttemptAt: decision.action === "retry" ? new Date(after.getTime() + decision.delaySeconds * 1000).toISOString() : undefined,
		},
		after,
	);
	return { decision, result, after };
}
