import type { D1Migration } from "cloudflare:test";

declare global {
	namespace Cloudflare {
		interface Env {
			TEST_MIGRATIONS: D1Migration[];
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
