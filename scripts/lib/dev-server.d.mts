/** Types for dev-server.mjs, so the TypeScript e2e suite can import it. */
import type { ChildProcess, StdioOptions } from "node:child_process";

export declare const ROOT: string;
export declare const MIN_NODE: [number, number];
export declare const BUCKET_NAME: string;
export declare const DATABASE_NAME: string;

export declare function nodeIsRecentEnough(version?: string): boolean;
export declare function toolEnv(extra?: Record<string, string>): NodeJS.ProcessEnv;
export declare function wranglerBin(): string;

export interface CommandResult {
	code: number;
	output: string;
}
export declare function runCommand(
	command: string,
	args: string[],
	options?: { env?: NodeJS.ProcessEnv; cwd?: string; echo?: boolean },
): Promise<CommandResult>;
export declare function runWrangler(args: string[], options?: { env?: NodeJS.ProcessEnv; cwd?: string; echo?: boolean }): Promise<CommandResult>;
export declare function applyMigrations(options?: { persistTo?: string }): Promise<{ applied: string[]; output: string }>;
export declare function pushPosts(options: { contentDir: string; persistTo?: string; echo?: boolean; withoutPrefix?: boolean }): Promise<CommandResult & { missing: boolean }>;
export declare function putPostsWithWrangler(options: { contentDir: string; persistTo?: string }): Promise<number>;
export declare function listFiles(dir: string): string[];

export declare function startWranglerDev(options: {
	ip?: string;
	port: number;
	inspectorPort?: number;
	persistTo?: string;
	vars?: Record<string, string>;
	envFile?: string;
	detached?: boolean;
	stdio?: StdioOptions;
	interactive?: boolean;
	env?: NodeJS.ProcessEnv;
}): { child: ChildProcess; args: string[] };

export declare function waitForHttp(
	url: string,
	options?: {
		child?: ChildProcess;
		timeoutMs?: number;
		intervalMs?: number;
		slowAfterMs?: number;
		onSlow?: (waitedMs: number) => void;
		abortIf?: () => string | undefined;
	},
): Promise<number>;
export declare function freePort(): Promise<number>;
export declare function portInUse(port: number): Promise<boolean>;
export declare function stopProcessGroup(child: ChildProcess, options?: { graceMs?: number }): Promise<void>;
export declare function newToken(): string;
export declare function parseDotenv(text: string): Record<string, string>;
export declare function ensureAdminToken(file: string): Promise<{ token: string; action: "created" | "appended" | "kept" }>;
export declare function wranglerTomlVar(name: string): string | undefined;
export declare function exitCodeForSignal(signal: NodeJS.Signals | null): number;
export declare function describeError(error: unknown): string;
export declare class CommandError extends Error {
	code: number;
	output: string;
	constructor(command: string, result: CommandResult);
}
