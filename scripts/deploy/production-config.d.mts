/** Types for production-config.mjs, so the TypeScript tests can import it. */
export declare const PRODUCTION_ENV: "production";
export declare const PLACEHOLDER_DATABASE_ID: string;
export declare const R2_EVENTS_QUEUE: string;
export declare const R2_EVENT_TYPES: string[];

/** The parts of wrangler's normalized config these checks read. */
export interface ProductionConfig {
	name?: string;
	vars?: Record<string, unknown>;
	r2_buckets?: { binding: string; bucket_name?: string }[];
	d1_databases?: { binding: string; database_name?: string; database_id?: string; migrations_dir?: string }[];
	queues?: { producers?: { queue: string }[]; consumers?: { queue: string; dead_letter_queue?: string }[] };
}

export interface ProductionResources {
	workerName?: string;
	bucket?: string;
	/** The DOCUMENTS binding's bucket, when [env.production] has one. */
	documentsBucket?: string;
	database?: { name?: string; id?: string; migrationsDir?: string };
	queues: string[];
	notification?: { bucket: string; queue: string; eventTypes: string[] };
	secrets: string[];
}

export declare function productionResources(config: ProductionConfig): ProductionResources;
export declare function productionProblems(config: ProductionConfig): string[];
export declare function isExampleHost(hostname: string): boolean;
