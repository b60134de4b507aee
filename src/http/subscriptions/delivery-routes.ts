import { Hono } from "hono/tiny";
import type { AppEnv } from "../context";
import { notFound } from "./request";

/** Mounted at /api/deliveries behind requireAdmin: resend one message (same webhook-id) on an operator's request. */
export function deliveryRoutes(): Hono<AppEnv> {
	const routes = new Hono<AppEnv>();

	routes.post("/:messageId/redeliver", async (c) => {
		const messageId = c.req.param("messageId");
		const result = await c.get("services").webhooks.redeliver(messageId);
		return result ? c.json({ messageId: result.messageId, status: result.status }, 202) : notFound(c, `delivery ${messageId}`);
	});

	return routes;
}
