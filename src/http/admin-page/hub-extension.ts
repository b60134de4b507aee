import type { Services } from "../context";

/**
 * Extension point for WebSub hub subscriptions (issue "WebSub hub"): nothing provides them yet, so the admin
 * page shows no hub section. Once the hub stores subscriptions, pass a source to adminPage() in app.ts, e.g.
 * `adminPage({ hubSubscriptions: async (services) => ({ subscriptions: await services.hub.list() }) })`.
 */
export type HubSubscriptionsSource = (services: Services) => Promise<HubSubscriptionsView>;

export interface HubSubscriptionsView {
	subscriptions: HubSubscriptionEntry[];
}

export interface HubSubscriptionEntry {
	topic: string;
	callback: string;
	/** As the hub names it, e.g. "verified", "pending", "expired". */
	state: string;
	leaseExpiresAt?: string;
}
