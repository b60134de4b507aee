import path from "node:path";
import { fileURLToPath } from "node:url";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

export default defineConfig(async () => {
	const migrations = await readD1Migrations(path.join(root, "migrations"));
	return {
		root,
		resolve: {
			// The SDK's browser XML parser needs DOMParser, which workerd lacks (aws-sdk-js-v3 #7375).
			alias: { "@aws-sdk/xml-builder": path.join(root, "node_modules/@aws-sdk/xml-builder/dist-cjs/index.js") },
		},
		plugins: [
			cloudflareTest({
				wrangler: { configPath: path.join(root, "wrangler.toml") },
				miniflare: {
					bindings: { TEST_MIGRATIONS: migrations, ADMIN_TOKEN: "test-admin-token" },
				},
			}),
		],
		test: {
			include: ["tests/**/*.test.ts"],
			exclude: ["tests/e2e/**", "node_modules/**"],
			setupFiles: ["tests/support/apply-migrations.ts"],
			// Pre-bundle sanitize-html: postcss maps source-map-js to `false` for browsers, which workerd's module loader cannot resolve.
			deps: { optimizer: { ssr: { enabled: true, include: ["sanitize-html"] } } },
			// Node side: starts s3rver and the fault proxies' control server on 127.0.0.1 (tests/storage).
			globalSetup: ["tests/support/s3-server.global.ts", "tests/support/webhook-receiver.global.ts"],
		},
	};
});
