/**
 * The Worker for the benchmark, run by Miniflare directly (no `wrangler dev`): no proxy worker, no request
 * logging in between, so what is timed is the Worker and its local R2/D1/Queue simulators.
 *   1. wrangler bundles src/index.ts exactly as for a deploy (`wrangler deploy --dry-run --outdir`: the
 *      [alias] for @aws-sdk/xml-builder and nodejs_compat applied);
 *   2. `wrangler d1 migrations apply --local --persist-to <tmp>` creates the catalog in a fresh directory;
 *   3. Miniflare gets the bindings wrangler derives from wrangler.toml (unstable_getMiniflareWorkerOptions),
 *      persisting into that same directory (`<tmp>/v3`, as `wrangler dev --persist-to <tmp>` would).
 */
import { readFile, stat } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { CommandError, ROOT, applyMigrations, freePort, runWrangler } from "../lib/dev-server.mjs";

const HELPER_SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), "helper-worker.js");
/** Objects per /seed call to the helper Worker (about 3 KB each). */
const SEED_BATCH = 250;

/** Miniflare is wrangler's own dependency: load the copy wrangler uses, so the two always agree. */
export async function loadMiniflare() {
	const fromWrangler = createRequire(path.join(ROOT, "node_modules", "wrangler", "package.json"));
	return import(pathToFileURL(fromWrangler.resolve("miniflare")).href);
}

/** `wrangler deploy --dry-run --outdir dir`: the deployable bundle, one ES module. */
export async function bundleWorker(outDir) {
	const args = ["deploy", "--dry-run", "--outdir", outDir];
	const result = await runWrangler(args);
	if (result.code !== 0) throw new CommandError(`wrangler ${args.join(" ")}`, result);
	const main = path.join(outDir, "index.js");
	return { main, bytes: (await stat(main)).size };
}

/** The [[queues.consumers]] settings as written in wrangler.toml (Miniflare ignores max_concurrency). */
export async function queueConsumerSettings() {
	const { unstable_readConfig } = await import("wrangler");
	const config = unstable_readConfig({ config: path.join(ROOT, "wrangler.toml") });
	return config.queues.consumers.map((consumer) => ({
		queue: consumer.queue,
		max_batch_size: consumer.max_batch_size,
		max_batch_timeout: consumer.max_batch_timeout,
		max_concurrency: consumer.max_concurrency,
		max_retries: consumer.max_retries,
		dead_letter_queue: consumer.dead_letter_queue,
	}));
}

/**
 * Starts the Worker on 127.0.0.1 (a free port) with its state in `persistTo`.
 * @param {{ bundle: string, persistTo: string, tmpDir: string, vars?: Record<string,string>, verbose?: boolean, inspectorPort?: number, migrate?: boolean, onLog?: (level: string, message: string) => void }} options
 * Alongside it runs a small helper Worker (helper-worker.js) bound to the same bucket and database, for fast
 * seeding and for calibrating the simulators.
 * @returns {Promise<{ url: URL, miniflare: any, bucket: () => Promise<any>, putMany: Function, calibrate: Function, d1Storage: Function, dispose: () => Promise<void>, logs: string[], queueBatches: object[] }>}
 */
export async function startLocalWorker({ bundle, persistTo, tmpDir, vars = {}, verbose = false, inspectorPort, migrate = true, onLog }) {
	if (migrate) await applyMigrations({ persistTo });
	const { Miniflare, convertV4MiniflareOptions, Log, LogLevel } = await loadMiniflare();
	const { unstable_getMiniflareWorkerOptions } = await import("wrangler");
	const { workerOptions } = unstable_getMiniflareWorkerOptions(path.join(ROOT, "wrangler.toml"));
	// Miniflare takes modules, not wrangler's module rules; the bundle is a single ES module anyway.
	const { rootPath: _rootPath, modulesRules: _modulesRules, ...bindings } = workerOptions;
	const port = await freePort();
	const url = `http://127.0.0.1:${port}`;
	const logs = [];
	const queueBatches = [];
	// The local Queue broker reports each batch it hands the consumer as an INFO line,
	// "QUEUE <queue> <acked>/<total> (<ms>ms)": kept (colours stripped) so the report can say how it delivered.
	class BenchLog extends Log {
		logWithLevel(level, message) {
			const plain = message.replace(/\x1b\[[0-9;]*m/g, "");
			const batch = /^QUEUE (\S+) (\d+)\/(\d+)(?: \((\d+)ms\))?/.exec(plain);
			if (batch) {
				queueBatches.push({ at: Date.now(), queue: batch[1], acked: Number(batch[2]), size: Number(batch[3]), ms: batch[4] === undefined ? undefined : Number(batch[4]) });
				if (!verbose) return;
			}
			if (verbose || level <= LogLevel.WARN) super.logWithLevel(level, message);
		}
	}
	const miniflare = new Miniflare(
		convertV4MiniflareOptions({
			host: "127.0.0.1",
			port,
			// --profile: workerd's inspector, for CPU profiles of the Worker and the simulators (cpu-profile.mjs).
			...(inspectorPort === undefined ? {} : { inspectorPort }),
			cf: false,
			telemetry: { enabled: false },
			logRequests: false,
			log: new BenchLog(verbose ? LogLevel.DEBUG : LogLevel.INFO),
			handleStructuredLogs: ({ level, message }) => {
				if (logs.length < 2000) logs.push(`${level}: ${message}`);
				onLog?.(level, message);
				if (verbose || level === "error") process.stderr.write(`[worker ${level}] ${message}\n`);
			},
			resourcePersistencePath: path.join(persistTo, "v3"),
			resourceTmpPath: path.join(tmpDir, "miniflare-tmp"),
			workers: [
				{
					...bindings,
					name: "pressroom",
					modules: [{ type: "ESModule", path: bundle, contents: await readFile(bundle, "utf8") }],
					modulesRoot: path.dirname(bundle),
					bindings: { ...workerOptions.bindings, SITE_URL: url, ...vars },
				},
				{
					name: "bench-helper",
					compatibilityDate: workerOptions.compatibilityDate,
					modules: [{ type: "ESModule", path: HELPER_SCRIPT, contents: await readFile(HELPER_SCRIPT, "utf8") }],
					modulesRoot: path.dirname(HELPER_SCRIPT),
					r2Buckets: { POSTS: workerOptions.r2Buckets.POSTS, DOCUMENTS: workerOptions.r2Buckets.DOCUMENTS, CALIBRATION: "bench-calibration" },
					queueProducers: { R2_EVENTS: { queueName: "pressroom-r2-events" } },
					d1Databases: { DB: workerOptions.d1Databases.DB },
				},
			],
		}),
	);
	const ready = await miniflare.ready;
	const helper = await miniflare.getWorker("bench-helper");
	const callHelper = async (route, body) => {
		const response = await helper.fetch(`http://bench-helper${route}`, { method: "POST", body: JSON.stringify(body) });
		if (!response.ok) throw new Error(`bench helper ${route} answered ${response.status}: ${await response.text()}`);
		return response.json();
	};
	return {
		url: ready,
		miniflare,
		logs,
		queueBatches,
		bucket: () => miniflare.getR2Bucket("POSTS"),
		/** Puts objects into the POSTS bucket from inside workerd, SEED_BATCH per call, `concurrency` puts in flight. */
		async putMany(objects, concurrency) {
			for (let start = 0; start < objects.length; start += SEED_BATCH) {
				await callHelper("/seed", { objects: objects.slice(start, start + SEED_BATCH), concurrency });
			}
		},
		/** Per-call costs of the local D1 and R2 simulators, timed inside workerd. */
		calibrate: () => callHelper("/calibrate", {}),
		/** The D1 database's size (meta.size_after) and what its documents' bodies and posts' JSON take. */
		d1Storage: () => callHelper("/d1-storage", {}),
		/** Puts one object and sends the R2 event notification for it through the real local queue (helper's R2_EVENTS producer). */
		putAndNotify: (object) => callHelper("/put-and-notify", object),
		dispose: () => miniflare.dispose(),
	};
}
