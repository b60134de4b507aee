/**
 * The receiving end of the fan-out benchmark: a minimal Node HTTP server on 127.0.0.1 that reads each POST,
 * answers 204 and records when each `webhook-id` first arrived. Subscription i posts to /hook/i, so deliveries
 * for sampled subscriptions (whose secrets are known) are also verified with `standardwebhooks`, the Standard
 * Webhooks reference library, as scripts/receiver.mjs does. Also measures its own capacity (loadTest).
 */
import { Agent, createServer, request as httpRequest } from "node:http";
import { Webhook } from "standardwebhooks";

export async function startCountingReceiver() {
	const verifiers = new Map();
	const stats = fresh();
	let inFlight = 0;
	let waiters = [];
	const sockets = new Set();

	const server = createServer((req, res) => {
		inFlight += 1;
		stats.maxInFlight = Math.max(stats.maxInFlight, inFlight);
		const chunks = [];
		req.on("data", (chunk) => chunks.push(chunk));
		req.on("end", () => {
			const at = performance.timeOrigin + performance.now();
			const match = /^\/hook\/([\w-]+)$/.exec(req.url ?? "");
			if (req.method !== "POST" || !match) {
				inFlight -= 1;
				res.writeHead(404).end();
				return;
			}
			const target = match[1];
			if (target === "capacity") {
				stats.capacityRequests += 1;
			} else {
				stats.requests += 1;
				const id = String(req.headers["webhook-id"] ?? "");
				if (stats.firstSeen.has(id)) stats.duplicates += 1;
				else {
					stats.firstSeen.set(id, at);
					stats.targets.add(target);
				}
				const verifier = verifiers.get(target);
				if (verifier) {
					try {
						verifier.verify(Buffer.concat(chunks).toString("utf8"), {
							"webhook-id": id,
							"webhook-timestamp": String(req.headers["webhook-timestamp"] ?? ""),
							"webhook-signature": String(req.headers["webhook-signature"] ?? ""),
						});
						stats.verified += 1;
					} catch (error) {
						stats.verifyFailures += 1;
						stats.lastVerifyError = error.message;
					}
				}
				for (const waiter of waiters) waiter();
			}
			inFlight -= 1;
			res.writeHead(204).end();
		});
	});
	server.keepAliveTimeout = 30_000;
	server.on("connection", (socket) => {
		stats.connections += 1;
		sockets.add(socket);
		socket.on("close", () => sockets.delete(socket));
	});
	await new Promise((resolve, reject) => {
		server.once("error", reject);
		server.listen(0, "127.0.0.1", resolve);
	});
	const base = `http://127.0.0.1:${server.address().port}`;

	return {
		base,
		urlFor: (target) => `${base}/hook/${target}`,
		stats,
		/** Deliveries to `target` will be checked against `secret` (a whsec_… string). */
		verifyWith(target, secret) {
			verifiers.set(String(target), new Webhook(secret));
		},
		/** Forgets what was received so far (e.g. after the baseline sync). */
		reset() {
			Object.assign(stats, fresh(), { capacityRequests: stats.capacityRequests });
		},
		/** Resolves when `count` distinct webhook-ids have arrived, or after `timeoutMs` (resolves false then). */
		waitForDistinct(count, timeoutMs) {
			return new Promise((resolve) => {
				const check = () => {
					if (stats.firstSeen.size >= count) finish(true);
				};
				const timer = setTimeout(() => finish(false), timeoutMs);
				const finish = (ok) => {
					clearTimeout(timer);
					waiters = waiters.filter((waiter) => waiter !== check);
					resolve(ok);
				};
				waiters.push(check);
				check();
			});
		},
		async close() {
			for (const socket of sockets) socket.destroy();
			await new Promise((resolve) => server.close(() => resolve()));
		},
	};
}

/**
 * `total` POSTs of `body` to `url` from Node with `concurrency` keep-alive connections; how many per second
 * the receiver (and this client, on the same cores) manage.
 */
export async function loadTest(url, { total, concurrency, body, headers = {} }) {
	const target = new URL(url);
	const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
	const payload = Buffer.from(body);
	let next = 0;
	let failures = 0;
	const latencies = [];
	const one = () =>
		new Promise((resolve) => {
			const started = performance.now();
			const req = httpRequest(
				{
					host: target.hostname,
					port: target.port,
					path: target.pathname,
					method: "POST",
					agent,
					headers: { "content-type": "application/json", "content-length": payload.length, ...headers },
				},
				(res) => {
					res.resume();
					res.on("end", () => {
						if (res.statusCode !== 204) failures += 1;
						latencies.push(performance.now() - started);
						resolve();
					});
				},
			);
			req.on("error", () => {
				failures += 1;
				resolve();
			});
			req.setTimeout(10_000, () => req.destroy(new Error("timeout")));
			req.end(payload);
		});
	const started = performance.now();
	await Promise.all(
		Array.from({ length: concurrency }, async () => {
			while (next < total) {
				next += 1;
				await one();
			}
		}),
	);
	const elapsedMs = performance.now() - started;
	agent.destroy();
	return { total, concurrency, failures, elapsedMs, perSecond: (total / elapsedMs) * 1000, latencies };
}

function fresh() {
	return {
		requests: 0,
		firstSeen: new Map(),
		targets: new Set(),
		duplicates: 0,
		verified: 0,
		verifyFailures: 0,
		lastVerifyError: undefined,
		maxInFlight: 0,
		connections: 0,
		capacityRequests: 0,
	};
}
