/**
 * Spacing of the messages to one chat webhook. Slack takes about one message per second per incoming webhook and
 * answers bursts with 429 (https://docs.slack.dev/apis/web-api/rate-limits#incoming-webhooks), so each send
 * reserves the next free one-second slot of its subscription in D1 (shared by every consumer invocation) and
 * waits for it. Discord has no fixed rate to keep to: its 429s say how long to wait (decision.ts).
 */
import type { DeliveryFormat } from "./delivery-format";

const MIN_SEND_INTERVAL_MS: Partial<Record<DeliveryFormat, number>> = { slack: 1000 };

/**
 * The longest a consumer waits in place for a slot. One batch (max_batch_size 25 in wrangler.toml) to one webhook
 * fits; further messages go back to the queue until the reserved slots run out, without reserving one (a
 * reservation they would not use would push every later message back).
 */
export const MAX_INLINE_WAIT_MS = 30_000;

/** 0 when the format needs no spacing. */
export function minSendIntervalMs(format: DeliveryFormat): number {
	return MIN_SEND_INTERVAL_MS[format] ?? 0;
}

/** What a reservation attempt found: a slot at `at` (Unix ms), or every slot within reach taken until `busyUntil`. */
export type SendSlot = { at: number } | { busyUntil: number };

export type PacingStep = { action: "send" } | { action: "wait"; ms: number } | { action: "defer"; delaySeconds: number };

/** What to do with a reservation: send now, wait for the slot, or hand the message back to the queue. */
export function pacingStep(slot: SendSlot, nowMs: number): PacingStep {
	if ("busyUntil" in slot) return { action: "defer", delaySeconds: Math.max(1, Math.ceil((slot.busyUntil - nowMs) / 1000)) };
	const wait = slot.at - nowMs;
	return wait > 0 ? { action: "wait", ms: wait } : { action: "send" };
}
