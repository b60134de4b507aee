import { Hono } from "hono/tiny";
import { requireAdmin } from "./admin/auth";
import { adminPage } from "./admin-page";
import { adminRoutes } from "./admin/routes";
import type { Publication } from "../jobs/publication";
import type { AppEnv, Services } from "./context";
import { errorResponse } from "./errors";
import { aliasOrNotFound } from "./documents/aliases";
import { serveDocuments } from "./documents/serve";
import { mediaRoutes } from "./media/serve";
import { deliveryRoutes } from "./subscriptions/delivery-routes";
import { subscriptionRoutes } from "./subscriptions/routes";
import { hubAdminRoutes } from "./websub/admin-routes";
import { websubRoutes } from "./websub/routes";

/**
 * The Hono app; `services` is built per request by the caller so routes never read bindings or env. Published
 * documents are served first, from `publication` (built once per isolate and bindings), so the hot path builds
 * nothing else.
 */
export function createApp(services: (env: Cloudflare.Env) => Services, publication: (env: Cloudflare.Env) => Publication): Hono<AppEnv> {
	const app = new Hono<AppEnv>();
	app.use("*", serveDocuments(publication));
	app.use("*", async (c, next) => {
		c.set("services", services(c.env));
		await next();
	});
	app.route("/", websubRoutes());
	app.route("/", mediaRoutes());
	// serveDocuments passes /admin on: no document path starts with it (src/feeds/document-paths.ts).
	app.route("/admin", adminPage());
	app.use("/api/*", requireAdmin());
	app.route("/api", adminRoutes());
	app.route("/api/subscriptions", subscriptionRoutes());
	app.route("/api/deliveries", deliveryRoutes());
	app.route("/api/hub", hubAdminRoutes());
	app.notFound((c) => aliasOrNotFound(c));
	app.onError(errorResponse);
	return app;
}
