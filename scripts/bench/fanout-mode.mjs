/**
 * `npm run bench -- --fanout N`: N subscriptions (DEV_MODE=true, so http://127.0.0.1 receivers are allowed), a
 * baseline sync, one new post, a sync, and the time until the receiver has seen all N deliveries, through the
 * local Queue simulator. Then the receiver's own capacity, for comparison.
 */
import path from "node:path";
import { newToken } from "../lib/dev-server.mjs";
import { httpCall, mapConcurrently, runSync, seedBucket } from "./common.mjs";
import { bundleWorker, queueConsumerSettings, startLocalWorker } from "./local-worker.mjs";
import { freshPost } from "./posts.mjs";
import { summarize } from "./stats.mjs";
import { loadTest, startCountingReceiver } from "./webhook-receiver.mjs";

const CREATE_CONCURRENCY = 8;
/** Every VERIFY_EVERY-th subscription's deliveries are checked with standardwebhooks. */
const VERIFY_EVERY = 10;
const WEBHOOK_QUEUE = "pressroom-webhooks";

export async function runFanoutMode(options, { tmpDir, defer, log }) {
	const subscriptionsWanted = options.fanout;
	const result = { mode: "fanout", posts: options.posts, subscriptions: subscriptionsWanted, steps: {} };
	result.queueSettings = await queueConsumerSettings();
	const token = newToken();

	let started = performance.now();
	const bundle = await bundleWorker(path.join(tmpDir, "bundle"));
	result.steps.bundle = { ms: performance.now() - started, bytes: bundle.bytes };

	const receiver = await startCountingReceiver();
	defer(() => receiver.close());
	log(`receiver on ${receiver.base}`);

	started = performance.now();
	const worker = await startLocalWorker({
		bundle: bundle.main,
		persistTo: path.join(tmpDir, "state"),
		tmpDir,
		vars: { ADMIN_TOKEN: token, DEV_MODE: "true" },
		verbose: options.verbose,
	});
	defer(() => worker.dispose());
	result.steps.start = { ms: performance.now() - started };
	log(`Worker (Miniflare, local R2/D1/Queues, DEV_MODE=true) on ${worker.url.origin}`);

	result.simulator = await worker.calibrate();
	const bucket = await worker.bucket();
	const put = (key, text, contentType) => bucket.put(key, text, { httpMetadata: { contentType } });
	const seeded = await seedBucket((objects, concurrency) => worker.putMany(objects, concurrency), { count: options.posts, seed: options.seed, concurrency: options.seedConcurrency });
	result.steps.seed = { objects: seeded.objects, ms: seeded.ms };

	log(`creating ${subscriptionsWanted} subscriptions (concurrency ${CREATE_CONCURRENCY})…`);
	started = performance.now();
	const createLatencies = [];
	const indexes = Array.from({ length: subscriptionsWanted }, (_, i) => i);
	await mapConcurrently(indexes, CREATE_CONCURRENCY, async (index) => {
		const response = await httpCall(new URL("/api/subscriptions", worker.url), {
			method: "POST",
			headers: { authorization: `Bearer ${token}` },
			body: { url: receiver.urlFor(index), description: `bench ${index}` },
		});
		createLatencies.push(response.ms);
		if (response.status !== 201) throw new Error(`POST /api/subscriptions answered ${response.status}: ${response.body.toString("utf8").slice(0, 300)}`);
		const created = JSON.parse(response.body.toString("utf8"));
		if (index % VERIFY_EVERY === 0) receiver.verifyWith(index, created.secret);
		if (index === 0) result.sampleSubscriptionId = created.subscription.id;
	});
	const createMs = performance.now() - started;
	result.steps.createSubscriptions = { count: subscriptionsWanted, ms: createMs, perSecond: (subscriptionsWanted / createMs) * 1000, concurrency: CREATE_CONCURRENCY, latency: summarize(createLatencies) };

	log("baseline sync (first sync: posts are recorded, not announced)…");
	const baseline = await runSync(worker.url, token, options.timeoutMs);
	result.baseline = { wallMs: baseline.wallMs, ...baseline.sync };
	// Give the queue one batch timeout to show that the baseline sent nothing.
	await new Promise((resolve) => setTimeout(resolve, 1_500));
	result.deliveriesAfterBaseline = receiver.stats.requests;
	receiver.reset();

	const post = freshPost(new Date(Date.now() - 60_000), { seed: options.seed });
	await put(post.key, post.text, "text/markdown; charset=utf-8");
	const batchesBefore = worker.queueBatches.length;
	log(`one new post (${post.key}); sync and wait for ${subscriptionsWanted} deliveries (timeout ${options.timeoutMs / 1000} s)…`);
	const syncStart = performance.timeOrigin + performance.now();
	const sync = await runSync(worker.url, token, options.timeoutMs);
	const syncEnd = performance.timeOrigin + performance.now();
	const complete = await receiver.waitForDistinct(subscriptionsWanted, options.timeoutMs);
	// Late duplicates or retries would show up within a batch timeout or two.
	await new Promise((resolve) => setTimeout(resolve, 2_000));

	const arrivals = [...receiver.stats.firstSeen.values()].sort((a, b) => a - b);
	const first = arrivals[0];
	const last = arrivals[arrivals.length - 1];
	const perSecondTimeline = [];
	for (const at of arrivals) {
		const second = Math.floor((at - syncStart) / 1000);
		perSecondTimeline[second] = (perSecondTimeline[second] ?? 0) + 1;
	}
	const batches = worker.queueBatches.slice(batchesBefore).filter((batch) => batch.queue === WEBHOOK_QUEUE);
	result.delivery = {
		complete,
		distinctDeliveries: arrivals.length,
		requests: receiver.stats.requests,
		duplicates: receiver.stats.duplicates,
		subscriptionsReached: receiver.stats.targets.size,
		verified: receiver.stats.verified,
		verifyFailures: receiver.stats.verifyFailures,
		lastVerifyError: receiver.stats.lastVerifyError,
		maxInFlightAtReceiver: receiver.stats.maxInFlight,
		connectionsAtReceiver: receiver.stats.connections,
		sync: { wallMs: syncEnd - syncStart, ...sync.sync },
		firstDeliveryAfterMs: first === undefined ? undefined : first - syncStart,
		lastDeliveryAfterMs: last === undefined ? undefined : last - syncStart,
		afterSyncResponseMs: last === undefined ? undefined : last - syncEnd,
		endToEndPerSecond: last === undefined ? undefined : (arrivals.length / (last - syncStart)) * 1000,
		deliveryPhasePerSecond: arrivals.length > 1 ? ((arrivals.length - 1) / (last - first)) * 1000 : undefined,
		perSecondTimeline: Array.from(perSecondTimeline, (count) => count ?? 0),
		queueBatches: summarizeBatches(batches),
	};

	if (result.sampleSubscriptionId) {
		const deliveries = await httpCall(new URL(`/api/subscriptions/${result.sampleSubscriptionId}/deliveries`, worker.url), {
			headers: { authorization: `Bearer ${token}` },
		});
		result.delivery.sampleDeliveryLog = deliveries.status === 200 ? JSON.parse(deliveries.body.toString("utf8")).deliveries?.slice(0, 2) : `status ${deliveries.status}`;
	}

	if (options.receiverRequests > 0) {
		log(`receiver capacity: ${options.receiverRequests} POSTs from Node, concurrency ${options.receiverConcurrency}…`);
		const body = JSON.stringify({ type: "post.published", timestamp: new Date().toISOString(), data: { item: { title: "x".repeat(60), url: "http://127.0.0.1/posts/x", summary: "y".repeat(300) } } });
		const load = await loadTest(receiver.urlFor("capacity"), { total: options.receiverRequests, concurrency: options.receiverConcurrency, body });
		result.receiverCapacity = { total: load.total, concurrency: load.concurrency, failures: load.failures, elapsedMs: load.elapsedMs, perSecond: load.perSecond, latency: summarize(load.latencies) };
	}
	result.workerErrors = worker.logs.filter((line) => line.startsWith("error")).slice(0, 20);
	return result;
}

/** What the local Queue broker did: how many batches, their sizes and durations, and whether any overlapped. */
function summarizeBatches(batches) {
	if (batches.length === 0) return { count: 0 };
	const sizes = {};
	for (const batch of batches) sizes[batch.size] = (sizes[batch.size] ?? 0) + 1;
	// Each line is logged when its batch ends; with its duration that gives the interval it ran in.
	const intervals = batches.filter((batch) => batch.ms !== undefined).map((batch) => [batch.at - batch.ms, batch.at]);
	let maxOverlap = 0;
	for (const [start] of intervals) maxOverlap = Math.max(maxOverlap, intervals.filter(([s, e]) => s <= start && start < e).length);
	const durations = batches.filter((batch) => batch.ms !== undefined).map((batch) => batch.ms);
	const sorted = [...intervals].sort((a, b) => a[0] - b[0]);
	const gaps = sorted.slice(1).map(([start], i) => start - sorted[i][1]);
	return {
		count: batches.length,
		messages: batches.reduce((sum, batch) => sum + batch.size, 0),
		acked: batches.reduce((sum, batch) => sum + batch.acked, 0),
		sizes,
		durationMs: summarize(durations),
		maxConcurrentBatches: maxOverlap,
		/** Idle time between one batch ending and the next starting (negative would mean overlap). */
		gapMs: gaps.length ? summarize(gaps) : undefined,
	};
}
