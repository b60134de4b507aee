import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { GenericSchema, InferOutput } from "valibot";
import { describeError } from "../../shared";
import { parseSubscriptionBody, type ValidationErrorBody } from "../../webhooks/subscription-schema";

export const DEFAULT_PAGE_LIMIT = 20;
export const MAX_PAGE_LIMIT = 100;

/** Reads and validates a JSON body; a body that is not JSON, or not what the schema wants, is a 400 naming the field. */
export async function parseJsonBody<Schema extends GenericSchema>(c: Context, schema: Schema): Promise<InferOutput<Schema>> {
	const text = await c.req.text();
	let body: unknown;
	try {
		body = JSON.parse(text);
	} catch (error) {
		const detail = describeError(error);
		throw badRequest({
			error: "invalid_request",
			message: text.trim() === "" ? "The request body is empty; send a JSON object." : `The request body is not valid JSON: ${detail}`,
			fields: [{ path: "body", message: "is not valid JSON" }],
		});
	}
	const result = parseSubscriptionBody(schema, body);
	if (!result.success) throw badRequest(result.error);
	return result.output;
}

/** `?limit=` (1–100, default 20) and `?cursor=`; the cursor itself is checked by the storage layer (InvalidCursorError). */
export function pageParams(c: Context): { limit: number; cursor?: string } {
	const rawLimit = c.req.query("limit");
	let limit = DEFAULT_PAGE_LIMIT;
	if (rawLimit !== undefined) {
		limit = /^\d+$/.test(rawLimit) ? Number(rawLimit) : Number.NaN;
		if (!(limit >= 1 && limit <= MAX_PAGE_LIMIT)) {
			const message = `must be a whole number from 1 to ${MAX_PAGE_LIMIT}`;
			throw badRequest({ error: "invalid_request", message: `Invalid query: limit ${message}.`, fields: [{ path: "limit", message }] });
		}
	}
	const cursor = c.req.query("cursor");
	return cursor ? { limit, cursor } : { limit };
}

export function notFound(c: Context, what: string): Response {
	return c.json({ error: "not_found", message: `No ${what}` }, 404);
}

/** errors.ts passes a JSON HTTPException response through unchanged. */
function badRequest(body: ValidationErrorBody): HTTPException {
	return new HTTPException(400, { res: Response.json(body, { status: 400 }), message: body.message });
}
