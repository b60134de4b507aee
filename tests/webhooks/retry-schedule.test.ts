import { describe, expect, it } from "vitest";
import { DEFAULT_RETRY_SCHEDULE, maxAttempts, nextDelay } from "../../src/webhooks/retry-schedule";

const SCHEDULED = [5, 300, 1800, 7200, 18000, 36000, 36000];

describe("retry schedule", () => {
	it("is the reference sender's: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h after the first attempt", () => {
		expect(DEFAULT_RETRY_SCHEDULE.delaysSeconds).toEqual(SCHEDULED);
		expect(DEFAULT_RETRY_SCHEDULE.jitterRatio).toBe(0.2);
		expect(maxAttempts()).toBe(8);
	});

	it("waits exactly the scheduled delay when the jitter draw is in the middle", () => {
		expect(SCHEDULED.map((_, i) => nextDelay(i + 1, () => 0.5))).toEqual(SCHEDULED);
	});

	it("stays within ±20 % of the schedule at the extremes of the random draw", () => {
		for (const [i, base] of SCHEDULED.entries()) {
			const low = nextDelay(i + 1, () => 0)!;
			const high = nextDelay(i + 1, () => 0.999_999)!;
			expect(low).toBe(Math.round(base * 0.8));
			expect(high).toBeLessThanOrEqual(Math.round(base * 1.2));
			expect(high).toBeGreaterThan(base);
		}
	});

	it("spreads delays across the whole jitter range over many draws", () => {
		let seed = 42;
		const random = (): number => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
		const delays = Array.from({ length: 500 }, () => nextDelay(3, random)!);
		expect(Math.min(...delays)).toBeGreaterThanOrEqual(1440);
		expect(Math.max(...delays)).toBeLessThanOrEqual(2160);
		expect(Math.min(...delays)).toBeLessThan(1500);
		expect(Math.max(...delays)).toBeGreaterThan(2100);
	});

	it("returns null once the schedule is exhausted", () => {
		expect(nextDelay(7, () => 0.5)).toBe(36000);
		expect(nextDelay(8, () => 0.5)).toBeNull();
		expect(nextDelay(20, () => 0.5)).toBeNull();
	});

	it("never returns less than one second, even for a tiny jittered delay", () => {
		expect(nextDelay(1, () => 0, { delaysSeconds: [1], jitterRatio: 0.9 })).toBe(1);
	});

	it("rejects attempt numbers that are not whole and positive", () => {
		expect(() => nextDelay(0)).toThrow(RangeError);
		expect(() => nextDelay(1.5)).toThrow(RangeError);
	});
});
