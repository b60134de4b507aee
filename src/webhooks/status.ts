/**
 * Status vocabularies for the delivery log, named as in Svix (MessageStatus, MessageAttemptTriggerType) so
 * that the API reads familiar: https://api.svix.com/docs#tag/Message-Attempt
 */
import type { Decision } from "./decision";

/** A message (one event for one subscription) over its whole life. */
export const MESSAGE_STATUSES = ["pending", "succeeded", "failed"] as const;
export type MessageStatus = (typeof MESSAGE_STATUSES)[number];

/** Why an attempt was made: the first try or a retry of the schedule, or an operator's redeliver. */
export const ATTEMPT_TRIGGERS = ["scheduled", "manual"] as const;
export type AttemptTrigger = (typeof ATTEMPT_TRIGGERS)[number];

/** Why a subscription stopped receiving: its owner turned it off, or we did after failures or a 410. */
export const DISABLED_REASONS = ["manual", "gone", "failing"] as const;
export type DisabledReason = (typeof DISABLED_REASONS)[number];

/** The message status to record once a decision has been taken. */
export function messageStatusAfter(decision: Decision): MessageStatus {
	switch (decision.action) {
		case "succeeded":
			return "succeeded";
		case "retry":
			return "pending";
		case "failed":
		case "disable-subscription":
			return "failed";
	}
}
