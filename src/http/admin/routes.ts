import { Hono } from "hono/tiny";
import type { AppEnv } from "../context";
import { operatorStatus } from "./status";

/** The operator's API (behind requireAdmin, applied to all of /api in app.ts): run a sync now, and see what the last syncs did and which posts are broken. */
export function adminRoutes(): Hono<AppEnv> {
	const routes = new Hono<AppEnv>();

	routes.post("/sync", async (c) => {
		const run = await c.get("services").sync("api");
		// A partial sync committed what it read; the next one carries on, so it is a success too.
		const status = run.status === "failed" ? 502 : run.status === "skipped" ? 409 : 200;
		return c.json({ sync: run }, status);
	});

	routes.get("/status", async (c) => c.json(await operatorStatus(c.get("services"))));
	return routes;
}
