import { describe, expect, it } from "vitest";
import type { GenericSchema, InferOutput } from "valibot";
import { createSubscriptionSchema, parseSubscriptionBody, updateSubscriptionSchema } from "../../src/webhooks/subscription-schema";

const production = { devMode: false };

function parse<Schema extends GenericSchema>(schema: Schema, input: unknown): InferOutput<Schema> {
	const result = parseSubscriptionBody(schema, input);
	if (!result.success) throw new Error(result.error.message);
	return result.output;
}

/** The 400 body the API answers with. */
function failure(schema: GenericSchema, input: unknown) {
	const result = parseSubscriptionBody(schema, input);
	if (result.success) throw new Error(`accepted: ${JSON.stringify(result.output)}`);
	return result.error;
}

describe("createSubscriptionSchema", () => {
	it("fills defaults: every post event, enabled, no filters, Standard Webhooks", () => {
		expect(parse(createSubscriptionSchema(production), { url: "https://hooks.example.com/a" })).toEqual({
			url: "https://hooks.example.com/a",
			eventTypes: ["post.published", "post.updated", "post.deleted"],
			format: "standard-webhooks",
			enabled: true,
		});
	});

	it("keeps every field given, normalising the URL and dropping repeated event types", () => {
		const parsed = parse(createSubscriptionSchema(production), {
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
			expect(parse(createSubscriptionSchema(production), { url: "https://hooks.example.com/a", format }).format).toBe(format);
		}
		expect(failure(createSubscriptionSchema(production), { url: "https://hooks.example.com/a", format: "teams" }).fields).toEqual([
			{ path: "format", message: "must be one of standard-webhooks, slack, discord" },
		]);
		expect(failure(updateSubscriptionSchema(production), { format: 7 }).fields).toEqual([
			{ path: "format", message: "must be one of standard-webhooks, slack, discord" },
		]);
		expect(parse(updateSubscriptionSchema(production), { format: "discord" })).toEqual({ format: "discord" });
	});

	it("reports a missing url by name", () => {
		expect(failure(createSubscriptionSchema(production), {})).toEqual({
			error: "invalid_request",
			message: "Invalid request body: url is required.",
			fields: [{ path: "url", message: "is required" }],
		});
	});

	it("applies the URL policy, which depends on dev mode", () => {
		const body = { url: "http://127.0.0.1:8788/" };
		expect(failure(createSubscriptionSchema(production), body).fields).toEqual([{ path: "url", message: "must use https" }]);
		expect(parse(createSubscriptionSchema({ devMode: true }), body).url).toBe("http://127.0.0.1:8788/");
	});

	it("rejects unknown fields, naming each, including misspellings inside filters", () => {
		const error = failure(createSubscriptionSchema(production), { url: "https://h.example.com/", event_types: ["ping"], filters: { tag: ["x"] } });
		expect(error.fields).toEqual(
			expect.arrayContaining([
				{ path: "event_types", message: "is not a known field" },
				{ path: "filters.tag", message: "is not a known field" },
			]),
		);
		expect(error.message).toContain("event_types is not a known field");
	});

	it("rejects unknown event types with the list of known ones, pointing at the element", () => {
		const error = failure(createSubscriptionSchema(production), { url: "https://h.example.com/", eventTypes: ["post.published", "post.edited"] });
		expect(error.fields).toEqual([{ path: "eventTypes[1]", message: "must be one of post.published, post.updated, post.deleted, ping" }]);
	});

	it("rejects an empty event type list", () => {
		expect(failure(createSubscriptionSchema(production), { url: "https://h.example.com/", eventTypes: [] }).fields).toEqual([
			{ path: "eventTypes", message: "must name at least one event type" },
		]);
	});

	it("names every wrongly typed field at once", () => {
		const error = failure(createSubscriptionSchema(production), { url: 42, description: 7, enabled: "yes", eventTypes: "ping", filters: { tags: ["", 3] } });
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
			expect(failure(createSubscriptionSchema(production), body).fields).toEqual([{ path: "body", message: "must be a JSON object" }]);
		}
	});

	it("limits description length and filter sizes", () => {
		const error = failure(createSubscriptionSchema(production), {
			url: "https://h.example.com/",
			description: "d".repeat(501),
			filters: { categories: Array.from({ length: 101 }, (_, i) => `c${i}`) },
		});
		expect(error.fields).toEqual([
			{ path: "description", message: "must be at most 500 characters" },
			{ path: "filters.categories", message: "must have at most 100 entries" },
		]);
	});
});

/**
 * The 400 bodies exactly as zod/mini made them before the move to valibot (recorded from it): the order of the
 * entries, every unknown key, and which checks run once another has failed are part of the API.
 */
describe("400 bodies as the API has always given them", () => {
	const url = "https://h.example.com/";

	it("lists problems in the fields' order, then unknown fields in the body's order, in the message too", () => {
		expect(
			failure(createSubscriptionSchema(production), { enabled: "yes", filters: { tags: ["", 3] }, eventTypes: "ping", description: 7, url: 42 }),
		).toEqual({
			error: "invalid_request",
			message:
				"Invalid request body: url must be a string; description must be a string; eventTypes must be an array of event types; filters.tags[0] must not be empty; filters.tags[1] must be a string; enabled must be true or false.",
			fields: [
				{ path: "url", message: "must be a string" },
				{ path: "description", message: "must be a string" },
				{ path: "eventTypes", message: "must be an array of event types" },
				{ path: "filters.tags[0]", message: "must not be empty" },
				{ path: "filters.tags[1]", message: "must be a string" },
				{ path: "enabled", message: "must be true or false" },
			],
		});
		expect(failure(createSubscriptionSchema(production), { url, filters: { tags: ["ok", " "], colours: ["red"], zz: 1 }, event_types: ["ping"] }).fields).toEqual([
			{ path: "filters.tags[1]", message: "must not be empty" },
			{ path: "filters.colours", message: "is not a known field" },
			{ path: "filters.zz", message: "is not a known field" },
			{ path: "event_types", message: "is not a known field" },
		]);
	});

	it("names every unknown key, __proto__ and constructor included", () => {
		expect(failure(createSubscriptionSchema(production), JSON.parse('{"a":1,"constructor":2,"b":3}')).fields).toEqual([
			{ path: "url", message: "is required" },
			{ path: "a", message: "is not a known field" },
			{ path: "constructor", message: "is not a known field" },
			{ path: "b", message: "is not a known field" },
		]);
		expect(failure(createSubscriptionSchema(production), JSON.parse(`{"url":"${url}","__proto__":{"x":1}}`)).fields).toEqual([
			{ path: "__proto__", message: "is not a known field" },
		]);
		expect(failure(updateSubscriptionSchema(production), JSON.parse('{"filters":{"__proto__":[],"prototype":1}}')).fields).toEqual([
			{ path: "filters.__proto__", message: "is not a known field" },
			{ path: "filters.prototype", message: "is not a known field" },
		]);
	});

	it("still asks a PATCH of unknown fields only to change something", () => {
		expect(failure(updateSubscriptionSchema(production), { secret: "whsec_x", zzz: 1 }).fields).toEqual([
			{ path: "secret", message: "is not a known field" },
			{ path: "zzz", message: "is not a known field" },
			{ path: "body", message: "must change at least one of url, description, eventTypes, filters, format, enabled" },
		]);
	});

	it("refuses an array where filters go", () => {
		expect(failure(createSubscriptionSchema(production), { url, filters: [] }).fields).toEqual([
			{ path: "filters", message: "must be an object with tags and/or categories" },
		]);
	});

	it("refuses a filter list over the limit as a whole, without reading its entries", () => {
		const categories = [...Array.from({ length: 101 }, (_, i) => `c${i}`), "", 3];
		expect(failure(updateSubscriptionSchema(production), { filters: { categories } })).toEqual({
			error: "invalid_request",
			message: "Invalid request body: filters.categories must have at most 100 entries.",
			fields: [{ path: "filters.categories", message: "must have at most 100 entries" }],
		});
	});
});

describe("updateSubscriptionSchema", () => {
	it("accepts any single field", () => {
		expect(parse(updateSubscriptionSchema(production), { enabled: false })).toEqual({ enabled: false });
		expect(parse(updateSubscriptionSchema(production), { eventTypes: ["post.deleted"] })).toEqual({ eventTypes: ["post.deleted"] });
	});

	it("accepts null to clear the description or the filters", () => {
		expect(parse(updateSubscriptionSchema(production), { description: null, filters: null })).toEqual({ description: null, filters: null });
	});

	it("requires at least one field", () => {
		expect(failure(updateSubscriptionSchema(production), {}).fields).toEqual([
			{ path: "body", message: "must change at least one of url, description, eventTypes, filters, format, enabled" },
		]);
	});

	it("applies the same URL policy and strictness as create", () => {
		const error = failure(updateSubscriptionSchema(production), { url: "https://10.0.0.1/", secret: "whsec_x" });
		expect(error.fields).toEqual(
			expect.arrayContaining([
				{ path: "url", message: "points at a private network address" },
				{ path: "secret", message: "is not a known field" },
			]),
		);
	});
});
