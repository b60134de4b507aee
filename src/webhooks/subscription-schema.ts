/**
 * Request bodies of the subscriptions API (POST /api/webhooks, PATCH /api/webhooks/:id), checked with zod.
 * Objects are strict: a misspelt field (`event_types`) is an error, not a silently ignored default.
 * Messages are predicates ("is required", "must use https") so they read after the field's path.
 */
import { z } from "zod";
import { DEFAULT_SUBSCRIBED_EVENT_TYPES, EVENT_TYPES, type EventType } from "./event";
import { checkCallbackUrl, type UrlPolicyOptions } from "./url-policy";

export const MAX_DESCRIPTION_LENGTH = 500;
export const MAX_FILTER_VALUES = 100;
export const MAX_FILTER_VALUE_LENGTH = 200;

const typeError = (expected: string) => (issue: { input?: unknown }) => (issue.input === undefined ? "is required" : `must be ${expected}`);

function callbackUrl(options: UrlPolicyOptions) {
	return z.string({ error: typeError("a string") }).transform((value, ctx) => {
		const check = checkCallbackUrl(value.trim(), options);
		if (check.ok) return check.url;
		ctx.addIssue({ code: "custom", message: check.reason });
		return z.NEVER;
	});
}

const description = z
	.string({ error: typeError("a string") })
	.trim()
	.max(MAX_DESCRIPTION_LENGTH, `must be at most ${MAX_DESCRIPTION_LENGTH} characters`);

const eventTypes = z
	.array(z.enum(EVENT_TYPES, { error: `must be one of ${EVENT_TYPES.join(", ")}` }), { error: typeError("an array of event types") })
	.min(1, "must name at least one event type")
	.transform((types): EventType[] => [...new Set(types)]);

const filterValues = z
	.array(
		z
			.string({ error: typeError("a string") })
			.trim()
			.min(1, "must not be empty")
			.max(MAX_FILTER_VALUE_LENGTH, `must be at most ${MAX_FILTER_VALUE_LENGTH} characters`),
		{ error: typeError("an array of strings") },
	)
	.max(MAX_FILTER_VALUES, `must have at most ${MAX_FILTER_VALUES} entries`);

export const subscriptionFiltersSchema = z.strictObject(
	{ tags: filterValues.optional(), categories: filterValues.optional() },
	{ error: typeError("an object with tags and/or categories") },
);
export type SubscriptionFilters = z.output<typeof subscriptionFiltersSchema>;

const enabled = z.boolean({ error: typeError("true or false") });

const bodyError = typeError("a JSON object");

/** POST body. The URL policy depends on dev mode, so the schema is built per configuration. */
export function createSubscriptionSchema(options: UrlPolicyOptions) {
	return z.strictObject(
		{
			url: callbackUrl(options),
			description: description.optional(),
			eventTypes: eventTypes.default([...DEFAULT_SUBSCRIBED_EVENT_TYPES]),
			filters: subscriptionFiltersSchema.optional(),
			enabled: enabled.default(true),
		},
		{ error: bodyError },
	);
}
export type CreateSubscriptionInput = z.output<ReturnType<typeof createSubscriptionSchema>>;

/** PATCH body: any subset of the fields, at least one; `null` clears description or filters. */
export function updateSubscriptionSchema(options: UrlPolicyOptions) {
	return z
		.strictObject(
			{
				url: callbackUrl(options).optional(),
				description: description.nullable().optional(),
				eventTypes: eventTypes.optional(),
				filters: subscriptionFiltersSchema.nullable().optional(),
				enabled: enabled.optional(),
			},
			{ error: bodyError },
		)
		.refine((body) => Object.values(body).some((value) => value !== undefined), {
			message: "must change at least one of url, description, eventTypes, filters, enabled",
		});
}
export type UpdateSubscriptionInput = z.output<ReturnType<typeof updateSubscriptionSchema>>;

export interface FieldError {
	/** Dotted, with indexes in brackets (`filters.tags[2]`); "body" for the request body as a whole. */
	path: string;
	message: string;
}

export interface ValidationErrorBody {
	error: "invalid_request";
	message: string;
	fields: FieldError[];
}

/** The 400 body for a failed parse: one entry per problem, each naming its field. */
export function formatValidationError(error: z.ZodError): ValidationErrorBody {
	const fields: FieldError[] = error.issues.flatMap((issue): FieldError[] =>
		issue.code === "unrecognized_keys"
			? issue.keys.map((key) => ({ path: formatPath([...issue.path, key]), message: "is not a known field" }))
			: [{ path: formatPath(issue.path), message: issue.message }],
	);
	return {
		error: "invalid_request",
		message: `Invalid request body: ${fields.map((f) => `${f.path} ${f.message}`).join("; ")}.`,
		fields,
	};
}

function formatPath(path: readonly PropertyKey[]): string {
	if (path.length === 0) return "body";
	return path.reduce<string>((out, key) => (typeof key === "number" ? `${out}[${key}]` : out === "" ? String(key) : `${out}.${String(key)}`), "");
}
