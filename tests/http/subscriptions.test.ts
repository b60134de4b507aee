import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { Deliveries } from "../../src/storage/deliveries";
import { Subscriptions } from "../../src/storage/subscriptions";
import { buildPingEvent, messageId } from "../../src/webhooks/event";
import { generateSecret, parseSecret } from "../../src/webhooks/secret";
import { admin } from "../support/http";

interface SubscriptionBody {
	id: string;
	url: string;
	description: string;
	eventTypes: string[];
	filters: { tags: string[]; categories: string[] };
	enabled: boolean;
	disabledReason?: string;
	createdAt: string;
	updatedAt: string;
}

interface ErrorBody {
	error: string;
	message: string;
	fields?: { path: string; message: string }[];
}

beforeEach(async () => {
	await env.DB.batch(["attempts", "messages", "events", "subscriptions"].map((table) => env.DB.prepare(`DELETE FROM ${table}`)));
});

function send(method: string, path: string, body?: unknown): Promise<Response> {
	const init: RequestInit = { method };
	if (body !== undefined) {
		init.body = typeof body === "string" ? body : JSON.stringify(body);
		init.headers = { "Content-Type": "application/json" };
	}
	return admin(path, init);
}

async function create(body: Record<string, unknown> = {}): Promise<{ subscription: SubscriptionBody; secret: string }> {
	const response = await send("POST", "/api/subscriptions", { url: "https://hooks.example/in", ...body });
	expect(response.status).toBe(201);
	return response.json();
}

async function expectFieldError(response: Response, path: string, message?: RegExp): Promise<ErrorBody> {
	expect(response.status).toBe(400);
	const body = (await response.json()) as ErrorBody;
	expect(body.error).toBe("invalid_request");
	expect(body.fields?.map((f) => f.path)).toContain(path);
	if (message) expect(body.fields?.find((f) => f.path === path)?.message).toMatch(message);
	expect(body.message).toContain(path);
	return body;
}

describe("POST /api/subscriptions", () => {
	it("creates a subscription and shows its secret only in that answer", async () => {
		const response = await send("POST", "/api/subscriptions", {
			url: "https://hooks.example/in",
			description: "Planet Postgres",
			eventTypes: ["post.published"],
			filters: { tags: ["postgres"] },
		});
		expect(response.status).toBe(201);
		const { subscription, secret } = (await response.json()) as { subscription: SubscriptionBody; secret: string };

		expect(response.headers.get("Location")).toBe(`/api/subscriptions/${subscription.id}`);
		expect(parseSecret(secret).ok).toBe(true);
		expect(subscription).toMatchObject({
			id: expect.stringMatching(/^sub_[0-9a-z]{26}$/),
			url: "https://hooks.example/in",
			description: "Planet Postgres",
			eventTypes: ["post.published"],
			filters: { tags: ["postgres"], categories: [] },
			enabled: true,
		});
		expect(subscription).not.toHaveProperty("secret");

		const encodedKey = secret.slice("whsec_".length);
		const fetched = await send("GET", `/api/subscriptions/${subscription.id}`);
		expect(fetched.status).toBe(200);
		const fetchedText = await fetched.text();
		expect(JSON.parse(fetchedText)).toEqual(subscription);
		expect(fetchedText).not.toContain(encodedKey);
		expect(fetchedText).not.toContain("whsec_");
		expect(await (await send("GET", "/api/subscriptions")).text()).not.toContain(encodedKey);
	});

	it("subscribes to every post event when no types are named", async () => {
		const { subscription } = await create();
		expect(subscription.eventTypes).toEqual(["post.published", "post.updated", "post.deleted"]);
	});

	it("gives every subscription its own secret", async () => {
		const a = await create();
		const b = await create();
		expect(a.secret).not.toBe(b.secret);
	});

	it.each([
		["http on loopback", "http://127.0.0.1:9000/hook", /https/],
		["https on loopback", "https://127.0.0.1/hook", /loopback/],
		["a private address", "https://10.1.2.3/hook", /private/],
		["the metadata service", "https://169.254.169.254/latest", /metadata/],
		["not a URL", "hooks", /absolute URL/],
	])("refuses %s with a 400 naming url", async (_case, url, message) => {
		await expectFieldError(await send("POST", "/api/subscriptions", { url }), "url", message);
		expect(await new Subscriptions(env.DB).list({ limit: 10 })).toEqual({ subscriptions: [] });
	});

	it("refuses a body that is not JSON, naming the body", async () => {
		const body = await expectFieldError(await send("POST", "/api/subscriptions", "{ url: nope"), "body");
		expect(body.message).toMatch(/not valid JSON/);
		await expectFieldError(await send("POST", "/api/subscriptions", ""), "body");
		await expectFieldError(await send("POST", "/api/subscriptions", "[1, 2]"), "body", /JSON object/);
	});

	it("refuses a field it does not know rather than ignoring it", async () => {
		await expectFieldError(await send("POST", "/api/subscriptions", { url: "https://hooks.example/in", event_types: ["ping"] }), "event_types", /not a known field/);
	});

	it("refuses a missing url", async () => {
		await expectFieldError(await send("POST", "/api/subscriptions", { description: "no url" }), "url", /is required/);
	});

	it("refuses an unknown event type, naming its position", async () => {
		await expectFieldError(
			await send("POST", "/api/subscriptions", { url: "https://hooks.example/in", eventTypes: ["post.published", "post.exploded"] }),
			"eventTypes[1]",
			/must be one of/,
		);
		await expectFieldError(await send("POST", "/api/subscriptions", { url: "https://hooks.example/in", eventTypes: [] }), "eventTypes", /at least one/);
	});

	it("refuses bad filters, naming the filter", async () => {
		await expectFieldError(await send("POST", "/api/subscriptions", { url: "https://hooks.example/in", filters: { tags: ["ok", " "] } }), "filters.tags[1]", /empty/);
		await expectFieldError(await send("POST", "/api/subscriptions", { url: "https://hooks.example/in", filters: { colours: ["red"] } }), "filters.colours");
		await expectFieldError(await send("POST", "/api/subscriptions", { url: "https://hooks.example/in", filters: { categories: "news" } }), "filters.categories");
	});
});

describe("chat formats", () => {
	const SLACK = "https://hooks.slack.com/services/T0AAAA/B0BBBB/secretSECRETsecret";
	const DISCORD = "https://discord.com/api/webhooks/1234/tokenTOKENtoken";

	it.each([
		["slack", SLACK, "https://hooks.slack.com/services/…"],
		["discord", DISCORD, "https://discord.com/api/…"],
	])("creates a %s subscription, showing its full URL and no secret only then, and masks the URL after", async (format, url, masked) => {
		const response = await send("POST", "/api/subscriptions", { url, format });
		expect(response.status).toBe(201);
		const body = (await response.json()) as { subscription: SubscriptionBody & { format: string }; secret?: string };
		expect(body.subscription).toMatchObject({ url, format });
		expect(body).not.toHaveProperty("secret");

		const id = body.subscription.id;
		const secretPart = url.split("/").at(-1)!;
		const answers = [
			await send("GET", `/api/subscriptions/${id}`),
			await send("GET", "/api/subscriptions"),
			await send("PATCH", `/api/subscriptions/${id}`, { description: "channel" }),
			await send("POST", `/api/subscriptions/${id}/rotate-secret`),
		];
		for (const answer of answers) {
			const text = await answer.text();
			expect(text).toContain(masked);
			expect(text).not.toContain(secretPart);
		}
	});

	it("refuses an unknown format, naming the field and the known ones", async () => {
		await expectFieldError(await send("POST", "/api/subscriptions", { url: SLACK, format: "teams" }), "format", /standard-webhooks, slack, discord/);
	});

	it("changes the format with PATCH, masking or unmasking the URL to match", async () => {
		const { subscription } = await create({ url: SLACK });
		expect(subscription).toMatchObject({ url: SLACK, format: "standard-webhooks" });
		expect(await (await send("PATCH", `/api/subscriptions/${subscription.id}`, { format: "slack" })).json()).toMatchObject({ url: "https://hooks.slack.com/services/…", format: "slack" });
		expect(await (await send("PATCH", `/api/subscriptions/${subscription.id}`, { format: "standard-webhooks" })).json()).toMatchObject({ url: SLACK });
	});
});

describe("GET /api/subscriptions", () => {
	it("pages through every subscription with a cursor, oldest first", async () => {
		const created: SubscriptionBody[] = [];
		for (let i = 0; i < 5; i++) created.push((await create({ description: `#${i}` })).subscription);
		const expected = [...created].sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id)).map((s) => s.id);

		const pages: string[][] = [];
		let cursor: string | null = null;
		do {
			const query: string = cursor ? `?limit=2&cursor=${encodeURIComponent(cursor)}` : "?limit=2";
			const response = await send("GET", `/api/subscriptions${query}`);
			expect(response.status).toBe(200);
			const page = (await response.json()) as { subscriptions: SubscriptionBody[]; nextCursor: string | null };
			pages.push(page.subscriptions.map((s) => s.id));
			cursor = page.nextCursor;
		} while (cursor !== null && pages.length < 10);

		expect(pages.map((p) => p.length)).toEqual([2, 2, 1]);
		expect(pages.flat()).toEqual(expected);
	});

	it("returns 20 by default and a null cursor on the last page", async () => {
		await create();
		const page = (await (await send("GET", "/api/subscriptions")).json()) as { subscriptions: unknown[]; nextCursor: unknown };
		expect(page).toEqual({ subscriptions: [expect.objectContaining({ url: "https://hooks.example/in" })], nextCursor: null });
	});

	it.each(["0", "101", "ten", "2.5", "-1"])("refuses ?limit=%s, naming limit", async (limit) => {
		await expectFieldError(await send("GET", `/api/subscriptions?limit=${limit}`), "limit", /1 to 100/);
	});

	it("refuses a cursor it did not hand out, naming cursor", async () => {
		await expectFieldError(await send("GET", "/api/subscriptions?cursor=garbage"), "cursor");
	});
});

describe("PATCH /api/subscriptions/:id", () => {
	it("changes the named fields and leaves the others", async () => {
		const { subscription } = await create({ description: "before", filters: { tags: ["a"] } });
		const response = await send("PATCH", `/api/subscriptions/${subscription.id}`, {
			url: "https://hooks.example/moved",
			eventTypes: ["post.deleted", "post.deleted"],
			filters: { categories: ["releases"] },
		});
		expect(response.status).toBe(200);
		const updated = (await response.json()) as SubscriptionBody;
		expect(updated).toMatchObject({
			id: subscription.id,
			url: "https://hooks.example/moved",
			description: "before",
			eventTypes: ["post.deleted"],
			filters: { tags: [], categories: ["releases"] },
			createdAt: subscription.createdAt,
		});
		expect(await (await send("GET", `/api/subscriptions/${subscription.id}`)).json()).toEqual(updated);
	});

	it("disables and re-enables a subscription", async () => {
		const { subscription } = await create();
		const disabled = (await (await send("PATCH", `/api/subscriptions/${subscription.id}`, { enabled: false })).json()) as SubscriptionBody;
		expect(disabled).toMatchObject({ enabled: false, disabledReason: "manual" });

		const enabled = (await (await send("PATCH", `/api/subscriptions/${subscription.id}`, { enabled: true })).json()) as SubscriptionBody;
		expect(enabled.enabled).toBe(true);
		expect(enabled).not.toHaveProperty("disabledReason");
	});

	it("clears the description and filters with null", async () => {
		const { subscription } = await create({ description: "x", filters: { tags: ["a"], categories: ["b"] } });
		const response = await send("PATCH", `/api/subscriptions/${subscription.id}`, { description: null, filters: null });
		expect(await response.json()).toMatchObject({ description: "", filters: { tags: [], categories: [] } });
	});

	it("refuses an empty patch, an unsafe URL and unknown fields", async () => {
		const { subscription } = await create();
		const path = `/api/subscriptions/${subscription.id}`;
		await expectFieldError(await send("PATCH", path, {}), "body", /at least one/);
		await expectFieldError(await send("PATCH", path, { url: "http://127.0.0.1/hook" }), "url", /https/);
		await expectFieldError(await send("PATCH", path, { secret: generateSecret() }), "secret", /not a known field/);
		await expectFieldError(await send("PATCH", path, "not json"), "body");
		expect(await (await send("GET", path)).json()).toEqual(subscription);
	});
});

describe("DELETE /api/subscriptions/:id", () => {
	it("deletes a subscription, then answers 404", async () => {
		const { subscription } = await create();
		const response = await send("DELETE", `/api/subscriptions/${subscription.id}`);
		expect(response.status).toBe(204);
		expect(await response.text()).toBe("");
		expect((await send("GET", `/api/subscriptions/${subscription.id}`)).status).toBe(404);
		expect((await send("DELETE", `/api/subscriptions/${subscription.id}`)).status).toBe(404);
	});
});

describe("POST /api/subscriptions/:id/rotate-secret", () => {
	it("returns a new secret and keeps the old one signing for 24 hours", async () => {
		const { subscription, secret: oldSecret } = await create();
		const before = Date.now();
		const response = await send("POST", `/api/subscriptions/${subscription.id}/rotate-secret`);
		expect(response.status).toBe(200);
		const body = (await response.json()) as { subscription: SubscriptionBody; secret: string; previousSecretExpiresAt: string };

		expect(parseSecret(body.secret).ok).toBe(true);
		expect(body.secret).not.toBe(oldSecret);
		expect(body.subscription).toMatchObject({ id: subscription.id, url: subscription.url });
		expect(body.subscription).not.toHaveProperty("secret");
		const expiresAt = Date.parse(body.previousSecretExpiresAt);
		expect(expiresAt - before).toBeGreaterThanOrEqual(24 * 3600 * 1000);
		expect(expiresAt - Date.now()).toBeLessThanOrEqual(24 * 3600 * 1000);

		const store = new Subscriptions(env.DB);
		expect(await store.signingSecrets(subscription.id, new Date())).toEqual([body.secret, oldSecret]);
		expect(await store.signingSecrets(subscription.id, new Date(expiresAt - 1))).toEqual([body.secret, oldSecret]);
		expect(await store.signingSecrets(subscription.id, new Date(expiresAt))).toEqual([body.secret]);
	});
});

describe("webhook commands", () => {
	/** Created in storage directly: a loopback URL that the sender refuses outside dev mode, so nothing leaves the machine. */
	async function unreachableSubscription(): Promise<string> {
		const created = await new Subscriptions(env.DB).create(
			{ url: "http://127.0.0.1:9/never-called", eventTypes: ["post.published"], enabled: true },
			generateSecret(),
			new Date(),
		);
		return created.id;
	}

	it("sends a test event and lists it among the subscription's deliveries", async () => {
		const id = await unreachableSubscription();
		const ping = await send("POST", `/api/subscriptions/${id}/test`);
		expect(ping.status).toBe(202);
		const { eventId, messageId } = (await ping.json()) as { eventId: string; messageId: string };
		expect(eventId).toMatch(/^evt_/);
		expect(messageId).toMatch(/^msg_/);

		const list = await send("GET", `/api/subscriptions/${id}/deliveries`);
		expect(list.status).toBe(200);
		const page = (await list.json()) as { deliveries: { messageId: string; eventType: string; subscriptionId: string }[]; nextCursor: string | null };
		expect(page.deliveries).toEqual([expect.objectContaining({ messageId, eventId, eventType: "ping", subscriptionId: id })]);
		expect(page.nextCursor).toBeNull();
	});

	it("redelivers a finished message, and refuses one still in flight with a 409", async () => {
		const id = await unreachableSubscription();
		// Written without being enqueued, so no consumer touches it while the test runs.
		const deliveries = new Deliveries(env.DB);
		const event = buildPingEvent(new Date());
		const msgId = await messageId(event.id, id);
		await deliveries.write([deliveries.insertEvent(event, null), deliveries.insertMessage(msgId, event.id, id, new Date())]);

		const inFlight = await send("POST", `/api/deliveries/${msgId}/redeliver`);
		expect(inFlight.status).toBe(409);
		expect(await inFlight.json()).toMatchObject({ error: "conflict" });

		await deliveries.markFailed(msgId, "gave up", new Date());
		const redelivered = await send("POST", `/api/deliveries/${msgId}/redeliver`);
		expect(redelivered.status).toBe(202);
		expect(await redelivered.json()).toEqual({ messageId: msgId, status: "pending" });
	});

	it("pages deliveries with limit and cursor", async () => {
		const id = await unreachableSubscription();
		for (let i = 0; i < 3; i++) expect((await send("POST", `/api/subscriptions/${id}/test`)).status).toBe(202);
		const first = (await (await send("GET", `/api/subscriptions/${id}/deliveries?limit=2`)).json()) as { deliveries: unknown[]; nextCursor: string };
		expect(first.deliveries).toHaveLength(2);
		const second = (await (await send("GET", `/api/subscriptions/${id}/deliveries?limit=2&cursor=${encodeURIComponent(first.nextCursor)}`)).json()) as {
			deliveries: unknown[];
			nextCursor: string | null;
		};
		expect(second.deliveries).toHaveLength(1);
		expect(second.nextCursor).toBeNull();
		await expectFieldError(await send("GET", `/api/subscriptions/${id}/deliveries?limit=500`), "limit");
	});

	it("refuses to test a disabled subscription with a 409", async () => {
		const { subscription } = await create({ enabled: false });
		const response = await send("POST", `/api/subscriptions/${subscription.id}/test`);
		expect(response.status).toBe(409);
		expect(await response.json()).toMatchObject({ error: "conflict", message: expect.stringContaining("disabled") });
		expect(await env.DB.prepare("SELECT COUNT(*) AS n FROM messages").first("n")).toBe(0);
	});
});

describe("unknown ids", () => {
	it.each([
		["GET", "/api/subscriptions/sub_unknown"],
		["PATCH", "/api/subscriptions/sub_unknown"],
		["DELETE", "/api/subscriptions/sub_unknown"],
		["POST", "/api/subscriptions/sub_unknown/rotate-secret"],
		["POST", "/api/subscriptions/sub_unknown/test"],
		["GET", "/api/subscriptions/sub_unknown/deliveries"],
		["POST", "/api/deliveries/msg_unknown/redeliver"],
	])("%s %s answers a JSON 404", async (method, path) => {
		const response = await send(method, path, method === "PATCH" ? { description: "x" } : undefined);
		expect(response.status).toBe(404);
		expect(await response.json()).toMatchObject({ error: "not_found", message: expect.stringMatching(/unknown/) });
	});
});
