#!/usr/bin/env node
/**
 * `npm run bundle-size [-- --runs N (default 11)] [-- --baseline REV]`: the deployable bundle (`wrangler deploy --dry-run
 * --minify`) and how long a cold isolate takes to answer its first request, next to the targets of issue 11.
 * Variants:
 *   - R2 + S3 (as deployed): one module; s3-store.ts sits behind a dynamic import(), evaluated only when S3 is set.
 *   - R2 only: s3-store.ts replaced by a stub, so the S3 SDK's share is visible.
 *   - R2 + S3, split: the R2-only module plus s3-store.ts bundled as a second module that the main one imports
 *     by name, to see whether keeping the SDK out of the main module speeds up a cold start.
 * Startup: a fresh Miniflare (a new workerd process, so a cold isolate) per run, timed from `new Miniflare()` to
 * the first response of `POST /startup-probe` (a 404 that touches no storage); the median of --runs, the variants
 * taken in turns. A trivial Worker is timed the same way: the difference is what the bundle itself costs.
 * With --baseline REV (e.g. e863ff1), that commit's src/ and wrangler.toml are bundled and timed in the same run.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { loadavg, tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { pathToFileURL } from "node:url";
import { gzipSync } from "node:zlib";

process.env.WRANGLER_SEND_METRICS = "false";
process.env.CLOUDFLARE_CF_FETCH_ENABLED = "false";
const { ROOT, runWrangler } = await import("./lib/dev-server.mjs");

const { values } = parseArgs({ options: { runs: { type: "string", default: "11" }, baseline: { type: "string" } } });
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 1 || runs > 50) throw new Error(`--runs must be a whole number from 1 to 50, got "${values.runs}"`);

const TARGET_KIB = { r2: 120, s3: 250 };
const STUB = path.join(ROOT, "scripts/bundle/r2-only-s3-store.js");
const SPLIT_STUB = path.join(ROOT, "scripts/bundle/split-s3-store.js");
const SPLIT_ENTRY = path.join(ROOT, "scripts/bundle/s3-store-module.ts");
const work = mkdtempSync(path.join(tmpdir(), "pressroom-bundle-"));

try {
	const builds = [];
	if (values.baseline) {
		const tree = checkout(values.baseline);
		builds.push({ name: `R2 + S3 (as deployed) at ${values.baseline}`, target: TARGET_KIB.s3, modules: [await bundle("base-s3", [], tree)] });
		builds.push({ name: `R2 only at ${values.baseline}`, target: TARGET_KIB.r2, modules: [await bundle("base-r2", ["--alias", `./s3-store:${STUB}`], tree)] });
	}
	builds.push({ name: "R2 + S3 (as deployed)", target: TARGET_KIB.s3, modules: [await bundle("s3", [])] });
	builds.push({ name: "R2 only (S3 store stubbed)", target: TARGET_KIB.r2, modules: [await bundle("r2", ["--alias", `./s3-store:${STUB}`])] });
	const splitMain = await bundle("split", ["--alias", `./s3-store:${SPLIT_STUB}`]);
	const s3Module = await bundle("split-s3", [SPLIT_ENTRY], ROOT, "s3-store-module.js");
	builds.push({ name: "R2 + S3, S3 store as a second module (split)", target: TARGET_KIB.s3, modules: [splitMain, s3Module] });

	console.log(`Startup: ${runs} cold starts per variant, taken in turns so a change in the machine's load touches all alike…`);
	const trivial = { modules: [{ name: "index.js", bytes: Buffer.from("export default { fetch: () => new Response(null, { status: 404 }) };") }], samples: [] };
	for (let run = 0; run < runs; run++) {
		for (const build of [trivial, ...builds]) {
			const { wallMs, cpuMs } = await startup(build.modules);
			(build.samples ??= []).push(wallMs);
			if (cpuMs !== undefined) (build.cpu ??= []).push(cpuMs);
		}
	}
	const floor = median(trivial.samples);
	const cpuFloor = trivial.cpu ? median(trivial.cpu) : undefined;
	for (const build of builds) build.startup = median(build.samples);

	const kib = (bytes) => (bytes / 1024).toFixed(1);
	console.table(
		builds.map((build) => {
			const minified = build.modules.reduce((sum, module) => sum + module.bytes.length, 0);
			const gzip = build.modules.reduce((sum, module) => sum + gzipSync(module.bytes).length, 0);
			const main = build.modules[0];
			return {
				variant: build.name,
				"minified KiB": kib(minified),
				"gzip KiB": kib(gzip),
				"target gzip KiB": `≤ ${build.target}${gzip / 1024 <= build.target ? " ✓" : " ✗"}`,
				"main module gzip KiB": build.modules.length > 1 ? kib(gzipSync(main.bytes).length) : "",
				"startup ms (median)": build.startup.toFixed(0),
				"minus trivial Worker": (build.startup - floor).toFixed(0),
				"workerd CPU ms (median)": build.cpu ? median(build.cpu).toFixed(0) : "-",
				"CPU minus trivial": build.cpu ? (median(build.cpu) - cpuFloor).toFixed(0) : "-",
			};
		}),
	);
	console.log(`Trivial Worker (the floor: workerd start + one request): ${floor.toFixed(0)} ms median wall, ${cpuFloor?.toFixed(0) ?? "-"} ms CPU; machine load ${loadavg()[0].toFixed(2)}.`);
	console.log("Wall time waits for a CPU when the machine is busy; workerd's own CPU time (all its threads, from /proc) does not.");
	const assets = await staticAssets();
	console.log(`Static assets (wrangler.toml [assets], ${assets.directory}; served by Cloudflare before the Worker runs, so in no bundle above): ${assets.files.map((file) => `${file.name} ${kib(file.bytes)}`).join(" · ")} KiB.`);
	console.log("Targets (issue 11): R2-only ≤ 120 KiB gzip, with S3 ≤ 250 KiB gzip; startup is reported, not bounded.");
	if (!values.baseline) console.log("Before/after in one run: npm run bundle-size -- --baseline e863ff1 (the tree before issue 11's bundle work).");
} finally {
	rmSync(work, { recursive: true, force: true });
}

/** `wrangler deploy --dry-run --minify` in `cwd`; the bundle's bytes, under the module name `as`. */
async function bundle(label, args, cwd = ROOT, as = "index.js") {
	const outdir = path.join(work, label);
	const { code, output } = await runWrangler(["deploy", "--dry-run", "--minify", "--outdir", outdir, ...args], { cwd });
	if (code !== 0) throw new Error(`wrangler deploy --dry-run failed for ${label}:\n${output}`);
	const file = readdirSync(outdir).find((name) => name.endsWith(".js"));
	return { name: as, bytes: readFileSync(path.join(outdir, file)) };
}

/** The files of wrangler.toml's [assets] directory as wrangler reads it, with their sizes (`_headers` is configuration, not a file served). */
async function staticAssets() {
	const { unstable_readConfig } = await import("wrangler");
	const configured = unstable_readConfig({ config: path.join(ROOT, "wrangler.toml") }, { hideWarnings: true }).assets?.directory;
	if (typeof configured !== "string") return { directory: "none", files: [] };
	const directory = path.resolve(ROOT, configured);
	const files = readdirSync(directory, { recursive: true, withFileTypes: true })
		.filter((entry) => entry.isFile() && entry.name !== "_headers")
		.map((entry) => {
			const file = path.join(entry.parentPath ?? entry.path, entry.name);
			return { name: path.relative(directory, file), bytes: statSync(file).size };
		});
	return { directory: path.relative(ROOT, directory), files: files.sort((a, b) => a.name.localeCompare(b.name)) };
}

/** src/, wrangler.toml and migrations/ of a commit in a temp dir that shares this checkout's node_modules. */
function checkout(revision) {
	const tree = path.join(work, "baseline");
	mkdirSync(tree);
	const archive = execFileSync("git", ["-C", ROOT, "archive", revision, "src", "wrangler.toml", "migrations", "scripts/bundle", "tsconfig.json"]);
	execFileSync("tar", ["-x", "-C", tree], { input: archive });
	writeFileSync(path.join(tree, "package.json"), readFileSync(path.join(ROOT, "package.json")));
	symlinkSync(path.join(ROOT, "node_modules"), path.join(tree, "node_modules"));
	return tree;
}

/** CPU time so far of the workerd process this script started (Linux: /proc, every thread's schedstat); else undefined. */
function workerdCpuMs() {
	try {
		const children = readdirSync("/proc").filter((name) => /^\d+$/.test(name)).filter((pid) => {
			try {
				const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
				const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
				return stat.includes("(workerd)") && Number(fields[1]) === process.pid;
			} catch {
				return false;
			}
		});
		if (children.length !== 1) return undefined;
		const tasks = readdirSync(`/proc/${children[0]}/task`);
		return tasks.reduce((sum, task) => sum + Number(readFileSync(`/proc/${children[0]}/task/${task}/schedstat`, "utf8").split(" ")[0]), 0) / 1e6;
	} catch {
		return undefined;
	}
}

function median(samples) {
	const sorted = [...samples].sort((a, b) => a - b);
	return sorted[Math.floor(sorted.length / 2)];
}

/**
 * Ms from `new Miniflare()` to the first response of one fresh instance. Only wrangler.toml's plain vars are
 * bound: the D1, R2 and Queue simulators would add their own start-up, the same for every variant, and noise.
 */
async function startup(modules) {
	const fromWrangler = createRequire(path.join(ROOT, "node_modules", "wrangler", "package.json"));
	const { Miniflare, Log, LogLevel, convertV4MiniflareOptions } = await import(pathToFileURL(fromWrangler.resolve("miniflare")).href);
	const { unstable_getMiniflareWorkerOptions } = await import("wrangler");
	const { workerOptions } = unstable_getMiniflareWorkerOptions(path.join(ROOT, "wrangler.toml"));
	const started = performance.now();
	const miniflare = new Miniflare(
		convertV4MiniflareOptions({
			log: new Log(LogLevel.WARN),
			cf: false,
			telemetry: { enabled: false },
			workers: [
				{
					name: "pressroom",
					compatibilityDate: workerOptions.compatibilityDate,
					compatibilityFlags: workerOptions.compatibilityFlags,
					bindings: workerOptions.bindings,
					modulesRoot: "/bundle",
					modules: modules.map((module) => ({ type: "ESModule", path: `/bundle/${module.name}`, contents: module.bytes })),
				},
			],
		}),
	);
	try {
		// POST: a GET of an unknown path looks for an alias in D1, and the probe runs without bindings.
		const response = await miniflare.dispatchFetch("http://localhost/startup-probe", { method: "POST" });
		await response.arrayBuffer();
		if (response.status !== 404) throw new Error(`the probe answered ${response.status}, not 404`);
		const wallMs = performance.now() - started;
		return { wallMs, cpuMs: workerdCpuMs() };
	} finally {
		await miniflare.dispose();
	}
}
