import { describe, expect, it } from "vitest";
import { matchesFilters, subscriptionWants } from "../../src/webhooks/subscription-filters";

const post = { tags: ["PostgreSQL", "replication"], categories: ["Databases"] };

describe("matchesFilters", () => {
	it("matches every post when there is no filter or only empty lists", () => {
		expect(matchesFilters(undefined, post)).toBe(true);
		expect(matchesFilters(null, post)).toBe(true);
		expect(matchesFilters({}, post)).toBe(true);
		expect(matchesFilters({ tags: [], categories: [] }, post)).toBe(true);
	});

	it("matches when any tag overlaps, ignoring case", () => {
		expect(matchesFilters({ tags: ["postgresql"] }, post)).toBe(true);
		expect(matchesFilters({ tags: ["mysql", "REPLICATION"] }, post)).toBe(true);
	});

	it("matches when any category overlaps, ignoring case", () => {
		expect(matchesFilters({ categories: ["databases"] }, post)).toBe(true);
	});

	it("matches when either list overlaps", () => {
		expect(matchesFilters({ tags: ["mysql"], categories: ["Databases"] }, post)).toBe(true);
	});

	it("does not match without any overlap", () => {
		expect(matchesFilters({ tags: ["mysql"] }, post)).toBe(false);
		expect(matchesFilters({ categories: ["Travel"] }, post)).toBe(false);
		expect(matchesFilters({ tags: ["Databases"] }, post)).toBe(false);
	});

	it("does not match a post without tags or categories once a filter is set", () => {
		expect(matchesFilters({ tags: ["postgresql"] }, { tags: [], categories: [] })).toBe(false);
	});
});

describe("subscriptionWants", () => {
	const subscription = { enabled: true, eventTypes: ["post.published" as const], filters: { tags: ["replication"] } };

	it("sends a subscribed event type for a post that passes the filters", () => {
		expect(subscriptionWants(subscription, "post.published", post)).toBe(true);
	});

	it("skips event types the subscription did not ask for and posts the filters exclude", () => {
		expect(subscriptionWants(subscription, "post.updated", post)).toBe(false);
		expect(subscriptionWants(subscription, "post.published", { tags: ["mysql"], categories: [] })).toBe(false);
	});

	it("sends a ping regardless of types and filters, but nothing to a disabled subscription", () => {
		expect(subscriptionWants(subscription, "ping", null)).toBe(true);
		expect(subscriptionWants({ ...subscription, enabled: false }, "ping", null)).toBe(false);
		expect(subscriptionWants({ ...subscription, enabled: false }, "post.published", post)).toBe(false);
	});
});
