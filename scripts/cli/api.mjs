/**
 * The admin API as the CLI sees it (README "HTTP API"): one request helper that turns every way a call can
 * fail into a CliError with the right exit code, so commands only deal with answers.
 */
import { CliError, EXIT } from "./exit-codes.mjs";

const DEFAULT_TIMEOUT_MS = 30_000;

/**
 * @param {{ baseUrl: string, token: string | undefined, tokenSource: string }} target
 */
export function createApi({ baseUrl, token, tokenSource }) {
	/**
	 * @param {string} method
	 * @param {string} path under the base URL, e.g. "/api/status"
	 * @param {{ body?: unknown, timeoutMs?: number, expect?: number[] }} [options]
	 * @returns {Promise<{ status: number, body: any }>}
	 */
	async function call(method, path, { body, timeoutMs = DEFAULT_TIMEOUT_MS } = {}) {
		if (!token) {
			throw new CliError("no admin token", EXIT.auth, {
				hint: "set PRESSROOM_TOKEN to the deployment's ADMIN_TOKEN (locally, `npm start` writes one to .dev.vars)",
			});
		}
		const url = new URL(path, baseUrl);
		const headers = { authorization: `Bearer ${token}`, accept: "application/json" };
		if (body !== undefined) headers["content-type"] = "application/json";
		let response;
		try {
			response = await fetch(url, {
				method,
				headers,
				body: body === undefined ? undefined : JSON.stringify(body),
				redirect: "manual",
				signal: AbortSignal.timeout(timeoutMs),
			});
		} catch (error) {
			throw unreachable(baseUrl, error, timeoutMs);
		}
		const text = await response.text();
		let parsed = null;
		if (text !== "") {
			try {
				parsed = JSON.parse(text);
			} catch {
				throw new CliError(`${method} ${url.pathname} answered ${response.status} with something that is not JSON`, EXIT.failure, {
					status: response.status,
					hint: `is ${baseUrl} a Pressroom deployment? (first bytes: ${JSON.stringify(text.slice(0, 80))})`,
				});
			}
		}
		if (response.ok) return { status: response.status, body: parsed };
		throw refusal(method, url.pathname, response.status, parsed, tokenSource);
	}
	return { call, baseUrl };
}

function unreachable(baseUrl, error, timeoutMs) {
	const name = error?.name;
	const code = error?.cause?.code ?? error?.code;
	const why = name === "TimeoutError" || name === "AbortError" ? `no answer within ${Math.round(timeoutMs / 1000)} s` : (code ?? error?.cause?.message ?? error?.message ?? String(error));
	return new CliError(`cannot reach ${baseUrl} (${why})`, EXIT.unreachable, {
		hint: isLoopback(baseUrl) ? "is the dev server running? Start it with `npm start`, or pass --url" : "check --url / PRESSROOM_URL and your network",
	});
}

function refusal(method, path, status, body, tokenSource) {
	const apiMessage = typeof body?.message === "string" ? body.message : "";
	const code = typeof body?.error === "string" ? body.error : undefined;
	const fields = Array.isArray(body?.fields) ? body.fields.map((field) => `${field.path} ${field.message}`).join("; ") : "";
	const said = [apiMessage, fields && fields !== apiMessage ? fields : ""].filter(Boolean).join(": ");
	const details = { status, code, body };
	if (status === 401 || status === 403) {
		return new CliError(`the server refused the admin token (${status}${apiMessage ? `: ${apiMessage}` : ""})`, EXIT.auth, {
			...details,
			hint: `the token came from ${tokenSource}; set PRESSROOM_TOKEN to this deployment's ADMIN_TOKEN`,
		});
	}
	if (status === 409) return new CliError(said || `${method} ${path}: conflict`, EXIT.conflict, details);
	if (status === 404) return new CliError(said || `${method} ${path}: not found`, EXIT.notFound, details);
	if (status === 503 && code === "unavailable") {
		return new CliError(said || "the admin API is disabled", EXIT.auth, { ...details, hint: "the deployment has no ADMIN_TOKEN: wrangler secret put ADMIN_TOKEN" });
	}
	return new CliError(`${method} ${path} failed with ${status}${said ? `: ${said}` : ""}`, EXIT.failure, details);
}

export function isLoopback(baseUrl) {
	try {
		const host = new URL(baseUrl).hostname;
		return host === "localhost" || host === "[::1]" || /^127\./.test(host);
	} catch {
		return false;
	}
}
