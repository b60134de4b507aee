// Node side (runs in vitest's globalSetup, not in workerd): HTTP proxies in front of the test S3 server that
// can be switched to fail the ways a real S3 endpoint fails. Tests in workerd cannot start servers, so they ask
// a control server for a proxy of their own and switch its mode by HTTP (tests/storage/fault-proxy-client.ts):
//   POST   {control}/proxies              -> 201 {id, endpoint}    a new proxy, mode "pass"
//   POST   {control}/proxies/{id}/fault   {"mode": …}              switch its mode
//   GET    {control}/proxies/{id}         -> {mode, requests, lastRequest}
//   DELETE {control}/proxies/{id}                                  close it
// One proxy per test file (or test) keeps files that run in parallel from switching each other's faults.
import { type IncomingMessage, type Server, type ServerResponse, createServer, request as httpRequest } from "node:http";
import type { AddressInfo, Socket } from "node:net";

export const FAULT_MODES = [
	"pass",
	/** Nothing listens on the proxy's port: connections are refused. */
	"unreachable",
	"forbidden",
	"no-such-bucket",
	"internal-error",
	"unavailable",
	/** Requests are accepted and never answered. */
	"hang",
	/** A listing's XML cut in half, sent as a complete 200 response. */
	"truncated-xml",
	/** A listing's XML with mismatched tags. */
	"malformed-xml",
] as const;
export type FaultMode = (typeof FAULT_MODES)[number];

/** What a test may check about the last request that reached the proxy (its Authorization header included). */
export interface SeenRequest {
	method: string;
	path: string;
	headers: Record<string, string>;
}

export interface FaultProxyState {
	mode: FaultMode;
	/** Requests received since the mode was last set. */
	requests: number;
	lastRequest: SeenRequest | null;
}

export interface FaultProxy {
	endpoint: string;
	setMode(mode: FaultMode): Promise<void>;
	state(): FaultProxyState;
	close(): Promise<void>;
}

/** S3's error bodies (https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html). */
const ERROR_ANSWERS: Partial<Record<FaultMode, { status: number; code: string; message: string }>> = {
	forbidden: { status: 403, code: "AccessDenied", message: "Access Denied" },
	"no-such-bucket": { status: 404, code: "NoSuchBucket", message: "The specified bucket does not exist" },
	"internal-error": { status: 500, code: "InternalError", message: "We encountered an internal error. Please try again." },
	unavailable: { status: 503, code: "SlowDown", message: "Please reduce your request rate." },
};

export async function startFaultProxy(upstream: string): Promise<FaultProxy> {
	const upstreamUrl = new URL(upstream);
	let mode: FaultMode = "pass";
	let requests = 0;
	let lastRequest: SeenRequest | null = null;
	const hanging = new Set<ServerResponse>();
	const sockets = new Set<Socket>();

	const server = createServer((req, res) => {
		requests += 1;
		lastRequest = { method: req.method ?? "", path: req.url ?? "", headers: flatHeaders(req) };
		handle(mode, req, res);
	});
	server.on("connection", (socket) => {
		sockets.add(socket);
		socket.on("close", () => sockets.delete(socket));
	});
	await listen(server, 0);
	const port = (server.address() as AddressInfo).port;
	let listening = true;

	function handle(current: FaultMode, req: IncomingMessage, res: ServerResponse): void {
		const error = ERROR_ANSWERS[current];
		if (error) {
			req.resume();
			const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${error.code}</Code><Message>${error.message}</Message><RequestId>fault-proxy</RequestId></Error>`;
			res.writeHead(error.status, { "content-type": "application/xml", "x-amz-request-id": "fault-proxy", "content-length": Buffer.byteLength(body) });
			res.end(req.method === "HEAD" ? undefined : body);
			return;
		}
		if (current === "hang") {
			req.resume();
			hanging.add(res);
			res.on("close", () => hanging.delete(res));
			return;
		}
		const isListing = req.method === "GET" && new URL(req.url ?? "/", "http://proxy").searchParams.get("list-type") === "2";
		if (isListing && current === "truncated-xml") return forward(req, res, (body) => body.subarray(0, Math.floor(body.length / 2)));
		if (isListing && current === "malformed-xml") return forward(req, res, malform);
		forward(req, res);
	}

	/** Passes the request upstream; with `rewrite`, buffers the answer and sends the rewritten body with a matching length. */
	function forward(req: IncomingMessage, res: ServerResponse, rewrite?: (body: Buffer) => Buffer): void {
		const outgoing = httpRequest(
			{ host: upstreamUrl.hostname, port: upstreamUrl.port, method: req.method, path: req.url, headers: req.headers },
			(answer) => {
				if (!rewrite) {
					res.writeHead(answer.statusCode ?? 502, answer.headers);
					answer.pipe(res);
					return;
				}
				const chunks: Buffer[] = [];
				answer.on("data", (chunk: Buffer) => chunks.push(chunk));
				answer.on("end", () => {
					const body = rewrite(Buffer.concat(chunks));
					const headers = { ...answer.headers, "content-length": String(body.length) };
					delete headers["transfer-encoding"];
					res.writeHead(answer.statusCode ?? 502, headers);
					res.end(body);
				});
			},
		);
		outgoing.on("error", () => res.destroy());
		req.pipe(outgoing);
	}

	return {
		endpoint: `http://127.0.0.1:${port}`,
		state: () => ({ mode, requests, lastRequest }),
		async setMode(next) {
			mode = next;
			requests = 0;
			for (const res of hanging) res.destroy();
			if (next === "unreachable" && listening) {
				listening = false;
				// Open keep-alive connections would still get through: drop them so every new request is refused.
				for (const socket of sockets) socket.destroy();
				await new Promise<void>((resolve) => server.close(() => resolve()));
			} else if (next !== "unreachable" && !listening) {
				await listen(server, port);
				listening = true;
			}
		},
		async close() {
			for (const res of hanging) res.destroy();
			for (const socket of sockets) socket.destroy();
			if (listening) await new Promise<void>((resolve) => server.close(() => resolve()));
			listening = false;
		},
	};
}

export interface FaultProxyControl {
	url: string;
	close(): Promise<void>;
}

/** The control server through which workerd tests open and switch their proxies. */
export async function startFaultProxyControl(upstream: string): Promise<FaultProxyControl> {
	const proxies = new Map<string, FaultProxy>();
	let nextId = 1;

	const control = createServer((req, res) => {
		const answer = (status: number, body: unknown) => {
			res.writeHead(status, { "content-type": "application/json" });
			res.end(JSON.stringify(body));
		};
		const failed = (error: unknown) => answer(500, { error: String(error) });
		const parts = new URL(req.url ?? "/", "http://control").pathname.split("/").filter(Boolean);
		if (parts[0] !== "proxies") return answer(404, { error: "unknown path" });
		if (parts.length === 1 && req.method === "POST") {
			const id = String(nextId++);
			startFaultProxy(upstream).then((proxy) => {
				proxies.set(id, proxy);
				answer(201, { id, endpoint: proxy.endpoint });
			}, failed);
			return;
		}
		const proxy = proxies.get(parts[1] ?? "");
		if (!proxy) return answer(404, { error: `no proxy ${parts[1]}` });
		if (parts.length === 2 && req.method === "GET") return answer(200, proxy.state());
		if (parts.length === 2 && req.method === "DELETE") {
			proxies.delete(parts[1] ?? "");
			proxy.close().then(() => answer(200, {}), failed);
			return;
		}
		if (parts.length === 3 && parts[2] === "fault" && req.method === "POST") {
			readJson(req).then((body) => {
				const mode = (body as { mode?: unknown } | null)?.mode;
				if (!FAULT_MODES.includes(mode as FaultMode)) return answer(400, { error: `mode must be one of ${FAULT_MODES.join(", ")}` });
				return proxy.setMode(mode as FaultMode).then(() => answer(200, proxy.state()));
			}, () => answer(400, { error: "body must be JSON {\"mode\": …}" })).catch(failed);
			return;
		}
		answer(405, { error: `${req.method} not allowed on ${req.url}` });
	});
	await listen(control, 0);

	return {
		url: `http://127.0.0.1:${(control.address() as AddressInfo).port}`,
		async close() {
			await Promise.all([...proxies.values()].map((proxy) => proxy.close()));
			proxies.clear();
			control.closeAllConnections();
			await new Promise<void>((resolve) => control.close(() => resolve()));
		},
	};
}

/** Breaks the document's nesting: the parser meets </IsTruncated> inside an unclosed <Broken>. */
function malform(body: Buffer): Buffer {
	const text = body.toString("utf8");
	return Buffer.from(text.includes("<IsTruncated>") ? text.replace("<IsTruncated>", "<IsTruncated><Broken>") : `${text}<Broken>`, "utf8");
}

function flatHeaders(req: IncomingMessage): Record<string, string> {
	const headers: Record<string, string> = {};
	for (const [name, value] of Object.entries(req.headers)) {
		if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(", ") : value;
	}
	return headers;
}

function readJson(req: IncomingMessage): Promise<unknown> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		req.on("data", (chunk: Buffer) => chunks.push(chunk));
		req.on("error", reject);
		req.on("end", () => {
			try {
				resolve(JSON.parse(Buffer.concat(chunks).toString("utf8")));
			} catch (error) {
				reject(error);
			}
		});
	});
}

function listen(server: Server, port: number): Promise<void> {
	return new Promise((resolve, reject) => {
		server.once("error", reject);
		server.listen(port, "127.0.0.1", () => {
			server.off("error", reject);
			resolve();
		});
	});
}
