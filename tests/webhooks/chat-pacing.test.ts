import { describe, expect, it } from "vitest";
import { minSendIntervalMs, pacingStep } from "../../src/webhooks/chat-pacing";

describe("chat pacing", () => {
	it("spaces only Slack, a second apart", () => {
		expect(minSendIntervalMs("slack")).toBe(1000);
		expect(minSendIntervalMs("discord")).toBe(0);
		expect(minSendIntervalMs("standard-webhooks")).toBe(0);
	});

	it("sends when the slot has come, waits for a slot ahead, and defers in whole seconds when none is in reach", () => {
		expect(pacingStep({ at: 1_000 }, 1_000)).toEqual({ action: "send" });
		expect(pacingStep({ at: 900 }, 1_000)).toEqual({ action: "send" });
		expect(pacingStep({ at: 2_500 }, 1_000)).toEqual({ action: "wait", ms: 1_500 });
		expect(pacingStep({ busyUntil: 62_100 }, 1_000)).toEqual({ action: "defer", delaySeconds: 62 });
		expect(pacingStep({ busyUntil: 1_000 }, 1_000)).toEqual({ action: "defer", delaySeconds: 1 });
	});
});
