import { env } from "cloudflare:workers";
import { inject } from "vitest";
import { eventually } from "../support/eventually";
import { request } from "../support/http";
import { emptyCatalogAndBucket } from "../support/state";

export const HUB = "http://127.0.0.1:8787/websub";
export const SITE = "http://127.0.0.1:8787";

export function resetHubState(): Promise<void> {
	return emptyCatalogAndBucket(["attempts", "messages", "events", "announcements", "announcement_candidates", "subscriptions", "hub_subscriptions", "hub_verifications"]);
}

export interface ReceivedBySubscriber {
	method: string;
	path: string;
	query: Record<string, string>;
	headers: Record<string, string>;
	body: string;
}

/** A callback path on the Node subscriber that no other test uses; `behaviour` is echo, wrong, missing, gone or fail. */
export function callbackPath(behaviour = "echo"): string {
	return `/sub/${behaviour}/${crypto.randomUUID()}`;
}

export function callbackUrl(path: string, query = ""): string {
	return `${inject("websubSubscriberUrl")}${path}${query}`;
}

/** POSTs a form to the hub endpoint, as a subscriber does. */
export function hubRequest(parameters: Record<string, string>): Promise<Response> {
	return request("/websub", { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: new URLSearchParams(parameters) });
}

export async function subscriberReceived(path: string): Promise<ReceivedBySubscriber[]> {
	const url = new URL(`${inject("websubSubscriberUrl")}/_control/requests`);
	url.searchParams.set("path", path);
	return (await (await fetch(url)).json()) as ReceivedBySubscriber[];
}

export async function signatureCheck(path: string, secret: string): Promise<{ verified: boolean; signature?: string }> {
	const response = await fetch(`${inject("websubSubscriberUrl")}/_control/verify`, { method: "POST", body: JSON.stringify({ path, secret }) });
	return (await response.json()) as { verified: boolean; signature?: string };
}

export function verificationGets(path: string): Promise<ReceivedBySubscriber[]> {
	return eventually(
		async () => (await subscriberReceived(path)).filter((r) => r.method === "GET"),
		(gets) => gets.length > 0,
	);
}

/** Subscribes `path` to `topic` and waits until the hub has settled the verification. */
export async function subscribe(topic: string, path: string, extra: Record<string, string> = {}): Promise<{ status: string }> {
	const response = await hubRequest({ "hub.mode": "subscribe", "hub.topic": topic, "hub.callback": callbackUrl(path), ...extra });
	if (response.status !== 202) throw new Error(`subscribe answered ${response.status}: ${await response.text()}`);
	return settled(path);
}

export function settled(path: string, mode = "subscribe"): Promise<{ status: string }> {
	return eventually(
		async () =>
			(await env.DB.prepare("SELECT status FROM hub_verifications WHERE instr(callback, ?1) > 0 AND mode = ?2 ORDER BY created_at DESC LIMIT 1")
				.bind(path, mode)
				.first<{ status: string }>()) ?? { status: "none" },
		(row) => row.status !== "pending" && row.status !== "none",
	);
}

export async function hubSubscription(path: string) {
	return env.DB.prepare("SELECT * FROM hub_subscriptions WHERE instr(callback, ?1) > 0").bind(path).first<{
		id: string;
		state: string;
		expires_at: string;
		lease_seconds: number;
		ended_reason: string | null;
	}>();
}

/** Content POSTs that reached a callback. */
export async function contentPosts(path: string): Promise<ReceivedBySubscriber[]> {
	return (await subscriberReceived(path)).filter((r) => r.method === "POST");
}

/** Waits long enough for the queue to have delivered anything it was going to (two batch timeouts). */
export function settleQueue(): Promise<void> {
	return new Promise((resolve) => setTimeout(resolve, 2_500));
}
