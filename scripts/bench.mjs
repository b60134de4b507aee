#!/usr/bin/env node
/**
 * `npm run bench`: local performance figures for Pressroom (see `npm run bench -- --help`).
 * The Worker runs in Miniflare directly (scripts/bench/local-worker.mjs), not behind `wrangler dev`'s proxy,
 * with its state in a fresh temporary directory that is removed at the end. Everything listens on 127.0.0.1;
 * every process started here (workerd through Miniflare, s3rver, the renderer child) is stopped by its handle.
 * Results: tables on stdout, and .bench/results-<mode>.json.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import process from "node:process";

/** src/config.ts DEFAULT_RENDER_MS_PER_ENTRY, what the render budget charges unless wrangler.toml sets it. */
const DEFAULT_RENDER_MS_PER_ENTRY = 0.04;

// Before wrangler or Miniflare are loaded: no metrics, no fetch of Request.cf data (FIELD-NOTES, toolchain).
process.env.WRANGLER_SEND_METRICS = "false";
process.env.CLOUDFLARE_CF_FETCH_ENABLED = "false";

{
	const [major = 0, minor = 0] = process.versions.node.split(".").map(Number);
	if (major < 22 || (major === 22 && minor < 18)) {
		console.error(`bench needs Node >= 22.18 (this is ${process.versions.node}); run it through npm run bench so the bundled Node 22 is used.`);
		process.exit(2);
	}
}

const { ROOT, describeError, wranglerTomlVar } = await import("./lib/dev-server.mjs");
const { HELP, UsageError, readOptions } = await import("./bench/options.mjs");
const { fmt, int, table } = await import("./bench/stats.mjs");
const { storageReport } = await import("./bench/storage.mjs");
const { closeHttp } = await import("./bench/common.mjs");

let options;
try {
	options = readOptions(process.argv.slice(2));
} catch (error) {
	if (!(error instanceof UsageError)) throw error;
	console.error(`bench: ${error.message}\n`);
	console.error(HELP);
	process.exit(2);
}
if (options.help) {
	console.log(HELP);
	process.exit(0);
}

const log = (line) => console.log(`[bench] ${line}`);
const tmpDir = mkdtempSync(path.join(options.tmpDir ? path.resolve(options.tmpDir) : os.tmpdir(), "pressroom-bench-"));
const loadAtStart = os.loadavg();
const cleanups = [];
const defer = (fn) => cleanups.push(fn);
let cleaning;
const cleanUp = () => {
	cleaning ??= (async () => {
		for (const fn of cleanups.reverse()) {
			try {
				await fn();
			} catch (error) {
				console.error(`[bench] cleanup: ${describeError(error)}`);
			}
		}
		closeHttp();
		if (options.keep) log(`kept ${tmpDir}`);
		else {
			try {
				rmSync(tmpDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
			} catch (error) {
				console.error(`[bench] could not remove ${tmpDir}: ${describeError(error)}`);
			}
		}
	})();
	return cleaning;
};
// Miniflare's own exit hook answers SIGINT/SIGTERM with a synchronous process.exit() (after killing workerd),
// so an interrupted run may never finish the async clean-up: the temp dir is also removed on "exit".
// Children that would still write into it (s3rver) are killed first: `killOnExit` holds their sync kills.
const killOnExit = [];
process.on("exit", () => {
	for (const kill of killOnExit) kill();
	if (options.keep) return;
	for (let attempt = 0; attempt < 10; attempt++) {
		try {
			rmSync(tmpDir, { recursive: true, force: true });
			return;
		} catch {
			// A killed child may still be finishing a write: wait 100 ms (synchronously: this is "exit").
			Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
		}
	}
	console.error(`[bench] could not remove ${tmpDir}`);
});
let interrupted = false;
for (const signal of ["SIGINT", "SIGTERM"]) {
	process.on(signal, () => {
		if (interrupted) process.exit(130);
		interrupted = true;
		console.error(`\n[bench] ${signal}: stopping what was started…`);
		cleanUp().finally(() => process.exit(130));
	});
}

let result;
let failed = false;
try {
	const started = performance.now();
	log(`mode ${options.mode}: ${options.posts.toLocaleString("en-US")} posts${options.fanout ? `, ${options.fanout} subscriptions` : ""}; temp dir ${tmpDir}`);
	if (options.mode === "serve") {
		const { runServeMode } = await import("./bench/serve-mode.mjs");
		result = await runServeMode(options, { tmpDir, defer, killOnExit, log });
	} else if (options.mode === "websub") {
		const { runWebsubMode } = await import("./bench/websub-mode.mjs");
		result = await runWebsubMode(options, { tmpDir, defer, killOnExit, log });
	} else if (options.mode === "stages") {
		const { runStagesMode } = await import("./bench/stages-mode.mjs");
		result = await runStagesMode(options, { log });
	} else if (options.mode === "plan") {
		const { runPlanMode } = await import("./bench/plan-mode.mjs");
		result = await runPlanMode(options, { tmpDir, defer, killOnExit, log });
	} else if (options.mode === "notify") {
		const { runNotifyMode } = await import("./bench/notify-mode.mjs");
		result = await runNotifyMode(options, { tmpDir, defer, killOnExit, log });
	} else if (options.mode === "hugo") {
		const { runHugoMode } = await import("./bench/hugo-mode.mjs");
		result = await runHugoMode(options, { tmpDir, defer, killOnExit, log });
	} else if (options.mode === "fanout") {
		const { runFanoutMode } = await import("./bench/fanout-mode.mjs");
		result = await runFanoutMode(options, { tmpDir, defer, killOnExit, log });
	} else {
		const { runSyncMode } = await import("./bench/sync-mode.mjs");
		result = await runSyncMode(options, { tmpDir, defer, killOnExit, log });
	}
	result.totalMs = performance.now() - started;
} catch (error) {
	console.error(`\n[bench] FAILED: ${describeError(error)}`);
	if (options.verbose && error instanceof Error) console.error(error.stack);
	failed = true;
} finally {
	await cleanUp();
}

if (result) {
	const report =
		options.mode === "serve"
			? serveReport(result)
			: options.mode === "websub"
				? (await import("./bench/websub-mode.mjs")).websubReport(result, { table, int, fmt })
			: options.mode === "stages"
				? (await import("./bench/stages-mode.mjs")).stagesReport(result)
				: options.mode === "fanout"
					? fanoutReport(result)
					: options.mode === "plan"
						? (await import("./bench/plan-mode.mjs")).planReport(result)
						: options.mode === "notify"
							? (await import("./bench/notify-mode.mjs")).notifyReport(result)
							: options.mode === "hugo"
								? (await import("./bench/hugo-mode.mjs")).hugoReport(result, syncReport(result.sync))
								: syncReport(result);
	console.log(report.text);
	failed ||= !report.ok;
	const file = path.join(ROOT, ".bench", `results-${options.mode}.json`);
	await mkdir(path.dirname(file), { recursive: true });
	await writeFile(file, `${JSON.stringify({ meta: meta(), options, ok: report.ok, result }, null, 2)}\n`);
	console.log(`\n[bench] ${report.ok ? "OK" : "CHECKS FAILED"}; figures written to ${path.relative(process.cwd(), file) || file}`);
}
process.exit(failed ? 1 : 0);

function syncReport(result) {
	const parts = [`\nMachine: ${meta().cpus} × ${meta().cpuModel}, load average ${fmt(loadAtStart[0], 2)} at start, ${fmt(os.loadavg()[0], 2)} at end; temp dir under ${path.dirname(tmpDir)}`];
	let ok = true;
	const { steps } = result;
	const mb = (bytes) => `${fmt(bytes / 1024 / 1024, 1)} MB`;
	const expected = result.expected;
	parts.push(
		table(`Setup (${result.mode === "s3" ? "S3: s3rver behind a counting proxy" : "local R2"}; Worker in Miniflare, state in a temp dir)`, ["step", "time", "detail"], [
			["bundle (wrangler deploy --dry-run)", `${fmt(steps.bundle.ms / 1000, 1)} s`, `${int(steps.bundle.bytes / 1024)} KiB`],
			["D1 migrations + Miniflare start", `${fmt(steps.start.ms / 1000, 1)} s`, ""],
			[
				`seed ${int(steps.seed.objects)} posts`,
				`${fmt(steps.seed.ms / 1000, 1)} s`,
				`${mb(steps.seed.bytes)}, avg ${int(steps.seed.bytes / steps.seed.objects)} B, ${int(steps.seed.perSecond)} puts/s at concurrency ${steps.seed.concurrency}, ${steps.seed.via}`,
			],
			["bucket contents", "", `${expected.post} published-or-dated posts, ${expected.draft} drafts, ${expected.future} future-dated, ${expected.broken} broken on purpose`],
		]),
	);
	if (result.simulator) parts.push(simulatorTable(result.simulator));
	parts.push(
		table(
			"Syncs (POST /api/sync; durationMs is the Worker's own figure, wall includes HTTP on 127.0.0.1)",
			["sync", "status", "durationMs", "wall ms", "listed", "read", "posts", "broken", "changes", "check"],
			result.syncs.map((row) => {
				const failedChecks = row.checks.filter((check) => !check.ok);
				ok &&= failedChecks.length === 0;
				return [
					row.label,
					row.status,
					int(row.durationMs),
					int(row.wallMs),
					int(row.objectsListed),
					int(row.objectsRead),
					int(row.posts),
					int(row.broken),
					int(row.changes),
					failedChecks.length === 0 ? "ok" : failedChecks.map((check) => `${check.field}=${check.actual} (want ${check.expected})`).join("; "),
				];
			}),
		),
	);
	parts.push(`edited post: ${result.editedKey}; "posts" counts every parsed post in the catalog (drafts and future-dated included)`);
	const phased = result.syncs.filter((row) => row.phasesMs);
	if (phased.length > 0) {
		// The sync's own clock by phase (src/jobs/phase-clock.ts); what the wall adds besides is the publish and HTTP.
		const phases = Object.keys(phased[0].phasesMs);
		parts.push(
			table(
				"Where each sync's time went (ms by phase, the Worker's clock; reading includes parsing; publish = wall − durationMs, with HTTP)",
				["sync", ...phases, "parse", "durationMs", "publish", "wall ms"],
				phased.map((row) => [row.label, ...phases.map((phase) => int(row.phasesMs[phase] ?? 0)), int(row.parseMs ?? 0), int(row.durationMs), int(row.wallMs - row.durationMs), int(row.wallMs)]),
			),
		);
	}
	if (result.profiles) parts.push(...profileTables(result.profiles));
	// Informational here: --plan free|paid checks it against that plan's limit.
	if (result.storage) parts.push(storageReport(result.storage).text);
	if (result.syncs.some((row) => row.error)) parts.push(`errors: ${result.syncs.map((row) => row.error).filter(Boolean).join(" | ")}`);
	if (result.mode === "s3") {
		const kinds = new Set(result.syncs.flatMap((row) => Object.keys(row.s3?.byKind ?? {})));
		const other = [...kinds].filter((kind) => kind !== "ListObjectsV2" && kind !== "GetObject");
		parts.push(
			table(
				"S3 requests per sync (counted by the proxy between the Worker and s3rver)",
				["sync", "total", "ListObjectsV2 pages", "GetObject", "GetObject by status", "other", "response bytes", "upstream ms (sum)", "errors"],
				result.syncs.map((row) => {
					const s3 = row.s3 ?? { byKind: {}, byStatus: {} };
					const statuses = Object.entries(s3.byStatus)
						.filter(([key]) => key.startsWith("GetObject"))
						.map(([key, count]) => `${key.split(" ")[1]}: ${count}`)
						.join(", ");
					const otherText = other.map((kind) => `${kind}: ${s3.byKind[kind] ?? 0}`).join(", ") || "0";
					return [row.label, int(s3.requests), int(s3.byKind.ListObjectsV2 ?? 0), int(s3.byKind.GetObject ?? 0), statuses || "-", otherText, mb(s3.responseBytes), int(s3.upstreamMs), int(s3.errors)];
				}),
			),
		);
	}
	if (result.feeds) {
		parts.push(
			table(
				"Feeds (GET, sequential on one keep-alive connection, straight to Miniflare; 304 = If-None-Match with the served ETag)",
				["feed", "status", "n", "mean ms", "p50 ms", "p95 ms", "max ms", "req/s", "bytes", "items"],
				result.feeds.map((row) => {
					ok &&= row.unexpected === 0;
					return [row.path, row.variant + (row.unexpected ? ` (${row.unexpected} other)` : ""), int(row.count), fmt(row.mean, 2), fmt(row.p50, 2), fmt(row.p95, 2), fmt(row.max, 1), int(row.perSecond), int(row.bytes), row.variant === "200" ? int(row.items) : ""];
				}),
			),
		);
	}
	if (result.inProcess) {
		if (result.inProcess.skipped) parts.push(`\nIn-process renderers: skipped (${result.inProcess.skipped})`);
		else {
			const { parse, render } = result.inProcess;
			parts.push(
				table(`In-process (Node ${result.inProcess.node}, --experimental-transform-types, no workerd/D1/HTTP)`, ["what", "n", "mean ms", "p50 ms", "p95 ms", "bytes", "detail"], [
					["parsePost (src/content), whole bucket", int(parse.objects), fmt(parse.perPostMs, 3), "", "", int(parse.bytes), `total ${fmt(parse.totalMs / 1000, 2)} s; ${parse.posts} posts, ${parse.broken} broken`],
					...Object.entries(render).map(([name, row]) => [`render ${name} (${row.items} items)`, int(row.count), fmt(row.mean, 3), fmt(row.p50, 3), fmt(row.p95, 3), int(row.bytes), ""]),
					...(result.inProcess.archivePage ? [archivePageRow(result.inProcess.archivePage)] : []),
				]),
			);
		}
	}
	if (result.workerErrors?.length) parts.push(`\nWorker errors (first ${result.workerErrors.length}):\n  ${result.workerErrors.join("\n  ")}`);
	return { ok, text: parts.join("\n") };
}

/**
 * One archive page as the publish renders it (HTML page, three full-content feeds, their ETags): the costliest ref,
 * and the calibration of the render budget, in ms per entry charged (src/jobs/publish-budget.ts renderEntries).
 */
function archivePageRow(page) {
	const entries = 3 * page.posts + 1;
	const perEntry = page.mean / entries;
	const calibration = Number(wranglerTomlVar("PUBLISH_RENDER_MS_PER_ENTRY")) || DEFAULT_RENDER_MS_PER_ENTRY;
	return [
		`render an archive page (${page.posts} posts: its page and three feeds, with ETags)`,
		int(page.count),
		fmt(page.mean, 3),
		fmt(page.p50, 3),
		fmt(page.p95, 3),
		int(page.bytes),
		`${fmt(perEntry, 4)} ms per entry charged (${entries} entries); PUBLISH_RENDER_MS_PER_ENTRY charges ${calibration}`,
	];
}

function simulatorTable(sim) {
	const rows = [
		["D1 SELECT 1", fmt(sim.d1Select1Ms, 2)],
		["R2 put 3 KB", fmt(sim.r2Put3KbMs, 2)],
		["R2 get 3 KB (+ text())", fmt(sim.r2Get3KbMs, 2)],
		["R2 head", fmt(sim.r2HeadMs, 2)],
	];
	if (sim.r2ListPostsPageKeys > 0) rows.push([`R2 list, one page of POSTS (${sim.r2ListPostsPageKeys} keys)`, fmt(sim.r2ListPostsPageMs, 0)]);
	return table(`Local simulators, per call from inside workerd, sequential, ${sim.rounds} rounds (a floor under the figures below)`, ["call", "mean ms"], rows);
}

function fanoutReport(result) {
	const parts = [`\nMachine: ${meta().cpus} × ${meta().cpuModel}, load average ${fmt(loadAtStart[0], 2)} at start, ${fmt(os.loadavg()[0], 2)} at end; temp dir under ${path.dirname(tmpDir)}`];
	const d = result.delivery;
	const ok = d.complete && d.verifyFailures === 0 && result.deliveriesAfterBaseline === 0;
	parts.push(
		table(
			"Queue consumer settings (wrangler.toml [[queues.consumers]])",
			["queue", "max_batch_size", "max_batch_timeout", "max_concurrency", "max_retries", "dead_letter_queue"],
			result.queueSettings.map((q) => [q.queue, q.max_batch_size ?? "(default)", q.max_batch_timeout ?? "(default)", q.max_concurrency ?? "(default)", q.max_retries ?? "(default)", q.dead_letter_queue ?? "-"]),
		),
	);
	if (result.simulator) parts.push(simulatorTable(result.simulator));
	const create = result.steps.createSubscriptions;
	parts.push(
		table("Setup (Worker in Miniflare, DEV_MODE=true)", ["step", "figure"], [
			["posts in bucket (baseline)", int(result.posts)],
			[`create ${create.count} subscriptions (POST /api/subscriptions, concurrency ${create.concurrency})`, `${fmt(create.ms / 1000, 1)} s, ${int(create.perSecond)}/s, p50 ${fmt(create.latency.p50, 1)} ms, p95 ${fmt(create.latency.p95, 1)} ms`],
			["baseline sync", `${result.baseline.status}, ${int(result.baseline.durationMs)} ms server-side, ${int(result.baseline.wallMs)} ms wall`],
			["deliveries after the baseline sync (must be 0)", int(result.deliveriesAfterBaseline)],
		]),
	);
	const batches = d.queueBatches;
	parts.push(
		table(`Fan-out of one new post to ${result.subscriptions} subscriptions (t = 0 when POST /api/sync was sent)`, ["figure", "value"], [
			["POST /api/sync answered (catalog + announce + enqueue)", `${int(d.sync.wallMs)} ms (its durationMs, catalog part only: ${int(d.sync.durationMs)} ms; changes ${d.sync.changes})`],
			["first delivery at", `${int(d.firstDeliveryAfterMs)} ms`],
			["last delivery at", `${int(d.lastDeliveryAfterMs)} ms (${int(d.afterSyncResponseMs)} ms after the sync answered)`],
			["distinct deliveries / all requests", `${int(d.distinctDeliveries)} / ${int(d.requests)} (duplicates ${d.duplicates}); subscriptions reached ${d.subscriptionsReached}${d.complete ? "" : "  INCOMPLETE (timeout)"}`],
			["deliveries per second, end to end", fmt(d.endToEndPerSecond, 1)],
			["deliveries per second, first to last delivery", fmt(d.deliveryPhasePerSecond, 1)],
			["signatures verified (standardwebhooks, every 10th subscription)", `${d.verified} ok, ${d.verifyFailures} failed${d.lastVerifyError ? ` (${d.lastVerifyError})` : ""}`],
			["receiver: connections opened by the Worker / most requests in flight", `${d.connectionsAtReceiver} / ${d.maxInFlightAtReceiver}`],
			["local Queue broker: batches for pressroom-webhooks", batches.count ? `${batches.count} batches, ${batches.messages} messages (${batches.acked} acked); sizes ${Object.entries(batches.sizes).map(([size, n]) => `${n}×${size}`).join(", ")}` : "none logged"],
			["local Queue broker: batch duration", batches.count ? `mean ${fmt(batches.durationMs.mean, 0)} ms, p50 ${fmt(batches.durationMs.p50, 0)} ms, p95 ${fmt(batches.durationMs.p95, 0)} ms` : "-"],
			["local Queue broker: most batches running at once", batches.count ? String(batches.maxConcurrentBatches) : "-"],
			["local Queue broker: idle between batches", batches.gapMs ? `mean ${fmt(batches.gapMs.mean, 0)} ms, max ${fmt(batches.gapMs.max, 0)} ms` : "-"],
			["deliveries per second of the sync (1 s buckets)", d.perSecondTimeline.join(" ")],
		]),
	);
	if (result.receiverCapacity) {
		const c = result.receiverCapacity;
		parts.push(
			table("Receiver capacity (Node http client on the same machine, keep-alive)", ["requests", "concurrency", "failures", "time", "req/s", "p50 ms", "p95 ms"], [
				[int(c.total), int(c.concurrency), int(c.failures), `${fmt(c.elapsedMs / 1000, 2)} s`, int(c.perSecond), fmt(c.latency.p50, 2), fmt(c.latency.p95, 2)],
			]),
		);
	}
	if (result.workerErrors?.length) parts.push(`\nWorker errors (first ${result.workerErrors.length}):\n  ${result.workerErrors.join("\n  ")}`);
	return { ok, text: parts.join("\n") };
}

function serveReport(result) {
	const parts = [`\nMachine: ${meta().cpus} × ${meta().cpuModel}, load average ${fmt(loadAtStart[0], 2)} at start, ${fmt(os.loadavg()[0], 2)} at end`];
	parts.push(
		table(
			`Serving ${int(result.posts)} posts' documents: wrk -t2 -c32, ${options.serveSeconds} s runs, Pressroom and the baseline (same bytes and headers from a prebuilt string) in 5 alternating rounds per row; req/s and latency of the median round; ratio = median of the rounds' paired ratios`,
			["route", "status", "bytes", "Pressroom req/s", "p50 ms", "p99 ms", "baseline req/s", "p50 ms", "p99 ms", "ratio", "round ratios", "target", "met", "CPU ms/req ours", "baseline", "CPU ratio"],
			result.rows.map((row) => [
				row.route,
				row.variant,
				int(row.variant === "304" ? 0 : row.bytes),
				int(row.pressroom.perSecond),
				fmt(row.pressroom.p50Ms, 2),
				fmt(row.pressroom.p99Ms, 2),
				int(row.baseline.perSecond),
				fmt(row.baseline.p50Ms, 2),
				fmt(row.baseline.p99Ms, 2),
				fmt(row.ratio, 2),
				(row.pairRatios ?? []).map((r) => fmt(r, 2)).join(" "),
				"≥ 0.90",
				row.ratio >= 0.9 ? "yes" : "NO",
				fmt(row.cpuMs?.ours, 3),
				fmt(row.cpuMs?.theirs, 3),
				fmt(row.cpuRatio, 2),
			]),
		),
	);
	const r = result.rowsRead;
	parts.push(
		table("D1 rows read per feed request (meta.rows_read, X-Pressroom-D1-Rows-Read)", ["request", "rows read", "target"], [
			["cache miss (first request of a document in this isolate)", r.miss.join(", "), "≤ 1"],
			[`cache hit (mean of ${r.hit.length})`, fmt(r.hitMean, 3), "0"],
			["unknown term", String(r.unknownTerm), "≤ 1"],
		]),
	);
	parts.push(
		table("Documents rendered by each sync", ["sync", "status", "wall s", "objects read", "refs rendered", "documents written", "left stale"], result.syncs.map((row) => [row.label, row.status, fmt(row.wallMs / 1000, 1), int(row.read), int(row.rendered), int(row.written), int(row.remaining)])),
	);
	return { ok: result.rows.length > 0, text: parts.join("\n") };
}

function meta() {
	const version = (pkg) => {
		try {
			return JSON.parse(readFileSync(path.join(ROOT, "node_modules", pkg, "package.json"), "utf8")).version;
		} catch {
			return undefined;
		}
	};
	const cpus = os.cpus();
	return {
		date: new Date().toISOString(),
		node: process.versions.node,
		wrangler: version("wrangler"),
		miniflare: version("miniflare"),
		workerd: version("workerd"),
		workerRunner: "Miniflare directly (wrangler's dry-run bundle + unstable_getMiniflareWorkerOptions), not wrangler dev",
		cpus: cpus.length,
		cpuModel: cpus[0]?.model,
		memoryGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
		loadAverage1mAtStart: loadAtStart[0],
		loadAverage1mAtEnd: os.loadavg()[0],
		tmpDir: path.dirname(tmpDir),
		platform: `${os.platform()} ${os.release()}`,
	};
}

/**
 * --profile: each isolate's samples by category, then each isolate's costliest functions (scripts/bench/cpu-profile.mjs).
 * The isolates' samples overlap in time (each isolate's profiler samples all along), so they never add up to the
 * wall time: they say where each isolate's own code spends, not how the wall divides between isolates.
 */
function profileTables({ ofWhat, wallMs, isolates }) {
	const name = (text) => (text.length > 90 ? `${text.slice(0, 87)}…` : text);
	const categories = table(
		`CPU profiles of ${ofWhat} (${fmt(wallMs / 1000, 1)} s wall; V8 sampling; the isolates' samples overlap in time and are not a split of the wall)`,
		["isolate", "where the samples fell", "ms"],
		isolates.flatMap((isolate) => [
			[isolate.label, `profile span`, int(isolate.spanMs)],
			...isolate.categories.map(({ name: category, ms }) => ["", category, int(ms)]),
		]),
	);
	const functions = isolates.map((isolate) =>
		table(
			`${isolate.label}: functions with the most self time (${path.relative(process.cwd(), isolate.file)})`,
			["function", "self ms"],
			isolate.functions.filter(({ name: fn }) => !fn.startsWith("(idle)")).map(({ name: fn, ms }) => [name(fn), int(ms)]),
		),
	);
	return [categories, ...functions];
}
