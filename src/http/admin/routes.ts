import { Hono } from "hono";
import type { AppEnv } from "../context";

/** The operator's API (behind requireAdmin, applied to all of /api in app.ts): run a sync now, and see what the last syncs did and which posts are broken. */
export function adminRoutes(): Hono<AppEnv> {
	const routes = new Hono<AppEnv>();

	routes.post("/sync", async (c) => {
		const run = await c.get("services").sync("api");
		// A partial sync committed what it read; the next one carries on, so it is a success too.
		const status = run.status === "failed" ? 502 : run.status === "skipped" ? 409 : 200;
		return c.json({ sync: run }, status);
	});

	routes.get("/status", async (c) => {
		const { catalog, runs, storageStatus, webhooks, hub, documents, media, now } = c.get("services");
		const [recent, lastSucceeded, counts, mediaCount, broken, missingMedia, webhookHealth, hubHealth, publication] = await Promise.all([
			runs.latest(10),
			runs.lastSucceeded(),
			catalog.counts(),
			media.count(),
			catalog.brokenObjects(),
			media.missing(),
			webhooks.health(),
			hub.health(now()),
			documents.health(),
		]);
		return c.json({
			storage: storageStatus(),
			lastSync: recent[0] ?? null,
			lastSuccessfulSync: lastSucceeded ?? null,
			recentSyncs: recent,
			catalog: { ...counts, media: mediaCount },
			brokenPosts: broken,
			// Published all the same; these links and enclosures lead nowhere until the object is uploaded.
			missingMedia,
			webhooks: webhookHealth,
			hub: hubHealth,
			documents: publication,
		});
	});
	return routes;
}
