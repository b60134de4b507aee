/**
 * Request bodies of the subscriptions API (POST /api/webhooks, PATCH /api/webhooks/:id), checked with zod/mini
 * (zod's tree-shakable build: no locale bundle; every message the API shows is written here).
 * Objects are strict: a misspelt field (`event_types`) is an error, not a silently ignored default.
 * Messages are predicates ("is required", "must use https") so they read after the field's path.
 */
import * as z from "zod/mini";
import { DEFAULT_DELIVERY_FORMAT, DELIVERY_FORMATS } from "./delivery-format";
import { DEFAULT_SUBSCRIBED_EVENT_TYPES, EVENT_TYPES, type EventType } from "./event";
import { checkCallbackUrl, type UrlPolicyOptions } from "./url-policy";

export const MAX_DESCRIPTION_LENGTH = 500;
export const MAX_FILTER_VALUES = 100;
export const MAX_FILTER_VALUE_LENGTH = 200;

const typeError = (expected: string) => (issue: { input?: unknown }) => (issue.input === undefined ? "is required" : `must be ${expected}`);

function callbackUrl(options: UrlPolicyOptions) {
	return z.pipe(
		z.string({ error: typeError("a string") }),
		z.transform((value: string, ctx) => {
			const check = checkCallbackUrl(value.trim(), options);
			if (check.ok) return check.url;
			ctx.issues.push({ code: "custom", message: check.reason, input: value });
			return z.NEVER;
		}),
	);
}

const description = z
	.string({ error: typeError("a string") })
	.check(z.trim(), z.maxLength(MAX_DESCRIPTION_LENGTH, `must be at most ${MAX_DESCRIPTION_LENGTH} characters`));

const eventTypes = z.pipe(
	z
		.array(z.enum(EVENT_TYPES, { error: `must be one of ${EVENT_TYPES.join(", ")}` }), { error: typeError("an array of event types") })
		.check(z.minLength(1, "must name at least one event type")),
	z.transform((types: EventType[]): EventType[] => [...new Set(types)]),
);

const filterValues = z
	.array(
		z
			.string({ error: typeError("a string") })
			.check(
				z.trim(),
				z.minLength(1, "must not be empty"),
				z.maxLength(MAX_FILTER_VALUE_LENGTH, `must be at most ${MAX_FILTER_VALUE_LENGTH} characters`),
			),
		{ error: typeError("an array of strings") },
	)
	.check(z.maxLength(MAX_FILTER_VALUES, `must have at most ${MAX_FILTER_VALUES} entries`));

export const subscriptionFiltersSchema = z.strictObject(
	{ tags: z.optional(filterValues), categories: z.optional(filterValues) },
	{ error: typeError("an object with tags and/or categories") },
);
export type SubscriptionFilters = z.output<typeof subscriptionFiltersSchema>;

/** Slack- and Discord-compatible services (Mattermost, Rocket.Chat…) take the same JSON, so the host is not checked. */
const format = z.enum(DELIVERY_FORMATS, { error: `must be one of ${DELIVERY_FORMATS.join(", ")}` });

const enabled = z.boolean({ error: typeError("true or false") });

const bodyError = typeError("a JSON object");

/** POST body. The URL policy depends on dev mode, so the schema is built per configuration. */
export function createSubscriptionSchema(options: UrlPolicyOptions) {
	return z.strictObject(
		{
			url: callbackUrl(options),
			description: z.optional(description),
			eventTypes: z._default(eventTypes, () => [...DEFAULT_SUBSCRIBED_EVENT_TYPES]),
			filters: z.optional(subscriptionFiltersSchema),
			format: z._default(format, DEFAULT_DELIVERY_FORMAT),
			enabled: z._default(enabled, true),
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
				url: z.optional(callbackUrl(options)),
				description: z.optional(z.nullable(description)),
				eventTypes: z.optional(eventTypes),
				filters: z.optional(z.nullable(subscriptionFiltersSchema)),
				format: z.optional(format),
				enabled: z.optional(enabled),
			},
			{ error: bodyError },
		)
		.check(
			z.refine((body) => Object.values(body).some((value) => value !== undefined), {
				message: "must change at least one of url, description, eventTypes, filters, format, enabled",
			}),
		);
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
export function formatValidationError(error: z.core.$ZodError): ValidationErrorBody {
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
