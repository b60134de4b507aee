/**
 * `npm run bench -- --notify`: how long a new post takes from the bucket to a subscriber. For each of --notify-posts
 * posts, one after another: the object is put and its R2 event notification (the documented body) sent to the
 * pressroom-r2-events queue, from inside workerd (the helper Worker); the clock stops when the receiver on 127.0.0.1
 * has the webhook, verified with standardwebhooks. The local Queue broker batches with wrangler.toml's
 * max_batch_timeout, for the R2 events queue and then for the webhooks queue, as the deployed queues do.
 */
import path from "node:path";
import { newToken } from "../lib/dev-server.mjs";
import { httpCall, runSync, seedBucket } from "./common.mjs";
import { bundleWorker, queueConsumerSettings, startLocalWorker } from "./local-worker.mjs";
import { freshPost } from "./posts.mjs";
import { int, summarize, table } from "./stats.mjs";
import { startCountingReceiver } from "./webhook-receiver.mjs";

const TARGET_P50_MS = 2_000;

export async function runNotifyMode(options, { tmpDir, defer, log }) {
	const result = { mode: "notify", posts: options.posts, notifyPosts: options.notifyPosts, queueSettings: await queueConsumerSettings() };
	const token = newToken();
	const bundle = await bundleWorker(path.join(tmpDir, "bundle"));
	const receiver = await startCountingReceiver();
	defer(() => receiver.close());
	const worker = await startLocalWorker({ bundle: bundle.main, persistTo: path.join(tmpDir, "state"), tmpDir, vars: { ADMIN_TOKEN: token, DEV_MODE: "true" }, verbose: options.verbose });
	defer(() => worker.dispose());
	await seedBucket((objects, concurrency) => worker.putMany(objects, concurrency), { count: options.posts, seed: options.seed, concurrency: options.seedConcurrency });
	log(`${options.posts} posts seeded; baseline sync…`);
	result.baseline = (await runSync(worker.url, token, options.timeoutMs)).sync.status;

	const created = await httpCall(new URL("/api/subscriptions", worker.url), { method: "POST", headers: { authorization: `Bearer ${token}` }, body: { url: receiver.urlFor(0), description: "notify bench" } });
	if (created.status !== 201) throw new Error(`POST /api/subscriptions answered ${created.status}`);
	receiver.verifyWith(0, JSON.parse(created.body.toString("utf8")).secret);
	receiver.reset();

	const latencies = [];
	const start = Date.now() - 3_600_000;
	for (let i = 0; i < options.notifyPosts; i++) {
		const post = freshPost(new Date(start + i * 1000), { seed: options.seed });
		const sent = performance.now();
		await worker.putAndNotify({ key: post.key, text: post.text, contentType: "text/markdown; charset=utf-8" });
		const arrived = await receiver.waitForDistinct(i + 1, options.timeoutMs);
		if (!arrived) throw new Error(`post ${i + 1}: no webhook within ${options.timeoutMs / 1000} s`);
		latencies.push(performance.now() - sent);
		if ((i + 1) % 10 === 0) log(`  ${i + 1} posts, last ${Math.round(latencies.at(-1))} ms`);
	}
	// Redeliveries or duplicate events would arrive within a batch timeout or two.
	await new Promise((resolve) => setTimeout(resolve, 2_500));
	result.latency = summarize(latencies);
	result.latencies = latencies;
	result.receiver = { requests: receiver.stats.requests, distinct: receiver.stats.firstSeen.size, duplicates: receiver.stats.duplicates, verified: receiver.stats.verified, verifyFailures: receiver.stats.verifyFailures, lastVerifyError: receiver.stats.lastVerifyError };
	result.workerErrors = worker.logs.filter((line) => line.startsWith("error")).slice(0, 20);
	return result;
}

export function notifyReport(result) {
	const { latency, receiver } = result;
	const ok = latency.p50 <= TARGET_P50_MS && receiver.verifyFailures === 0 && receiver.distinct === result.notifyPosts;
	const settings = result.queueSettings.filter((queue) => queue.queue === "pressroom-r2-events" || queue.queue === "pressroom-webhooks");
	const text = [
		table("Queue consumers involved (wrangler.toml)", ["queue", "max_batch_size", "max_batch_timeout s"], settings.map((queue) => [queue.queue, queue.max_batch_size ?? "-", queue.max_batch_timeout ?? "-"])),
		table(
			`Object put + R2 notification sent → verified webhook at the receiver, ${result.notifyPosts} posts one after another (${int(result.posts)} posts in the bucket)`,
			["figure", "value", "target"],
			[
				["p50", `${int(latency.p50)} ms`, `≤ ${TARGET_P50_MS} ms`],
				["p99", `${int(latency.p99)} ms`, ""],
				["mean / min / max", `${int(latency.mean)} / ${int(latency.min)} / ${int(latency.max)} ms`, ""],
				["webhooks: distinct / all requests / duplicates", `${receiver.distinct} / ${receiver.requests} / ${receiver.duplicates}`, `${result.notifyPosts} / ${result.notifyPosts} / 0`],
				["verified with standardwebhooks", `${receiver.verified} ok, ${receiver.verifyFailures} failed${receiver.lastVerifyError ? ` (${receiver.lastVerifyError})` : ""}`, ""],
			],
		),
	];
	if (result.workerErrors?.length) text.push(`Worker errors (first ${result.workerErrors.length}):\n  ${result.workerErrors.join("\n  ")}`);
	return { ok, text: text.join("\n") };
}
