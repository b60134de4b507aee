/**
 * Webhook events and their payloads. The body follows Standard Webhooks: `{type, timestamp, data}` with
 * dotted event types; the event's own id travels as the `webhook-id` derived from it, not in the body.
 * https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md#payload-structure
 */
import type { Post } from "../content/post";
import { type JsonFeedItem, jsonFeedItem } from "../feeds/json-feed";
import { hashedId, randomId } from "./ids";

export const EVENT_TYPES = ["post.published", "post.updated", "post.deleted", "ping"] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** What a new subscription receives when it names no types: every post event; pings are sent on request. */
export const DEFAULT_SUBSCRIBED_EVENT_TYPES: readonly EventType[] = ["post.published", "post.updated", "post.deleted"];

export function isEventType(value: string): value is EventType {
	return (EVENT_TYPES as readonly string[]).includes(value);
}

/**
 * `data` of the post.* events: the post as /feed.json shows it (one builder, jsonFeedItem, one policy), plus
 * tags and categories kept apart for receivers that route on them.
 */
export interface PostEventData {
	item: JsonFeedItem;
	tags: string[];
	categories: string[];
}

/** `data` of post.deleted: only the entry id is left to name the post. */
export interface DeletedPostData {
	id: string;
}

export interface PingEventData {
	message: string;
}

export interface WebhookEvent {
	/** `evt_…`; deterministic for post events (see {@link eventId}). */
	id: string;
	type: EventType;
	/** ISO 8601 UTC: when the change was seen, not when an attempt was made. */
	timestamp: string;
	data: PostEventData | DeletedPostData | PingEventData;
}

/**
 * The id of the event "this version of this post reached this state, as the post's `occurrence`-th event".
 * `version` identifies the post's content (its `published` or `updated`); `occurrence` counts the post's events
 * (1 for its first), so a post deleted, restored and deleted again gets three ids, and an edit that brings back an
 * earlier date a new one. The same inputs always yield the same id, so a sync that runs twice, or crashes and
 * resumes before the count moves on, does not announce one change twice.
 */
export function eventId(postId: string, type: EventType, version: string, occurrence: number): Promise<string> {
	return hashedId("evt", [postId, type, version, String(occurrence)]);
}

/**
 * The `webhook-id` of one event sent to one subscription. The spec requires it to be the same on every
 * retry; deriving it means a re-enqueued message keeps it too, and receivers can dedupe on it.
 */
export function messageId(eventId: string, subscriptionId: string): Promise<string> {
	return hashedId("msg", [eventId, subscriptionId]);
}

export function postToEventData(post: Post): PostEventData {
	return { item: jsonFeedItem(post), tags: [...post.tags], categories: [...post.categories] };
}

export async function buildPostEvent(post: Post, type: Exclude<EventType, "ping">, version: string, occurrence: number, now: Date): Promise<WebhookEvent> {
	return { id: await eventId(post.id, type, version, occurrence), type, timestamp: now.toISOString(), data: postToEventData(post) };
}

export async function buildDeletedEvent(postId: string, occurrence: number, now: Date): Promise<WebhookEvent> {
	return {
		id: await eventId(postId, "post.deleted", "deleted", occurrence),
		type: "post.deleted",
		timestamp: now.toISOString(),
		data: { id: postId },
	};
}

/** A test event for "send a ping" in the API; every ping is a new event, so its id is random. */
export function buildPingEvent(now: Date): WebhookEvent {
	return { id: randomId("evt"), type: "ping", timestamp: now.toISOString(), data: { message: "Pressroom webhook ping" } };
}

/** The exact request body; sign and send this string, never a re-serialisation of it. */
export function buildPayload(event: WebhookEvent): string {
	return JSON.stringify({ type: event.type, timestamp: event.timestamp, data: event.data });
}
