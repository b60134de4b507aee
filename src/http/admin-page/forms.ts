import type { GenericSchema, InferOutput } from "valibot";
import { parseSubscriptionBody } from "../../webhooks/subscription-schema";

/*
 * Form posts become the same objects the JSON API takes and go through the same schemas
 * (src/webhooks/subscription-schema.ts), so the page and the API accept and refuse the same things.
 */

export type FormBody = Record<string, string | File | (string | File)[]>;

/** What the operator typed, to fill the form again after an error. */
export interface SubscriptionFormValues {
	url: string;
	description: string;
	eventTypes: string[];
	tags: string;
	categories: string;
}

/** Form field name → error message, for the fields the schema refused ("form" for the body as a whole). */
export type FieldErrors = Record<string, string>;

export type Parsed<T> = { ok: true; value: T } | { ok: false; errors: FieldErrors; values: SubscriptionFormValues };

export function subscriptionFormValues(body: FormBody): SubscriptionFormValues {
	return {
		url: text(body.url),
		description: text(body.description),
		eventTypes: list(body.eventTypes),
		tags: text(body.tags),
		categories: text(body.categories),
	};
}

/** The form as a create or update body: tags and categories are typed comma- or line-separated. */
export function parseSubscriptionForm<Schema extends GenericSchema>(body: FormBody, schema: Schema): Parsed<InferOutput<Schema>> {
	const values = subscriptionFormValues(body);
	const input = {
		url: values.url,
		description: values.description,
		eventTypes: values.eventTypes,
		filters: { tags: splitTerms(values.tags), categories: splitTerms(values.categories) },
	};
	const result = parseSubscriptionBody(schema, input);
	if (result.success) return { ok: true, value: result.output };
	const errors: FieldErrors = {};
	for (const field of result.error.fields) {
		const name = formFieldFor(field.path);
		errors[name] ??= `${labelFor(field.path)} ${field.message}.`;
	}
	return { ok: false, errors, values };
}

export function text(value: FormBody[string] | undefined): string {
	const first = Array.isArray(value) ? value[0] : value;
	return typeof first === "string" ? first : "";
}

function list(value: FormBody[string] | undefined): string[] {
	const values = Array.isArray(value) ? value : value === undefined ? [] : [value];
	return values.filter((item): item is string => typeof item === "string");
}

function splitTerms(value: string): string[] {
	return value
		.split(/[,\n]/)
		.map((term) => term.trim())
		.filter((term) => term !== "");
}

/** `filters.tags[2]` → `tags`: the schema's paths, named as the form's fields. */
function formFieldFor(path: string): string {
	if (path.startsWith("filters.tags")) return "tags";
	if (path.startsWith("filters.categories")) return "categories";
	if (path.startsWith("eventTypes")) return "eventTypes";
	if (path === "url" || path === "description") return path;
	return "form";
}

function labelFor(path: string): string {
	const index = /\[(\d+)\]/.exec(path)?.[1];
	const entry = index === undefined ? "" : ` (entry ${Number(index) + 1})`;
	if (path.startsWith("filters.tags")) return `Tags${entry}`;
	if (path.startsWith("filters.categories")) return `Categories${entry}`;
	if (path.startsWith("eventTypes")) return "Event types";
	if (path === "url") return "The URL";
	if (path === "description") return "The description";
	return "The form";
}
