/**
 * What to do after one delivery attempt: a pure function of the outcome, so every branch is testable and the
 * queue consumer only carries it out. Rules from Standard Webhooks:
 * https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md#delivery-behavior
 * - only 2xx is success; a 3xx is a failure (redirects are not followed: a redirect to an internal address
 *   would bypass the URL policy) and is retried like any other failure;
 * - 410 Gone means the receiver wants no more deliveries: disable the subscription, no retry;
 * - 429, 502, 503 and 504 mean "slow down": a Retry-After header is honoured.
 */
import { DEFAULT_RETRY_SCHEDULE, maxAttempts, nextDelay, type RetrySchedule } from "./retry-schedule";

export type AttemptOutcome =
	| { kind: "response"; status: number; retryAfter?: string }
	| { kind: "network-error"; message: string }
	| { kind: "timeout" };

export type Decision =
	| { action: "succeeded" }
	| { action: "retry"; delaySeconds: number; reason: string }
	| { action: "failed"; reason: string }
	| { action: "disable-subscription"; reason: string };

/** Statuses whose Retry-After we honour (RFC 9110 §10.2.3 defines it for 503 and 3xx; 429 is RFC 6585). */
export const RETRY_AFTER_STATUSES: readonly number[] = [429, 502, 503, 504];

/**
 * The longest wait we schedule, whatever the schedule or a Retry-After says: 12 h, the most a Queue accepts
 * for `retry({ delaySeconds })` (https://developers.cloudflare.com/queues/platform/limits/; local miniflare
 * accepts up to 86400, so exceeding it would only fail in production). The default schedule's longest
 * jittered delay, 10 h × 1.2, is exactly this.
 */
export const MAX_DELAY_SECONDS = 12 * 3600;

/**
 * Decides after attempt `attemptNumber` (1-based). With a Retry-After on a slow-down status, the wait is the
 * longer of the header and our own jittered schedule, capped at {@link MAX_DELAY_SECONDS}: a receiver
 * can push a retry later but cannot make us retry sooner than the schedule (`Retry-After: 0` in a loop would
 * otherwise turn retries into a hammer). Such a retry still counts as an attempt, so exhaustion still ends it.
 */
export function decideAfterAttempt(
	outcome: AttemptOutcome,
	attemptNumber: number,
	schedule: RetrySchedule = DEFAULT_RETRY_SCHEDULE,
	now: Date = new Date(),
	random: () => number = Math.random,
): Decision {
	if (outcome.kind === "response" && outcome.status >= 200 && outcome.status <= 299) return { action: "succeeded" };
	if (outcome.kind === "response" && outcome.status === 410) {
		return { action: "disable-subscription", reason: "HTTP 410 Gone: the receiver asked for no more deliveries" };
	}

	const reason = describeFailure(outcome);
	const scheduled = nextDelay(attemptNumber, random, schedule);
	if (scheduled === null) {
		return { action: "failed", reason: `gave up after ${maxAttempts(schedule)} attempts; last: ${reason}` };
	}
	if (outcome.kind === "response" && RETRY_AFTER_STATUSES.includes(outcome.status) && outcome.retryAfter !== undefined) {
		const requested = parseRetryAfter(outcome.retryAfter, now);
		if (requested !== null && requested > scheduled) {
			return { action: "retry", delaySeconds: Math.min(requested, MAX_DELAY_SECONDS), reason: `${reason}, Retry-After ${requested} s` };
		}
	}
	return { action: "retry", delaySeconds: Math.min(scheduled, MAX_DELAY_SECONDS), reason };
}

/**
 * Seconds from `now` that a Retry-After value asks for, or null when it is neither form RFC 9110 §10.2.3
 * allows: delta-seconds (digits only) or an HTTP-date. A date in the past means 0.
 */
export function parseRetryAfter(value: string, now: Date): number | null {
	const trimmed = value.trim();
	if (/^\d+$/.test(trimmed)) return Number(trimmed);
	// HTTP-date always names a weekday and GMT; requiring a letter keeps Date.parse from reading "12" or "-5".
	if (!/^[A-Za-z]{3}/.test(trimmed)) return null;
	const at = Date.parse(trimmed);
	if (Number.isNaN(at)) return null;
	return Math.max(0, Math.ceil((at - now.getTime()) / 1000));
}

export interface DisableCheck {
	/** Start of the current run of failures: the first failed attempt after the last success; null if none. */
	firstFailureAt: Date | null;
	lastSuccessAt: Date | null;
	now: Date;
	disableAfterHours: number;
}

/**
 * Whether an endpoint has only failed for `disableAfterHours` (Svix: 5 days) and should be disabled. One
 * success ends the run, so an endpoint that is flaky but alive is never disabled.
 */
export function shouldDisableSubscription({ firstFailureAt, lastSuccessAt, now, disableAfterHours }: DisableCheck): boolean {
	if (firstFailureAt === null) return false;
	if (lastSuccessAt !== null && lastSuccessAt.getTime() >= firstFailureAt.getTime()) return false;
	return now.getTime() - firstFailureAt.getTime() >= disableAfterHours * 3600 * 1000;
}

function describeFailure(outcome: AttemptOutcome): string {
	switch (outcome.kind) {
		case "timeout":
			return "timed out";
		case "network-error":
			return `network error: ${outcome.message}`;
		case "response":
			return outcome.status >= 300 && outcome.status <= 399 ? `HTTP ${outcome.status} (redirects are not followed)` : `HTTP ${outcome.status}`;
	}
}
