/** Types for setup-plan.mjs, so the TypeScript tests can import it. */
import type { ProductionResources } from "./production-config.mjs";

export interface SetupStep {
	resource: string;
	name: string;
	action: "create" | "exists" | "update" | "apply";
	args?: string[];
	id?: string;
	why?: string;
	stdin?: "new-token";
}

export interface ObservedAccount {
	buckets: string[];
	databases: { name: string; id: string }[];
	queues: string[];
	secrets: string[] | null;
	notifications: { queue: string; eventTypes: string[] }[];
}

export declare function parseBucketList(output: string): string[];
export declare function parseDatabaseList(output: string): { name: string; id: string }[];
export declare function parseQueueList(output: string): string[];
export declare function parseSecretList(result: { code: number; output: string }): string[] | null;
export declare function parseNotificationList(output: string): { queue: string; eventTypes: string[] }[];
export declare function parseCreatedDatabaseId(output: string): string;
export declare function parseAppliedMigrations(output: string): string[];
export declare function planSetup(resources: ProductionResources, observed: ObservedAccount): SetupStep[];
export declare function withDatabaseId(toml: string, envName: string, databaseName: string, id: string): string;
