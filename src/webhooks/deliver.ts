/**
 * One delivery attempt over HTTP, and the signed request it sends. Standard Webhooks headers:
 * https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md#webhook-headers-sending-metadata
 * The attempt never throws: every way it can end is an {@link AttemptOutcome} for decideAfterAttempt().
 */
import { describeError } from "../shared";
import { type AttemptOutcome, RETRY_AFTER_STATUSES } from "./decision";
import { signPayload } from "./signature";

export const USER_AGENT = "Pressroom-Webhooks/1.0";
/** Enough of a receiver's answer to show in the delivery log; the rest is never read. */
export const DEFAULT_MAX_RESPONSE_BYTES = 4096;

export type FetchFunction = (url: string, init: RequestInit) => Promise<Response>;

export interface SignedRequestInput {
	/** The `webhook-id` (see messageId()); the same on every attempt. */
	msgId: string;
	body: string;
	secrets: readonly string[];
	/** The attempt's time: `webhook-timestamp` is new on every attempt, so receivers' replay windows hold. */
	now: Date;
}

export interface SignedRequest {
	body: string;
	headers: Record<string, string>;
}

export async function buildSignedRequest({ msgId, body, secrets, now }: SignedRequestInput): Promise<SignedRequest> {
	const timestamp = Math.floor(now.getTime() / 1000);
	return {
		body,
		headers: {
			"content-type": "application/json",
			"user-agent": USER_AGENT,
			"webhook-id": msgId,
			"webhook-timestamp": String(timestamp),
			"webhook-signature": await signPayload({ msgId, timestamp, body, secrets }),
		},
	};
}

export interface AttemptRequest {
	url: string;
	body: string;
	headers: Record<string, string>;
	/** Covers connecting, the response headers and reading the snippet; the spec suggests 15–30 s. */
	timeoutMs: number;
	maxResponseBytes?: number;
	/** Injected in tests; the global fetch otherwise. */
	fetcher?: FetchFunction;
}

export interface AttemptResult {
	outcome: AttemptOutcome;
	status?: number;
	durationMs: number;
	/** The first maxResponseBytes of the response body as UTF-8 (a character cut in half is dropped). */
	responseSnippet: string;
	/** Why there was no response, or why the snippet is incomplete. */
	error?: string;
}

/**
 * POSTs once. Redirects are returned, not followed (`redirect: "manual"`): following one could reach an
 * address the URL policy refused. The body is read through the stream reader up to maxResponseBytes and the
 * stream is then cancelled, so a receiver answering with 10 MB costs us 4 KiB, not 10 MB of memory.
 */
export async function attemptDelivery({
	url,
	body,
	headers,
	timeoutMs,
	maxResponseBytes = DEFAULT_MAX_RESPONSE_BYTES,
	fetcher = (input, init) => fetch(input, init),
}: AttemptRequest): Promise<AttemptResult> {
	const started = Date.now();
	const controller = new AbortController();
	const timer = setTimeout(() => controller.abort(new DOMException(`no response within ${timeoutMs} ms`, "TimeoutError")), timeoutMs);
	try {
		let response: Response;
		try {
			response = await fetcher(url, { method: "POST", body, headers, redirect: "manual", signal: controller.signal });
		} catch (error) {
			if (controller.signal.aborted) {
				return { outcome: { kind: "timeout" }, durationMs: Date.now() - started, responseSnippet: "", error: `no response within ${timeoutMs} ms` };
			}
			const message = describeError(error);
			return { outcome: { kind: "network-error", message }, durationMs: Date.now() - started, responseSnippet: "", error: message };
		}

		const snippet = await readSnippet(response.body, maxResponseBytes, controller.signal);
		const outcome: AttemptOutcome & { kind: "response" } = { kind: "response", status: response.status };
		const retryAfter = response.headers.get("retry-after");
		if (retryAfter !== null) outcome.retryAfter = retryAfter;
		// Discord says how long to wait in its JSON body, not (only) in Retry-After.
		if (RETRY_AFTER_STATUSES.includes(response.status) && /\bjson\b/i.test(response.headers.get("content-type") ?? "")) outcome.jsonBody = snippet.text;
		const result: AttemptResult = { outcome, status: response.status, durationMs: Date.now() - started, responseSnippet: snippet.text };
		if (snippet.error !== undefined) result.error = snippet.error;
		return result;
	} catch (error) {
		// Only a bug in this function can get here; it must still not take the queue batch down.
		const message = describeError(error);
		return { outcome: { kind: "network-error", message }, durationMs: Date.now() - started, responseSnippet: "", error: message };
	} finally {
		clearTimeout(timer);
	}
}

/**
 * Reads at most `limit` bytes, then cancels the stream so the rest is never transferred. Each read races the
 * abort signal, so a receiver that sends headers and then stalls cannot hold the attempt past its timeout.
 */
async function readSnippet(stream: ReadableStream<Uint8Array> | null, limit: number, signal: AbortSignal): Promise<{ text: string; error?: string }> {
	if (stream === null) return { text: "" };
	const reader = stream.getReader();
	const decoder = new TextDecoder();
	let text = "";
	let received = 0;
	try {
		while (received < limit) {
			const { done, value } = await untilAborted(reader.read(), signal);
			if (done) break;
			const part = value.subarray(0, limit - received);
			received += part.length;
			// stream: true holds back a trailing partial character instead of emitting U+FFFD for it.
			text += decoder.decode(part, { stream: true });
		}
		return { text };
	} catch (error) {
		return { text, error: signal.aborted ? "timed out reading the response body" : `response body: ${describeError(error)}` };
	} finally {
		reader.cancel().catch(() => undefined);
	}
}

function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
	if (signal.aborted) return Promise.reject(signal.reason);
	return new Promise<T>((resolve, reject) => {
		const onAbort = (): void => reject(signal.reason);
		signal.addEventListener("abort", onAbort, { once: true });
		promise.then(
			(value) => {
				signal.removeEventListener("abort", onAbort);
				resolve(value);
			},
			(error: unknown) => {
				signal.removeEventListener("abort", onAbort);
				reject(error);
			},
		);
	});
}
