import { Hono } from "hono/tiny";
import type { AppEnv } from "../context";
import { createSubscriptionSchema, updateSubscriptionSchema } from "../../webhooks/subscription-schema";
import { createSubscription, rotateSubscriptionSecret, sendTestPing, subscriptionDeliveries } from "./actions";
import { notFound, pageParams, parseJsonBody } from "./request";

/**
 * The subscriptions API, mounted at /api/subscriptions behind requireAdmin. The signing secret is shown only
 * when created and when rotated, as Svix does; every other answer leaves it out. A Slack or Discord
 * subscription's URL is shown in full only when created; every other answer masks it (maskChatUrl).
 */
export function subscriptionRoutes(): Hono<AppEnv> {
	const routes = new Hono<AppEnv>();

	routes.post("/", async (c) => {
		const services = c.get("services");
		const input = await parseJsonBody(c, createSubscriptionSchema({ devMode: services.config.devMode }));
		const { subscription, secret } = await createSubscription(services, input);
		const location = { Location: `/api/subscriptions/${subscription.id}` };
		// A chat webhook signs nothing (its URL is the secret), so its answer has no secret but the one look at the full URL.
		return c.json(secret === undefined ? { subscription } : { subscription, secret }, 201, location);
	});

	routes.get("/", async (c) => {
		const page = await c.get("services").subscriptions.list(pageParams(c));
		return c.json({ subscriptions: page.subscriptions, nextCursor: page.nextCursor ?? null });
	});

	routes.get("/:id", async (c) => {
		const id = c.req.param("id");
		const subscription = await c.get("services").subscriptions.get(id);
		return subscription ? c.json(subscription) : notFound(c, `subscription ${id}`);
	});

	routes.patch("/:id", async (c) => {
		const { config, subscriptions, now } = c.get("services");
		const id = c.req.param("id");
		const patch = await parseJsonBody(c, updateSubscriptionSchema({ devMode: config.devMode }));
		const subscription = await subscriptions.update(id, patch, now());
		return subscription ? c.json(subscription) : notFound(c, `subscription ${id}`);
	});

	routes.delete("/:id", async (c) => {
		const id = c.req.param("id");
		return (await c.get("services").subscriptions.delete(id)) ? c.body(null, 204) : notFound(c, `subscription ${id}`);
	});

	routes.post("/:id/rotate-secret", async (c) => {
		const id = c.req.param("id");
		const rotated = await rotateSubscriptionSecret(c.get("services"), id);
		if (!rotated) return notFound(c, `subscription ${id}`);
		return c.json({ subscription: rotated.subscription, secret: rotated.secret, previousSecretExpiresAt: rotated.previousSecretExpiresAt });
	});

	routes.post("/:id/test", async (c) => {
		const id = c.req.param("id");
		const ping = await sendTestPing(c.get("services"), id);
		if (ping.kind === "not-found") return notFound(c, `subscription ${id}`);
		if (ping.kind === "disabled") {
			return c.json({ error: "conflict", message: `Subscription ${id} is disabled; enable it (PATCH {"enabled": true}) before sending a test event.` }, 409);
		}
		return c.json({ eventId: ping.eventId, messageId: ping.messageId }, 202);
	});

	routes.get("/:id/deliveries", async (c) => {
		const id = c.req.param("id");
		const found = await subscriptionDeliveries(c.get("services"), id, pageParams(c));
		if (!found) return notFound(c, `subscription ${id}`);
		return c.json({ deliveries: found.page.deliveries, nextCursor: found.page.nextCursor ?? null });
	});

	return routes;
}
