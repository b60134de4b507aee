import { MAX_POST_BYTES, parsePost, tooLargeReason } from "../content";
import type { ContentSettings } from "../content/post";
import { redactCredentials } from "../redaction";
import type { Catalog, KnownObject, StagedOutcome } from "../storage/catalog";
import type { Lease } from "../storage/lease";
import type { Media, MediaObject } from "../storage/media";
import type { ObjectStore, ObjectSummary } from "../storage/object-store";
import type { SyncRun, SyncRuns } from "../storage/sync-runs";
import { describeError, mapConcurrently, mediaTypeByExtension, mediaTypeOf } from "../shared";

export interface SyncDependencies {
	/** Opened inside the sync so a misconfigured store is recorded as a failed run like any other fault. */
	openStore: () => Promise<ObjectStore>;
	catalog: Catalog;
	/** Objects that are not posts (images, audio, PDF…): recorded from the listing, never read. */
	media: Media;
	runs: SyncRuns;
	lease: Lease;
	content: ContentSettings;
	/**
	 * Most objects one sync reads. Each read is a subrequest (Paid plan: 10,000 per invocation) and costs
	 * about a millisecond of CPU to parse; a bigger backlog is committed in parts by consecutive syncs.
	 */
	maxReads: number;
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
const LEASE_TTL_MS = 15 * 60 * 1000;
const PAGE_SIZE = 1000;
/** Workers allow six simultaneous outgoing connections per invocation. */
const READ_CONCURRENCY = 6;
const STAGE_CHUNK = 100;
/** Bump to make every object be parsed again after an upgrade changes what parsing produces (2: the term index; 3: media links). */
const PARSER_REVISION = "3";

/**
 * Brings the catalog up to date with the bucket: one paged listing, one read per new or changed object,
 * and a single transaction at the end so a crash or a store fault leaves the last good catalog in place.
 */
export async function syncCatalog(deps: SyncDependencies, trigger: string): Promise<SyncRun> {
	const startedAt = deps.now();
	const run: SyncRun = {
		id: crypto.randomUUID(),
		trigger,
		status: "running",
		startedAt: startedAt.toISOString(),
		objectsListed: 0,
		objectsRead: 0,
		posts: 0,
		broken: 0,
		changes: 0,
		remaining: 0,
	};
	const finish = (status: SyncRun["status"], error?: string): SyncRun => {
		const finishedAt = deps.now();
		return { ...run, status, error, finishedAt: finishedAt.toISOString(), durationMs: finishedAt.getTime() - startedAt.getTime() };
	};

	if (!(await deps.lease.acquire(run.id, LEASE_TTL_MS, startedAt))) {
		const skipped = finish("skipped", "another sync is running");
		await deps.runs.save(skipped);
		return skipped;
	}
	try {
		// A run that crashed may have left rows behind; only the lease holder may clear them.
		await deps.catalog.discardAllStaged();
		const store = await deps.openStore();
		const settingsFingerprint = JSON.stringify([PARSER_REVISION, deps.content]);
		// Posts parsed with other settings (site URL, time zone, id authority…) must all be read again.
		if ((await deps.catalog.fact("content_settings")) !== settingsFingerprint) await deps.catalog.markAllOutdated(settingsFingerprint);
		const known = await deps.catalog.knownObjects(startedAt);
		// A stored fact, not "no succeeded run": the run history is pruned, and a long outage would empty it.
		const baseline = !(await deps.catalog.hasCaughtUpOnce());

		const everything = await listEverything(store);
		run.objectsListed = everything.length;
		const knownMedia = await deps.media.known();
		// Media is told by its key's extension with no read, and is never a "broken post"; an unchanged object
		// that an earlier read found to be media (by its stored type, without a known extension) stays media.
		const listedMedia = everything.flatMap((object) => {
			const recorded = knownMedia.get(object.key);
			const contentType = mediaTypeByExtension(object.key) ?? (recorded?.etag === object.etag ? recorded.contentType : undefined);
			return contentType === undefined ? [] : [mediaObject(object, contentType)];
		});
		const mediaKeys = new Set(listedMedia.map((object) => object.key));
		const listed = everything.filter((object) => !mediaKeys.has(object.key));
		const listedKeys = new Set(listed.map((object) => object.key));
		// Includes media that an older version read as posts: they leave the posts and the broken list.
		const deletedKeys = [...known.keys()].filter((key) => !listedKeys.has(key));
		const outdated = listed.filter((object) => known.get(object.key)?.etag !== object.etag);
		const changed = outdated.slice(0, deps.maxReads);
		run.remaining = outdated.length - changed.length;

		const claims = new Claims(known, new Set([...deletedKeys, ...changed.map((object) => object.key)]));
		let staged = 0;
		for (let start = 0; start < changed.length; start += STAGE_CHUNK) {
			const chunk = changed.slice(start, start + STAGE_CHUNK);
			const outcomes = await mapConcurrently(chunk, READ_CONCURRENCY, (object) =>
				readAndParse(store, deps.content, object, known.get(object.key), run),
			);
			const accepted: StagedOutcome[] = [];
			for (const outcome of outcomes) {
				// "gone": deleted between listing and reading; the next listing drops it like any deletion.
				if (outcome === "unchanged" || outcome === "gone") continue;
				if (outcome.kind === "media") {
					listedMedia.push(outcome.object);
					if (known.has(outcome.object.key)) deletedKeys.push(outcome.object.key);
				} else accepted.push(claims.admit(outcome));
			}
			await deps.catalog.stage(run.id, accepted);
			staged += accepted.length;
		}
		const mediaUpserts = listedMedia.filter((object) => {
			const recorded = knownMedia.get(object.key);
			return recorded === undefined || recorded.etag !== object.etag || recorded.contentType !== object.contentType;
		});
		const listedMediaKeys = new Set(listedMedia.map((object) => object.key));
		const mediaDeleted = [...knownMedia.keys()].filter((key) => !listedMediaKeys.has(key));
		run.changes = staged + deletedKeys.length + mediaUpserts.length + mediaDeleted.length;

		const now = deps.now();
		const extra: D1PreparedStatement[] = deps.media.commitStatements(mediaUpserts, mediaDeleted, (select, keys) =>
			deps.catalog.markPostDocumentsStale(select, now, keys),
		);
		if (baseline) {
			extra.push(...(deps.baseline?.(now) ?? []));
			// A partial sync leaves the catalog incomplete: the baseline goes on until one sync catches up.
			if (run.remaining === 0) extra.push(deps.catalog.markFirstCaughtUp(now));
		}
		await deps.catalog.commitSync(run.id, deletedKeys, now, extra);

		const counts = await deps.catalog.counts();
		const result = { ...finish(run.remaining > 0 ? "partial" : "succeeded"), posts: counts.posts, broken: counts.broken };
		await deps.runs.save(result);
		try {
			await deps.afterCommit?.({ now, baseline });
		} catch (error) {
			// The catalog is committed; what failed is telling subscribers, which the next sync retries.
			const failed = { ...result, status: "failed" as const, error: `catalog updated, but webhook events failed: ${describeError(error, { name: true })}` };
			await deps.runs.save(failed);
			return failed;
		}
		return result;
	} catch (error) {
		await deps.catalog.discardStaged(run.id).catch(() => undefined);
		const failed = finish("failed", describeError(error, { name: true }));
		await deps.runs.save(failed);
		return failed;
	} finally {
		await deps.lease.release(run.id).catch(() => undefined);
	}
}

async function listEverything(store: ObjectStore): Promise<ObjectSummary[]> {
	const objects: ObjectSummary[] = [];
	let cursor: string | undefined;
	do {
		const page = await store.list({ cursor, limit: PAGE_SIZE });
		objects.push(...page.objects);
		cursor = page.cursor;
	} while (cursor);
	return objects;
}

function mediaObject(object: ObjectSummary, contentType: string): MediaObject {
	const seconds = Math.floor(object.lastModified.getTime() / 1000) * 1000;
	return { key: object.key, etag: object.etag, size: object.size, contentType, lastModified: new Date(seconds).toISOString() };
}

async function readAndParse(
	store: ObjectStore,
	content: ContentSettings,
	summary: ObjectSummary,
	known: KnownObject | undefined,
	run: SyncRun,
): Promise<StagedOutcome | { kind: "media"; object: MediaObject } | "unchanged" | "gone"> {
	// Refused by its listed size, before it costs a read or the memory to parse it.
	if (summary.size > MAX_POST_BYTES) return { kind: "broken", key: summary.key, etag: summary.etag, reason: tooLargeReason(summary.size) };
	run.objectsRead += 1;
	const read = await store.read(summary.key, known ? { ifNoneMatch: known.etag } : {});
	if (read === null) return "gone";
	if (read === "not-modified") return "unchanged";
	// A key without a known extension whose stored type (S3 tells it only on a read) says it is media.
	const mediaType = mediaTypeOf(read.key, read.contentType);
	if (mediaType !== undefined) return { kind: "media", object: mediaObject({ ...summary, etag: read.etag }, mediaType) };
	const parsed = parsePost({ key: read.key, bytes: read.bytes, etag: read.etag, lastModified: read.lastModified }, content);
	return parsed.ok ? { kind: "post", post: parsed.post } : { kind: "broken", key: summary.key, etag: read.etag, reason: parsed.error.reason };
}

/**
 * Entry ids and slugs must be unique. Posts the catalog already has keep theirs; among new claims the
 * first in key order wins and the others are recorded as broken, naming the post they collide with.
 */
class Claims {
	private readonly ids = new Map<string, string>();
	private readonly slugs = new Map<string, string>();

	constructor(known: Map<string, KnownObject>, released: Set<string>) {
		for (const [key, object] of known) {
			if (!object.post || released.has(key)) continue;
			this.ids.set(object.post.id, key);
			this.slugs.set(object.post.slug, key);
		}
	}

	admit(outcome: StagedOutcome): StagedOutcome {
		if (outcome.kind === "broken") return outcome;
		const { post } = outcome;
		const idOwner = this.ids.get(post.id);
		if (idOwner !== undefined && idOwner !== post.key) {
			return { kind: "broken", key: post.key, etag: post.etag, reason: `duplicate id "${post.id}": already used by ${idOwner}` };
		}
		const slugOwner = this.slugs.get(post.slug);
		if (slugOwner !== undefined && slugOwner !== post.key) {
			return { kind: "broken", key: post.key, etag: post.etag, reason: `duplicate slug "${post.slug}": already used by ${slugOwner}` };
		}
		this.ids.set(post.id, post.key);
		this.slugs.set(post.slug, post.key);
		return outcome;
	}
}

/** The run's error as /api/status and the logs show it: a store's message may quote a URL, never its credentials. */
export function describeFailure(error: unknown): string {
	return redactCredentials(describeError(error));
}
