import { createMessageBatch } from "cloudflare:test";
import { env } from "cloudflare:workers";
import worker from "../../src/index";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { eventually } from "../support/eventually";
import { admin, request, syncNow } from "../support/http";
import { fencedPost } from "../support/posts";
import {
	HUB,
	SITE,
	callbackPath,
	callbackUrl,
	contentPosts,
	hubRequest,
	hubSubscription,
	resetHubState,
	settleQueue,
	settled,
	signatureCheck,
	subscribe,
	verificationGets,
} from "./support";

// Each test waits for the real queue (batches every second) to carry verifications and deliveries.
vi.setConfig({ testTimeout: 30_000 });

beforeEach(async () => {
	await resetHubState();
	await env.POSTS.put("first.md", fencedPost({ title: "First post", date: "2026-01-01", tags: ["db"] }));
	await syncNow();
});

async function publishNewPost(title: string, tags = ["db"]) {
	await env.POSTS.put(`${crypto.randomUUID()}.md`, fencedPost({ title, date: "2026-02-01", tags }));
	await syncNow();
}

describe("discovery", () => {
	it.each([
		["/atom.xml", '<link rel="hub" href="http://127.0.0.1:8787/websub"/>'],
		["/rss.xml", '<atom:link href="http://127.0.0.1:8787/websub" rel="hub"/>'],
		["/tags/db/atom.xml", '<link rel="hub" href="http://127.0.0.1:8787/websub"/>'],
	])("%s advertises the hub and itself in its Link header and in the document", async (path, inDocument) => {
		const response = await request(path);
		expect(response.headers.get("Link")).toBe(`<${HUB}>; rel="hub", <${SITE}${path}>; rel="self"`);
		expect(await response.text()).toContain(inDocument);
	});

	it("lists the hub in JSON Feed's hubs", async () => {
		const feed = (await (await request("/feed.json")).json()) as { hubs: unknown };
		expect(feed.hubs).toEqual([{ type: "WebSub", url: HUB }]);
	});
});

describe("subscribing", () => {
	it("verifies intent with a GET carrying mode, topic, a new challenge and the lease, keeping the callback's own query", async () => {
		const a = callbackPath();
		const b = callbackPath();
		const response = await hubRequest({ "hub.mode": "subscribe", "hub.topic": `${SITE}/atom.xml`, "hub.callback": callbackUrl(a, "?mine=kept") });
		expect(response.status).toBe(202);
		await subscribe(`${SITE}/atom.xml`, b);

		const [get] = await verificationGets(a);
		expect(get!.query).toMatchObject({ mine: "kept", "hub.mode": "subscribe", "hub.topic": `${SITE}/atom.xml`, "hub.lease_seconds": "864000" });
		expect(get!.query["hub.challenge"]).toMatch(/^[A-Za-z0-9_-]{43}$/);
		const [other] = await verificationGets(b);
		expect(other!.query["hub.challenge"]).not.toBe(get!.query["hub.challenge"]);
		expect(await settled(a)).toEqual({ status: "verified" });
		expect(await hubSubscription(a)).toMatchObject({ state: "active", lease_seconds: 864000 });
	});

	it("ignores unknown parameters", async () => {
		const path = callbackPath();
		expect(await subscribe(`${SITE}/atom.xml`, path, { "hub.verify": "async", "hub.verify_token": "x", whatever: "1" })).toEqual({ status: "verified" });
	});

	it.each([
		["answers the challenge wrongly", "wrong"],
		["answers 404", "missing"],
	])("never delivers to a callback that %s", async (_name, behaviour) => {
		const refused = callbackPath(behaviour);
		const control = callbackPath();
		expect(await subscribe(`${SITE}/atom.xml`, refused)).toEqual({ status: "refused" });
		await subscribe(`${SITE}/atom.xml`, control);
		expect(await hubSubscription(refused)).toBeNull();

		await publishNewPost("After the refusal");

		await eventually(() => contentPosts(control), (posts) => posts.length > 0);
		expect(await contentPosts(refused)).toEqual([]);
	});

	it("renews the lease when the same pair subscribes again", async () => {
		const path = callbackPath();
		await subscribe(`${SITE}/atom.xml`, path, { "hub.lease_seconds": "100" });
		const first = await hubSubscription(path);
		await subscribe(`${SITE}/atom.xml`, path, { "hub.lease_seconds": "200" });
		const renewed = await hubSubscription(path);

		expect(renewed!.id).toBe(first!.id);
		expect(renewed!.lease_seconds).toBe(200);
		expect(Date.parse(renewed!.expires_at)).toBeGreaterThan(Date.parse(first!.expires_at));
		const rows = await env.DB.prepare("SELECT count(*) AS n FROM hub_subscriptions").first<{ n: number }>();
		expect(rows!.n).toBe(1);
	});

	it.each([
		["a topic on another site", { "hub.topic": "https://elsewhere.example/atom.xml" }, 400, /one of this site's feeds/],
		["a page that is not a feed", { "hub.topic": `${SITE}/posts/first` }, 400, /one of this site's feeds/],
		["a feed nobody publishes", { "hub.topic": `${SITE}/tags/nothing/atom.xml` }, 404, /not a feed this hub serves/],
		["no topic", { "hub.topic": "" }, 400, /hub.topic is required/],
		["no callback", { "hub.callback": "" }, 400, /hub.callback is required/],
		["a callback at a metadata address", { "hub.callback": "http://169.254.169.254/latest" }, 400, /metadata/],
		["an unknown mode", { "hub.mode": "publish-everything" }, 400, /hub.mode must be/],
		["a 200-byte secret", { "hub.secret": "s".repeat(200) }, 400, /less than 200 bytes/],
		["a lease that is not a number", { "hub.lease_seconds": "soon" }, 400, /lease_seconds/],
	])("refuses %s with a plain reason", async (_name, override, status, reason) => {
		const response = await hubRequest({ "hub.mode": "subscribe", "hub.topic": `${SITE}/atom.xml`, "hub.callback": callbackUrl(callbackPath()), ...override });
		expect(response.status).toBe(status);
		expect(await response.text()).toMatch(reason);
	});
});

describe("distribution", () => {
	it("POSTs the new document, signed over the exact bytes, with the topic's Content-Type and Link headers", async () => {
		const signed = callbackPath();
		const unsigned = callbackPath();
		await subscribe(`${SITE}/atom.xml`, signed, { "hub.secret": "a shared secret" });
		await subscribe(`${SITE}/atom.xml`, unsigned);

		await publishNewPost("Pushed to subscribers");

		const [post] = await eventually(() => contentPosts(signed), (posts) => posts.length > 0);
		const served = await request("/atom.xml");
		expect(post!.body).toBe(await served.text());
		expect(post!.body).toContain("Pushed to subscribers");
		expect(post!.headers["content-type"]).toBe(served.headers.get("Content-Type"));
		expect(post!.headers.link).toBe(`<${HUB}>; rel="hub", <${SITE}/atom.xml>; rel="self"`);
		expect(await signatureCheck(signed, "a shared secret")).toMatchObject({ verified: true });
		expect((await signatureCheck(signed, "another secret")).verified).toBe(false);
		const [plain] = await eventually(() => contentPosts(unsigned), (posts) => posts.length > 0);
		expect(plain!.headers["x-hub-signature"]).toBeUndefined();
	});

	it("distributes the JSON Feed topic as application/feed+json", async () => {
		const path = callbackPath();
		await subscribe(`${SITE}/feed.json`, path);
		await publishNewPost("In JSON");
		const [post] = await eventually(() => contentPosts(path), (posts) => posts.length > 0);
		expect(post!.headers["content-type"]).toBe("application/feed+json; charset=utf-8");
		expect((JSON.parse(post!.body) as { items: { title: string }[] }).items[0]!.title).toBe("In JSON");
	});

	it("delivers a tag's topic only when that tag's feed changes", async () => {
		const path = callbackPath();
		await subscribe(`${SITE}/tags/db/rss.xml`, path);
		await publishNewPost("Not about databases", ["cooking"]);
		await settleQueue();
		expect(await contentPosts(path)).toEqual([]);

		await publishNewPost("About databases", ["db"]);
		const [post] = await eventually(() => contentPosts(path), (posts) => posts.length > 0);
		expect(post!.body).toContain("About databases");
	});

	it("stops after an unsubscribe, verified the same way", async () => {
		const path = callbackPath();
		await subscribe(`${SITE}/atom.xml`, path);
		expect((await hubRequest({ "hub.mode": "unsubscribe", "hub.topic": `${SITE}/atom.xml`, "hub.callback": callbackUrl(path) })).status).toBe(202);
		expect(await settled(path, "unsubscribe")).toEqual({ status: "verified" });
		expect(await hubSubscription(path)).toMatchObject({ state: "ended", ended_reason: "unsubscribed" });

		await publishNewPost("After unsubscribing");
		await settleQueue();
		expect(await contentPosts(path)).toEqual([]);
	});

	it("stops when the lease expires", async () => {
		const path = callbackPath();
		await subscribe(`${SITE}/atom.xml`, path, { "hub.lease_seconds": "1" });
		await new Promise((resolve) => setTimeout(resolve, 1_200));

		await publishNewPost("After the lease");
		await settleQueue();
		expect(await contentPosts(path)).toEqual([]);
	});

	it("ends the subscription of a callback that answers 410", async () => {
		const path = callbackPath("gone");
		await subscribe(`${SITE}/atom.xml`, path);
		await publishNewPost("To a gone subscriber");
		await eventually(async () => (await hubSubscription(path))!.state, (state) => state === "ended");
		expect(await hubSubscription(path)).toMatchObject({ ended_reason: "gone" });
	});

	it("keeps a failing subscriber subscribed while its retries last", async () => {
		const path = callbackPath("fail");
		await subscribe(`${SITE}/atom.xml`, path);
		await publishNewPost("To a failing subscriber");
		await eventually(() => contentPosts(path), (posts) => posts.length > 0);
		const message = await eventually(
			() => env.DB.prepare("SELECT status, attempts FROM messages WHERE subscription_id = (SELECT id FROM hub_subscriptions LIMIT 1)").first<{ status: string; attempts: number }>(),
			(row) => (row?.attempts ?? 0) > 0,
		);
		expect(message).toMatchObject({ status: "pending" });
		expect(await hubSubscription(path)).toMatchObject({ state: "active" });
	});

	it("delivers each version once, even when the same bytes are published again", async () => {
		const path = callbackPath();
		await subscribe(`${SITE}/atom.xml`, path);
		await publishNewPost("Once only");
		await eventually(() => contentPosts(path), (posts) => posts.length > 0);

		// As after a crash between storing and forgetting: every document is rendered and stored again.
		await env.DB.batch([env.DB.prepare("DELETE FROM documents"), env.DB.prepare("DELETE FROM catalog_facts WHERE name = 'render_settings'")]);
		await syncNow();
		await settleQueue();

		expect(await contentPosts(path)).toHaveLength(1);
	});

	it("writes nothing to the outbox for topics nobody subscribes to", async () => {
		for (const tag of ["a", "b", "c", "d", "e"]) await env.POSTS.put(`${tag}.md`, fencedPost({ title: `Tagged ${tag}`, date: "2026-03-01", tags: [tag] }));
		await syncNow();
		const events = await env.DB.prepare("SELECT count(*) AS n FROM events WHERE type = 'websub.content'").first<{ n: number }>();
		expect(events!.n).toBe(0);
	});
});

describe("operations", () => {
	it("lists hub subscriptions for the admin and removes one", async () => {
		const path = callbackPath();
		await subscribe(`${SITE}/atom.xml`, path);
		await publishNewPost("For the admin list");
		await eventually(() => contentPosts(path), (posts) => posts.length > 0);

		const list = await eventually(
			async () => (await (await admin("/api/hub/subscriptions")).json()) as { subscriptions: { id: string; topic: string; callback: string; state: string; expiresAt: string; lastDeliveryStatus?: string }[] },
			(page) => page.subscriptions[0]?.lastDeliveryStatus === "200",
		);
		expect(list.subscriptions).toEqual([
			expect.objectContaining({ topic: `${SITE}/atom.xml`, callback: callbackUrl(path), state: "active", expiresAt: expect.any(String), lastDeliveryAt: expect.any(String) }),
		]);
		const status = (await (await admin("/api/status")).json()) as { hub: { active: number } };
		expect(status.hub).toMatchObject({ active: 1 });

		expect((await admin(`/api/hub/subscriptions/${list.subscriptions[0]!.id}`, { method: "DELETE" })).status).toBe(204);
		expect(await hubSubscription(path)).toMatchObject({ state: "ended", ended_reason: "removed" });
		expect((await admin("/api/hub/subscriptions/hubsub_nope", { method: "DELETE" })).status).toBe(404);
	});

	it("records a verification the queue dead-lettered as failed, so it never stays pending", async () => {
		const now = new Date().toISOString();
		await env.DB.prepare(
			`INSERT INTO hub_verifications (id, mode, topic, callback, callback_host, lease_seconds, challenge, status, created_at, updated_at)
			 VALUES ('hubver_dead', 'subscribe', ?1, 'http://127.0.0.1:1/cb', '127.0.0.1:1', 60, 'x', 'pending', ?2, ?2)`,
		)
			.bind(`${SITE}/atom.xml`, now)
			.run();
		const batch = createMessageBatch("pressroom-webhooks-dlq", [{ id: "d1", timestamp: new Date(), attempts: 21, body: { messageId: "hubver_dead" } }]);
		await worker.queue(batch, env);
		const row = await env.DB.prepare("SELECT status, last_error FROM hub_verifications WHERE id = 'hubver_dead'").first<{ status: string; last_error: string }>();
		expect(row).toMatchObject({ status: "failed", last_error: expect.stringContaining("dead-lettered") });
	});

	it("limits subscription requests per callback host", async () => {
		const host = new URL(callbackUrl("/")).host;
		const now = new Date().toISOString();
		await env.DB.prepare(
			`INSERT INTO hub_verifications (id, mode, topic, callback, callback_host, lease_seconds, challenge, status, created_at, updated_at)
			 SELECT 'hubver_fill_' || value, 'subscribe', 't', 'c', ?1, 1, 'x', 'refused', ?2, ?2 FROM json_each(?3)`,
		)
			.bind(host, now, JSON.stringify(Array.from({ length: 30 }, (_, i) => i)))
			.run();
		const response = await hubRequest({ "hub.mode": "subscribe", "hub.topic": `${SITE}/atom.xml`, "hub.callback": callbackUrl(callbackPath()) });
		expect(response.status).toBe(429);
		expect(response.headers.get("Retry-After")).toBe("60");
	});

	it("caps the subscriptions of one topic", async () => {
		const future = new Date(Date.now() + 3_600_000).toISOString();
		await env.DB.prepare(
			`INSERT INTO hub_subscriptions (id, topic, callback, lease_seconds, state, expires_at, created_at, updated_at)
			 SELECT 'hubsub_fill_' || value, ?1, 'https://s' || value || '.example/cb', 3600, 'active', ?2, ?2, ?2 FROM json_each(?3)`,
		)
			.bind(`${SITE}/atom.xml`, future, JSON.stringify(Array.from({ length: 1_000 }, (_, i) => i)))
			.run();
		const response = await hubRequest({ "hub.mode": "subscribe", "hub.topic": `${SITE}/atom.xml`, "hub.callback": callbackUrl(callbackPath()) });
		expect(response.status).toBe(403);
		expect(await response.text()).toMatch(/limit of 1000 subscriptions/);
	});
});
