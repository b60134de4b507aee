import { describe, expect, it } from "vitest";
import type * as z from "zod/mini";
import { createSubscriptionSchema, formatValidationError, updateSubscriptionSchema } from "../../src/webhooks/subscription-schema";

const production = { devMode: false };

function failure(result: { success: boolean; error?: z.core.$ZodError }) {
	expect(result.success).toBe(false);
	return formatValidationError(result.error!);
}

describe("createSubscriptionSchema", () => {
	it("fills defaults: every post event, enabled, no filters, Standard Webhooks", () => {
		expect(createSubscriptionSchema(production).parse({ url: "https://hooks.example.com/a" })).toEqual({
			url: "https://hooks.example.com/a",
			eventTypes: ["post.published", "post.updated", "post.deleted"],
			format: "standard-webhooks",
			enabled: true,
		});
	});

	it("keeps every field given, normalising the URL and dropping repeated event types", () => {
		const parsed = createSubscriptionSchema(production).parse({
			url: " HTTPS://Hooks.Example.com/a ",
			description: "  Planet Databases  ",
			eventTypes: ["post.published", "post.published", "ping"],
			filters: { tags: ["postgres"], categories: ["Databases"] },
			format: "slack",
			enabled: false,
		});
		expect(parsed).toEqual({
			url: "https://hooks.example.com/a",
			description: "Planet Databases",
			eventTypes: ["post.published", "ping"],
			filters: { tags: ["postgres"], categories: ["Databases"] },
			format: "slack",
			enabled: false,
		});
	});

	it("takes the chat formats and refuses any other, listing the known ones", () => {
		for (const format of ["standard-webhooks", "slack", "discord"]) {
			expect(createSubscriptionSchema(production).parse({ url: "https://hooks.example.com/a", format }).format).toBe(format);
		}
		expect(failure(createSubscriptionSchema(production).safeParse({ url: "https://hooks.example.com/a", format: "teams" })).fields).toEqual([
			{ path: "format", message: "must be one of standard-webhooks, slack, discord" },
		]);
		expect(failure(updateSubscriptionSchema(production).safeParse({ format: 7 })).fields).toEqual([
			{ path: "format", message: "must be one of standard-webhooks, slack, discord" },
		]);
		expect(updateSubscriptionSchema(production).parse({ format: "discord" })).toEqual({ format: "discord" });
	});

	it("reports a missing url by name", () => {
		expect(failure(createSubscriptionSchema(production).safeParse({}))).toEqual({
			error: "invalid_request",
			message: "Invalid request body: url is required.",
			fields: [{ path: "url", message: "is required" }],
		});
	});

	it("applies the URL policy, which depends on dev mode", () => {
		const body = { url: "http://127.0.0.1:8788/" };
		expect(failure(createSubscriptionSchema(production).safeParse(body)).fields).toEqual([{ path: "url", message: "must use https" }]);
		expect(createSubscriptionSchema({ devMode: true }).parse(body).url).toBe("http://127.0.0.1:8788/");
	});

	it("rejects unknown fields, naming each, including misspellings inside filters", () => {
		const error = failure(
			createSubscriptionSchema(production).safeParse({ url: "https://h.example.com/", event_types: ["ping"], filters: { tag: ["x"] } }),
		);
		expect(error.fields).toEqual(
			expect.arrayContaining([
				{ path: "event_types", message: "is not a known field" },
				{ path: "filters.tag", message: "is not a known field" },
			]),
		);
		expect(error.message).toContain("event_types is not a known field");
	});

	it("rejects unknown event types with the list of known ones, pointing at the element", () => {
		const error = failure(createSubscriptionSchema(production).safeParse({ url: "https://h.example.com/", eventTypes: ["post.published", "post.edited"] }));
		expect(error.fields).toEqual([{ path: "eventTypes[1]", message: "must be one of post.published, post.updated, post.deleted, ping" }]);
	});

	it("rejects an empty event type list", () => {
		expect(failure(createSubscriptionSchema(production).safeParse({ url: "https://h.example.com/", eventTypes: [] })).fields).toEqual([
			{ path: "eventTypes", message: "must name at least one event type" },
		]);
	});

	it("names every wrongly typed field at once", () => {
		const error = failure(
			createSubscriptionSchema(production).safeParse({ url: 42, description: 7, enabled: "yes", eventTypes: "ping", filters: { tags: ["", 3] } }),
		);
		expect(error.fields).toEqual(
			expect.arrayContaining([
				{ path: "url", message: "must be a string" },
				{ path: "description", message: "must be a string" },
				{ path: "enabled", message: "must be true or false" },
				{ path: "eventTypes", message: "must be an array of event types" },
				{ path: "filters.tags[0]", message: "must not be empty" },
				{ path: "filters.tags[1]", message: "must be a string" },
			]),
		);
		expect(error.fields).toHaveLength(6);
	});

	it("rejects a body that is not an object", () => {
		for (const body of [null, [], "url", 3]) {
			expect(failure(createSubscriptionSchema(production).safeParse(body)).fields).toEqual([{ path: "body", message: "must be a JSON object" }]);
		}
	});

	it("limits description length and filter sizes", () => {
		const error = failure(
			createSubscriptionSchema(production).safeParse({
				url: "https://h.example.com/",
				description: "d".repeat(501),
				filters: { categories: Array.from({ length: 101 }, (_, i) => `c${i}`) },
			}),
		);
		expect(error.fields).toEqual([
			{ path: "description", message: "must be at most 500 characters" },
			{ path: "filters.categories", message: "must have at most 100 entries" },
		]);
	});
});

describe("updateSubscriptionSchema", () => {
	it("accepts any single field", () => {
		expect(updateSubscriptionSchema(production).parse({ enabled: false })).toEqual({ enabled: false });
		expect(updateSubscriptionSchema(production).parse({ eventTypes: ["post.deleted"] })).toEqual({ eventTypes: ["post.deleted"] });
	});

	it("accepts null to clear the description or the filters", () => {
		expect(updateSubscriptionSchema(production).parse({ description: null, filters: null })).toEqual({ description: null, filters: null });
	});

	it("requires at least one field", () => {
		expect(failure(updateSubscriptionSchema(production).safeParse({})).fields).toEqual([
			{ path: "body", message: "must change at least one of url, description, eventTypes, filters, format, enabled" },
		]);
	});

	it("applies the same URL policy and strictness as create", () => {
		const error = failure(updateSubscriptionSchema(production).safeParse({ url: "https://10.0.0.1/", secret: "whsec_x" }));
		expect(error.fields).toEqual(
			expect.arrayContaining([
				{ path: "url", message: "points at a private network address" },
				{ path: "secret", message: "is not a known field" },
			]),
		);
	});
});
