import type { Context } from "hono";
import { Hono } from "hono/tiny";
import { operatorStatus } from "../admin/status";
import { createSubscription } from "../subscriptions/actions";
import { createSubscriptionSchema } from "../../webhooks/subscription-schema";
import type { AdminPageEnv } from "./env";
import { type FieldErrors, parseSubscriptionForm, type SubscriptionFormValues } from "./forms";
import { formBody } from "./guard";
import { noticeFor } from "./notices";
import { successSeries } from "./views/charts";
import { dashboardPage } from "./views/dashboard";
import { EMPTY_SUBSCRIPTION_FORM } from "./views/subscription-form";
import { renderSubscriptionPage } from "./subscription-routes";

/** Subscriptions per dashboard page; each costs two D1 queries for its sparkline (Free plan: 50 per request). */
const SUBSCRIPTIONS_PER_PAGE = 10;
const SPARKLINE_DELIVERIES = 20;
const CHARTED_SYNCS = 30;
const HUB_SUBSCRIPTIONS_SHOWN = 20;

/** The overview (GET /admin), a manual sync, creating a subscription, and removing a hub subscriber. */
export function dashboardRoutes(): Hono<AdminPageEnv> {
	const routes = new Hono<AdminPageEnv>();

	routes.get("/", async (c) => renderDashboard(c, { values: EMPTY_SUBSCRIPTION_FORM }));

	routes.post("/sync", async (c) => {
		const run = await c.get("services").sync("admin page");
		return c.redirect(`/admin?done=sync-${run.status}`, 303);
	});

	routes.post("/subscriptions", async (c) => {
		const services = c.get("services");
		const parsed = parseSubscriptionForm(await formBody(c), createSubscriptionSchema({ devMode: services.config.devMode }));
		if (!parsed.ok) return renderDashboard(c, { values: parsed.values, errors: parsed.errors }, 400);
		const { subscription, secret } = await createSubscription(services, parsed.value);
		if (secret === undefined) {
			return renderSubscriptionPage(c, subscription.id, {
				notice: { kind: "ok", text: "Chat webhook created. Its URL is its secret: it is shown only now, and masked everywhere else." },
				revealedSecret: { secret: subscription.url, note: "Slack and Discord check no signature; keep this URL private." },
			});
		}
		return renderSubscriptionPage(c, subscription.id, {
			notice: { kind: "ok", text: "Subscription created. Copy its signing secret now: it is not shown again." },
			revealedSecret: { secret, note: "Give this secret to the receiver; it verifies each delivery's webhook-signature with it." },
		});
	});

	// The same storage call as DELETE /api/hub/subscriptions/{id}.
	routes.post("/hub/subscriptions/:id/remove", async (c) => {
		const { hub, now } = c.get("services");
		const removed = await hub.end(c.req.param("id"), "removed", now());
		return c.redirect(`/admin?done=${removed ? "hub-removed" : "hub-gone"}#hub-title`, 303);
	});

	return routes;
}

async function renderDashboard(
	c: Context<AdminPageEnv>,
	createForm: { values: SubscriptionFormValues; errors?: FieldErrors },
	statusCode: 200 | 400 = 200,
): Promise<Response> {
	const services = c.get("services");
	const cursor = c.req.query("cursor");
	const [status, page, hub] = await Promise.all([
		operatorStatus(services, CHARTED_SYNCS),
		services.subscriptions.list({ limit: SUBSCRIPTIONS_PER_PAGE, ...(cursor ? { cursor } : {}) }),
		services.hub.list({ limit: HUB_SUBSCRIPTIONS_SHOWN }),
	]);
	const subscriptions = await Promise.all(
		page.subscriptions.map(async (subscription) => ({
			subscription,
			series: successSeries((await services.webhooks.deliveries(subscription.id, { limit: SPARKLINE_DELIVERIES })).deliveries),
		})),
	);
	const notice = createForm.errors ? { kind: "error" as const, text: "The subscription was not created: see the form below." } : noticeFor(c.req.query("done"));
	const frame = { title: "Overview", nonce: c.get("nonce"), csrfToken: c.get("session").csrfToken, ...(notice ? { notice } : {}) };
	const html = await dashboardPage(frame, {
		status,
		subscriptions,
		createForm,
		...(page.nextCursor ? { nextCursor: page.nextCursor } : {}),
		hub,
	});
	return c.html(html, statusCode);
}
