/**
 * Request bodies of the subscriptions API (POST /api/webhooks, PATCH /api/webhooks/:id) and of the admin page's
 * forms, checked with valibot (one function per schema or check, so the bundle keeps only what is used here;
 * no locale messages: every message the API shows is written here). It replaced zod/mini to save about 5 KiB
 * gzip (docs/bundle.md); the 400 bodies stayed as zod/mini made them, which is why objects go through
 * `strictObject` below rather than valibot's own.
 * Objects are strict: a misspelt field (`event_types`) is an error, not a silently ignored default.
 * Messages are predicates ("is required", "must use https") so they read after the field's path.
 */
import * as v from "valibot";
import { DEFAULT_DELIVERY_FORMAT, DELIVERY_FORMATS } from "./delivery-format";
import { DEFAULT_SUBSCRIBED_EVENT_TYPES, EVENT_TYPES, type EventType } from "./event";
import { checkCallbackUrl, type UrlPolicyOptions } from "./url-policy";

export const MAX_DESCRIPTION_LENGTH = 500;
export const MAX_FILTER_VALUES = 100;
export const MAX_FILTER_VALUE_LENGTH = 200;

/**
 * A missing field reaches the message with input undefined: for a required object entry valibot raises the
 * missing key with the object's own message, so an object's message must say "is required" for it too.
 */
const typeError = (expected: string) => (issue: { input: unknown }) => (issue.input === undefined ? "is required" : `must be ${expected}`);

const UNKNOWN_FIELD = "is not a known field";

/**
 * valibot's `object`, strict as zod's `strictObject` was. valibot's own `strictObject` takes an array for an
 * object, names only the first unknown key and, like `objectWithRest`, passes over `__proto__`, `constructor`
 * and `prototype`. Here an array is refused with the object's message, and every unknown key is an issue of
 * its own, in the input's order, after the known fields' issues. An unknown key leaves the object typed, as
 * zod's did, so a check piped after the object (PATCH's "must change at least one of …") still runs.
 * `_standardSchema` and `_addIssue` are what valibot's own schemas and its guide to custom schemas build with;
 * they are exported but marked internal, hence the exact version in package.json and the exact 400 bodies in
 * tests/webhooks/subscription-schema.test.ts to check an upgrade against.
 */
function strictObject<const Entries extends v.ObjectEntries, const Message extends v.ErrorMessage<v.ObjectIssue>>(
	entries: Entries,
	message: Message,
): v.ObjectSchema<Entries, Message> {
	const object = v.object(entries, message);
	// The checks below read no entry's type.
	const base: v.GenericSchema = object;
	const strict = v._standardSchema<v.GenericSchema>({
		...base,
		"~run"(dataset, config) {
			const input = dataset.value;
			if (Array.isArray(input)) {
				v._addIssue(base, "type", dataset, config);
				return dataset as unknown as v.FailureDataset<v.BaseIssue<unknown>>;
			}
			const output = base["~run"](dataset, config);
			if (input === null || typeof input !== "object") return output;
			const record = input as Record<string, unknown>;
			const typed = output.typed;
			for (const key in record) {
				if (Object.hasOwn(entries, key)) continue;
				const path: [v.ObjectPathItem] = [{ type: "object", origin: "key", input: record, key, value: record[key] }];
				v._addIssue(base, "key", output, config, { input: key, expected: "never", message: UNKNOWN_FIELD, path });
			}
			// _addIssue marks a schema's dataset untyped; an unknown key says nothing about the known fields' types.
			if (typed) output.typed = true;
			return output;
		},
	});
	return strict as typeof object;
}

function callbackUrl(options: UrlPolicyOptions) {
	return v.pipe(
		v.string(typeError("a string")),
		v.rawTransform(({ dataset, addIssue, NEVER }) => {
			const check = checkCallbackUrl(dataset.value.trim(), options);
			if (check.ok) return check.url;
			addIssue({ message: check.reason });
			return NEVER;
		}),
	);
}

const description = v.pipe(
	v.string(typeError("a string")),
	v.trim(),
	v.maxLength(MAX_DESCRIPTION_LENGTH, `must be at most ${MAX_DESCRIPTION_LENGTH} characters`),
);

const eventTypes = v.pipe(
	v.array(v.picklist(EVENT_TYPES, `must be one of ${EVENT_TYPES.join(", ")}`), typeError("an array of event types")),
	v.minLength(1, "must name at least one event type"),
	v.transform((types: EventType[]): EventType[] => [...new Set(types)]),
);

/** A list longer than the limit is refused as a whole before any entry is read, so its entries get no messages then (as with zod). */
const filterValues = v.pipe(
	v.array(v.unknown(), typeError("an array of strings")),
	v.maxLength(MAX_FILTER_VALUES, `must have at most ${MAX_FILTER_VALUES} entries`),
	v.array(
		v.pipe(
			v.string(typeError("a string")),
			v.trim(),
			v.minLength(1, "must not be empty"),
			v.maxLength(MAX_FILTER_VALUE_LENGTH, `must be at most ${MAX_FILTER_VALUE_LENGTH} characters`),
		),
	),
);

export const subscriptionFiltersSchema = strictObject(
	{ tags: v.optional(filterValues), categories: v.optional(filterValues) },
	typeError("an object with tags and/or categories"),
);
export type SubscriptionFilters = v.InferOutput<typeof subscriptionFiltersSchema>;

/** Slack- and Discord-compatible services (Mattermost, Rocket.Chat…) take the same JSON, so the host is not checked. */
const format = v.picklist(DELIVERY_FORMATS, `must be one of ${DELIVERY_FORMATS.join(", ")}`);

const enabled = v.boolean(typeError("true or false"));

const bodyError = typeError("a JSON object");

/** POST body. The URL policy depends on dev mode, so the schema is built per configuration. */
export function createSubscriptionSchema(options: UrlPolicyOptions) {
	return strictObject(
		{
			url: callbackUrl(options),
			description: v.optional(description),
			eventTypes: v.optional(eventTypes, () => [...DEFAULT_SUBSCRIBED_EVENT_TYPES]),
			filters: v.optional(subscriptionFiltersSchema),
			format: v.optional(format, DEFAULT_DELIVERY_FORMAT),
			enabled: v.optional(enabled, true),
		},
		bodyError,
	);
}
export type CreateSubscriptionInput = v.InferOutput<ReturnType<typeof createSubscriptionSchema>>;

/** PATCH body: any subset of the fields, at least one; `null` clears description or filters. */
export function updateSubscriptionSchema(options: UrlPolicyOptions) {
	return v.pipe(
		strictObject(
			{
				url: v.optional(callbackUrl(options)),
				description: v.optional(v.nullable(description)),
				eventTypes: v.optional(eventTypes),
				filters: v.optional(v.nullable(subscriptionFiltersSchema)),
				format: v.optional(format),
				enabled: v.optional(enabled),
			},
			bodyError,
		),
		v.check(
			(body) => Object.values(body).some((value) => value !== undefined),
			"must change at least one of url, description, eventTypes, filters, format, enabled",
		),
	);
}
export type UpdateSubscriptionInput = v.InferOutput<ReturnType<typeof updateSubscriptionSchema>>;

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

export type ParsedBody<T> = { success: true; output: T } | { success: false; error: ValidationErrorBody };

/** One of the schemas above applied to a body: its output, or the 400 body that names each problem's field. */
export function parseSubscriptionBody<const Schema extends v.GenericSchema>(schema: Schema, input: unknown): ParsedBody<v.InferOutput<Schema>> {
	const result = v.safeParse(schema, input);
	return result.success ? { success: true, output: result.output } : { success: false, error: formatValidationError(result.issues) };
}

/** One entry per problem, each naming its field. */
function formatValidationError(issues: readonly v.BaseIssue<unknown>[]): ValidationErrorBody {
	const fields = issues.map((issue): FieldError => ({ path: formatPath(issue.path?.map((item) => item.key) ?? []), message: issue.message }));
	return {
		error: "invalid_request",
		message: `Invalid request body: ${fields.map((f) => `${f.path} ${f.message}`).join("; ")}.`,
		fields,
	};
}

function formatPath(path: readonly unknown[]): string {
	if (path.length === 0) return "body";
	return path.reduce<string>((out, key) => (typeof key === "number" ? `${out}[${key}]` : out === "" ? String(key) : `${out}.${String(key)}`), "");
}
