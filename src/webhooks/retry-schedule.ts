/**
 * When to try a failed message again. The schedule is data (so the lead can store or tune it) and follows
 * the reference sender, Svix: immediately, then 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h, each ±20 %.
 * https://docs.svix.com/retries
 * Jitter keeps endpoints that failed together (an outage) from being retried together.
 */

export interface RetrySchedule {
	/** Seconds to wait after attempt 1, 2, …; its length is the number of retries after the first attempt. */
	readonly delaysSeconds: readonly number[];
	/** 0.2 means each delay is drawn uniformly from [0.8, 1.2) × its scheduled value. */
	readonly jitterRatio: number;
}

export const DEFAULT_RETRY_SCHEDULE: RetrySchedule = {
	delaysSeconds: [5, 5 * 60, 30 * 60, 2 * 3600, 5 * 3600, 10 * 3600, 10 * 3600],
	jitterRatio: 0.2,
};

/** The first attempt plus one per scheduled retry: 8 with the default schedule. */
export function maxAttempts(schedule: RetrySchedule = DEFAULT_RETRY_SCHEDULE): number {
	return schedule.delaysSeconds.length + 1;
}

/**
 * The longest wait the schedule can produce: its longest delay at the top of the jitter range. It bounds what
 * a receiver's Retry-After can ask for, so a receiver cannot park a message longer than we ever would.
 */
export function longestDelay(schedule: RetrySchedule = DEFAULT_RETRY_SCHEDULE): number {
	return Math.round(Math.max(1, ...schedule.delaysSeconds) * (1 + schedule.jitterRatio));
}

/**
 * Whole seconds to wait after attempt `attemptNumber` (1 = the first, immediate attempt) failed, or null
 * when the schedule is exhausted. Whole seconds because Queue `retry({ delaySeconds })` takes an integer;
 * never below 1 s so a jittered delay cannot turn into an immediate retry.
 */
export function nextDelay(attemptNumber: number, random: () => number = Math.random, schedule: RetrySchedule = DEFAULT_RETRY_SCHEDULE): number | null {
	if (!Number.isInteger(attemptNumber) || attemptNumber < 1) throw new RangeError(`attemptNumber must be a whole number ≥ 1, got ${attemptNumber}`);
	const base = schedule.delaysSeconds[attemptNumber - 1];
	if (base === undefined) return null;
	const factor = 1 + schedule.jitterRatio * (2 * random() - 1);
	return Math.max(1, Math.round(base * factor));
}
