#!/usr/bin/env node
/**
 * `npm run deploy [-- <wrangler deploy options>]`: checks [env.production] (scripts/deploy/production-config.mjs)
 * and refuses to deploy with the placeholder D1 id, an example or local SITE_URL / ID_AUTHORITY, or DEV_MODE on;
 * otherwise runs `wrangler deploy --env production` with the options given (e.g. --dry-run, --config FILE).
 * Exit code: wrangler's, or 1 when the check refuses.
 */
import { spawn } from "node:child_process";
import path from "node:path";
import process from "node:process";

{
	const [major = 0, minor = 0] = process.versions.node.split(".").map(Number);
	if (major < 22 || (major === 22 && minor < 12)) {
		console.error(`deploy needs Node >= 22.12 (this is ${process.versions.node}); run it through npm run so the bundled Node 22 is used.`);
		process.exit(2);
	}
}

const { ROOT, exitCodeForSignal, toolEnv, wranglerBin } = await import("./lib/dev-server.mjs");
const { PRODUCTION_ENV, productionProblems } = await import("./deploy/production-config.mjs");
const { loadConfigReader } = await import("./deploy/read-config.mjs");

const args = process.argv.slice(2);
if (args.some((arg) => arg === "--env" || arg === "-e" || arg.startsWith("--env="))) {
	console.error(`deploy: this deploys [env.${PRODUCTION_ENV}] only; run wrangler deploy yourself for another environment.`);
	process.exit(2);
}
const configAt = args.findIndex((arg) => arg === "--config" || arg === "-c");
const configPath = configAt >= 0 && args[configAt + 1] ? path.resolve(args[configAt + 1]) : path.join(ROOT, "wrangler.toml");

const readConfig = await loadConfigReader();
const problems = productionProblems(readConfig(configPath));
if (problems.length > 0) {
	console.error(`deploy: refusing to deploy ${path.relative(process.cwd(), configPath) || configPath} [env.${PRODUCTION_ENV}]:`);
	for (const problem of problems) console.error(`  - ${problem}`);
	console.error("See docs/deploy.md; npm run setup:cloudflare creates the resources and writes the D1 id.");
	process.exit(1);
}

const child = spawn(process.execPath, [wranglerBin(), "deploy", "--env", PRODUCTION_ENV, ...args], { cwd: ROOT, env: toolEnv(), stdio: "inherit" });
child.on("exit", (code, signal) => process.exit(code ?? exitCodeForSignal(signal)));
