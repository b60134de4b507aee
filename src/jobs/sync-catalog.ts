import type { ContentSettings } from "../content/post";
import type { Catalog, StagedOutcome } from "../storage/catalog";
import { STAGE_BATCH } from "../storage/catalog-commit";
import type { Lease } from "../storage/lease";
import type { Media } from "../storage/media";
import type { ObjectStore } from "../storage/object-store";
import type { SubrequestMeter } from "../storage/subrequest-meter";
import type { SyncJob, SyncJobs } from "../storage/sync-job";
import type { SyncRun, SyncRuns } from "../storage/sync-runs";
import { mapConcurrently } from "../shared";
import { PhaseClock } from "./phase-clock";
import { Claims, type ReadTally, claimsOf, describeFailure, readAndParse, recordCommitted, recordFailed } from "./sync-reads";

/** How much one invocation of the sync may do (config.ts `syncBudget`, from PLAN; docs/design.md "Budgets"). */
export interface SyncBudget {
	/** Most objects read. */
	maxReads: number;
	/** Subrequests (D1, R2, queue calls) the invocation may have made when the sync ends, counted by the meter; the rest is the publish step's and the webhooks'. */
	maxSubrequests: number;
	/** Parse work, estimated as posts read × `parseMsPerPost` (the CPU clock cannot be read in a deployed Worker). */
	maxParseMs: number;
	parseMsPerPost: number;
}

export interface SyncDependencies {
	/** Opened inside the sync so a misconfigured store is recorded as a failed run like any other fault. */
	openStore: () => Promise<ObjectStore>;
	catalog: Catalog;
	/** Objects that are not posts (images, audio, PDF…): recorded from the listing, never read. */
	media: Media;
	runs: SyncRuns;
	jobs: SyncJobs;
	lease: Lease;
	content: ContentSettings;
	budget: SyncBudget;
	/** Counts this invocation's subrequests; without it only reads and parse work are budgeted. */
	meter?: SubrequestMeter;
	/** Keys per listing page (R2 and S3 give at most 1,000). */
	listPageSize?: number;
	now: () => Date;
	/**
	 * Statements committed with the catalog while it has never been fully up to date (webhooks record a
	 * baseline here). The sync that completes it for the first time commits them together with that fact.
	 */
	baseline?: (now: Date) => D1PreparedStatement[];
	/** Runs after the catalog commit, still under the lease (webhook events hook in here). */
	afterCommit?: (context: { now: Date; baseline: boolean }) => Promise<unknown>;
}

/** A sync holds the lease at most this long; a crashed holder blocks the next sync no longer than this. */
export const SYNC_LEASE_TTL_MS = 15 * 60 * 1000;
const PAGE_SIZE = 1000;
/** Workers allow six simultaneous outgoing connections per invocation. */
const READ_CONCURRENCY = 6;
const STAGE_CHUNK = 100;
/** Subrequests after the last step: the commit, the counts, the run record and the lease release. */
const TAIL_SUBREQUESTS = 4;
/** Bump to make every object be parsed again after an upgrade changes what parsing produces (2: the term index; 3: media links). */
const PARSER_REVISION = "3";

/**
 * One invocation of the sync job (docs/design.md, "Resumable sync"). A job lists the whole bucket page by page into
 * D1, then drops what the complete listing no longer has, then reads new and changed objects in key order; each step
 * records where it stopped, so a job spans as many invocations as its budget needs. Each invocation commits what it
 * read in one transaction, with its progress: a crash leaves the last committed catalog and a job that carries on.
 */
export async function syncCatalog(deps: SyncDependencies, trigger: string): Promise<SyncRun> {
	const startedAt = deps.now();
	// The whole invocation's count: what ran before the sync (the cron's sweep, notifications) is spent too.
	const spent = () => deps.meter?.used ?? 0;
	const tally: ReadTally = { objectsRead: 0, parseMs: 0 };
	const clock = new PhaseClock();
	const run: SyncRun = { id: crypto.randomUUID(), trigger, status: "running", startedAt: startedAt.toISOString(), objectsListed: 0, objectsRead: 0, posts: 0, broken: 0, changes: 0, remaining: 0 };
	const finish = (status: SyncRun["status"], error?: string): SyncRun => {
		const finishedAt = deps.now();
		const cost = { objectsRead: tally.objectsRead, parseMs: tally.parseMs, subrequests: spent() + 3, phasesMs: clock.rounded() };
		return { ...run, ...cost, status, error, finishedAt: finishedAt.toISOString(), durationMs: finishedAt.getTime() - startedAt.getTime() };
	};

	if (!(await deps.lease.acquire(run.id, SYNC_LEASE_TTL_MS, startedAt))) {
		const skipped = finish("skipped", "another sync is running");
		await deps.runs.save(skipped);
		return skipped;
	}
	try {
		// A run that crashed may have left rows behind; only the lease holder may clear them. Its reads are not
		// lost: the job's read position moves only with a commit, so they are read again.
		await deps.catalog.discardAllStaged();
		const store = await deps.openStore();
		let job = (await deps.jobs.current()) ?? (await startJob(deps, startedAt));
		// A stored fact, not "no succeeded run": the run history is pruned, and a long outage would empty it.
		const baseline = !(await deps.catalog.hasCaughtUpOnce());
		const affords = (cost: number) => spent() + cost + TAIL_SUBREQUESTS <= deps.budget.maxSubrequests;

		const listPage = (cursor: string | undefined) => {
			const listing = store.list({ cursor, limit: deps.listPageSize ?? PAGE_SIZE });
			listing.catch(() => undefined); // awaited below; a failure while the page before is recorded is not unhandled
			return listing;
		};
		let nextPage = job.phase === "listing" && affords(2) ? listPage(job.cursor) : undefined;
		while (nextPage) {
			const page = await clock.time("listing", nextPage);
			// The next page is listed while this one is recorded, so the store and D1 work at once; the records
			// still commit in order. Affording it: this record, the next listing and its record.
			nextPage = page.cursor && affords(3) ? listPage(page.cursor) : undefined;
			job = await clock.time("recording", deps.jobs.recordPage(job, page));
		}
		// Deletions come only from a complete listing, and are committed below with the job's move to reading.
		let deletedKeys: string[] = [];
		let mediaChanges: D1PreparedStatement[] = [];
		if (job.phase === "deleting" && affords(1)) {
			const found = await clock.time("deleting", deps.jobs.deletionsAndOutdated(job));
			deletedKeys = found.deleted;
			job = { ...job, phase: "reading", outdated: found.outdated };
			// Media are known from the complete listing (by extension, never read), committed with the deletions.
			mediaChanges = deps.media.fromCompleteListing((select) => deps.catalog.markPostDocumentsStale(select, startedAt));
		}

		let complete = false;
		let staged = 0;
		const released = new Set(deletedKeys);
		const claims = new Claims(new Map(), released);
		while (job.phase === "reading") {
			const bySubrequests = deps.budget.maxSubrequests - spent() - TAIL_SUBREQUESTS - 2;
			const byParse = Math.floor(deps.budget.maxParseMs / deps.budget.parseMsPerPost);
			const limit = Math.min(STAGE_CHUNK, deps.budget.maxReads - tally.objectsRead, byParse - tally.objectsRead, bySubrequests - Math.ceil(bySubrequests / STAGE_BATCH));
			if (limit <= 0) break;
			// One more than we take tells whether the listing ends within this chunk.
			const next = await clock.time("matching", deps.jobs.nextOutdated(job, limit + 1));
			const chunk = next.slice(0, limit);
			const outcomes = await clock.time(
				"reading",
				mapConcurrently(chunk, READ_CONCURRENCY, (object) => readAndParse(store, deps.content, object, object.knownEtag, tally)),
			);
			for (const object of chunk) released.add(object.key);
			if (chunk.length > 0) claims.learn(await clock.time("matching", deps.catalog.knownFor(chunk.map((object) => object.key), claimsOf(outcomes), startedAt)), released);
			// "gone": deleted between listing and reading; the next job's listing drops it like any deletion.
			const accepted = outcomes.flatMap((outcome): StagedOutcome[] => (outcome === "unchanged" || outcome === "gone" || outcome.kind === "media" ? [] : [claims.admit(outcome)]));
			// Media found by a read: recorded as media, and no longer a post or a broken post if it was one.
			const readMedia = outcomes.flatMap((outcome) => (typeof outcome === "object" && outcome.kind === "media" ? [outcome.object] : []));
			if (readMedia.length > 0) {
				mediaChanges.push(...deps.media.commitStatements(readMedia, [], (select, keys) => deps.catalog.markPostDocumentsStale(select, startedAt, keys)));
				deletedKeys.push(...readMedia.map((object) => object.key));
			}
			await clock.time("staging", deps.catalog.stage(run.id, accepted));
			staged += accepted.length;
			job = { ...job, readAfter: chunk.at(-1)?.key ?? job.readAfter, handled: job.handled + chunk.length };
			if (next.length <= limit) complete = true;
			if (complete) break;
		}

		const now = deps.now();
		const extra: D1PreparedStatement[] = [...mediaChanges, ...(complete ? [...deps.jobs.settledAgreements(), ...deps.jobs.finish()] : [deps.jobs.save(job)])];
		if (baseline) {
			extra.push(...(deps.baseline?.(now) ?? []));
			// An unfinished job leaves the catalog incomplete: the baseline goes on until one job completes.
			if (complete) extra.push(deps.catalog.markFirstCaughtUp(now));
		}
		await clock.time("committing", deps.catalog.commitSync(run.id, deletedKeys, now, extra));
		run.objectsListed = job.listed;
		run.changes = staged + deletedKeys.length;
		run.remaining = complete || job.phase !== "reading" ? 0 : Math.max(job.outdated - job.handled, 0);

		return await recordCommitted(deps, finish(complete ? "succeeded" : "partial"), { now, baseline });
	} catch (error) {
		return await recordFailed(deps, run.id, finish("failed", describeFailure(error)));
	} finally {
		await deps.lease.release(run.id).catch(() => undefined);
	}
}

/** A new job; posts parsed with other settings (site URL, time zone, id authority…) must all be read again. */
async function startJob(deps: SyncDependencies, now: Date): Promise<SyncJob> {
	const settingsFingerprint = JSON.stringify([PARSER_REVISION, deps.content]);
	if ((await deps.catalog.fact("content_settings")) !== settingsFingerprint) await deps.catalog.markAllOutdated(settingsFingerprint);
	return deps.jobs.start(crypto.randomUUID(), now);
}

