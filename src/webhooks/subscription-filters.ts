/**
 * Which subscriptions receive which events. Filters exist for the same reason planets take per-tag feeds:
 * a receiver often wants one topic, not the whole site.
 */
import type { EventType } from "./event";
import type { SubscriptionFilters } from "./subscription-schema";

export interface TaggedPost {
	tags: readonly string[];
	categories: readonly string[];
}

/**
 * No filter (or only empty lists) matches every post; otherwise the post matches when any of its tags is
 * among the filter's tags or any of its categories among the filter's categories. Case-insensitive, so
 * "Postgres" in front matter matches a filter on "postgres".
 */
export function matchesFilters(filters: SubscriptionFilters | null | undefined, post: TaggedPost): boolean {
	const tags = filters?.tags ?? [];
	const categories = filters?.categories ?? [];
	if (tags.length === 0 && categories.length === 0) return true;
	return overlaps(tags, post.tags) || overlaps(categories, post.categories);
}

export interface SubscriptionInterest {
	enabled: boolean;
	eventTypes: readonly EventType[];
	filters?: SubscriptionFilters | null;
}

/**
 * Whether an event goes to a subscription. A ping is sent on request to one subscription and ignores its
 * type list and filters; a disabled subscription receives nothing.
 */
export function subscriptionWants(subscription: SubscriptionInterest, type: EventType, post: TaggedPost | null): boolean {
	if (!subscription.enabled) return false;
	if (type === "ping") return true;
	if (!subscription.eventTypes.includes(type)) return false;
	return post === null || matchesFilters(subscription.filters, post);
}

function overlaps(wanted: readonly string[], present: readonly string[]): boolean {
	const fold = (value: string): string => value.trim().normalize("NFC").toLowerCase();
	const wantedSet = new Set(wanted.map(fold));
	return present.some((value) => wantedSet.has(fold(value)));
}
