#!/usr/bin/env node
/**
 * `npm run setup:cloudflare [-- --dry-run] [--config wrangler.toml]`: creates what [env.production] in
 * wrangler.toml needs and the account lacks — the R2 bucket, the D1 database (its id written into the
 * config), the remote migrations, the queues, the R2 event notification and the ADMIN_TOKEN secret — and
 * says what it did. Run it again at any time: it only creates what is missing. Needs `npx wrangler login`
 * (or CLOUDFLARE_API_TOKEN). PRESSROOM_WRANGLER names another wrangler executable (tests use a fake one).
 * Exit code: 0 done (config problems left for `npm run deploy` are listed), 1 a step failed, 2 bad usage.
 */
import { spawn } from "node:child_process";
import path from "node:path";
import process from "node:process";

{
	const [major = 0, minor = 0] = process.versions.node.split(".").map(Number);
	if (major < 22 || (major === 22 && minor < 12)) {
		console.error(`setup:cloudflare needs Node >= 22.12 (this is ${process.versions.node}); run it through npm run so the bundled Node 22 is used.`);
		process.exit(2);
	}
}

const { ROOT, describeError, newToken, toolEnv, wranglerBin } = await import("./lib/dev-server.mjs");
const { SetupError, setupCloudflare } = await import("./deploy/setup-cloudflare.mjs");
const { loadConfigReader } = await import("./deploy/read-config.mjs");
const readProductionConfig = await loadConfigReader();

const options = parseArgs(process.argv.slice(2));
try {
	await setupCloudflare({ configPath: options.config, wrangler, readConfig: readProductionConfig, newToken, dryRun: options.dryRun });
} catch (error) {
	console.error(`setup:cloudflare: ${error instanceof SetupError ? error.message : describeError(error)}`);
	process.exitCode = 1;
}

/** One wrangler run, non-interactive (stdin is a pipe, CI=true), output collected. */
function wrangler(args, { input } = {}) {
	const command = process.env.PRESSROOM_WRANGLER ? [process.env.PRESSROOM_WRANGLER] : [process.execPath, wranglerBin()];
	return new Promise((resolve, reject) => {
		const child = spawn(command[0], [...command.slice(1), ...args], { cwd: ROOT, env: toolEnv({ CI: "true" }), stdio: ["pipe", "pipe", "pipe"] });
		let output = "";
		child.stdout.setEncoding("utf8").on("data", (chunk) => (output += chunk));
		child.stderr.setEncoding("utf8").on("data", (chunk) => (output += chunk));
		child.on("error", reject);
		child.on("close", (code) => resolve({ code: code ?? 1, output }));
		// A wrangler that exits before reading stdin (a failed login) must not crash this process with EPIPE.
		child.stdin.on("error", () => {});
		child.stdin.end(input ?? "");
	});
}

function parseArgs(argv) {
	const parsed = { config: path.join(ROOT, "wrangler.toml"), dryRun: false };
	for (let i = 0; i < argv.length; i += 1) {
		const arg = argv[i];
		if (arg === "--dry-run") parsed.dryRun = true;
		else if (arg === "--config" || arg === "-c") parsed.config = path.resolve(argv[++i] ?? usage("--config needs a file"));
		else if (arg === "--help" || arg === "-h") usage();
		else usage(`unknown option "${arg}"`);
	}
	return parsed;
}

function usage(problem) {
	if (problem) console.error(`setup:cloudflare: ${problem}`);
	console.error("usage: npm run setup:cloudflare [-- --dry-run] [--config wrangler.toml]");
	process.exit(problem ? 2 : 0);
}
