import { describe, expect, it } from "vitest";
import { decideAfterAttempt, MAX_DELAY_SECONDS, parseRetryAfter, shouldDisableSubscription, type AttemptOutcome } from "../../src/webhooks/decision";
import { DEFAULT_RETRY_SCHEDULE, longestDelay, type RetrySchedule } from "../../src/webhooks/retry-schedule";

const NOW = new Date("2026-03-01T12:00:00Z");
const middle = (): number => 0.5;
const response = (status: number, retryAfter?: string): AttemptOutcome =>
	retryAfter === undefined ? { kind: "response", status } : { kind: "response", status, retryAfter };
const decide = (outcome: AttemptOutcome, attempt = 1) => decideAfterAttempt(outcome, attempt, DEFAULT_RETRY_SCHEDULE, NOW, middle);

describe("decideAfterAttempt", () => {
	it("honours the JSON retry_after of a 429 (Discord: seconds, fractional), rounded up to whole seconds", () => {
		const discord = (body: string, retryAfter?: string): AttemptOutcome => ({ kind: "response", status: 429, jsonBody: body, ...(retryAfter ? { retryAfter } : {}) });
		const short: RetrySchedule = { delaysSeconds: [1, 60], jitterRatio: 0 };
		expect(decideAfterAttempt(discord('{"message":"You are being rate limited.","retry_after":1.5,"global":false}'), 1, short, NOW, middle)).toEqual({
			action: "retry",
			delaySeconds: 2,
			reason: "HTTP 429, Retry-After 2 s",
		});
		expect(decide(discord('{"retry_after": 64.57}'))).toMatchObject({ action: "retry", delaySeconds: 65 });
		// The longer of header and body wins; either alone is enough.
		expect(decide(discord('{"retry_after": 30}', "90"))).toMatchObject({ delaySeconds: 90 });
		expect(decide(discord('{"retry_after": 90}', "30"))).toMatchObject({ delaySeconds: 90 });
		// Still within the schedule's bounds, and an unreadable body is ignored.
		expect(decide(discord('{"retry_after": 0.2}'))).toMatchObject({ delaySeconds: 5 });
		expect(decide(discord('{"retry_after": 1e9}'))).toMatchObject({ delaySeconds: longestDelay(DEFAULT_RETRY_SCHEDULE) });
		for (const body of ["not json", '{"retry_after":"60"}', '{"retry_after":-5}', "[]", "null"]) expect(decide(discord(body))).toMatchObject({ delaySeconds: 5 });
	});

	it.each([200, 201, 202, 204, 299])("counts HTTP %i as delivered", (status) => {
		expect(decide(response(status))).toEqual({ action: "succeeded" });
	});

	it.each([301, 302, 303, 307, 308])("does not count redirect %i as delivered and retries it on schedule", (status) => {
		expect(decide(response(status), 2)).toEqual({ action: "retry", delaySeconds: 300, reason: `HTTP ${status} (redirects are not followed)` });
	});

	it("disables the subscription on 410 Gone without retrying, even with attempts left", () => {
		expect(decide(response(410))).toMatchObject({ action: "disable-subscription", reason: expect.stringMatching(/410 Gone/) });
	});

	it.each([500, 400, 401, 404, 100])("retries HTTP %i on the schedule", (status) => {
		expect(decide(response(status), 3)).toEqual({ action: "retry", delaySeconds: 1800, reason: `HTTP ${status}` });
	});

	it("retries a timeout and a network error on the schedule", () => {
		expect(decide({ kind: "timeout" })).toEqual({ action: "retry", delaySeconds: 5, reason: "timed out" });
		expect(decide({ kind: "network-error", message: "connection refused" }, 4)).toEqual({
			action: "retry",
			delaySeconds: 7200,
			reason: "network error: connection refused",
		});
	});

	it("applies jitter from the injected random source", () => {
		expect(decideAfterAttempt(response(500), 2, DEFAULT_RETRY_SCHEDULE, NOW, () => 0)).toMatchObject({ delaySeconds: 240 });
	});

	it("honours Retry-After in delta-seconds on 429 when it asks for longer than the schedule", () => {
		expect(decide(response(429, "120"))).toEqual({ action: "retry", delaySeconds: 120, reason: "HTTP 429, Retry-After 120 s" });
	});

	it("honours Retry-After as an HTTP-date on 429", () => {
		expect(decide(response(429, "Sun, 01 Mar 2026 12:10:00 GMT"))).toMatchObject({ action: "retry", delaySeconds: 600 });
	});

	it.each([502, 503, 504])("honours Retry-After on HTTP %i", (status) => {
		expect(decide(response(status, "90"))).toMatchObject({ action: "retry", delaySeconds: 90 });
	});

	it("keeps the scheduled delay when Retry-After asks for less, so a receiver cannot make us retry sooner", () => {
		expect(decide(response(503, "0"), 3)).toEqual({ action: "retry", delaySeconds: 1800, reason: "HTTP 503" });
		expect(decide(response(429, "Sun, 01 Mar 2026 11:00:00 GMT"), 2)).toMatchObject({ delaySeconds: 300 });
	});

	it("caps Retry-After at 12 hours, the longest delay a Queue accepts", () => {
		expect(MAX_DELAY_SECONDS).toBe(43_200);
		expect(decide(response(429, "604800"))).toMatchObject({ action: "retry", delaySeconds: 43_200 });
	});

	it("never schedules past 12 hours, even at the top of the jitter range or with a longer custom schedule", () => {
		expect(decideAfterAttempt(response(500), 7, DEFAULT_RETRY_SCHEDULE, NOW, () => 0.999_999)).toMatchObject({ delaySeconds: 43_200 });
		expect(decideAfterAttempt(response(500), 1, { delaysSeconds: [86_400], jitterRatio: 0 }, NOW)).toMatchObject({ delaySeconds: 43_200 });
	});

	it("ignores Retry-After on statuses that do not mean slow down, and ignores an unreadable one", () => {
		expect(decide(response(500, "3600"))).toMatchObject({ delaySeconds: 5 });
		expect(decide(response(429, "soon"))).toMatchObject({ delaySeconds: 5 });
	});

	it("gives up once the schedule is exhausted, naming the last failure", () => {
		expect(decide(response(500), 7)).toMatchObject({ action: "retry", delaySeconds: 36000 });
		expect(decide(response(500), 8)).toEqual({ action: "failed", reason: "gave up after 8 attempts; last: HTTP 500" });
		expect(decide({ kind: "timeout" }, 8)).toEqual({ action: "failed", reason: "gave up after 8 attempts; last: timed out" });
	});

	it("gives up on exhaustion even when the receiver sent Retry-After", () => {
		expect(decide(response(429, "60"), 8)).toMatchObject({ action: "failed" });
	});

	it("still counts a success on the last attempt", () => {
		expect(decide(response(200), 8)).toEqual({ action: "succeeded" });
	});
});

describe("a Retry-After that asks too much or makes no sense", () => {
	// No jitter, so the schedule's longest delay is exactly 600 s.
	const short: RetrySchedule = { delaysSeconds: [10, 60, 600], jitterRatio: 0 };
	const decideShort = (retryAfter: string, attempt = 1) => decideAfterAttempt(response(429, retryAfter), attempt, short, NOW, middle);

	it.each([
		["a year in delta-seconds", "31536000"],
		["delta-seconds too long for a number", "9".repeat(400)],
		["an HTTP-date a year ahead", "Mon, 01 Mar 2027 12:00:00 GMT"],
		["an obsolete RFC 850 date a year ahead", "Monday, 01-Mar-27 12:00:00 GMT"],
		["an asctime date a year ahead", "Mon Mar  1 12:00:00 2027"],
	])("clamps %s to the schedule's longest delay", (_name, value) => {
		expect(decideShort(value)).toEqual({ action: "retry", delaySeconds: 600, reason: "HTTP 429, Retry-After capped at 600 s" });
	});

	it.each([
		["a date in the past", "Sun, 01 Mar 2020 12:00:00 GMT"],
		["a negative number", "-5"],
		["a fraction", "120.5"],
		["an exponent", "1e6"],
		["words", "soon"],
		["words with a year, which Date.parse reads as a date", "later 2030"],
		["a weekday and a number, which Date.parse reads as a date", "Mon 5"],
		["an HTTP-date in another zone than GMT", "Mon, 01 Mar 2027 12:00:00 +0900"],
		["an impossible day of the month", "Wed, 31 Feb 2027 12:00:00 GMT"],
		["an hour past 23", "Mon, 01 Mar 2027 25:00:00 GMT"],
		["an empty value", ""],
		["a NUL after the digits", "3600\u0000"],
	])("ignores %s and keeps the scheduled delay", (_name, value) => {
		expect(decideShort(value, 2)).toEqual({ action: "retry", delaySeconds: 60, reason: "HTTP 429" });
	});

	it("never waits longer than 12 hours, whatever the schedule and the header say", () => {
		const long: RetrySchedule = { delaysSeconds: [30 * 86_400], jitterRatio: 0 };
		expect(decideAfterAttempt(response(503, "31536000"), 1, long, NOW, middle)).toMatchObject({ action: "retry", delaySeconds: MAX_DELAY_SECONDS });
	});

	it("names the schedule's longest delay, jitter included, as the most a receiver can ask for", () => {
		expect(longestDelay(DEFAULT_RETRY_SCHEDULE)).toBe(43_200);
		expect(longestDelay(short)).toBe(600);
		expect(longestDelay({ delaysSeconds: [100], jitterRatio: 0.5 })).toBe(150);
	});
});

describe("parseRetryAfter", () => {
	it.each([
		["120", 120],
		[" 7 ", 7],
		["Sun, 01 Mar 2026 12:00:30 GMT", 30],
		["Sunday, 01-Mar-26 12:01:00 GMT", 60],
		["Sun, 01 Mar 2026 11:00:00 GMT", 0],
		["-5", null],
		["1.5", null],
		["12", 12],
		["", null],
		["tomorrow", null],
	] as const)("reads %j as %s seconds", (value, seconds) => {
		expect(parseRetryAfter(value, NOW)).toBe(seconds);
	});
});

describe("shouldDisableSubscription", () => {
	const hoursAgo = (hours: number): Date => new Date(NOW.getTime() - hours * 3600 * 1000);

	it("disables after failing without a success for the configured time", () => {
		expect(shouldDisableSubscription({ firstFailureAt: hoursAgo(120), lastSuccessAt: hoursAgo(200), now: NOW, disableAfterHours: 120 })).toBe(true);
		expect(shouldDisableSubscription({ firstFailureAt: hoursAgo(121), lastSuccessAt: null, now: NOW, disableAfterHours: 120 })).toBe(true);
	});

	it("keeps a subscription that has been failing for less than that", () => {
		expect(shouldDisableSubscription({ firstFailureAt: hoursAgo(119), lastSuccessAt: null, now: NOW, disableAfterHours: 120 })).toBe(false);
	});

	it("keeps a subscription with no failures", () => {
		expect(shouldDisableSubscription({ firstFailureAt: null, lastSuccessAt: hoursAgo(500), now: NOW, disableAfterHours: 1 })).toBe(false);
	});

	it("keeps a flaky subscription whose last success came after the first failure", () => {
		expect(shouldDisableSubscription({ firstFailureAt: hoursAgo(300), lastSuccessAt: hoursAgo(2), now: NOW, disableAfterHours: 120 })).toBe(false);
	});
});
