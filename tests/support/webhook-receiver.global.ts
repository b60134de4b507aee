/**
 * A real HTTP receiver for the webhook delivery tests. Tests run inside workerd, which cannot listen on a
 * socket, so this Node-side globalSetup starts one on 127.0.0.1:0 and `provide()`s its base URL
 * (read it in a test with `inject("webhookReceiverUrl")`).
 *
 * Behaviour is chosen by path; every request is recorded so a test can read back exactly what arrived:
 *   /ok                       200 "ok"
 *   /status/<code>            that status; `?retry-after=<value>` adds a Retry-After header
 *   /retry-after?value=<v>    429 with `Retry-After: <v>` (delta-seconds or an HTTP-date)
 *   /redirect?to=<path>       302 to <path> on this server (a sender must not follow it)
 *   /slow?ms=<n>&tag=<t>      waits n ms, then 200 (for timeouts); records for <t> whether the client hung up first
 *   /stall-body?tag=<t>       200 with headers and a few bytes, then never finishes the body; records a hang-up
 *   /big?tag=<t>              200 streaming 10 MiB in paced bursts; records the bytes written for <t>
 *   /slack…                   a Slack incoming webhook: checks the message's shape (chat-receivers.ts), 200 "ok" or
 *                             400 "invalid_payload"; `?mode=429&retry-after=<s>` answers 429 with Retry-After, as Slack
 *                             does past about one message a second
 *   /discord…                 a Discord webhook: checks the shape, 204 or 400 with Discord's JSON error;
 *                             `?mode=429&retry_after=<s>` answers 429 with only the JSON body `{retry_after, global}`
 *   …?mode=quote-path         (both) 404 quoting the request's path, as an error page may: for tests of URL masking
 * Control (not recorded):
 *   GET  /_control/requests?webhook-id=<id> | ?path=<prefix>   what arrived: method, path, headers, body
 *   GET  /_control/big?tag=<t>          { bytesWritten, finished, closed }
 *   GET  /_control/connection?tag=<t>   { answered, closed }: whether /slow or /stall-body finished its answer,
 *        and whether the connection is closed (closed without answered: the client hung up on it)
 *   POST /_control/verify { webhookId, secret }   verifies that request with the `standardwebhooks`
 *        reference library, here in Node: { verified: true, payload } | { verified: false, error }
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Webhook } from "standardwebhooks";
import type { TestProject } from "vitest/node";
import { describeError } from "../../src/shared/describe-error";
import { answerAsDiscord, answerAsSlack } from "./chat-receivers";

declare module "vitest" {
	interface ProvidedContext {
		webhookReceiverUrl: string;
	}
}

/** One request as it reached the socket. */
interface ReceivedRequest {
	method: string;
	path: string;
	headers: Record<string, string>;
	body: string;
	receivedAt: number;
}

/** What became of a /slow or /stall-body request: lets a test see that the sender gave up, without timing it. */
interface WatchedConnection {
	answered: boolean;
	closed: boolean;
}

interface BigTransfer {
	bytesWritten: number;
	finished: boolean;
	closed: boolean;
}

const BIG_BODY_BYTES = 10 * 1024 * 1024;
const BIG_CHUNK_BYTES = 64 * 1024;
const BIG_BURST_BYTES = 512 * 1024;
/** 20 bursts of 512 KiB with 10 ms pauses: the whole body takes at least 200 ms to send. */
const BIG_PAUSE_MS = 10;
/** Old entries are dropped so a long watch session cannot grow without bound. */
const MAX_RECORDED = 2_000;

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
	const received: ReceivedRequest[] = [];
	const bigTransfers = new Map<string, BigTransfer>();
	const connections = new Map<string, WatchedConnection>();
	const watch = (url: URL, res: ServerResponse): WatchedConnection => {
		const connection: WatchedConnection = { answered: false, closed: false };
		const tag = url.searchParams.get("tag");
		if (tag !== null) connections.set(tag, connection);
		res.on("close", () => {
			connection.closed = true;
		});
		return connection;
	};
	const pendingTimers = new Set<NodeJS.Timeout>();

	const later = (ms: number, run: () => void): void => {
		const timer = setTimeout(() => {
			pendingTimers.delete(timer);
			run();
		}, ms);
		pendingTimers.add(timer);
	};

	const server = createServer(async (req, res) => {
		const url = new URL(req.url ?? "/", "http://127.0.0.1");
		try {
			if (url.pathname.startsWith("/_control/")) {
				await control(url, req, res);
				return;
			}
			const body = await readBody(req);
			received.push({ method: req.method ?? "", path: url.pathname + url.search, headers: flatHeaders(req), body, receivedAt: Date.now() });
			if (received.length > MAX_RECORDED) received.splice(0, received.length - MAX_RECORDED);
			behave(url, res, body);
		} catch (error) {
			if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" });
			res.end(String(error));
		}
	});

	function behave(url: URL, res: ServerResponse, body: string): void {
		const status = /^\/status\/(\d{3})$/.exec(url.pathname);
		if (url.pathname.startsWith("/slack")) {
			answerAsSlack(url, body, res);
		} else if (url.pathname.startsWith("/discord")) {
			answerAsDiscord(url, body, res);
		} else if (url.pathname === "/ok") {
			res.writeHead(200, { "content-type": "text/plain" }).end("ok");
		} else if (status) {
			const headers: Record<string, string> = { "content-type": "text/plain" };
			const retryAfter = url.searchParams.get("retry-after");
			if (retryAfter !== null) headers["retry-after"] = retryAfter;
			res.writeHead(Number(status[1]), headers).end(`status ${status[1]}`);
		} else if (url.pathname === "/retry-after") {
			res.writeHead(429, { "retry-after": url.searchParams.get("value") ?? "120", "content-type": "text/plain" }).end("slow down");
		} else if (url.pathname === "/redirect") {
			res.writeHead(302, { location: url.searchParams.get("to") ?? "/ok" }).end();
		} else if (url.pathname === "/slow") {
			const connection = watch(url, res);
			later(Number(url.searchParams.get("ms") ?? "1000"), () => {
				if (connection.closed) return;
				connection.answered = true;
				res.writeHead(200, { "content-type": "text/plain" }).end("late");
			});
		} else if (url.pathname === "/stall-body") {
			watch(url, res);
			res.writeHead(200, { "content-type": "text/plain" });
			res.write("partial ");
		} else if (url.pathname === "/big") {
			streamBig(url.searchParams.get("tag") ?? "untagged", res);
		} else {
			res.writeHead(404, { "content-type": "text/plain" }).end("no such behaviour");
		}
	}

	/**
	 * Writes 10 MiB, respecting back-pressure and pausing after every burst, and counts the bytes the socket
	 * accepted. Loopback buffers here can grow to tens of MiB (tcp_rmem max 32 MiB), so without the pauses a
	 * client that stops reading could still have most of the body pushed into the kernel before it hangs up;
	 * with them, the count measures how soon the client hung up.
	 */
	function streamBig(tag: string, res: ServerResponse): void {
		const transfer: BigTransfer = { bytesWritten: 0, finished: false, closed: false };
		bigTransfers.set(tag, transfer);
		const chunk = Buffer.alloc(BIG_CHUNK_BYTES, "x");
		res.writeHead(200, { "content-type": "application/octet-stream", "content-length": String(BIG_BODY_BYTES) });
		res.on("close", () => {
			transfer.closed = true;
		});
		let queued = 0;
		let burst = 0;
		// `res.destroyed` stays false when the peer hangs up, and writes after that can still report success:
		// stop on "close", and count only what the socket took before it.
		const pump = (): void => {
			while (queued < BIG_BODY_BYTES && !transfer.closed) {
				if (burst >= BIG_BURST_BYTES) {
					burst = 0;
					return later(BIG_PAUSE_MS, pump);
				}
				queued += chunk.length;
				burst += chunk.length;
				const ok = res.write(chunk, (error) => {
					if (!error && !transfer.closed) transfer.bytesWritten += chunk.length;
				});
				if (!ok) return void res.once("drain", pump);
			}
			if (!transfer.closed) res.end(() => (transfer.finished = true));
		};
		pump();
	}

	async function control(url: URL, req: IncomingMessage, res: ServerResponse): Promise<void> {
		const json = (status: number, value: unknown): void => {
			res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(value));
		};
		if (url.pathname === "/_control/requests") {
			const webhookId = url.searchParams.get("webhook-id");
			const pathPrefix = url.searchParams.get("path");
			json(
				200,
				received.filter((r) => (webhookId === null || r.headers["webhook-id"] === webhookId) && (pathPrefix === null || r.path.startsWith(pathPrefix))),
			);
		} else if (url.pathname === "/_control/big") {
			json(200, bigTransfers.get(url.searchParams.get("tag") ?? "") ?? null);
		} else if (url.pathname === "/_control/connection") {
			json(200, connections.get(url.searchParams.get("tag") ?? "") ?? null);
		} else if (url.pathname === "/_control/verify" && req.method === "POST") {
			const { webhookId, secret } = JSON.parse(await readBody(req)) as { webhookId: string; secret: string };
			const request = received.find((r) => r.headers["webhook-id"] === webhookId);
			if (!request) return json(404, { verified: false, error: `nothing received with webhook-id ${webhookId}` });
			try {
				json(200, { verified: true, payload: new Webhook(secret).verify(request.body, request.headers) });
			} catch (error) {
				json(200, { verified: false, error: describeError(error) });
			}
		} else {
			json(404, { error: "unknown control endpoint" });
		}
	}

	await new Promise<void>((resolve, reject) => {
		server.once("error", reject);
		server.listen(0, "127.0.0.1", () => resolve());
	});
	const { port } = server.address() as AddressInfo;
	project.provide("webhookReceiverUrl", `http://127.0.0.1:${port}`);

	return async () => {
		for (const timer of pendingTimers) clearTimeout(timer);
		server.closeAllConnections();
		await new Promise<void>((resolve) => server.close(() => resolve()));
	};
}

function flatHeaders(req: IncomingMessage): Record<string, string> {
	const headers: Record<string, string> = {};
	for (const [name, value] of Object.entries(req.headers)) {
		if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(", ") : value;
	}
	return headers;
}

async function readBody(req: IncomingMessage): Promise<string> {
	const chunks: Buffer[] = [];
	for await (const chunk of req) chunks.push(chunk as Buffer);
	return Buffer.concat(chunks).toString("utf8");
}
