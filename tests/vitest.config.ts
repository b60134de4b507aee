import { readdir } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

// Offline and private by default, also when `npm test` is run outside .ci/run: no usage metrics, and no
// fetch of Request.cf data from Cloudflare when Miniflare starts.
process.env.WRANGLER_SEND_METRICS ??= "false";
process.env.CLOUDFLARE_CF_FETCH_ENABLED ??= "false";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/**
 * Every test runs inside workerd with the bindings of wrangler.toml (local R2, D1, Queues). Two projects:
 * "production" keeps wrangler.toml's DEV_MODE=false (https-only webhooks); "dev-mode" runs the webhook
 * flow against a receiver on 127.0.0.1, which only dev mode (`npm start`) allows.
 */
export default defineConfig(async () => {
	const migrations = await readD1Migrations(path.join(root, "migrations"));
	// The migration files as earlier releases shipped them, to test upgrades (tests/storage/migrations.test.ts).
	const historicRoot = path.join(root, "tests/storage/fixtures/historic-migrations");
	const historicMigrations = Object.fromEntries(
		await Promise.all((await readdir(historicRoot)).sort().map(async (release) => [release, await readD1Migrations(path.join(historicRoot, release))])),
	);
	const project = (name: string, include: string[], exclude: string[], vars: Record<string, string> = {}) => ({
		extends: true as const,
		plugins: [
			cloudflareTest({
				wrangler: { configPath: path.join(root, "wrangler.toml") },
				miniflare: {
					// Staleness 0: a request sees what the test just published in another code path (the bound itself is tested on its own).
					bindings: { TEST_MIGRATIONS: migrations, HISTORIC_MIGRATIONS: historicMigrations, ADMIN_TOKEN: "test-admin-token", DOCUMENT_STALENESS_MS: "0", ...vars },
					// A second database for upgrade tests, next to wrangler.toml's DB.
					d1Databases: { UPGRADE_DB: "upgrade-test" },
				},
			}),
		],
		test: { name, include, exclude: ["tests/e2e/**", "tests/scripts/**", "node_modules/**", ...exclude], setupFiles: ["tests/support/apply-migrations.ts"] },
	});
	return {
		root,
		resolve: {
			// The SDK's browser XML parser needs DOMParser, which workerd lacks (aws-sdk-js-v3 #7375).
			alias: {
				"@aws-sdk/xml-builder": path.join(root, "node_modules/@aws-sdk/xml-builder/dist-cjs/index.js"),
				// As wrangler.toml's [alias]: tests run the bundle's stand-in for htmlparser2's unused entity decoder.
				"entities/decode": path.join(root, "src/content/unused-entity-decoder.ts"),
			},
		},
		test: {
			exclude: ["tests/e2e/**", "node_modules/**"],
			// Node side: s3rver and its fault proxies, and a webhook receiver, all on 127.0.0.1.
			globalSetup: ["tests/support/s3-server.global.ts", "tests/support/webhook-receiver.global.ts", "tests/support/websub-subscriber.global.ts"],
			projects: [
				project("production", ["tests/**/*.test.ts"], ["tests/webhook-flow/**", "tests/websub/**"]),
				// Loopback callbacks need dev mode; a lease minimum of 1 s lets a test watch one expire.
				project("dev-mode", ["tests/webhook-flow/**/*.test.ts", "tests/websub/**/*.test.ts"], [], { DEV_MODE: "true", WEBSUB_LEASE_MIN_SECONDS: "1" }),
				// The Worker as deployed with PLAN=free's default of document bodies in the DOCUMENTS bucket: every request test again.
				project("r2-bodies", ["tests/http/**/*.test.ts"], [], { DOCUMENT_BODIES: "r2" }),
				// The operator's Node scripts (setup:cloudflare, deploy): child processes and files, so Node, not workerd.
				{ test: { name: "scripts", root, include: ["tests/scripts/**/*.test.ts"], environment: "node" } },
			],
		},
	};
});
