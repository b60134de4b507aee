import type { MediaObject } from "../storage/media";
import { mediaTypeOf, wholeSecondsIso } from "../shared";
import { MAX_POST_BYTES, parsePost, tooLargeReason } from "../content";
import type { ContentSettings } from "../content/post";
import type { KnownObject, StagedOutcome } from "../storage/catalog";
import type { ObjectStore, ObjectSummary } from "../storage/object-store";
import type { SyncRun } from "../storage/sync-runs";
import { redactCredentials } from "../redaction";
import { describeError } from "../shared";
import type { SyncDependencies } from "./sync-catalog";

/** The steps the bucket-wide sync and the one-key sync of a notification share: read and parse, claim ids and slugs, record the run. */

/** `media`: a key without a known extension whose stored type says it is media (S3 tells the type only on a read). */
export type ReadOutcome = StagedOutcome | { kind: "media"; object: MediaObject } | "unchanged" | "gone";

/** What reading objects cost: reads made, and the parse time measured where the clock moves (it stands still in deployed Workers). */
export interface ReadTally {
	objectsRead: number;
	parseMs: number;
}

/** Reads one object (conditionally, when the catalog knows an etag for it) and parses it. */
export async function readAndParse(
	store: ObjectStore,
	content: ContentSettings,
	summary: Pick<ObjectSummary, "key" | "etag" | "size"> | { key: string; etag?: undefined; size?: undefined },
	knownEtag: string | undefined,
	tally: ReadTally,
): Promise<ReadOutcome> {
	// Refused by its listed size, before it costs a read or the memory to parse it.
	if (summary.size !== undefined && summary.size > MAX_POST_BYTES) {
		return { kind: "broken", key: summary.key, etag: summary.etag!, reason: tooLargeReason(summary.size) };
	}
	tally.objectsRead += 1;
	// Without a listed size (a notified key), the store reads no body over the limit: a video's must not fill memory.
	const read = await store.read(summary.key, { ...(knownEtag !== undefined ? { ifNoneMatch: knownEtag } : {}), maxBytes: MAX_POST_BYTES });
	if (read === null) return "gone";
	if (read === "not-modified") return "unchanged";
	const size = "oversized" in read ? read.size : read.bytes.length;
	const mediaType = mediaTypeOf(read.key, read.contentType);
	if (mediaType !== undefined) {
		const lastModified = wholeSecondsIso(read.lastModified);
		return { kind: "media", object: { key: read.key, etag: read.etag, size, contentType: mediaType, lastModified } };
	}
	if ("oversized" in read || size > MAX_POST_BYTES) return { kind: "broken", key: read.key, etag: read.etag, reason: tooLargeReason(size) };
	const started = performance.now();
	const parsed = parsePost({ key: read.key, bytes: read.bytes, etag: read.etag, lastModified: read.lastModified }, content);
	tally.parseMs += performance.now() - started;
	return parsed.ok ? { kind: "post", post: parsed.post } : { kind: "broken", key: summary.key, etag: read.etag, reason: parsed.error.reason };
}

/** The ids and slugs a set of outcomes claims, to ask the catalog who holds them already. */
export function claimsOf(outcomes: ReadOutcome[]): { ids: string[]; slugs: string[] } {
	const posts = outcomes.flatMap((outcome) => (typeof outcome === "object" && outcome.kind === "post" ? [outcome.post] : []));
	return { ids: posts.map((post) => post.id), slugs: posts.map((post) => post.slug) };
}

/**
 * Entry ids and slugs must be unique. Posts the catalog already has keep theirs; among new claims the
 * first in key order wins and the others are recorded as broken, naming the post they collide with.
 */
export class Claims {
	private readonly ids = new Map<string, string>();
	private readonly slugs = new Map<string, string>();

	constructor(known: Map<string, KnownObject>, released: Set<string>) {
		this.learn(known, released);
	}

	/** Adds what the catalog holds; `released` keys are being replaced or deleted, so their old claims lapse. */
	learn(known: Map<string, KnownObject>, released: Set<string>): void {
		for (const [key, object] of known) {
			if (!object.post || released.has(key)) continue;
			if (!this.ids.has(object.post.id)) this.ids.set(object.post.id, key);
			if (!this.slugs.has(object.post.slug)) this.slugs.set(object.post.slug, key);
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

/** Records a committed run with the catalog's counts, then tells subscribers (webhooks); a failure there is recorded on the run. */
/** A run's or a publish's error as /api/status and the logs show it: a store's message may quote a URL, never its credentials. */
export function describeFailure(error: unknown): string {
	return redactCredentials(describeError(error, { name: true }));
}

/** Records a sync that failed before its commit: what it staged is dropped, the catalog is as the last commit left it. */
export async function recordFailed(deps: Pick<SyncDependencies, "catalog" | "runs">, runId: string, failed: SyncRun): Promise<SyncRun> {
	await deps.catalog.discardStaged(runId).catch(() => undefined);
	await deps.runs.save(failed);
	return failed;
}

export async function recordCommitted(
	deps: Pick<SyncDependencies, "catalog" | "runs" | "afterCommit">,
	run: SyncRun,
	context: { now: Date; baseline: boolean },
): Promise<SyncRun> {
	const counts = await deps.catalog.counts();
	const result = { ...run, posts: counts.posts, broken: counts.broken };
	await deps.runs.save(result);
	try {
		await deps.afterCommit?.(context);
	} catch (error) {
		// The catalog is committed; what failed is telling subscribers, which the next sync retries.
		const failed = { ...result, status: "failed" as const, error: `catalog updated, but webhook events failed: ${describeFailure(error)}` };
		await deps.runs.save(failed);
		return failed;
	}
	return result;
}
