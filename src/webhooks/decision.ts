/**
 * What to do after one delivery attempt: a pure function of the outcome, so every branch is testable and the
 * queue consumer only carries it out. Rules from Standard Webhooks:
 * https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md#delivery-behavior
 * - only 2xx is success; a 3xx is a failure (redirects are not followed: a redirect to an internal address
 *   would bypass the URL policy) and is retried like any other failure;
 * - 410 Gone means the receiver wants no more deliveries: disable the subscription, no retry;
 * - 429, 502, 503 and 504 mean "slow down": a Retry-After header is honoured, and so is the `retry_after` of a
 *   JSON body (seconds, may be fractional), where Discord puts it:
 *   https://discord.com/developers/docs/topics/rate-limits#exceeding-a-rate-limit
 */
import { DEFAULT_RETRY_SCHEDULE, longestDelay, maxAttempts, nextDelay, type RetrySchedule } from "./retry-schedule";

export type AttemptOutcome =
	| {
			kind: "response";
			status: number;
			retryAfter?: string;
			/** The start of a JSON answer to a slow-down status, for its `retry_after` (Discord). */
			jsonBody?: string;
	  }
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
 * Decides after attempt `attemptNumber` (1-based position in the retry schedule). With a Retry-After on a
 * slow-down status, the wait is the header clamped to the schedule's bounds: never shorter than our own
 * jittered delay (`Retry-After: 0` in a loop would otherwise turn retries into a hammer), never longer than
 * the schedule's longest delay (a receiver answering "a year" must not park a message for a year), and never
 * past {@link MAX_DELAY_SECONDS}. An unreadable Retry-After is ignored. Such a retry still counts as an
 * attempt, so exhaustion still ends it.
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

	const reason = describeOutcome(outcome);
	const scheduled = nextDelay(attemptNumber, random, schedule);
	if (scheduled === null) {
		return { action: "failed", reason: `gave up after ${maxAttempts(schedule)} attempts; last: ${reason}` };
	}
	const ceiling = Math.min(longestDelay(schedule), MAX_DELAY_SECONDS);
	const floor = Math.min(scheduled, MAX_DELAY_SECONDS);
	if (outcome.kind === "response" && RETRY_AFTER_STATUSES.includes(outcome.status)) {
		const requested = requestedWait(outcome, now);
		if (requested !== null && requested > floor) {
			if (requested > ceiling) return { action: "retry", delaySeconds: Math.max(floor, ceiling), reason: `${reason}, Retry-After capped at ${Math.max(floor, ceiling)} s` };
			return { action: "retry", delaySeconds: requested, reason: `${reason}, Retry-After ${requested} s` };
		}
	}
	return { action: "retry", delaySeconds: floor, reason };
}

/**
 * The longest wait the answer asks for, in whole seconds (a Queue delay is an integer, so 1.5 s becomes 2 s):
 * the Retry-After header and a JSON body's `retry_after`; null when neither is readable.
 */
function requestedWait(outcome: AttemptOutcome & { kind: "response" }, now: Date): number | null {
	const header = outcome.retryAfter === undefined ? null : parseRetryAfter(outcome.retryAfter, now);
	const body = outcome.jsonBody === undefined ? null : parseJsonRetryAfter(outcome.jsonBody);
	if (header === null) return body;
	return body === null ? header : Math.max(header, body);
}

/** Whole seconds from a JSON body's `retry_after` (a non-negative number of seconds), or null. */
export function parseJsonRetryAfter(body: string): number | null {
	let parsed: unknown;
	try {
		parsed = JSON.parse(body);
	} catch {
		return null;
	}
	if (typeof parsed !== "object" || parsed === null || !("retry_after" in parsed)) return null;
	const seconds = (parsed as { retry_after: unknown }).retry_after;
	return typeof seconds === "number" && Number.isFinite(seconds) && seconds >= 0 ? Math.ceil(seconds) : null;
}

const DAY_NAMES = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"] as const;
const LONG_DAY_NAMES = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"] as const;
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"] as const;
const DAY = `(${DAY_NAMES.join("|")})`;
const MONTH = `(${MONTHS.join("|")})`;
const TIME = "(\\d{2}):(\\d{2}):(\\d{2})";
/** The three HTTP-date forms a recipient must accept (RFC 9110 §5.6.7): IMF-fixdate, rfc850-date, asctime-date. */
const IMF_FIXDATE = new RegExp(`^${DAY}, (\\d{2}) ${MONTH} (\\d{4}) ${TIME} GMT$`);
const RFC850_DATE = new RegExp(`^(${LONG_DAY_NAMES.join("|")}), (\\d{2})-${MONTH}-(\\d{2}) ${TIME} GMT$`);
const ASCTIME_DATE = new RegExp(`^${DAY} ${MONTH} ([ \\d]\\d) ${TIME} (\\d{4})$`);

/**
 * Seconds from `now` that a Retry-After value asks for, or null when it is neither form RFC 9110 §10.2.3
 * allows: delta-seconds (digits only) or an HTTP-date (§5.6.7, read strictly: `Date.parse` would also take
 * "later 2030" or a date in another zone). A date in the past means 0; delta-seconds too long for a number
 * mean Infinity, which the caller clamps.
 */
export function parseRetryAfter(value: string, now: Date): number | null {
	const trimmed = value.trim();
	if (/^\d+$/.test(trimmed)) return Number(trimmed);
	const at = parseHttpDate(trimmed, now);
	if (at === null) return null;
	return Math.max(0, Math.ceil((at - now.getTime()) / 1000));
}

/** Milliseconds since the epoch of an HTTP-date, or null when it is not one or names a moment that does not exist. */
function parseHttpDate(text: string, now: Date): number | null {
	const fields = httpDateFields(text, now);
	if (!fields) return null;
	const [year, month, day, hour, minute, second] = fields;
	const at = new Date(Date.UTC(year, month, day, hour, minute, second));
	// Date.UTC rolls "31 Feb" or "25:00" over into another day; a real date comes back unchanged.
	const again = [at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate(), at.getUTCHours(), at.getUTCMinutes(), at.getUTCSeconds()];
	return again.join() === fields.join() ? at.getTime() : null;
}

/** [year, month (0–11), day, hour, minute, second] of whichever of the three forms `text` is. */
function httpDateFields(text: string, now: Date): [number, number, number, number, number, number] | null {
	const month = (name: string | undefined): number => MONTHS.indexOf(name as (typeof MONTHS)[number]);
	let match = IMF_FIXDATE.exec(text);
	if (match) return [Number(match[4]), month(match[3]), Number(match[2]), Number(match[5]), Number(match[6]), Number(match[7])];
	match = RFC850_DATE.exec(text);
	if (match) {
		// A two-digit year more than 50 years ahead is the most recent such year in the past (RFC 9110 §5.6.7).
		let year = Math.floor(now.getUTCFullYear() / 100) * 100 + Number(match[4]);
		if (year > now.getUTCFullYear() + 50) year -= 100;
		return [year, month(match[3]), Number(match[2]), Number(match[5]), Number(match[6]), Number(match[7])];
	}
	match = ASCTIME_DATE.exec(text);
	if (match) return [Number(match[7]), month(match[2]), Number(match[3]), Number(match[4]), Number(match[5]), Number(match[6])];
	return null;
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

function describeOutcome(outcome: AttemptOutcome): string {
	switch (outcome.kind) {
		case "timeout":
			return "timed out";
		case "network-error":
			return `network error: ${outcome.message}`;
		case "response":
			return outcome.status >= 300 && outcome.status <= 399 ? `HTTP ${outcome.status} (redirects are not followed)` : `HTTP ${outcome.status}`;
	}
}
