import type { StorageConfig } from "../config";
import { type ObjectStore, StoreError } from "./object-store";
import { R2Store } from "./r2-store";

export interface OpenObjectStoreOptions {
	/** Per-call timeout for S3-compatible stores (default 10 s); the R2 binding has its own limits. */
	s3TimeoutMs?: number;
}

/**
 * The store named by the storage settings. s3-store.ts (and with it @aws-sdk/client-s3, about 1 MB) is
 * imported only when S3 is configured, so feed requests served from the catalog never load it.
 */
export async function openObjectStore(
	config: StorageConfig,
	env: { POSTS: R2Bucket },
	options: OpenObjectStoreOptions = {},
): Promise<ObjectStore> {
	switch (config.kind) {
		case "r2":
			return new R2Store(env.POSTS, config.prefix);
		case "s3": {
			const { S3Store } = await import("./s3-store");
			return new S3Store(config, { timeoutMs: options.s3TimeoutMs });
		}
		case "invalid":
			throw new StoreError("config", `Storage is misconfigured: ${config.problems.join("; ")}`);
	}
}
