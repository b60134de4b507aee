/** Types for setup-cloudflare.mjs, so the TypeScript tests can import it. */
import type { ProductionConfig } from "./production-config.mjs";
import type { SetupStep } from "./setup-plan.mjs";

export type Wrangler = (args: string[], options?: { input?: string }) => Promise<{ code: number; output: string }>;

export declare class SetupError extends Error {}

export declare function setupCloudflare(options: {
	configPath: string;
	wrangler: Wrangler;
	readConfig: (configPath: string) => ProductionConfig;
	newToken: () => string;
	log?: (line: string) => void;
	dryRun?: boolean;
}): Promise<{ steps: SetupStep[]; problems: string[]; token?: string }>;
