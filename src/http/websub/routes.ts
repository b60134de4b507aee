import { Hono } from "hono/tiny";
import { canonicalPath, FEED_FILES } from "../../feeds/document-paths";
import { newChallenge, readSubscriptionRequest } from "../../hub";
import type { AppEnv } from "../context";

/**
 * The hub endpoint (WebSub §5.1): a form POST to subscribe or unsubscribe a callback to one of our feeds.
 * Checked at once and answered 202; intent is verified later through the queue. Refusals are 4xx with a
 * plain-text reason, as §5.1.2 suggests ("the hub SHOULD… describe the error").
 */
export function websubRoutes(): Hono<AppEnv> {
	const routes = new Hono<AppEnv>();
	routes.post("/websub", async (c) => {
		const { config, hub, queue, documents, now } = c.get("services");
		const type = c.req.header("Content-Type") ?? "";
		if (!type.toLowerCase().startsWith("application/x-www-form-urlencoded")) {
			return c.text("The hub takes application/x-www-form-urlencoded requests (hub.mode, hub.topic, hub.callback).", 415);
		}
		// Decoded by hand: .text() on a form body makes workerd warn, and the form is UTF-8 by definition.
		const form = new URLSearchParams(new TextDecoder().decode(await c.req.arrayBuffer()));
		const read = readSubscriptionRequest(form, { limits: config.hub.limits, devMode: config.devMode });
		if (!read.ok) return c.text(read.reason, 400);
		const { request } = read;

		const topic = servedTopic(request.topic, config.site.url);
		if (topic === undefined) return c.text(`hub.topic must be one of this site's feeds (${config.site.url}/atom.xml, a tag's feed…); got ${request.topic.slice(0, 200)}`, 400);
		const at = now();
		if (request.mode === "subscribe" && !(await documents.exists(topic.slice(config.site.url.length)))) {
			return c.text(`hub.topic ${topic} is not a feed this hub serves (no such feed is published)`, 404);
		}
		const { limits } = config.hub;
		if ((await hub.requestsFromHost(request.callbackHost, new Date(at.getTime() - 60_000))) >= limits.requestsPerHostPerMinute) {
			c.header("Retry-After", "60");
			return c.text(`Too many subscription requests for callbacks on ${request.callbackHost}: at most ${limits.requestsPerHostPerMinute} a minute`, 429);
		}
		if (request.mode === "subscribe") {
			const counts = await hub.counts(topic, request.callback, at);
			if (!counts.existing && counts.topic >= limits.maxSubscriptionsPerTopic) return c.text(`This topic has reached its limit of ${limits.maxSubscriptionsPerTopic} subscriptions`, 403);
			if (!counts.existing && counts.total >= limits.maxSubscriptions) return c.text(`The hub has reached its limit of ${limits.maxSubscriptions} subscriptions`, 403);
		}
		const verificationId = await hub.createVerification(request, topic, newChallenge(), at);
		await queue.enqueueVerification(verificationId);
		return c.text(`Accepted: the hub will verify this ${request.mode} request with a GET to the callback`, 202);
	});
	return routes;
}

/** The canonical self URL of one of our feeds, however the subscriber spelled it; undefined for anything else. */
function servedTopic(topic: string, siteUrl: string): string | undefined {
	let url: URL;
	try {
		url = new URL(topic);
	} catch {
		return undefined;
	}
	const site = new URL(`${siteUrl}/`);
	if (url.origin !== site.origin || !url.pathname.startsWith(site.pathname) || url.search !== "" || url.hash !== "") return undefined;
	const path = canonicalPath(`/${url.pathname.slice(site.pathname.length)}`);
	if (path === undefined || !Object.values(FEED_FILES).some((file) => path.endsWith(`/${file}`))) return undefined;
	return `${siteUrl}${path}`;
}
