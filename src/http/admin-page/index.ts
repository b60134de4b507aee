import { Hono } from "hono/tiny";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { errorResponse } from "../errors";
import { dashboardRoutes } from "./dashboard-routes";
import type { AdminPageEnv } from "./env";
import { requireConfiguredToken, requireSession, sameOriginPosts } from "./guard";
import { securityHeaders } from "./security";
import { signInRoutes, signOutRoutes } from "./sign-in-routes";
import { subscriptionRoutes } from "./subscription-routes";
import { problemPage } from "./views/sign-in";

/**
 * The operator's web page at /admin: server-rendered HTML over the same services as the JSON API. Order
 * matters: headers wrap everything; sign-in needs only a same-origin POST; every route after
 * requireSession needs a session, and a POST also its CSRF token.
 */
export function adminPage(): Hono<AdminPageEnv> {
	const page = new Hono<AdminPageEnv>();
	page.use("*", securityHeaders());
	page.use("*", requireConfiguredToken());
	page.use("*", sameOriginPosts());
	page.route("/", signInRoutes());
	page.use("*", requireSession());
	page.route("/", signOutRoutes());
	page.route("/", dashboardRoutes());
	page.route("/", subscriptionRoutes());
	page.all("*", async (c) => c.html(await problemPage(c.get("nonce"), "Not found", "There is no such admin page.", c.get("session").csrfToken), 404));

	// Errors are mapped to a status and message in one place (errors.ts); here they are shown as a page.
	page.onError(async (error, c) => {
		const mapped = errorResponse(error, c);
		const body = (await mapped.json().catch(() => ({}))) as { message?: string };
		const message = body.message ?? "Something went wrong on our side; the error has been logged.";
		return c.html(await problemPage(c.get("nonce") ?? "", "Something went wrong", message), mapped.status as ContentfulStatusCode);
	});
	return page;
}
