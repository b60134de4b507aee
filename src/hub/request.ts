import { type UrlCheck, checkCallbackUrl } from "../webhooks/url-policy";

/** Lease bounds and abuse limits (README "WebSub hub"), from the WEBSUB_* settings. */
export interface HubLimits {
	defaultLeaseSeconds: number;
	minLeaseSeconds: number;
	maxLeaseSeconds: number;
	/** Subscription requests per callback host per minute. */
	requestsPerHostPerMinute: number;
	maxSubscriptionsPerTopic: number;
	maxSubscriptions: number;
}

/** A subscribe or unsubscribe request as the hub accepted it, before intent is verified. */
export interface SubscriptionRequest {
	mode: "subscribe" | "unsubscribe";
	/** As the subscriber wrote it; the caller maps it to a canonical topic it serves. */
	topic: string;
	/** WHATWG-normalised, its own query string kept. */
	callback: string;
	callbackHost: string;
	leaseSeconds: number;
	secret?: string;
}

/** hub.secret "MUST be less than 200 bytes" (WebSub §5.1). */
export const MAX_SECRET_BYTES = 199;

/**
 * Reads the form parameters of a subscription request (WebSub §5.1). Unknown parameters are ignored; a missing
 * or invalid one is a plain reason for a 400. hub.lease_seconds is clamped into the hub's bounds, as §5.1
 * lets a hub choose the lease it grants.
 */
export function readSubscriptionRequest(
	form: URLSearchParams,
	options: { limits: HubLimits; devMode: boolean },
): { ok: true; request: SubscriptionRequest } | { ok: false; reason: string } {
	const mode = form.get("hub.mode")?.trim();
	if (!mode) return { ok: false, reason: "hub.mode is required (subscribe or unsubscribe)" };
	if (mode !== "subscribe" && mode !== "unsubscribe") return { ok: false, reason: `hub.mode must be subscribe or unsubscribe, got "${mode.slice(0, 40)}"` };
	const topic = form.get("hub.topic")?.trim();
	if (!topic) return { ok: false, reason: "hub.topic is required" };
	const callbackInput = form.get("hub.callback")?.trim();
	if (!callbackInput) return { ok: false, reason: "hub.callback is required" };
	const callback: UrlCheck = checkCallbackUrl(callbackInput, { devMode: options.devMode });
	if (!callback.ok) return { ok: false, reason: `hub.callback ${callback.reason}` };

	const secret = form.get("hub.secret") ?? undefined;
	if (secret !== undefined && new TextEncoder().encode(secret).length > MAX_SECRET_BYTES) {
		return { ok: false, reason: `hub.secret must be less than 200 bytes` };
	}
	const lease = readLease(form.get("hub.lease_seconds"), options.limits);
	if (!lease.ok) return lease;
	return {
		ok: true,
		request: {
			mode,
			topic,
			callback: callback.url,
			callbackHost: new URL(callback.url).host,
			leaseSeconds: lease.seconds,
			secret: secret === "" ? undefined : secret,
		},
	};
}

function readLease(value: string | null, limits: HubLimits): { ok: true; seconds: number } | { ok: false; reason: string } {
	if (value === null || value.trim() === "") return { ok: true, seconds: limits.defaultLeaseSeconds };
	if (!/^\d{1,12}$/.test(value.trim())) return { ok: false, reason: `hub.lease_seconds must be a whole number of seconds, got "${value.slice(0, 40)}"` };
	const asked = Number(value.trim());
	return { ok: true, seconds: Math.min(limits.maxLeaseSeconds, Math.max(limits.minLeaseSeconds, asked)) };
}
