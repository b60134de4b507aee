import { mediaTypeByExtension } from "../shared";
import type { StagedOutcome } from "../storage/catalog";
import { byCodePoint } from "../storage/sync-job";
import type { SyncRun } from "../storage/sync-runs";
import { notifiedMediaChanges } from "./notified-media";
import { SYNC_LEASE_TTL_MS, type SyncDependencies } from "./sync-catalog";
import { Claims, type ReadOutcome, type ReadTally, claimsOf, describeFailure, readAndParse, recordCommitted, recordFailed } from "./sync-reads";

export type ObjectSyncDependencies = Omit<SyncDependencies, "jobs" | "budget" | "listPageSize">;

/**
 * Brings the catalog up to date for a few keys named by R2 event notifications, in O(1) bucket operations per key:
 * one read each (a head for media), then the same claims, staging and single commit as the
 * whole-bucket sync, under the same lease.
 * A notification is only a hint: each key is read as it is now, so a redelivered or reordered (older) event can never
 * put back a state the bucket no longer has, and a delete whose key was created again keeps the new object.
 * "busy": another sync holds the lease; the caller retries later.
 */
export async function syncObjects(deps: ObjectSyncDependencies, keys: string[], trigger: string): Promise<SyncRun | "busy"> {
	const startedAt = deps.now();
	const tally: ReadTally = { objectsRead: 0, parseMs: 0 };
	const run: SyncRun = { id: crypto.randomUUID(), trigger, status: "running", startedAt: startedAt.toISOString(), objectsListed: 0, objectsRead: 0, posts: 0, broken: 0, changes: 0, remaining: 0 };
	const finish = (status: SyncRun["status"], error?: string): SyncRun => {
		const finishedAt = deps.now();
		return { ...run, objectsRead: tally.objectsRead, parseMs: tally.parseMs, subrequests: deps.meter?.used, status, error, finishedAt: finishedAt.toISOString(), durationMs: finishedAt.getTime() - startedAt.getTime() };
	};
	if (!(await deps.lease.acquire(run.id, SYNC_LEASE_TTL_MS, startedAt))) return "busy";
	try {
		const store = await deps.openStore();
		// Media (known by extension) are never read, where a video would have to fit in memory: each gets one head, so a
		// new enclosure's length and type reach the feeds of the posts that reference it as soon as it lands.
		// In store order, as the whole-bucket sync reads, so the same post wins a slug both syncs see claimed twice.
		const unique = [...new Set(keys)].sort(byCodePoint);
		const ordered = unique.filter((key) => mediaTypeByExtension(key) === undefined);
		const mediaKeys = unique.filter((key) => mediaTypeByExtension(key) !== undefined);
		const mediaChanges = await notifiedMediaChanges(store, deps.media, mediaKeys);
		// Unconditional reads: the etag read back is compared with the catalog's below, in the same query as the claims.
		const outcomes: ReadOutcome[] = [];
		for (const key of ordered) {
			const outcome = await readAndParse(store, deps.content, { key }, undefined, tally);
			// A key without a known extension that turns out to be media: left to the whole-bucket sync too.
			outcomes.push(typeof outcome === "object" && outcome.kind === "media" ? "unchanged" : outcome);
		}
		const known = await deps.catalog.knownFor(ordered, claimsOf(outcomes), startedAt);
		const deleted = ordered.filter((key, index) => outcomes[index] === "gone" && known.has(key));
		const changed = ordered.filter((key, index) => {
			const outcome = outcomes[index]!;
			return typeof outcome === "object" && outcome.kind !== "media" && known.get(key)?.etag !== (outcome.kind === "post" ? outcome.post.etag : outcome.etag);
		});
		const claims = new Claims(known, new Set([...deleted, ...changed]));
		const accepted: StagedOutcome[] = [];
		for (const [index, key] of ordered.entries()) {
			const outcome = outcomes[index]!;
			if (typeof outcome === "object" && outcome.kind !== "media" && changed.includes(key)) accepted.push(claims.admit(outcome));
		}
		run.changes = accepted.length + deleted.length + mediaChanges.upserts.length + mediaChanges.removed.length;
		if (run.changes === 0) {
			// Already as the bucket has it (a redelivery, or the cron got there first): nothing to commit or announce.
			const unchanged = finish("succeeded");
			await deps.runs.save(unchanged);
			return unchanged;
		}
		await deps.catalog.stage(run.id, accepted);
		const now = deps.now();
		// Until one whole-bucket sync has completed, changes are part of the webhook baseline, as in syncCatalog.
		const baseline = !(await deps.catalog.hasCaughtUpOnce());
		// With the notified media: a key without an extension recorded as media that is now a post (or a broken one) is
		// media no more, or the whole-bucket sync would take a media row at the listed etag as agreeing, whatever posts holds.
		const media = [
			...deps.media.commitStatements(mediaChanges.upserts, [...changed, ...mediaChanges.removed], (select, keys) => deps.catalog.markPostDocumentsStale(select, now, keys)),
			...deps.media.supersedeListing(mediaKeys),
		];
		await deps.catalog.commitSync(run.id, deleted, now, [...media, ...(baseline ? (deps.baseline?.(now) ?? []) : [])]);
		return await recordCommitted(deps, finish("succeeded"), { now, baseline });
	} catch (error) {
		return await recordFailed(deps, run.id, finish("failed", describeFailure(error)));
	} finally {
		await deps.lease.release(run.id).catch(() => undefined);
	}
}
