import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import { ConfigError } from "../config";
import { redactCredentials } from "../redaction";
import { InvalidCursorError } from "../storage/cursor";
import { MessageInFlightError } from "../storage/deliveries";
import { StoreError } from "../storage/object-store";

/** The one place errors become HTTP answers: clear messages, never a stack. */
export function errorResponse(error: Error, c: Context): Response {
	if (error instanceof HTTPException) {
		const response = error.getResponse();
		if (response.headers.get("Content-Type")?.startsWith("application/json")) return response;
		const headers = Object.fromEntries([...response.headers].filter(([name]) => !/^content-(type|length)$/i.test(name)));
		return c.json({ error: codeFor(error.status), message: error.message || response.statusText }, error.status, headers);
	}
	if (error instanceof InvalidCursorError) {
		return c.json({ error: "invalid_request", message: error.message, fields: [{ path: "cursor", message: error.message }] }, 400);
	}
	if (error instanceof MessageInFlightError) {
		return c.json({ error: "conflict", message: error.message }, 409);
	}
	// Messages may quote a setting; credentials in a URL never leave (they are redacted where quoted, and again here).
	if (error instanceof ConfigError) {
		const message = redactCredentials(error.message);
		console.error(message);
		return c.json({ error: "misconfigured", message, problems: error.problems.map(redactCredentials) }, 500);
	}
	if (error instanceof StoreError) {
		const message = redactCredentials(error.message);
		console.error(`store ${error.failure}: ${message}`);
		return c.json({ error: "storage_unavailable", message }, 502);
	}
	console.error("unhandled error", redactCredentials(error.stack ?? `${error.name}: ${error.message}`));
	return c.json({ error: "internal_error", message: "Something went wrong on our side; the error has been logged." }, 500);
}

export function notFoundResponse(c: Context): Response {
	return notFound(c.req.method, new URL(c.req.url).pathname);
}

/** The 404 of every route, also of the document route, which answers without a Hono context. */
export function notFound(method: string, pathname: string, headers?: Headers): Response {
	const response = Response.json({ error: "not_found", message: `Nothing at ${method} ${pathname}` }, { status: 404 });
	for (const [name, value] of headers ?? []) response.headers.set(name, value);
	return response;
}

function codeFor(status: number): string {
	if (status === 400) return "invalid_request";
	if (status === 401) return "unauthorized";
	if (status === 403) return "forbidden";
	if (status === 404) return "not_found";
	if (status === 409) return "conflict";
	if (status === 503) return "unavailable";
	return "error";
}
