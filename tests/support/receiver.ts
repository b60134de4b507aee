/** Client for the control endpoints of the Node receiver in tests/support/webhook-receiver.global.ts. */
import { inject } from "vitest";

export interface ReceivedRequest {
	method: string;
	path: string;
	headers: Record<string, string>;
	body: string;
}

/** What the receiver got on paths starting with `path`. */
export function received(path: string): Promise<ReceivedRequest[]> {
	return receivedMatching("path", path);
}

/** What the receiver got with this `webhook-id` header. */
export function receivedWithId(webhookId: string): Promise<ReceivedRequest[]> {
	return receivedMatching("webhook-id", webhookId);
}

async function receivedMatching(name: "path" | "webhook-id", value: string): Promise<ReceivedRequest[]> {
	const url = new URL(`${inject("webhookReceiverUrl")}/_control/requests`);
	url.searchParams.set(name, value);
	return (await (await fetch(url)).json()) as ReceivedRequest[];
}

/** Verifies a received request with the reference library (`standardwebhooks`), in the receiver's Node process. */
export async function verifiedByReceiver(webhookId: string, secret: string): Promise<{ verified: boolean; payload?: { type: string; data: unknown }; error?: string }> {
	const response = await fetch(`${inject("webhookReceiverUrl")}/_control/verify`, {
		method: "POST",
		headers: { "content-type": "application/json" },
		body: JSON.stringify({ webhookId, secret }),
	});
	return (await response.json()) as { verified: boolean; payload?: { type: string; data: unknown }; error?: string };
}

/**
 * What became of a tagged /slow or /stall-body request, once the connection has closed (or null if it never
 * does within a few seconds). `closed` without `answered` means the sender hung up before the receiver answered.
 */
export async function connectionOutcome(tag: string): Promise<ConnectionOutcome | null> {
	const url = `${inject("webhookReceiverUrl")}/_control/connection?tag=${encodeURIComponent(tag)}`;
	let outcome = (await (await fetch(url)).json()) as ConnectionOutcome | null;
	for (let i = 0; i < 200 && !outcome?.closed; i++) {
		await new Promise((resolve) => setTimeout(resolve, 20));
		outcome = (await (await fetch(url)).json()) as ConnectionOutcome | null;
	}
	return outcome;
}

interface ConnectionOutcome {
	answered: boolean;
	closed: boolean;
}

/** A receiver path no other test uses, so parallel files never read each other's requests. */
export function uniquePath(base = "/ok"): string {
	return `${base}${base.includes("?") ? "&" : "?"}t=${crypto.randomUUID()}`;
}
