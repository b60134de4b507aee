/**
 * `npm run bench -- --serve`: serving published documents against a static-string baseline.
 * Seeds N posts, syncs (which publishes), then loads /atom.xml, /rss.xml, /feed.json and the busiest tag feed,
 * each as a 200 and as a 304, with wrk (concurrency 32), alternating Pressroom and the baseline Worker
 * (scripts/bench/baseline-worker.mjs) route by route, five rounds each (alternating which side goes first); the ratio is the median of
 * the rounds' paired ratios. Also reports D1 rows read per request
 * (the Worker's dev-mode X-Pressroom-D1-Rows-Read header, from D1's meta.rows_read) and the documents
 * rendered by a sync with nothing changed and by a sync after editing one post.
 */
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { ROOT, freePort, newToken } from "../lib/dev-server.mjs";
import { httpCall, postToEdit, runSync, seedBucket } from "./common.mjs";
import { baselineWorkerSource } from "./baseline-worker.mjs";
import { bundleWorker, loadMiniflare, startLocalWorker } from "./local-worker.mjs";
import { editedPost } from "./posts.mjs";
import { runWrk, workerdPidFor, wrkAvailable } from "./wrk.mjs";

const HEADERS = ["content-type", "etag", "last-modified", "cache-control"];

export async function runServeMode(options, { tmpDir, defer, log }) {
	if (!wrkAvailable()) throw new Error("--serve needs wrk: apt-get install wrk");
	const result = { mode: "serve", posts: options.posts, steps: {}, rows: [], rowsRead: {}, syncs: [] };
	const token = newToken();
	const bundle = await bundleWorker(path.join(tmpDir, "bundle"));
	log(`bundled (${(bundle.bytes / 1024).toFixed(0)} KiB)`);
	const worker = await startLocalWorker({
		bundle: bundle.main,
		persistTo: path.join(tmpDir, "state"),
		tmpDir,
		// Dev mode adds the rows-read header; a large render budget publishes the whole first catalog in one sync.
		vars: { ADMIN_TOKEN: token, DEV_MODE: "true", PUBLISH_MAX_RENDERS: "100000", SYNC_MAX_READS: "9000" },
		verbose: options.verbose,
	});
	defer(() => worker.dispose());
	log(`seeding ${options.posts.toLocaleString("en-US")} posts…`);
	await seedBucket((objects, concurrency) => worker.putMany(objects, concurrency), { count: options.posts, seed: options.seed, concurrency: options.seedConcurrency });

	const sync = async (label) => {
		const { wallMs, sync: run } = await runSync(worker.url, token, options.timeoutMs);
		const row = { label, status: run.status, wallMs, read: run.objectsRead, rendered: run.publish?.rendered, written: run.publish?.written, remaining: run.publish?.remaining };
		result.syncs.push(row);
		log(`sync ${label}: ${run.status}, read ${run.objectsRead}, rendered ${row.rendered} refs, wrote ${row.written} documents in ${(wallMs / 1000).toFixed(1)} s`);
		return run;
	};
	let first = await sync("first");
	while (first.status === "partial" || first.publish?.remaining > 0) first = await sync("first (continued)");
	await sync("nothing changed");
	const edit = postToEdit(options.posts, options.seed);
	const bucket = await worker.bucket();
	const edited = editedPost(edit);
	await bucket.put(edited.key, edited.text);
	await sync("one post edited");

	const tag = await busiestTag(worker.url);
	const routes = ["/atom.xml", "/rss.xml", "/feed.json", `/tags/${tag}/atom.xml`];
	const captured = [];
	for (const route of routes) {
		const response = await httpCall(new URL(route, worker.url));
		if (response.status !== 200) throw new Error(`GET ${route} answered ${response.status}`);
		captured.push({ path: route, body: response.body.toString("utf8"), headers: Object.fromEntries(HEADERS.map((name) => [name, String(response.headers[name])])) });
	}
	result.rowsRead = await measureRowsRead(worker.url, routes);

	const baseline = await startBaseline(captured, tmpDir);
	defer(() => baseline.dispose());
	const pids = { ours: workerdPidFor(new URL(worker.url).port), theirs: workerdPidFor(new URL(baseline.url).port) };
	for (const route of captured) {
		for (const variant of ["200", "304"]) {
			const headers = variant === "304" ? { "If-None-Match": route.headers.etag } : {};
			const load = { connections: 32, seconds: options.serveSeconds, headers };
			// Rounds alternate which side goes first, and each side reports its median round: the machine is shared and noisy.
			const runs = { ours: [], theirs: [] };
			for (let round = 0; round < SERVE_ROUNDS; round++) {
				const order = round % 2 === 0 ? ["ours", "theirs"] : ["theirs", "ours"];
				for (const side of order) runs[side].push(await runWrk(new URL(route.path, side === "ours" ? worker.url : baseline.url), { ...load, cpuPid: pids[side] }));
			}
			const ours = medianRun(runs.ours);
			const theirs = medianRun(runs.theirs);
			// Each round's two runs are neighbours in time, so their ratio cancels most of the background load.
			const pairRatios = runs.ours.map((run, i) => run.perSecond / runs.theirs[i].perSecond).sort((a, b) => a - b);
			const ratio = pairRatios[Math.floor(pairRatios.length / 2)];
			// workerd CPU per request, median over rounds: baseline ÷ Pressroom, so 1.0 means "as cheap as a static string".
			const cpu = (side) => [...runs[side].map((run) => run.cpuMsPerRequest)].sort((a, b) => a - b)[Math.floor(SERVE_ROUNDS / 2)];
			const cpuRatio = cpu("theirs") / cpu("ours");
			const row = { route: route.path, variant, bytes: route.body.length, pressroom: ours, baseline: theirs, ratio, pairRatios, cpuMs: { ours: cpu("ours"), theirs: cpu("theirs") }, cpuRatio, rounds: runs };
			result.rows.push(row);
			log(`${route.path} ${variant}: ${ours.perSecond.toFixed(0)} req/s vs baseline ${theirs.perSecond.toFixed(0)} (ratio ${row.ratio.toFixed(2)}); workerd CPU/request ${row.cpuMs.ours.toFixed(3)} vs ${row.cpuMs.theirs.toFixed(3)} ms (ratio ${cpuRatio.toFixed(2)})`);
		}
	}
	return result;
}

/** Rounds per route and variant; the reported ratio is the median of the rounds' paired ratios. */
const SERVE_ROUNDS = 5;

function medianRun(runs) {
	return [...runs].sort((a, b) => a.perSecond - b.perSecond)[Math.floor(runs.length / 2)];
}

async function busiestTag(baseUrl) {
	const page = (await httpCall(new URL("/tags", baseUrl))).body.toString("utf8");
	let best = { segment: undefined, posts: -1 };
	for (const match of page.matchAll(/<a href="[^"]*\/tags\/([^"/]+)">[^<]*<\/a> \((\d+)\)/g)) {
		if (Number(match[2]) > best.posts) best = { segment: match[1], posts: Number(match[2]) };
	}
	if (best.segment === undefined) throw new Error("no tag on /tags");
	return best.segment;
}

/** D1 rows read by one request: on a miss (first request for a path in this isolate), then on hits. */
async function measureRowsRead(baseUrl, routes) {
	const rows = (response) => Number(response.headers["x-pressroom-d1-rows-read"]);
	// The Worker reports the rows only to requests that ask (dev mode), so the load runs on the production path.
	const ask = { headers: { "x-pressroom-cost": "1" } };
	const out = { miss: [], hit: [], unknownTerm: undefined };
	// A tag page nobody requested yet is a miss for the document (the version check may have run just before).
	const fresh = await httpCall(new URL(routes[3].replace("/atom.xml", "/rss.xml"), baseUrl), ask);
	out.miss.push(rows(fresh));
	for (const route of routes) {
		for (let i = 0; i < 20; i++) out.hit.push(rows(await httpCall(new URL(route, baseUrl), ask)));
	}
	out.unknownTerm = rows(await httpCall(new URL("/tags/no-such-term-anywhere/atom.xml", baseUrl), ask));
	out.hitMean = out.hit.reduce((a, b) => a + b, 0) / out.hit.length;
	return out;
}

async function startBaseline(routes, tmpDir) {
	const { Miniflare, convertV4MiniflareOptions } = await loadMiniflare();
	// The same platform as Pressroom's (wrangler.toml): compatibility date and flags (nodejs_compat) change per-request costs.
	const { unstable_readConfig } = await import("wrangler");
	const { compatibility_date: compatibilityDate, compatibility_flags: compatibilityFlags } = unstable_readConfig({ config: path.join(ROOT, "wrangler.toml") });
	const script = path.join(tmpDir, "baseline-worker.mjs");
	await writeFile(script, baselineWorkerSource(routes));
	const miniflare = new Miniflare(convertV4MiniflareOptions({
		host: "127.0.0.1",
		port: await freePort(),
		cf: false,
		logRequests: false,
		workers: [{ name: "baseline", modules: [{ type: "ESModule", path: script, contents: await readFile(script, "utf8") }], modulesRoot: path.dirname(script), compatibilityDate, compatibilityFlags }],
	}));
	return { url: await miniflare.ready, dispose: () => miniflare.dispose() };
}
