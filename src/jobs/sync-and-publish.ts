import { type PublishDependencies, type PublishReport, publishDocuments } from "./publish-documents";
import { type SyncDependencies, syncCatalog } from "./sync-catalog";
import { type ObjectSyncDependencies, syncObjects } from "./sync-object";
import type { SyncRun } from "../storage/sync-runs";

/** How long a sync waits for a publish already running (a due post, found by a request) to finish. */
const PUBLISH_LEASE_WAIT_MS = 10_000;

/**
 * A sync, then the publish of every document it made stale. The publish runs after a failed or skipped
 * sync too: scheduled posts that came due and documents left stale by an earlier failure are published anyway.
 */
export async function syncAndPublish(sync: SyncDependencies, publish: PublishDependencies, trigger: string): Promise<SyncRun & { publish: PublishReport }> {
	const run = await syncCatalog(sync, trigger);
	// An unfinished job goes on in the next invocation: what it would make stale again waits (SHARED_LAG_DURING_IMPORT_MS).
	return { ...run, publish: await publishDocuments(publish, { waitForLeaseMs: PUBLISH_LEASE_WAIT_MS, importing: run.status === "partial", afterOtherWork: true }) };
}

/** The keys R2 notifications named, then the publish of what they changed; "busy" when another sync holds the lease. */
export async function syncObjectsAndPublish(
	sync: ObjectSyncDependencies,
	publish: PublishDependencies,
	keys: string[],
	trigger: string,
): Promise<(SyncRun & { publish: PublishReport }) | "busy"> {
	const run = await syncObjects(sync, keys, trigger);
	if (run === "busy") return run;
	return { ...run, publish: await publishDocuments(publish, { waitForLeaseMs: PUBLISH_LEASE_WAIT_MS, afterOtherWork: true }) };
}
