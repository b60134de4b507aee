import { Hono } from "hono";
import { requireAdmin } from "./admin/auth";
import { adminRoutes } from "./admin/routes";
import type { AppEnv, Services } from "./context";
import { errorResponse, notFoundResponse } from "./errors";
import { assetRoutes } from "./assets/routes";
import { serveDocuments } from "./documents/serve";
import { mediaRoutes } from "./media/serve";
import { deliveryRoutes } from "./subscriptions/delivery-routes";
import { subscriptionRoutes } from "./subscriptions/routes";
import { hubAdminRoutes } from "./websub/admin-routes";
import { websubRoutes } from "./websub/routes";

/** The Hono app; `services` is built per request by the caller so routes never read bindings or env. */
export function createApp(services: (env: Cloudflare.Env) => Services): Hono<AppEnv> {
	const app = new Hono<AppEnv>();
	app.use("*", async (c, next) => {
		c.set("services", services(c.env));
		await next();
	});
	app.use("*", serveDocuments());
	app.route("/", websubRoutes());
	app.route("/", mediaRoutes());
	app.route("/", assetRoutes());
	app.use("/api/*", requireAdmin());
	app.route("/api", adminRoutes());
	app.route("/api/subscriptions", subscriptionRoutes());
	app.route("/api/deliveries", deliveryRoutes());
	app.route("/api/hub", hubAdminRoutes());
	app.notFound(notFoundResponse);
	app.onError(errorResponse);
	return app;
}
