/**
 * End-to-end suite: `npm run test:e2e`. Runs in Node (not workerd) against the real `wrangler dev`, which
 * support/dev-server.global.ts starts on a free port with its own state and stops afterwards.
 * Needs python3-feedparser, sfeed and libxml2-utils (apt-get install python3-feedparser sfeed libxml2-utils).
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// Offline and private by default, also when `npm test` is run outside .ci/run: no usage metrics, and no
// fetch of Request.cf data from Cloudflare when Miniflare starts.
process.env.WRANGLER_SEND_METRICS ??= "false";
process.env.CLOUDFLARE_CF_FETCH_ENABLED ??= "false";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

export default defineConfig({
	root,
	test: {
		name: "e2e",
		include: ["tests/e2e/**/*.e2e.test.ts"],
		environment: "node",
		globalSetup: ["tests/e2e/support/dev-server.global.ts"],
		// One server, shared: files run one after another so timings and logs stay readable.
		fileParallelism: false,
		testTimeout: 60_000,
		hookTimeout: 60_000,
		reporters: ["verbose"],
	},
});
