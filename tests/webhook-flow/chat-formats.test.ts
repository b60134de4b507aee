import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, inject, it } from "vitest";
import { deliverMessage } from "../../src/jobs/deliver-messages";
import { webhookCommands } from "../../src/jobs/webhook-commands";
import type { DeliveryFormat } from "../../src/webhooks/delivery-format";
import type { RetrySchedule } from "../../src/webhooks/retry-schedule";
import { eventually } from "../support/eventually";
import { admin } from "../support/http";
import { fencedPost } from "../support/posts";
import { received, uniquePath } from "../support/receiver";
import { resetWebhookState, webhookHarness } from "./harness";

beforeEach(() => resetWebhookState());

const NOW = new Date("2026-06-01T00:00:00Z");

/** A chat subscription at `path` and one new post announced to it: the message id and the request that arrived. */
async function onePostTo(format: DeliveryFormat, path: string, schedule?: RetrySchedule) {
	const h = webhookHarness({ now: NOW });
	if (schedule) h.deliveryDeps.schedule = schedule;
	await h.sync();
	const { subscription } = await h.subscribe(path, { format });
	await h.put("a.md", fencedPost({ title: "Q&A <!everyone> @everyone", date: "2026-01-01", author: "Ada", tags: ["postgres", "<b>"], summary: "Lag & replicas, 1 < 2 > 0" }));
	await h.sync();
	const [queued] = h.queued.sent.splice(0);
	const messageId = queued!.messageId;
	const verdict = await deliverMessage(messageId, h.deliveryDeps);
	const [request, ...more] = await received(path);
	expect(more).toEqual([]);
	return { h, subscription, messageId, verdict, request: request! };
}

const attemptsOf = (messageId: string) =>
	env.DB.prepare("SELECT attempt_number, outcome, status_code, response_snippet FROM attempts WHERE message_id = ?1 ORDER BY id").bind(messageId).all();
const messageRow = (messageId: string) =>
	env.DB.prepare("SELECT status, next_attempt_at FROM messages WHERE id = ?1").bind(messageId).first<{ status: string; next_attempt_at: string | null }>();

/** No Standard Webhooks header: a chat service checks no signature, so none is sent. */
function expectUnsigned(headers: Record<string, string>): void {
	expect(Object.keys(headers).filter((name) => name.startsWith("webhook-"))).toEqual([]);
	expect(headers["content-type"]).toBe("application/json");
}

describe("Slack subscriptions", () => {
	it("post the new post as text and blocks that the Slack receiver accepts, unsigned, logged as delivered", async () => {
		const { messageId, verdict, request } = await onePostTo("slack", uniquePath("/slack"));
		expect(verdict).toEqual({ action: "ack" });
		expectUnsigned(request.headers);
		const body = JSON.parse(request.body) as { text: string; blocks: { type: string; text?: { text: string } }[] };
		expect(body.text).toMatch(/^New post: <https?:\/\/[^|]+\|Q&amp;A &lt;!everyone&gt; @everyone>$/);
		expect(body.blocks.map((block) => block.type)).toEqual(["header", "section", "context"]);
		expect(body.blocks[1]!.text!.text).toMatch(/^Lag &amp; replicas, 1 &lt; 2 &gt; 0\n<https?:\/\/.+\|Read the post>$/);
		expect(JSON.stringify(body.blocks[2])).toContain("tags: postgres, &lt;b&gt;");
		expect((await attemptsOf(messageId)).results).toEqual([{ attempt_number: 1, outcome: "succeeded", status_code: 200, response_snippet: "ok" }]);
	});

	it("wait as long as Slack's 429 Retry-After asks before the next attempt", async () => {
		const { messageId, verdict, h } = await onePostTo("slack", uniquePath("/slack?mode=429&retry-after=30"));
		expect(verdict).toEqual({ action: "retry", delaySeconds: 30 });
		expect(await messageRow(messageId)).toEqual({ status: "pending", next_attempt_at: new Date(h.clock.now.getTime() + 30_000).toISOString() });
	});
});

describe("pacing of one Slack webhook (about one message a second)", () => {
	it("sends messages to the same webhook a second apart, waiting for each one's slot", async () => {
		const h = webhookHarness({ now: NOW });
		await h.sync();
		const path = uniquePath("/slack");
		await h.subscribe(path, { format: "slack" });
		for (const name of ["a", "b", "c"]) await h.put(`${name}.md`, fencedPost({ title: name, date: "2026-01-01" }));
		await h.sync();
		const ids = h.queued.sent.splice(0).map((body) => body.messageId);
		const start = h.clock.now.getTime();
		for (const id of ids) expect(await deliverMessage(id, h.deliveryDeps)).toEqual({ action: "ack" });

		expect(h.sleeps).toEqual([1000, 1000]);
		expect(await received(path)).toHaveLength(3);
		const times = await env.DB.prepare("SELECT created_at FROM attempts ORDER BY created_at").all<{ created_at: string }>();
		expect(times.results.map((row) => Date.parse(row.created_at) - start)).toEqual([0, 1000, 2000]);
	});

	it("hands a message back to the queue, unattempted and reserving nothing, when the slots within reach are taken", async () => {
		const h = webhookHarness({ now: NOW });
		await h.sync();
		const path = uniquePath("/slack");
		const { subscription } = await h.subscribe(path, { format: "slack" });
		await h.put("a.md", fencedPost({ title: "A", date: "2026-01-01" }));
		await h.sync();
		const [queued] = h.queued.sent.splice(0);
		const busyUntil = h.clock.now.getTime() + 120_000;
		await env.DB.prepare("UPDATE subscriptions SET next_send_at_ms = ?2 WHERE id = ?1").bind(subscription.id, busyUntil).run();

		expect(await deliverMessage(queued!.messageId, h.deliveryDeps)).toEqual({ action: "retry", delaySeconds: 120 });
		expect(await received(path)).toEqual([]);
		expect((await attemptsOf(queued!.messageId)).results).toEqual([]);
		expect(await env.DB.prepare("SELECT next_send_at_ms FROM subscriptions WHERE id = ?1").bind(subscription.id).first("next_send_at_ms")).toBe(busyUntil);
		expect(await messageRow(queued!.messageId)).toMatchObject({ status: "pending" });
	});

	it("does not space Discord or Standard Webhooks deliveries", async () => {
		const h = webhookHarness({ now: NOW });
		await h.sync();
		await h.subscribe(uniquePath("/discord"), { format: "discord" });
		await h.subscribe(uniquePath("/ok"));
		for (const name of ["a", "b"]) await h.put(`${name}.md`, fencedPost({ title: name, date: "2026-01-01" }));
		await h.sync();
		expect((await h.deliverQueued()).map((r) => r.verdict)).toEqual(Array(4).fill({ action: "ack" }));
		expect(h.sleeps).toEqual([]);
	});
});

describe("Discord subscriptions", () => {
	it("post the new post as content and one embed that the Discord receiver accepts (204), pinging nobody", async () => {
		const { messageId, verdict, request } = await onePostTo("discord", uniquePath("/discord"));
		expect(verdict).toEqual({ action: "ack" });
		expectUnsigned(request.headers);
		const body = JSON.parse(request.body) as { content: string; embeds: Record<string, unknown>[]; allowed_mentions: unknown };
		expect(body.content).toBe("New post: Q&A <!everyone> @everyone");
		expect(body.allowed_mentions).toEqual({ parse: [] });
		expect(body.embeds).toEqual([
			{
				title: "Q&A <!everyone> @everyone",
				url: expect.stringMatching(/^https?:\/\//),
				description: "Lag & replicas, 1 < 2 > 0",
				timestamp: "2026-01-01T00:00:00Z",
				author: { name: "Ada" },
				fields: [{ name: "Tags", value: "postgres, <b>", inline: true }],
			},
		]);
		expect((await attemptsOf(messageId)).results).toEqual([{ attempt_number: 1, outcome: "succeeded", status_code: 204, response_snippet: "" }]);
	});

	it("delay the next attempt by the retry_after of Discord's 429 JSON body (1.5 s → 2 s), and deliver then", async () => {
		const path = uniquePath("/discord?mode=429&retry_after=1.5");
		const { h, messageId, verdict } = await onePostTo("discord", path, { delaysSeconds: [1, 60, 60], jitterRatio: 0 });
		expect(verdict).toEqual({ action: "retry", delaySeconds: 2 });
		expect(await messageRow(messageId)).toEqual({ status: "pending", next_attempt_at: new Date(h.clock.now.getTime() + 2_000).toISOString() });
		expect((await attemptsOf(messageId)).results).toEqual([
			{ attempt_number: 1, outcome: "retry", status_code: 429, response_snippet: '{"message":"You are being rate limited.","retry_after":1.5,"global":false}' },
		]);
	});

	it("delay by a long retry_after even past the schedule's next step", async () => {
		const { verdict } = await onePostTo("discord", uniquePath("/discord?mode=429&retry_after=42.1"));
		expect(verdict).toEqual({ action: "retry", delaySeconds: 43 });
	});
});

describe("chat pings", () => {
	it.each([
		["slack", "/slack", { text: "Pressroom webhook ping: this channel will receive Pressroom's posts." }],
		["discord", "/discord", { content: "Pressroom webhook ping: this channel will receive Pressroom's posts.", allowed_mentions: { parse: [] } }],
	] as const)("send a %s channel one short line", async (format, base, expected) => {
		const h = webhookHarness({ now: NOW });
		const path = uniquePath(base);
		const { subscription } = await h.subscribe(path, { format });
		const commands = webhookCommands({ deliveries: h.deliveries, subscriptions: h.subscriptions, queue: h.queue, now: () => h.clock.now });
		const { messageId } = await commands.sendPing(subscription.id);
		expect(await deliverMessage(messageId, h.deliveryDeps)).toEqual({ action: "ack" });
		const [request] = await received(path);
		expect(JSON.parse(request!.body)).toEqual(expected);
	});
});

describe("a chat subscription's URL, which is its secret", () => {
	it("is shown in full only when created, and masked in gets, lists, status and the delivery log", async () => {
		const secretPart = `T0001/B0002/${crypto.randomUUID()}`;
		const url = `${inject("webhookReceiverUrl")}/slack/services/${secretPart}?mode=quote-path`;
		const masked = `${inject("webhookReceiverUrl")}/slack/…`;
		const created = await admin("/api/subscriptions", { method: "POST", body: JSON.stringify({ url, format: "slack" }) });
		expect(created.status).toBe(201);
		const createdBody = (await created.json()) as { subscription: { id: string; url: string; format: string }; secret?: string };
		expect(createdBody.subscription).toMatchObject({ url, format: "slack" });
		// Nothing is signed for Slack, so there is no secret to show.
		expect(createdBody.secret).toBeUndefined();
		const id = createdBody.subscription.id;

		expect(await (await admin(`/api/subscriptions/${id}`)).json()).toMatchObject({ url: masked, format: "slack" });
		const list = (await (await admin("/api/subscriptions")).json()) as { subscriptions: { url: string }[] };
		expect(list.subscriptions.map((s) => s.url)).toEqual([masked]);
		const patched = await admin(`/api/subscriptions/${id}`, { method: "PATCH", body: JSON.stringify({ description: "team channel" }) });
		expect(await patched.json()).toMatchObject({ url: masked });

		// The receiver's 404 quotes the path; the log must not.
		expect((await admin(`/api/subscriptions/${id}/test`, { method: "POST" })).status).toBe(202);
		const deliveries = await eventually(
			async () => (await (await admin(`/api/subscriptions/${id}/deliveries`)).text()),
			(text) => text.includes('"statusCode":404'),
		);
		expect(deliveries).toContain(`no webhook at ${masked}`);
		const status = await eventually(
			async () => (await (await admin("/api/status")).text()),
			(text) => text.includes(id),
		);
		for (const text of [deliveries, status, JSON.stringify(list)]) expect(text).not.toContain(secretPart.split("/")[2]!);
		const stored = await env.DB.prepare("SELECT response_snippet, error FROM attempts WHERE subscription_id = ?1").bind(id).all();
		expect(JSON.stringify(stored.results)).not.toContain(secretPart.split("/")[2]!);
	});

	it("stays unmasked for a Standard Webhooks subscription, whose URL is no secret", async () => {
		const url = `${inject("webhookReceiverUrl")}/ok/some/path`;
		const created = (await (await admin("/api/subscriptions", { method: "POST", body: JSON.stringify({ url }) })).json()) as { subscription: { id: string }; secret: string };
		expect(created.secret).toMatch(/^whsec_/);
		expect(await (await admin(`/api/subscriptions/${created.subscription.id}`)).json()).toMatchObject({ url, format: "standard-webhooks" });
	});
});
