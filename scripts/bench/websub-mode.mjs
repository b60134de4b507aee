/**
 * `npm run bench -- --websub N`: N WebSub subscribers of /atom.xml on a local subscriber (DEV_MODE=true, so
 * http://127.0.0.1 callbacks are allowed), each verified through the queue; then one new post, a sync, and the time
 * until every subscriber has the new document, through the local Queue simulator. Every 10th delivery's
 * X-Hub-Signature is checked. Then the subscriber's own capacity, for comparison.
 */
import { createHmac } from "node:crypto";
import { createServer } from "node:http";
import path from "node:path";
import { freePort, newToken } from "../lib/dev-server.mjs";
import { httpCall, mapConcurrently, runSync, seedBucket } from "./common.mjs";
import { bundleWorker, startLocalWorker } from "./local-worker.mjs";
import { freshPost } from "./posts.mjs";
import { summarize } from "./stats.mjs";
import { loadTest } from "./webhook-receiver.mjs";

const SUBSCRIBE_CONCURRENCY = 8;
const VERIFY_EVERY = 10;
const secretFor = (index) => `bench secret ${index}`;

/** The subscribers: one HTTP server, one callback path per subscriber index. */
async function startSubscribers() {
	const verified = new Set();
	const firstContent = new Map();
	const stats = { posts: 0, duplicates: 0, signatureChecks: 0, signatureFailures: 0 };
	let waiters = [];
	const notify = () => {
		waiters = waiters.filter((waiter) => !waiter());
	};
	const server = createServer((req, res) => {
		const url = new URL(req.url ?? "/", "http://127.0.0.1");
		const chunks = [];
		req.on("data", (chunk) => chunks.push(chunk));
		req.on("end", () => {
			const index = url.pathname.split("/")[2];
			if (req.method === "GET") {
				verified.add(index);
				res.writeHead(200, { "content-type": "text/plain" }).end(url.searchParams.get("hub.challenge") ?? "");
				notify();
				return;
			}
			if (index === "capacity") return res.writeHead(200).end();
			stats.posts += 1;
			if (firstContent.has(index)) stats.duplicates += 1;
			else firstContent.set(index, performance.timeOrigin + performance.now());
			if (Number(index) % VERIFY_EVERY === 0) {
				stats.signatureChecks += 1;
				const expected = `sha256=${createHmac("sha256", secretFor(index)).update(Buffer.concat(chunks)).digest("hex")}`;
				if (req.headers["x-hub-signature"] !== expected) stats.signatureFailures += 1;
			}
			res.writeHead(200).end();
			notify();
		});
	});
	const port = await freePort();
	await new Promise((resolve) => server.listen(port, "127.0.0.1", resolve));
	const base = `http://127.0.0.1:${port}`;
	const waitFor = (done, timeoutMs) =>
		new Promise((resolve) => {
			if (done()) return resolve(true);
			const timer = setTimeout(() => resolve(false), timeoutMs);
			waiters.push(() => (done() ? (clearTimeout(timer), resolve(true), true) : false));
		});
	return { base, verified, firstContent, stats, waitFor, close: () => new Promise((resolve) => server.close(resolve)) };
}

export async function runWebsubMode(options, { tmpDir, defer, log }) {
	const wanted = options.websub;
	const result = { mode: "websub", subscribers: wanted, posts: options.posts, steps: {} };
	const token = newToken();
	const bundle = await bundleWorker(path.join(tmpDir, "bundle"));
	const subscribers = await startSubscribers();
	defer(() => subscribers.close());
	const worker = await startLocalWorker({
		bundle: bundle.main,
		persistTo: path.join(tmpDir, "state"),
		tmpDir,
		vars: {
			ADMIN_TOKEN: token,
			DEV_MODE: "true",
			WEBSUB_REQUESTS_PER_HOST_PER_MINUTE: String(wanted * 2),
			WEBSUB_MAX_SUBSCRIPTIONS_PER_TOPIC: String(wanted),
			WEBSUB_MAX_SUBSCRIPTIONS: String(wanted),
		},
		verbose: options.verbose,
	});
	defer(() => worker.dispose());
	await seedBucket((objects, concurrency) => worker.putMany(objects, concurrency), { count: options.posts, seed: options.seed, concurrency: options.seedConcurrency });
	await runSync(worker.url, token, options.timeoutMs);
	const topic = new URL("/atom.xml", worker.url).href;

	log(`subscribing ${wanted} callbacks to ${topic}…`);
	let started = performance.now();
	const statuses = {};
	await mapConcurrently(
		Array.from({ length: wanted }, (_, i) => i),
		SUBSCRIBE_CONCURRENCY,
		async (index) => {
			const body = new URLSearchParams({ "hub.mode": "subscribe", "hub.topic": topic, "hub.callback": `${subscribers.base}/sub/${index}`, "hub.secret": secretFor(index) }).toString();
			const response = await httpCall(new URL("/websub", worker.url), { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body });
			statuses[response.status] = (statuses[response.status] ?? 0) + 1;
		},
	);
	const allVerified = await subscribers.waitFor(() => subscribers.verified.size >= wanted, options.timeoutMs);
	result.steps.subscribe = { answers: statuses, verified: subscribers.verified.size, complete: allVerified, ms: performance.now() - started };
	log(`${subscribers.verified.size} verified in ${(result.steps.subscribe.ms / 1000).toFixed(1)} s`);

	const bucket = await worker.bucket();
	const post = freshPost(new Date(Date.now() - 60_000), { seed: options.seed });
	await bucket.put(post.key, post.text, { httpMetadata: { contentType: "text/markdown; charset=utf-8" } });
	log("one new post: sync, then wait for every subscriber…");
	const syncStart = performance.timeOrigin + performance.now();
	const sync = await runSync(worker.url, token, options.timeoutMs);
	const syncEnd = performance.timeOrigin + performance.now();
	const complete = await subscribers.waitFor(() => subscribers.firstContent.size >= wanted, options.timeoutMs);
	await new Promise((resolve) => setTimeout(resolve, 2_000));
	const arrivals = [...subscribers.firstContent.values()].sort((a, b) => a - b);
	result.distribution = {
		complete,
		reached: arrivals.length,
		posts: subscribers.stats.posts,
		duplicates: subscribers.stats.duplicates,
		signatureChecks: subscribers.stats.signatureChecks,
		signatureFailures: subscribers.stats.signatureFailures,
		syncWallMs: syncEnd - syncStart,
		written: sync.sync.publish?.written,
		firstAfterMs: arrivals[0] === undefined ? undefined : arrivals[0] - syncStart,
		lastAfterMs: arrivals.at(-1) === undefined ? undefined : arrivals.at(-1) - syncStart,
		perSecond: arrivals.length > 0 ? (arrivals.length / (arrivals.at(-1) - syncStart)) * 1000 : undefined,
	};

	if (options.receiverRequests > 0) {
		const body = (await httpCall(new URL("/atom.xml", worker.url))).body.toString("utf8");
		started = performance.now();
		const load = await loadTest(`${subscribers.base}/sub/capacity`, { total: options.receiverRequests, concurrency: options.receiverConcurrency, body });
		result.subscriberCapacity = { total: load.total, bodyBytes: body.length, concurrency: load.concurrency, failures: load.failures, perSecond: load.perSecond, latency: summarize(load.latencies) };
	}
	result.workerErrors = worker.logs.filter((line) => line.startsWith("error")).slice(0, 20);
	return result;
}

export function websubReport(result, { table, int, fmt }) {
	const d = result.distribution;
	const parts = [
		table(`WebSub: one new post distributed to ${int(result.subscribers)} subscribers of /atom.xml (local Queue simulator)`, ["measure", "value"], [
			["subscribe requests answered", Object.entries(result.steps.subscribe.answers).map(([status, n]) => `${n} × ${status}`).join(", ")],
			["verified through the queue", `${int(result.steps.subscribe.verified)} in ${fmt(result.steps.subscribe.ms / 1000, 1)} s`],
			["subscribers reached", `${int(d.reached)} of ${int(result.subscribers)}${d.complete ? "" : " (INCOMPLETE)"}`],
			["content POSTs / duplicates", `${int(d.posts)} / ${int(d.duplicates)}`],
			["signatures checked / failed", `${int(d.signatureChecks)} / ${int(d.signatureFailures)}`],
			["sync (incl. publish) wall", `${fmt(d.syncWallMs / 1000, 2)} s`],
			["first delivery after sync start", `${fmt(d.firstAfterMs / 1000, 2)} s`],
			["last delivery after sync start", `${fmt(d.lastAfterMs / 1000, 2)} s`],
			["end-to-end rate", `${int(d.perSecond)} deliveries/s`],
			...(result.subscriberCapacity
				? [["subscriber's own capacity", `${int(result.subscriberCapacity.perSecond)} POSTs/s (${int(result.subscriberCapacity.total)} × ${int(result.subscriberCapacity.bodyBytes)} B, concurrency ${result.subscriberCapacity.concurrency})`]]
				: []),
		]),
	];
	return { ok: d.complete && d.duplicates === 0 && d.signatureFailures === 0, text: parts.join("\n") };
}
