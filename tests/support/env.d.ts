import type { D1Migration } from "cloudflare:test";

declare global {
	namespace Cloudflare {
		interface Env {
			TEST_MIGRATIONS: D1Migration[];
			/** Each earlier release's migration files, by release (tests/storage/fixtures/historic-migrations/). */
			HISTORIC_MIGRATIONS: Record<string, D1Migration[]>;
			/** An empty database for upgrade tests. */
			UPGRADE_DB: D1Database;
		}
	}
}

declare module "vitest" {
	interface ProvidedContext {
		/** The s3rver instance started by tests/support/s3-server.global.ts. */
		s3Server: { endpoint: string; bucket: string; accessKeyId: string; secretAccessKey: string };
		/** Base URL of the control server that opens fault proxies in front of it (tests/support/fault-proxy.ts). */
		faultProxyControl: string;
	}
}
