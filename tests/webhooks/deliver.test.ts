import { Webhook } from "standardwebhooks";
import { describe, expect, inject, it } from "vitest";
import { decideAfterAttempt } from "../../src/webhooks/decision";
import { attemptDelivery, buildSignedRequest, USER_AGENT } from "../../src/webhooks/deliver";
import { buildPayload, buildPostEvent, messageId } from "../../src/webhooks/event";
import { generateSecret } from "../../src/webhooks/secret";
import { connectionOutcome, received, receivedWithId, verifiedByReceiver } from "../support/receiver";
import { buildPost } from "./builders";

/** The Node-side receiver from tests/support/webhook-receiver.global.ts. */
const receiver = inject("webhookReceiverUrl");

/** A signed request for a fresh event; the message id is unique per call so parallel files never collide. */
async function signedEvent(secrets: string[], now = new Date()) {
	const post = buildPost();
	const event = await buildPostEvent(post, "post.published", crypto.randomUUID(), 1, now);
	const msgId = await messageId(event.id, "sub_test");
	return { msgId, event, request: await buildSignedRequest({ msgId, body: buildPayload(event), secrets, now }) };
}

describe("buildSignedRequest", () => {
	it("sets the Standard Webhooks headers, JSON content type and our user agent", async () => {
		const now = new Date("2026-03-01T09:00:00.750Z");
		const { headers, body } = await buildSignedRequest({ msgId: "msg_1", body: '{"a":1}', secrets: [generateSecret()], now });
		expect(body).toBe('{"a":1}');
		expect(headers).toEqual({
			"content-type": "application/json",
			"user-agent": "Pressroom-Webhooks/1.0",
			"webhook-id": "msg_1",
			"webhook-timestamp": "1772355600",
			"webhook-signature": expect.stringMatching(/^v1,[A-Za-z0-9+/]{43}=$/),
		});
	});

	it("keeps webhook-id but takes a new timestamp and signature on every attempt", async () => {
		const secret = generateSecret();
		const first = await buildSignedRequest({ msgId: "msg_r", body: "{}", secrets: [secret], now: new Date("2026-03-01T09:00:00Z") });
		const retry = await buildSignedRequest({ msgId: "msg_r", body: "{}", secrets: [secret], now: new Date("2026-03-01T09:00:05Z") });
		expect(retry.headers["webhook-id"]).toBe(first.headers["webhook-id"]);
		expect(Number(retry.headers["webhook-timestamp"]) - Number(first.headers["webhook-timestamp"])).toBe(5);
		expect(retry.headers["webhook-signature"]).not.toBe(first.headers["webhook-signature"]);
	});
});

describe("attemptDelivery against a real HTTP receiver", () => {
	it("POSTs the exact body with signed headers, and both Node and workerd verify it with the reference library", async () => {
		const secret = generateSecret();
		const { msgId, event, request } = await signedEvent([secret]);
		const result = await attemptDelivery({ url: `${receiver}/ok`, ...request, timeoutMs: 5000 });

		expect(result).toMatchObject({ outcome: { kind: "response", status: 200 }, status: 200, responseSnippet: "ok" });
		expect(result.error).toBeUndefined();
		expect(Number.isInteger(result.durationMs)).toBe(true);

		const [arrived, ...more] = await receivedWithId(msgId);
		expect(more).toHaveLength(0);
		expect(arrived).toMatchObject({ method: "POST", path: "/ok", body: request.body });
		expect(arrived!.headers).toMatchObject({
			"content-type": "application/json",
			"user-agent": USER_AGENT,
			"webhook-id": msgId,
			"webhook-timestamp": request.headers["webhook-timestamp"],
			"webhook-signature": request.headers["webhook-signature"],
		});
		expect(await verifiedByReceiver(msgId, secret)).toEqual({ verified: true, payload: JSON.parse(buildPayload(event)) });
		expect(new Webhook(secret).verify(arrived!.body, arrived!.headers)).toEqual(JSON.parse(buildPayload(event)));
		expect(decideAfterAttempt(result.outcome, 1)).toEqual({ action: "succeeded" });
	});

	it("lets a receiver holding only the old or only the new secret verify a delivery made during a rotation", async () => {
		const oldSecret = generateSecret();
		const newSecret = generateSecret();
		const { msgId, request } = await signedEvent([oldSecret, newSecret]);
		await attemptDelivery({ url: `${receiver}/ok`, ...request, timeoutMs: 5000 });

		expect(await verifiedByReceiver(msgId, oldSecret)).toMatchObject({ verified: true });
		expect(await verifiedByReceiver(msgId, newSecret)).toMatchObject({ verified: true });
		expect(await verifiedByReceiver(msgId, generateSecret())).toEqual({ verified: false, error: "No matching signature found" });
	});

	it("does not follow a redirect, and the redirect counts as a failure to retry", async () => {
		const { request } = await signedEvent([generateSecret()]);
		const target = `/ok?followed=${crypto.randomUUID()}`;
		const result = await attemptDelivery({ url: `${receiver}/redirect?to=${encodeURIComponent(target)}`, ...request, timeoutMs: 5000 });

		expect(result.outcome).toEqual({ kind: "response", status: 302 });
		expect(await received(target)).toEqual([]);
		expect(decideAfterAttempt(result.outcome, 1, undefined, new Date(), () => 0.5)).toMatchObject({ action: "retry", delaySeconds: 5 });
	});

	it("reports 410 Gone, which disables the subscription", async () => {
		const { request } = await signedEvent([generateSecret()]);
		const result = await attemptDelivery({ url: `${receiver}/status/410`, ...request, timeoutMs: 5000 });
		expect(result).toMatchObject({ outcome: { kind: "response", status: 410 }, responseSnippet: "status 410" });
		expect(decideAfterAttempt(result.outcome, 1).action).toBe("disable-subscription");
	});

	it("passes Retry-After from a 429 through to the decision", async () => {
		const { request } = await signedEvent([generateSecret()]);
		const result = await attemptDelivery({ url: `${receiver}/retry-after?value=120`, ...request, timeoutMs: 5000 });
		expect(result.outcome).toEqual({ kind: "response", status: 429, retryAfter: "120" });
		expect(decideAfterAttempt(result.outcome, 1)).toMatchObject({ action: "retry", delaySeconds: 120 });
	});

	it("passes an HTTP-date Retry-After from a 503 through to the decision", async () => {
		const now = new Date();
		const later = new Date(Math.ceil(now.getTime() / 1000) * 1000 + 600_000).toUTCString();
		const { request } = await signedEvent([generateSecret()]);
		const result = await attemptDelivery({ url: `${receiver}/status/503?retry-after=${encodeURIComponent(later)}`, ...request, timeoutMs: 5000 });
		expect(result.outcome).toEqual({ kind: "response", status: 503, retryAfter: later });
		const decision = decideAfterAttempt(result.outcome, 1, undefined, now);
		expect(decision.action === "retry" && decision.delaySeconds).toBeGreaterThanOrEqual(600);
		expect(decision.action === "retry" && decision.delaySeconds).toBeLessThanOrEqual(601);
	});

	it("reports a 500 with its body as a retryable failure", async () => {
		const { request } = await signedEvent([generateSecret()]);
		const result = await attemptDelivery({ url: `${receiver}/status/500`, ...request, timeoutMs: 5000 });
		expect(result).toMatchObject({ outcome: { kind: "response", status: 500 }, status: 500, responseSnippet: "status 500" });
		expect(decideAfterAttempt(result.outcome, 1).action).toBe("retry");
	});

	it("gives up on a receiver that does not answer within the timeout, hanging up before it answers", async () => {
		const tag = crypto.randomUUID();
		const { request } = await signedEvent([generateSecret()]);
		const result = await attemptDelivery({ url: `${receiver}/slow?ms=5000&tag=${tag}`, ...request, timeoutMs: 250 });
		expect(result.outcome).toEqual({ kind: "timeout" });
		expect(result.status).toBeUndefined();
		expect(result.error).toBe("no response within 250 ms");
		// The receiver answers after 5 s; a sender that waited for it would find the request answered.
		expect(await connectionOutcome(tag)).toEqual({ answered: false, closed: true });
	});

	it("keeps the status of a receiver that answers and then stalls the body, and hangs up at the timeout", async () => {
		const tag = crypto.randomUUID();
		const { request } = await signedEvent([generateSecret()]);
		const result = await attemptDelivery({ url: `${receiver}/stall-body?tag=${tag}`, ...request, timeoutMs: 300 });
		expect(result).toMatchObject({ outcome: { kind: "response", status: 200 }, responseSnippet: "partial ", error: "timed out reading the response body" });
		expect(await connectionOutcome(tag)).toEqual({ answered: false, closed: true });
	});

	it("reads only the first 4 KiB of a 10 MiB response and hangs up on the rest", async () => {
		const tag = crypto.randomUUID();
		const { request } = await signedEvent([generateSecret()]);
		const result = await attemptDelivery({ url: `${receiver}/big?tag=${tag}`, ...request, timeoutMs: 10_000 });

		expect(result.outcome).toEqual({ kind: "response", status: 200 });
		expect(result.responseSnippet).toBe("x".repeat(4096));
		let transfer: { bytesWritten: number; finished: boolean; closed: boolean } | null = null;
		for (let i = 0; i < 100 && !transfer?.closed; i++) {
			await new Promise((resolve) => setTimeout(resolve, 20));
			transfer = await (await fetch(`${receiver}/_control/big?tag=${tag}`)).json();
		}
		expect(transfer).toMatchObject({ closed: true, finished: false });
		// A client that reads to the end lets the receiver finish all 10 MiB. The receiver sends 512 KiB bursts
		// 10 ms apart, so what it wrote measures how soon we hung up (here: within the first burst), not how big
		// the socket buffers are; 4 MiB leaves room for a loaded machine.
		expect(transfer!.bytesWritten).toBeLessThan(4 * 1024 * 1024);
		console.log(`/big: the receiver wrote ${transfer!.bytesWritten} of ${10 * 1024 * 1024} bytes before the client hung up`);
	});

	it("reports a refused connection as a network error", async () => {
		const { request } = await signedEvent([generateSecret()]);
		// Port 1 (tcpmux) is not listening on a test machine; nothing is sent anywhere but 127.0.0.1.
		const result = await attemptDelivery({ url: "http://127.0.0.1:1/", ...request, timeoutMs: 5000 });
		expect(result.outcome.kind).toBe("network-error");
		expect(result.error).toEqual(expect.any(String));
		expect(decideAfterAttempt(result.outcome, 1).action).toBe("retry");
	});
});

describe("attemptDelivery with an injected fetcher", () => {
	/** A 10 MiB body generated on demand, counting what the reader actually pulled. */
	function lazyBigBody() {
		const stats = { pulledBytes: 0, cancelled: false };
		const chunk = new TextEncoder().encode("y".repeat(1024));
		const stream = new ReadableStream<Uint8Array>({
			pull(controller) {
				if (stats.pulledBytes >= 10 * 1024 * 1024) return controller.close();
				stats.pulledBytes += chunk.length;
				controller.enqueue(chunk);
			},
			cancel() {
				stats.cancelled = true;
			},
		}, { highWaterMark: 0 });
		return { stream, stats };
	}

	it("pulls only as much as it keeps, then cancels the stream", async () => {
		const { stream, stats } = lazyBigBody();
		const result = await attemptDelivery({ url: "https://hooks.example.com/", body: "{}", headers: {}, timeoutMs: 1000, fetcher: async () => new Response(stream) });
		expect(result.responseSnippet).toHaveLength(4096);
		expect(stats.pulledBytes).toBeLessThanOrEqual(4096 + 1024);
		expect(stats.cancelled).toBe(true);
	});

	it("honours a smaller maxResponseBytes and never splits a character", async () => {
		const result = await attemptDelivery({
			url: "https://hooks.example.com/",
			body: "{}",
			headers: {},
			timeoutMs: 1000,
			maxResponseBytes: 5,
			fetcher: async () => new Response("aaaé€"),
		});
		// "aaa" + "é" is 5 bytes exactly; "€" would need 3 more.
		expect(result.responseSnippet).toBe("aaaé");
		const cut = await attemptDelivery({ url: "https://h.example/", body: "{}", headers: {}, timeoutMs: 1000, maxResponseBytes: 4, fetcher: async () => new Response("aaaé") });
		expect(cut.responseSnippet).toBe("aaa");
	});

	it("sends a POST with manual redirects and an abort signal", async () => {
		let seen: RequestInit | undefined;
		await attemptDelivery({
			url: "https://hooks.example.com/",
			body: "{}",
			headers: { "webhook-id": "msg_1" },
			timeoutMs: 1000,
			fetcher: async (_url, init) => {
				seen = init;
				return new Response(null, { status: 204 });
			},
		});
		expect(seen).toMatchObject({ method: "POST", body: "{}", redirect: "manual", headers: { "webhook-id": "msg_1" } });
		expect(seen?.signal).toBeInstanceOf(AbortSignal);
	});

	it("never throws, whatever the fetcher does", async () => {
		const thrown = await attemptDelivery({
			url: "https://hooks.example.com/",
			body: "{}",
			headers: {},
			timeoutMs: 1000,
			fetcher: () => Promise.reject("not even an Error"),
		});
		expect(thrown).toMatchObject({ outcome: { kind: "network-error", message: "not even an Error" }, responseSnippet: "" });

		const badUrl = await attemptDelivery({ url: "not a url", body: "{}", headers: {}, timeoutMs: 1000 });
		expect(badUrl.outcome.kind).toBe("network-error");
	});

	it("reports a body that errors half-way with what was read so far", async () => {
		const stream = new ReadableStream<Uint8Array>({
			start(controller) {
				controller.enqueue(new TextEncoder().encode("half"));
				controller.error(new Error("connection reset"));
			},
		});
		const result = await attemptDelivery({ url: "https://h.example/", body: "{}", headers: {}, timeoutMs: 1000, fetcher: async () => new Response(stream, { status: 502 }) });
		expect(result).toMatchObject({ outcome: { kind: "response", status: 502 }, error: "response body: connection reset" });
	});
});
