/**
 * `npm run bench -- --posts N --plan free`: the sync as a budgeted job. The Worker runs with PLAN=free (or paid); cron
 * invocations are fired back to back until the first catalog is complete, and each invocation's log line says what
 * it listed, read, parsed and spent (the subrequests its meter counted at the bindings). Then the steady state: one
 * edited post through an R2 notification (one consumer invocation), and two reconciliations that find nothing.
 * The parse figure per invocation is posts read × SYNC_PARSE_MS_PER_POST (the calibration the budget uses; a
 * deployed Worker cannot read its CPU clock); the measured in-Worker figure is shown beside it where workerd's
 * clock moved.
 */
import path from "node:path";
import { newToken } from "../lib/dev-server.mjs";
import { postToEdit, seedBucket } from "./common.mjs";
import { bundleWorker, startLocalWorker } from "./local-worker.mjs";
import { editedPost } from "./posts.mjs";
import { fmt, int, percentile, table } from "./stats.mjs";
import { storageReport, summarizeStorage } from "./storage.mjs";

/** Free plan limits per invocation (developers.cloudflare.com/workers/platform/limits). */
const FREE_LIMITS = { subrequests: 50, cpuMs: 10 };
/** D1's Free-plan allowance of rows written a day (developers.cloudflare.com/d1/platform/limits); Paid bills them. */
const FREE_ROWS_WRITTEN_A_DAY = 100_000;
/** The rows written an invocation's log line ends with (src/index.ts publishCost). */
const ROWS_WRITTEN = /, (\d+) D1 rows written/;
/** src/config.ts DEFAULT_PARSE_MS_PER_POST, the calibration the budget charges. */
const PARSE_MS_PER_POST = 0.5;
const LINE = /^(sync|r2 events) (\w+) \(([^)]*)\): listed (\d+), read (\d+), (\d+) changes, parse ([\d.]+) ms, (\d+) subrequests by the end of the sync; publish rendered (\d+), (\d+) left, render ([\d.]+) ms charged; (\d+) subrequests/;
/** A publish continuation's invocation (src/index.ts runPublishInvocation): nothing listed or read. */
const PUBLISH_LINE = /^publish (\w+) \(([^)]*)\): publish rendered (\d+), (\d+) left, render ([\d.]+) ms charged; (\d+) subrequests/;

export async function runPlanMode(options, { tmpDir, defer, log }) {
	const result = { mode: "plan", plan: options.plan, posts: options.posts, steps: {} };
	const token = newToken();
	const invocations = [];
	const onLog = (_level, message) => {
		const rowsWritten = +(ROWS_WRITTEN.exec(message)?.[1] ?? 0);
		const publishOnly = PUBLISH_LINE.exec(message);
		if (publishOnly) {
			const [, status, trigger, rendered, left, renderMs, subrequests] = publishOnly;
			invocations.push({ kind: "publish", status, trigger, listed: 0, read: 0, changes: 0, parseMs: 0, syncSubrequests: 0, rendered: +rendered, left: +left, renderMs: +renderMs, subrequests: +subrequests, estimatedParseMs: 0, rowsWritten });
			return;
		}
		const match = LINE.exec(message);
		if (!match) return;
		const [, kind, status, trigger, listed, read, changes, parseMs, syncSubrequests, rendered, left, renderMs, subrequests] = match;
		invocations.push({ kind, status, trigger, listed: +listed, read: +read, changes: +changes, parseMs: +parseMs, syncSubrequests: +syncSubrequests, rendered: +rendered, left: +left, renderMs: +renderMs, subrequests: +subrequests, estimatedParseMs: +read * PARSE_MS_PER_POST, rowsWritten });
	};
	const bundle = await bundleWorker(path.join(tmpDir, "bundle"));
	const worker = await startLocalWorker({ bundle: bundle.main, persistTo: path.join(tmpDir, "state"), tmpDir, vars: { ADMIN_TOKEN: token, PLAN: options.plan, ...(options.documentBodies ? { DOCUMENT_BODIES: options.documentBodies } : {}) }, verbose: options.verbose, onLog });
	defer(() => worker.dispose());
	const app = await worker.miniflare.getWorker("pressroom");
	// The Worker's own default (src/config.ts PLAN_DEFAULTS) when the option is not given.
	result.documentBodies = options.documentBodies ?? (options.plan === "free" ? "r2" : "d1");
	log(`Worker with PLAN=${options.plan}, DOCUMENT_BODIES=${result.documentBodies}; seeding ${options.posts.toLocaleString("en-US")} posts…`);
	const seeded = await seedBucket((objects, concurrency) => worker.putMany(objects, concurrency), {
		count: options.posts,
		seed: options.seed,
		concurrency: options.seedConcurrency,
		onProgress: (done) => done % 10_000 === 0 && log(`  ${done.toLocaleString("en-US")} seeded`),
	});
	result.steps.seed = { objects: seeded.objects, ms: seeded.ms };

	// The continuation messages the job sends also reach the R2 events consumer: those invocations are logged and
	// counted like the cron's (or skipped, when a cron invocation holds the lease).
	const cron = () => app.scheduled({ cron: "*/5 * * * *", scheduledTime: new Date() });
	const started = performance.now();
	let fired = 0;
	const catalogComplete = () => invocations.some((row) => row.kind === "sync" && row.status === "succeeded");
	// --max-minutes stops the import early (a Free-plan import of 100,000 posts is thousands of invocations); the
	// report then says so, and projects the rest from the posts read per invocation so far.
	const deadline = options.maxMinutes === undefined ? Infinity : started + options.maxMinutes * 60_000;
	const postsRead = () => invocations.reduce((sum, row) => sum + row.read, 0);
	while (!catalogComplete() && fired < options.maxInvocations && performance.now() < deadline) {
		await cron();
		fired += 1;
		if (fired % 250 === 0) {
			const last = invocations.at(-1);
			log(`  ${fired} cron invocations, ${invocations.length} in all, ${int(postsRead())} posts read, ${fmt((performance.now() - started) / 60_000, 1)} min; last: ${last?.status}, listed ${last?.listed}, ${last?.left} documents stale`);
		}
	}
	result.firstCatalog = { complete: catalogComplete(), wallMs: performance.now() - started, cronInvocations: fired, postsRead: postsRead(), ...summarizeInvocations(invocations) };
	if (!result.firstCatalog.complete) {
		const reading = invocations.filter((row) => row.read > 0);
		const perInvocation = reading.length > 0 ? postsRead() / reading.length : 0;
		result.firstCatalog.projectedInvocations = perInvocation > 0 ? Math.ceil(invocations.length + (options.posts - postsRead()) / perInvocation) : undefined;
	}
	log(`first catalog ${result.firstCatalog.complete ? "complete" : "NOT complete"} after ${invocations.length} invocations (${fired} cron), ${int(postsRead())} posts read`);
	// The publish step carries on after the catalog: documents of 100,000 posts take their own invocations.
	const catalogInvocations = invocations.length;
	while (result.firstCatalog.complete && (invocations.at(-1)?.left ?? 0) > 0 && fired < options.maxInvocations) {
		await cron();
		fired += 1;
	}
	result.published = { invocationsAfterCatalog: invocations.length - catalogInvocations, left: invocations.at(-1)?.left ?? 0, ...summarizeInvocations(invocations.slice(catalogInvocations)) };

	// Steady state: one change through a notification, sent to the real queue.
	const edited = editedPost(postToEdit(options.posts, options.seed));
	const before = invocations.length;
	await worker.putAndNotify({ key: edited.key, text: edited.text, contentType: "text/markdown; charset=utf-8" });
	for (let waited = 0; waited < 30_000 && !invocations.slice(before).some((row) => row.kind === "r2 events"); waited += 100) await new Promise((resolve) => setTimeout(resolve, 100));
	result.notification = invocations.slice(before).find((row) => row.kind === "r2 events");
	// Reconciliations that find nothing: each lists the whole bucket, over as many invocations as that takes. The first
	// after the import compares every page with the catalog and keeps the pages that agree (src/storage/listing-agreement.ts);
	// the second, the steady state, finds them listed as they were and compares none.
	const reconcile = async () => {
		const from = invocations.length;
		if (result.firstCatalog.complete) {
			do {
				await cron();
				fired += 1;
			} while (!invocations.slice(from).some((row) => row.kind === "sync" && row.status === "succeeded") && fired < options.maxInvocations);
		}
		return summarizeInvocations(invocations.slice(from));
	};
	result.firstReconciliation = await reconcile();
	result.reconciliation = await reconcile();
	// The costliest invocations, to see where their subrequests went.
	result.costliest = [...invocations].sort((a, b) => b.subrequests - a.subrequests).slice(0, 5);
	// What the catalog and its documents take in D1, against the plan's database size limit.
	result.storage = summarizeStorage(await worker.d1Storage());
	result.workerErrors = worker.logs.filter((line) => line.startsWith("error")).slice(0, 20);
	return result;
}

function summarizeInvocations(rows) {
	const working = rows.filter((row) => row.status !== "skipped");
	const max = (field) => working.reduce((most, row) => Math.max(most, row[field]), 0);
	// Measured parse time: only invocations that parsed something, as a distribution (a busy machine preempts workerd).
	const parsed = working.filter((row) => row.read > 0).map((row) => row.parseMs).sort((a, b) => a - b);
	return {
		invocations: rows.length,
		skipped: rows.length - working.length,
		maxSubrequests: max("subrequests"),
		maxEstimatedParseMs: max("estimatedParseMs"),
		maxRenderMs: max("renderMs"),
		// What the invocation was charged in all: its parse work and its publish's render work (both calibrations).
		maxChargedCpuMs: working.reduce((most, row) => Math.max(most, row.estimatedParseMs + row.renderMs), 0),
		maxMeasuredParseMs: max("parseMs"),
		measuredParseMs: parsed.length > 0 ? { p50: percentile(parsed, 50), p99: percentile(parsed, 99), max: parsed.at(-1), overLimit: parsed.filter((ms) => ms > FREE_LIMITS.cpuMs).length, of: parsed.length } : undefined,
		maxRead: max("read"),
		read: working.reduce((sum, row) => sum + row.read, 0),
		rendered: working.reduce((sum, row) => sum + row.rendered, 0),
		rowsWritten: working.reduce((sum, row) => sum + row.rowsWritten, 0),
		byTrigger: Object.fromEntries(Object.entries(Object.groupBy(rows, (row) => (row.trigger.startsWith("cron") ? "cron" : row.trigger))).map(([key, list]) => [key, list.length])),
	};
}

export function planReport(result) {
	const limits = result.plan === "free" ? FREE_LIMITS : { subrequests: 10_000, cpuMs: 30_000 };
	const first = result.firstCatalog;
	const storage = result.storage ? storageReport(result.storage, { plan: result.plan }) : undefined;
	const phases = [first, result.published, result.firstReconciliation, result.reconciliation].filter(Boolean);
	const notified = result.notification ? result.notification.estimatedParseMs + result.notification.renderMs : 0;
	const maxCharged = Math.max(notified, ...phases.map((run) => run.maxChargedCpuMs ?? 0));
	const ok = first.complete && first.maxSubrequests <= limits.subrequests && first.maxEstimatedParseMs <= limits.cpuMs && maxCharged <= limits.cpuMs && result.published.maxSubrequests <= limits.subrequests && (storage?.ok ?? true);
	const rows = [
		["posts in the bucket", int(result.posts), ""],
		[
			first.complete ? "invocations to a complete first catalog" : "invocations run (stopped by --max-minutes or --max-invocations before the catalog was complete)",
			`${int(first.invocations)} (${Object.entries(first.byTrigger).map(([k, v]) => `${k} ${v}`).join(", ")}; ${first.skipped} skipped for the lease)`,
			first.complete ? "" : `NOT COMPLETE: ${int(first.postsRead)} of ${int(result.posts)} posts read`,
		],
		...(first.complete ? [] : [["projected invocations to a complete first catalog (posts left ÷ posts per reading invocation so far)", first.projectedInvocations === undefined ? "-" : int(first.projectedInvocations), "projection, not a measurement"]]),
		["most subrequests in one invocation (meter)", int(first.maxSubrequests), `≤ ${limits.subrequests}`],
		["most parse-ms in one invocation (read × calibration)", fmt(first.maxEstimatedParseMs, 2), `≤ ${limits.cpuMs}`],
		[
			"parse-ms measured in local workerd: p50 / p99 / max (invocations over 10 ms)",
			first.measuredParseMs ? `${fmt(first.measuredParseMs.p50, 0)} / ${fmt(first.measuredParseMs.p99, 0)} / ${fmt(first.measuredParseMs.max, 0)} (${int(first.measuredParseMs.overLimit)} of ${int(first.measuredParseMs.of)})` : "-",
			`≤ ${limits.cpuMs} (wall time of the parse calls; a deployed Worker's clock stands still while computing)`,
		],
		["most render-ms charged in one invocation, import / publish after it", `${fmt(first.maxRenderMs, 2)} / ${fmt(result.published.maxRenderMs, 2)}`, "PUBLISH_MAX_RENDER_MS (a ref charged over it renders alone)"],
		["most CPU charged in one invocation, parse + render (calibrations), any phase", fmt(maxCharged, 2), `≤ ${limits.cpuMs}`],
		["most posts read in one invocation", int(first.maxRead), ""],
		["wall time of those invocations here", `${fmt(first.wallMs / 1000, 1)} s`, ""],
		["invocations after it until every document is published", `${int(result.published.invocationsAfterCatalog)} (max ${int(result.published.maxSubrequests)} subrequests), ${int(result.published.left)} left`, ""],
		["one change by R2 notification: subrequests", result.notification ? int(result.notification.subrequests) : "none seen", "constant"],
		[
			"D1 rows written: the first catalog / the publish after it (days of the Free plan's 100,000 a day)",
			`${int(first.rowsWritten)} / ${int(result.published.rowsWritten)} (${fmt((first.rowsWritten + result.published.rowsWritten) / FREE_ROWS_WRITTEN_A_DAY, 1)} days)`,
			"reported, not a limit per invocation",
		],
		["one change by R2 notification: D1 rows written", result.notification ? int(result.notification.rowsWritten) : "", ""],
		["one change by R2 notification: read / rendered / left", result.notification ? `${result.notification.read} / ${result.notification.rendered} / ${result.notification.left}` : "", ""],
		...[
			["first reconciliation after the import (compares every page): invocations, max subrequests, rows written", result.firstReconciliation],
			["reconciliation finding nothing, steady state (pages known to agree): invocations, max subrequests, rows written", result.reconciliation],
		].map(([label, run]) => [label, first.complete ? `${int(run.invocations)}, ${int(run.maxSubrequests)}, ${int(run.rowsWritten)} D1 rows written` : "not run (the first catalog is not complete)", ""]),
	];
	const text = [table(`The sync as a budgeted job, PLAN=${result.plan}, DOCUMENT_BODIES=${result.documentBodies} (Worker in Miniflare; one cron invocation after another)`, ["figure", "value", "target"], rows)];
	if (storage) text.push(storage.text);
	if (result.workerErrors?.length) text.push(`Worker errors (first ${result.workerErrors.length}):\n  ${result.workerErrors.join("\n  ")}`);
	return { ok, text: text.join("\n") };
}
