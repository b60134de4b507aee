import type { Context } from "hono";
import { Hono } from "hono/tiny";
import { rotateSubscriptionSecret, sendTestPing, subscriptionDeliveries } from "../subscriptions/actions";
import { updateSubscriptionSchema } from "../../webhooks/subscription-schema";
import type { AdminPageEnv } from "./env";
import { type FieldErrors, parseSubscriptionForm, type SubscriptionFormValues, text } from "./forms";
import { formBody } from "./guard";
import { noticeFor } from "./notices";
import type { PageFrame } from "./views/layout";
import { successSeries } from "./views/charts";
import { problemPage } from "./views/sign-in";
import { subscriptionPage, type SubscriptionPageData, valuesOf } from "./views/subscription";

const DELIVERIES_PER_PAGE = 20;
const SUBSCRIPTION_PAGE = /^\/admin\/subscriptions\/sub_[A-Za-z0-9]{1,64}$/;

/** One subscription's page and its actions; each action is the storage call or shared action the JSON API makes. */
export function subscriptionRoutes(): Hono<AdminPageEnv> {
	const routes = new Hono<AdminPageEnv>();

	routes.get("/subscriptions/:id", async (c) =>
		renderSubscriptionPage(c, c.req.param("id"), { notice: noticeFor(c.req.query("done")), cursor: c.req.query("cursor") }),
	);

	routes.post("/subscriptions/:id/edit", async (c) => {
		const { config, subscriptions, now } = c.get("services");
		const id = c.req.param("id");
		const parsed = parseSubscriptionForm(await formBody(c), updateSubscriptionSchema({ devMode: config.devMode }));
		if (!parsed.ok) {
			const notice = { kind: "error" as const, text: "Nothing was saved: see the form below." };
			return renderSubscriptionPage(c, id, { notice, editForm: { values: parsed.values, errors: parsed.errors } }, 400);
		}
		const updated = await subscriptions.update(id, parsed.value, now());
		return updated ? c.redirect(`/admin/subscriptions/${id}?done=saved`, 303) : missing(c, id);
	});

	for (const [action, enabled] of [
		["pause", false],
		["resume", true],
	] as const) {
		routes.post(`/subscriptions/:id/${action}`, async (c) => {
			const { subscriptions, now } = c.get("services");
			const id = c.req.param("id");
			const updated = await subscriptions.update(id, { enabled }, now());
			return updated ? c.redirect(`/admin/subscriptions/${id}?done=${enabled ? "resumed" : "paused"}`, 303) : missing(c, id);
		});
	}

	routes.post("/subscriptions/:id/rotate-secret", async (c) => {
		const id = c.req.param("id");
		const rotated = await rotateSubscriptionSecret(c.get("services"), id);
		if (!rotated) return missing(c, id);
		return renderSubscriptionPage(c, id, {
			notice: { kind: "ok", text: "New signing secret made. Copy it now: it is not shown again." },
			revealedSecret: {
				secret: rotated.secret,
				note: `The previous secret keeps signing alongside this one until ${rotated.previousSecretExpiresAt}, so the receiver can switch over.`,
			},
		});
	});

	routes.post("/subscriptions/:id/test", async (c) => {
		const id = c.req.param("id");
		const ping = await sendTestPing(c.get("services"), id);
		if (ping.kind === "not-found") return missing(c, id);
		if (ping.kind === "disabled") return problem(c, 409, "Not sent", "This subscription is paused or disabled: resume it before sending a test ping.");
		return c.redirect(`/admin/subscriptions/${id}?done=ping-sent`, 303);
	});

	routes.post("/subscriptions/:id/delete", async (c) => {
		const id = c.req.param("id");
		return (await c.get("services").subscriptions.delete(id)) ? c.redirect("/admin?done=deleted", 303) : missing(c, id);
	});

	routes.post("/deliveries/:messageId/redeliver", async (c) => {
		const messageId = c.req.param("messageId");
		const result = await c.get("services").webhooks.redeliver(messageId);
		if (!result) return problem(c, 404, "Not found", `There is no delivery ${messageId}.`);
		const back = text((await formBody(c)).back);
		return c.redirect(`${SUBSCRIPTION_PAGE.test(back) ? back : "/admin"}?done=redelivered`, 303);
	});

	return routes;
}

/** The subscription page, with whatever the action that led here has to say or show (once). */
export async function renderSubscriptionPage(
	c: Context<AdminPageEnv>,
	id: string,
	extra: {
		notice?: PageFrame["notice"];
		revealedSecret?: SubscriptionPageData["revealedSecret"];
		editForm?: { values: SubscriptionFormValues; errors?: FieldErrors };
		cursor?: string;
	},
	statusCode: 200 | 400 = 200,
): Promise<Response> {
	const found = await subscriptionDeliveries(c.get("services"), id, { limit: DELIVERIES_PER_PAGE, ...(extra.cursor ? { cursor: extra.cursor } : {}) });
	if (!found) return missing(c, id);
	const { subscription, page } = found;
	const frame = {
		title: subscription.description || "Subscription",
		nonce: c.get("nonce"),
		csrfToken: c.get("session").csrfToken,
		...(extra.notice ? { notice: extra.notice } : {}),
	};
	const html = await subscriptionPage(frame, {
		subscription,
		deliveries: page,
		series: successSeries(page.deliveries),
		editForm: extra.editForm ?? { values: valuesOf(subscription) },
		...(extra.revealedSecret ? { revealedSecret: extra.revealedSecret } : {}),
	});
	return c.html(html, statusCode);
}

function missing(c: Context<AdminPageEnv>, id: string): Promise<Response> {
	return problem(c, 404, "Not found", `There is no subscription ${id}.`);
}

async function problem(c: Context<AdminPageEnv>, status: 404 | 409, title: string, message: string): Promise<Response> {
	return c.html(await problemPage(c.get("nonce"), title, message, c.get("session").csrfToken), status);
}
