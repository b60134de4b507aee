import { confirmsChallenge, verificationUrl } from "../hub/verification";
import type { HubSubscriptions } from "../storage/hub-subscriptions";
import { USER_AGENT } from "../webhooks/deliver";
import { checkCallbackUrl } from "../webhooks/url-policy";
import type { QueueVerdict } from "./deliver-messages";

export interface VerifyDependencies {
	hub: HubSubscriptions;
	devMode: boolean;
	timeoutMs: number;
	now: () => Date;
	fetcher?: (url: string, init: RequestInit) => Promise<Response>;
}

/** A callback that cannot be reached is asked again, a few times, before the request is given up. */
const VERIFY_ATTEMPTS = 4;
const VERIFY_RETRY_SECONDS = [5, 60, 300];
/** A challenge is 43 characters; a subscriber's whole answer is never read beyond this. */
const MAX_ANSWER_BYTES = 1024;

/**
 * Verifies the intent of one subscribe or unsubscribe request (WebSub §5.3): GET the callback with a fresh
 * challenge; only a 2xx that echoes it applies the request. A refusal (any 4xx, or a wrong echo) is final;
 * no answer or a 5xx is retried through the queue.
 */
export async function verifyIntent(verificationId: string, deps: VerifyDependencies): Promise<QueueVerdict> {
	const verification = await deps.hub.verification(verificationId);
	if (!verification || verification.status !== "pending") return { action: "ack" };
	const now = deps.now();
	const urlCheck = checkCallbackUrl(verification.callback, { devMode: deps.devMode });
	if (!urlCheck.ok) {
		await deps.hub.settle(verification, { status: "refused", error: `callback URL refused: ${urlCheck.reason}` }, now);
		return { action: "ack" };
	}
	const url = verificationUrl(verification.callback, {
		mode: verification.mode,
		topic: verification.topic,
		challenge: verification.challenge,
		leaseSeconds: verification.leaseSeconds,
	});
	const answer = await getWithTimeout(url, deps);
	if (answer.status !== undefined && confirmsChallenge(answer.status, answer.body, verification.challenge)) {
		await deps.hub.settle(verification, { status: "verified" }, deps.now());
		return { action: "ack" };
	}
	const retryable = answer.status === undefined || answer.status >= 500;
	const error = answer.error ?? (answer.status !== undefined && answer.status < 300 ? "the answer did not echo hub.challenge" : `answered ${answer.status}`);
	if (retryable && verification.attempts + 1 < VERIFY_ATTEMPTS) {
		await deps.hub.verificationRetry(verification.id, error, deps.now());
		return { action: "retry", delaySeconds: VERIFY_RETRY_SECONDS[verification.attempts] ?? 300 };
	}
	await deps.hub.settle(verification, { status: retryable ? "failed" : "refused", error }, deps.now());
	return { action: "ack" };
}

async function getWithTimeout(url: string, deps: VerifyDependencies): Promise<{ status?: number; body: string; error?: string }> {
	const fetcher = deps.fetcher ?? ((input, init) => fetch(input, init));
	const controller = new AbortController();
	const timer = setTimeout(() => controller.abort(), deps.timeoutMs);
	try {
		// Redirects are not followed: they could lead where the URL policy would refuse to go.
		const response = await fetcher(url, { method: "GET", redirect: "manual", signal: controller.signal, headers: { "user-agent": USER_AGENT } });
		const body = await readPrefix(response, MAX_ANSWER_BYTES);
		return { status: response.status, body };
	} catch (error) {
		return { body: "", error: controller.signal.aborted ? `no answer within ${deps.timeoutMs} ms` : `could not connect: ${error instanceof Error ? error.message : String(error)}` };
	} finally {
		clearTimeout(timer);
	}
}

async function readPrefix(response: Response, maxBytes: number): Promise<string> {
	if (!response.body) return "";
	const reader = response.body.getReader();
	const chunks: Uint8Array[] = [];
	let size = 0;
	while (size < maxBytes) {
		const { done, value } = await reader.read();
		if (done) break;
		chunks.push(value);
		size += value.length;
	}
	await reader.cancel().catch(() => undefined);
	const bytes = new Uint8Array(size);
	let offset = 0;
	for (const chunk of chunks) {
		bytes.set(chunk, offset);
		offset += chunk.length;
	}
	return new TextDecoder().decode(bytes.subarray(0, maxBytes));
}
