/**
 * `npm run bench` (R2) and `npm run bench -- --backend s3`: seed the bucket, first sync, one edited post and the
 * incremental sync, a sync with nothing changed; then (R2) feed requests and the in-process renderers.
 * The first sync is every POST /api/sync it takes until the catalog is complete and no document is left stale.
 * With `options.notification` (R2 only), before the incremental sync another post is edited the way a deployment
 * with R2 event notifications sees it: put, notification sent to the real local queue, and the clock stops at the
 * consumer's log line, written once that key is committed and the documents it changed are published.
 */
import path from "node:path";
import { mkdir } from "node:fs/promises";
import { ROOT, freePort, newToken, wranglerTomlVar } from "../lib/dev-server.mjs";
import { startProfiles } from "./cpu-profile.mjs";
import { openS3 } from "../lib/post-targets.mjs";
import { putManyWith, runSync, seedBucket, siteFromWranglerToml, timeFeeds, timeRenderersInProcess } from "./common.mjs";
import { bundleWorker, startLocalWorker } from "./local-worker.mjs";
import { editedPost, generatePost } from "./posts.mjs";
import { S3RVER_CREDENTIALS, startCountingProxy, startS3rver } from "./s3.mjs";
import { summarizeStorage } from "./storage.mjs";

const S3_BUCKET = "pressroom-bench";
/** The line index.ts logs when an R2 events invocation has synced its keys and published (the same line plan-mode reads). */
const NOTIFIED = /^r2 events (\w+) \((\d+) keys\): .*publish rendered (\d+), (\d+) left/;

export async function runSyncMode(options, { tmpDir, defer, killOnExit, log }) {
	const result = { mode: options.mode, posts: options.posts, steps: {} };
	const token = newToken();
	const persistTo = path.join(tmpDir, "state");

	let started = performance.now();
	const bundle = await bundleWorker(path.join(tmpDir, "bundle"));
	result.steps.bundle = { ms: performance.now() - started, bytes: bundle.bytes };
	log(`bundled src/index.ts with wrangler (${(bundle.bytes / 1024).toFixed(0)} KiB) in ${(result.steps.bundle.ms / 1000).toFixed(1)} s`);

	const vars = { ADMIN_TOKEN: token, ...(options.documentBodies ? { DOCUMENT_BODIES: options.documentBodies } : {}) };
	const notified = [];
	const onLog = (_level, message) => {
		const match = NOTIFIED.exec(message);
		if (match) notified.push({ at: performance.now(), status: match[1], keys: Number(match[2]), rendered: Number(match[3]), left: Number(match[4]) });
	};
	let s3;
	let proxy;
	let target;
	if (options.backend === "s3") {
		s3 = await startS3rver({ directory: path.join(tmpDir, "s3rver"), bucket: S3_BUCKET });
		defer(() => s3.stop());
		killOnExit.push(s3.killNow);
		proxy = await startCountingProxy(s3.endpoint);
		defer(() => proxy.close());
		log(`s3rver (pid ${s3.pid}) on ${s3.endpoint}, counting proxy on ${proxy.endpoint}`);
		Object.assign(vars, {
			S3_ENDPOINT: proxy.endpoint,
			S3_BUCKET,
			S3_ACCESS_KEY_ID: S3RVER_CREDENTIALS.accessKeyId,
			S3_SECRET_ACCESS_KEY: S3RVER_CREDENTIALS.secretAccessKey,
			S3_FORCE_PATH_STYLE: "true",
		});
		// Seeding goes straight to s3rver, so the proxy counts only what the Worker asks for.
		target = await openS3({ endpoint: s3.endpoint, bucket: S3_BUCKET, region: "auto", forcePathStyle: true, prefix: "", ...S3RVER_CREDENTIALS });
		defer(() => target.close());
	}

	started = performance.now();
	const inspectorPort = options.profile ? await freePort() : undefined;
	const worker = await startLocalWorker({ bundle: bundle.main, persistTo, tmpDir, vars, verbose: options.verbose, inspectorPort, onLog });
	defer(() => worker.dispose());
	result.steps.start = { ms: performance.now() - started, note: "D1 migrations (wrangler CLI) + Miniflare start" };
	log(`Worker (Miniflare, ${options.backend === "s3" ? "S3 via proxy" : "local R2"}) on ${worker.url.origin} after ${(result.steps.start.ms / 1000).toFixed(1)} s`);

	if (options.backend === "r2") {
		const bucket = await worker.bucket();
		target = { put: (key, bytes, contentType) => bucket.put(key, bytes, { httpMetadata: { contentType } }) };
	}
	log(`seeding ${options.posts.toLocaleString("en-US")} posts (concurrency ${options.seedConcurrency})…`);
	const putMany = options.backend === "r2" ? (objects, concurrency) => worker.putMany(objects, concurrency) : putManyWith(target.put);
	const seeded = await seedBucket(putMany, {
		count: options.posts,
		seed: options.seed,
		concurrency: options.seedConcurrency,
		onProgress: (done) => done % 2000 === 0 && log(`  ${done.toLocaleString("en-US")} seeded`),
	});
	result.steps.seed = { ...seeded, perSecond: (seeded.objects / seeded.ms) * 1000, concurrency: options.seedConcurrency, via: options.backend === "s3" ? "PutObject to s3rver (@aws-sdk/client-s3 in Node)" : "R2 binding inside Miniflare (helper Worker)" };
	log(`seeded ${seeded.objects} objects, ${(seeded.bytes / 1024 / 1024).toFixed(1)} MB, in ${(seeded.ms / 1000).toFixed(1)} s`);
	proxy?.take();
	{
		result.simulator = await worker.calibrate();
		log(`simulator per call (inside workerd): D1 SELECT 1 ${result.simulator.d1Select1Ms} ms, R2 put ${result.simulator.r2Put3KbMs} ms, get ${result.simulator.r2Get3KbMs} ms`);
	}

	const syncs = [];
	const sync = async (label, expect) => {
		log(`sync: ${label}…`);
		const outcome = await runSync(worker.url, token, options.timeoutMs);
		const s3Requests = proxy?.take();
		const row = { label, wallMs: outcome.wallMs, ...pickSync(outcome.sync), s3: s3Requests, checks: [] };
		for (const [field, value] of Object.entries(expect)) {
			const ok = row[field] === value;
			row.checks.push({ field, expected: value, actual: row[field], ok });
		}
		syncs.push(row);
		log(`  ${row.status}: ${row.durationMs} ms server-side (sync), publish rendered ${row.publishRendered}, ${row.publishRemaining} left, ${Math.round(row.wallMs)} ms wall, listed ${row.objectsListed}, read ${row.objectsRead}, changes ${row.changes}`);
		return row;
	};

	// A sync reads at most SYNC_MAX_READS objects (default 5,000): a larger first import takes several passes,
	// each committed on its own ("partial") until the last one ("succeeded"). Each pass publishes what it made stale,
	// up to PUBLISH_MAX_RENDERS; documents it leaves stale take further passes, counted in the first sync too.
	let firstReads = 0;
	const profiles = inspectorPort === undefined ? undefined : await startProfiles(inspectorPort);
	for (let pass = 1; pass <= 60; pass++) {
		const row = await sync(`first sync, pass ${pass}`, { objectsListed: options.posts });
		firstReads += row.objectsRead;
		if (row.status !== "partial" && !(row.publishRemaining > 0)) break;
	}
	if (profiles) {
		const directory = path.join(ROOT, ".bench", "profiles");
		await mkdir(directory, { recursive: true });
		result.profiles = { ofWhat: "the first sync, every pass", wallMs: syncs.reduce((sum, row) => sum + row.wallMs, 0), isolates: await profiles.stop(directory) };
		log(`CPU profiles of the first sync written to ${directory}`);
	}
	const lastPass = syncs.at(-1);
	lastPass.checks.push({ field: "objectsRead (all passes)", expected: options.posts, actual: firstReads, ok: firstReads === options.posts });
	lastPass.checks.push({ field: "status", expected: "succeeded", actual: lastPass.status, ok: lastPass.status === "succeeded" });
	lastPass.checks.push({ field: "documents left stale", expected: 0, actual: lastPass.publishRemaining, ok: lastPass.publishRemaining === 0 });
	// Each incremental is timed on `samples` different posts (a busy machine makes one sample noise); the median counts.
	const toEdit = publishedPosts(options.posts, options.seed, Math.floor(options.posts / 3), 2 * options.samples);
	if (options.notification && options.backend === "r2") {
		result.notifications = [];
		for (const post of toEdit.slice(0, options.samples)) result.notifications.push(await timeNotification(worker, notified, editedPost(post), options.timeoutMs, log));
		result.notification = medianBy(result.notifications, (row) => row.wallMs);
	}
	for (const [at, original] of toEdit.slice(options.samples).entries()) {
		const edited = editedPost(original);
		await target.put(edited.key, new TextEncoder().encode(edited.text), "text/markdown; charset=utf-8");
		proxy?.take();
		if (at === 0) result.editedKey = edited.key;
		log(`edited ${edited.key}`);
		// Also checks the notifications' changes are committed: were they not, this sync would read those posts as well.
		await sync(`incremental (1 post edited)${at === 0 ? "" : ` #${at + 1}`}`, { objectsListed: options.posts, objectsRead: 1, changes: 1, status: "succeeded", publishRemaining: 0 });
	}
	await sync("nothing changed", { objectsListed: options.posts, objectsRead: 0, changes: 0, status: "succeeded" });
	if (options.notification && options.backend === "r2") {
		// The edits above are of old posts (outside every list). Also timed: new posts, which change every list they
		// join, and edits of the newest post, which every list shows. Last, so the cron checks above count N objects.
		const fresh = publishedPosts(options.posts, options.seed, options.posts, options.samples);
		result.newPostNotifications = [];
		for (const post of fresh) result.newPostNotifications.push(await timeNotification(worker, notified, post, options.timeoutMs, log));
		result.newestEditNotifications = [];
		for (let revision = 1; revision <= options.samples; revision++) {
			result.newestEditNotifications.push(await timeNotification(worker, notified, editedPost(fresh.at(-1), revision), options.timeoutMs, log));
		}
	}
	result.syncs = syncs;
	result.expected = seeded.kinds;
	result.storage = summarizeStorage(await worker.d1Storage());

	if (options.backend === "r2" && options.feedRequests > 0) {
		log(`feeds: ${options.feedRequests} sequential requests each, 200 and 304…`);
		result.feeds = await timeFeeds(worker.url, { requests: options.feedRequests });
	}
	if (options.backend === "r2" && options.renderIterations > 0) {
		log(`in-process: parsing ${options.posts} posts, rendering each format ${options.renderIterations} times…`);
		const itemCount = Number(wranglerTomlVar("FEED_ITEM_COUNT")) || 20;
		result.inProcess = await timeRenderersInProcess({
			count: options.posts,
			seed: options.seed,
			iterations: options.renderIterations,
			itemCount,
			site: siteFromWranglerToml(worker.url.origin),
		});
	}
	result.workerErrors = worker.logs.filter((line) => line.startsWith("error")).slice(0, 20);
	return result;
}

function pickSync(sync) {
	const { status, durationMs, objectsListed, objectsRead, posts, broken, changes, remaining, error, phasesMs, parseMs } = sync;
	const publish = sync.publish ?? {};
	return { status, durationMs, objectsListed, objectsRead, posts, broken, changes, remaining, error, phasesMs, parseMs, publishStatus: publish.status, publishRendered: publish.rendered, publishRemaining: publish.remaining, publishError: publish.error };
}

/**
 * `n` published posts of the generated bucket, from index `from` on: from the oldest third for the edits, and from
 * `count` on for posts after the bucket's newest (their dates come after every seeded post's, with the seeded tags).
 */
function publishedPosts(count, seed, from, n) {
	const posts = [];
	for (let index = from; posts.length < n && (from >= count || index < count); index++) {
		const post = generatePost(index, { count, seed });
		if (post.kind === "post") posts.push(post);
	}
	if (posts.length < n) throw new Error(`only ${posts.length} posts to edit, ${n} needed: lower --samples`);
	return posts;
}

/** The row whose value is the median (the lower middle for an even count). */
export function medianBy(rows, value) {
	const sorted = [...rows].sort((a, b) => value(a) - value(b));
	return sorted[Math.floor((sorted.length - 1) / 2)];
}

/** Put + R2 notification (helper Worker, real local queue) until the consumer logs that it synced and published. */
async function timeNotification(worker, notified, edited, timeoutMs, log) {
	const seen = notified.length;
	log(`notification: putting ${edited.key}…`);
	const started = performance.now();
	await worker.putAndNotify({ key: edited.key, text: edited.text, contentType: "text/markdown; charset=utf-8" });
	while (notified.length === seen && performance.now() - started < timeoutMs) await new Promise((resolve) => setTimeout(resolve, 5));
	const line = notified[seen];
	if (!line) throw new Error(`no "r2 events" log line within ${timeoutMs / 1000} s of the notification for ${edited.key}`);
	const row = { key: edited.key, wallMs: line.at - started, ...line };
	log(`  ${row.status}: ${Math.round(row.wallMs)} ms from put to published, ${row.rendered} refs rendered, ${row.left} left`);
	return row;
}
