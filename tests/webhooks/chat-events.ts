import type { Post } from "../../src/content/post";
import { buildDeletedEvent, buildPingEvent, buildPostEvent, type WebhookEvent } from "../../src/webhooks/event";
import { buildPost } from "./builders";

const AT = new Date("2026-03-02T11:00:00Z");

/** A post.published (or post.updated) event for a post built from `overrides`. */
export function postEvent(overrides: Partial<Post> = {}, type: "post.published" | "post.updated" = "post.published"): Promise<WebhookEvent> {
	return buildPostEvent(buildPost(overrides), type, "v1", 1, AT);
}

export const pingEvent = (): WebhookEvent => buildPingEvent(AT);
export const deletedEvent = (): Promise<WebhookEvent> => buildDeletedEvent("tag:pressroom.example,2026:gone", 2, AT);

/** True when `text` holds a high surrogate without its low half, or a low one without its high half. */
export function hasLoneSurrogate(text: string): boolean {
	return /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(text);
}
