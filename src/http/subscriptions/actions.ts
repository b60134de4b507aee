import type { Services } from "../context";
import type { DeliveryPage } from "../../storage/deliveries";
import type { RotatedSecret, Subscription } from "../../storage/subscriptions";
import { isChatFormat } from "../../webhooks/delivery-format";
import { generateSecret } from "../../webhooks/secret";
import type { CreateSubscriptionInput } from "../../webhooks/subscription-schema";

/*
 * Subscription operations with more than one storage call, shared by the JSON API (routes.ts) and the admin
 * page (src/http/admin-page), so that both take the same path to storage.
 */

/**
 * A new subscription and its signing secret, both shown only now. A chat webhook (Slack, Discord) signs nothing:
 * its URL is the secret, so it has no secret to show, and this one answer carries its full URL, which lists mask.
 */
export async function createSubscription(services: Services, input: CreateSubscriptionInput): Promise<{ subscription: Subscription; secret?: string }> {
	const secret = generateSecret();
	const subscription = await services.subscriptions.create(input, secret, services.now());
	if (isChatFormat(subscription.format)) return { subscription: { ...subscription, url: input.url } };
	return { subscription, secret };
}

/** A new secret; undefined when there is no such subscription. */
export async function rotateSubscriptionSecret(services: Services, id: string): Promise<(RotatedSecret & { secret: string }) | undefined> {
	const secret = generateSecret();
	const rotated = await services.subscriptions.rotateSecret(id, secret, services.now());
	return rotated ? { ...rotated, secret } : undefined;
}

export type TestPingResult = { kind: "sent"; eventId: string; messageId: string } | { kind: "not-found" } | { kind: "disabled" };

/** A `ping` event for one subscription; a disabled subscription gets none (it would be dropped unsent). */
export async function sendTestPing(services: Services, id: string): Promise<TestPingResult> {
	const subscription = await services.subscriptions.get(id);
	if (!subscription) return { kind: "not-found" };
	if (!subscription.enabled) return { kind: "disabled" };
	return { kind: "sent", ...(await services.webhooks.sendPing(id)) };
}

/** The subscription and a page of its deliveries; undefined when there is no such subscription. */
export async function subscriptionDeliveries(
	services: Services,
	id: string,
	page: { limit: number; cursor?: string },
): Promise<{ subscription: Subscription; page: DeliveryPage } | undefined> {
	const subscription = await services.subscriptions.get(id);
	if (!subscription) return undefined;
	return { subscription, page: await services.webhooks.deliveries(id, page) };
}
