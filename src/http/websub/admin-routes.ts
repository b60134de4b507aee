import { Hono } from "hono/tiny";
import type { AppEnv } from "../context";
import { notFound, pageParams } from "../subscriptions/request";

/** The hub's subscribers for operators (behind requireAdmin): list them, and remove one. */
export function hubAdminRoutes(): Hono<AppEnv> {
	const routes = new Hono<AppEnv>();
	routes.get("/subscriptions", async (c) => {
		return c.json(await c.get("services").hub.list(pageParams(c)));
	});
	routes.delete("/subscriptions/:id", async (c) => {
		const { hub, now } = c.get("services");
		if (!(await hub.end(c.req.param("id"), "removed", now()))) return notFound(c, "active hub subscription with this id");
		return c.body(null, 204);
	});
	return routes;
}
