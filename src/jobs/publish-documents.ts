import type { Post } from "../content/post";
import type { SiteIdentity } from "../feeds/channels";
import { type DocumentRef, refKind } from "../feeds/document-paths";
import { HTML_LIST_LENGTH, type RenderInput, type RenderedDocument, renderDocuments } from "../feeds/publication";
import type { SequencedPost } from "../storage/archive-order";
import type { Catalog } from "../storage/catalog";
import type { Documents, StaleRef, StoredDocument } from "../storage/documents";
import type { Lease } from "../storage/lease";
import type { Media } from "../storage/media";
import { attachMediaMetadata } from "./attach-media";
import type { SubrequestMeter } from "../storage/subrequest-meter";
import { type RenderBudget, fitBudget, kindsOverBudget, renderBudgetSpent } from "./publish-budget";
import { compareWithStored } from "./stored-bytes";
import { mapConcurrently } from "../shared";
import { describeFailure } from "./sync-reads";

export interface PublishDependencies {
	catalog: Catalog;
	documents: Documents;
	/** The "publish" lease: one publisher at a time, so an older render never overwrites a newer one. */
	lease: Lease;
	site: SiteIdentity;
	/** Where enclosures get their length and type. */
	media: Media;
	now: () => Date;
	/** Most logical documents rendered by one call; the rest stay stale for the next publish. */
	maxRenders: number;
	/**
	 * Statements to commit with new document versions, by path: the WebSub outbox rows of topics someone
	 * subscribes to. Written in the same batch as the documents, so no new version can miss its distribution.
	 */
	distribute?: (documents: StoredDocument[], now: Date) => Promise<Map<string, D1PreparedStatement[]>>;
	/** Told about every document whose bytes changed, after they are stored (cache expiry, outbox enqueue, hub pings). */
	onPublished?: (documents: StoredDocument[], now: Date) => Promise<void>;
	/**
	 * With a meter: the subrequests the invocation may have made when the publish ends (PUBLISH_MAX_SUBREQUESTS).
	 * Each round is cut to what fits, at {@link ROUND_SUBREQUESTS} plus {@link subrequestsOf} each ref.
	 */
	subrequestBudget?: { meter: SubrequestMeter; maxSubrequests: number };
	/** The CPU the publish may be charged (PUBLISH_MAX_RENDER_MS); the rest stays stale for the next publish. */
	renderBudget?: RenderBudget;
	/** Replaces the renderer, for tests that make one document fail. */
	render?: typeof renderDocuments;
}

export interface PublishReport {
	status: "published" | "skipped" | "failed";
	/** Logical documents rendered (a ref makes up to four documents). */
	rendered: number;
	/** Which ones, in the order rendered. */
	refs: DocumentRef[];
	/** Documents whose bytes changed and were stored. */
	written: number;
	/** Stale refs left for the next publish, by the budget or by a failure. */
	remaining: number;
	/** The CPU charged for what it rendered, in ms (src/jobs/publish-budget.ts). */
	renderMs: number;
	/** It stopped at a budget (refs, subrequests or render ms) with stale refs left, after rendering some: another publish can go on at once. */
	stoppedByBudget: boolean;
	failures: { ref: DocumentRef; error: string }[];
	error?: string;
}

const LEASE_TTL_MS = 5 * 60 * 1000;
/**
 * Refs rendered per round: one D1 query loads all post pages of a round, one reads the etags, and the round is
 * written in one batch when its bytes allow; the Free plan's budgets keep its rounds smaller.
 */
const ROUND = 100;
/** Refs of a round rendered at once: six, as the sync reads objects (Workers keep six connections open at a time). */
const RENDER_CONCURRENCY = 6;
/** Stale refs read per query, oldest first; rounds take from them until they run out (the query sorts the whole list). */
const STALE_PAGE = 1000;
/**
 * While a sync job is unfinished (a first import of 100,000 posts takes thousands of invocations), each invocation
 * renders the pages of the posts it added, but the documents every invocation makes stale again (site feeds, `/`,
 * `/tags`, term and author feeds, archive pages) wait until the job completes or until they have been stale this long.
 * Readers keep the last published version meanwhile.
 */
export const SHARED_LAG_DURING_IMPORT_MS = 60_000;
/**
 * Renders the documents the catalog marked stale and stores the ones whose bytes changed, with a strong
 * ETag computed once and Last-Modified set to when those bytes first appeared. Before that it notices
 * scheduled posts whose time has come, so they appear in every document on time. A document that fails
 * to render keeps its last good bytes and stays stale; the others are published.
 */
export async function publishDocuments(
	deps: PublishDependencies,
	options: {
		waitForLeaseMs?: number;
		importing?: boolean;
		/**
		 * The invocation did other work before the publish (a sync: listing, reads, parse), not all of it charged: no
		 * ref renders alone over the budget here, and one left stale asks for a publish continuation, which renders alone.
		 */
		afterOtherWork?: boolean;
	} = {},
): Promise<PublishReport> {
	const report: PublishReport = { status: "published", rendered: 0, refs: [], written: 0, remaining: 0, renderMs: 0, stoppedByBudget: false, failures: [] };
	const holder = crypto.randomUUID();
	if (!(await acquire(deps, holder, options.waitForLeaseMs ?? 0))) return { ...report, status: "skipped" };
	try {
		const now = deps.now();
		await noticeVisibilityChanges(deps, now);
		const version = `${now.toISOString()}/${holder}`;
		const failed = new Set<DocumentRef>();
		const deferral = options.importing ? { sharedStaleBefore: new Date(now.getTime() - SHARED_LAG_DURING_IMPORT_MS) } : {};
		let queue: StaleRef[] = [];
		// Refs this publish cannot fit in its render budget; they stay stale, and are not read again by this call.
		const passedOver = new Set<DocumentRef>();
		let stopped = false;
		// What the document store adds to a round's subrequests (bodies in the DOCUMENTS bucket), the same every round.
		const spending = { ...deps, extraRoundSubrequests: deps.documents.extraRoundSubrequests, extraSubrequestsOf: (ref: DocumentRef) => deps.documents.extraSubrequestsOf(ref) };
		for (;;) {
			const left = deps.maxRenders - report.rendered;
			// Nothing more fits; unless nothing is charged yet in an invocation of its own, where one ref always renders.
			const alone = report.renderMs === 0 && !options.afterOtherWork;
			if (left <= 0 || (deps.renderBudget && !alone && renderBudgetSpent(deps.renderBudget, report.renderMs))) {
				stopped = true;
				break;
			}
			// Read again when used up: a ref marked again meanwhile is still stale at its new mark, and comes back.
			if (queue.length === 0) {
				const skip = failed.size + passedOver.size;
				// Only what can still fit is read (unless one ref is to render alone), so refs over the budget cannot crowd it out.
				const excluding = deps.renderBudget && !alone ? kindsOverBudget(deps.site, deps.renderBudget, report.renderMs) : [];
				queue = (await deps.documents.staleRefs(Math.min(STALE_PAGE, left) + skip, { ...deferral, excluding })).filter(
					(entry) => !failed.has(entry.ref) && !passedOver.has(entry.ref),
				);
				// What was not read for the budget may still be stale: the count at the end says.
				if (queue.length === 0) {
					stopped ||= excluding.length > 0;
					break;
				}
			}
			const fit = fitBudget(spending, queue.slice(0, Math.min(ROUND, left)), report.renderMs, options.afterOtherWork ?? false);
			for (const stale of fit.passedOver) passedOver.add(stale.ref);
			stopped ||= fit.passedOver.length > 0;
			queue = queue.slice(fit.take.length + fit.passedOver.length);
			if (fit.take.length === 0) {
				if (fit.cut || fit.passedOver.length === 0) {
					stopped = true;
					break;
				}
				continue;
			}
			const round = fit.take;
			report.renderMs += fit.chargedMs;
			const failuresBefore = report.failures.length;
			const results = await renderRound(deps, round, now, report, failed);
			const failedNow = round.filter((stale) => report.failures.slice(failuresBefore).some((failure) => failure.ref === stale.ref));
			const retry = failedNow.length > 0 ? [deps.documents.retryLater(failedNow, now)] : [];
			const written = results.flatMap((result) => result.write);
			const distribution = written.length > 0 && deps.distribute ? await deps.distribute(written, now) : new Map<string, D1PreparedStatement[]>();
			const withOutbox = results.map((result, index) => ({
				...result,
				// The failed refs move behind the others in the round's own batch: no query of their own.
				extra: [...result.extra, ...result.write.flatMap((document) => distribution.get(document.path) ?? []), ...(index === 0 ? retry : [])],
			}));
			// The clock at the write, not the publish's start: an object's registration must say when it was made (document-blobs.ts).
			if (withOutbox.length > 0) await deps.documents.publish(withOutbox, version, deps.now());
			else await deps.documents.write(retry);
			report.written += written.length;
			if (written.length > 0) await deps.onPublished?.(written, now);
		}
		report.remaining = await deps.documents.staleCount();
		// Refs left besides those that failed here, and either progress or other work before it (the continuation then
		// renders alone): a publish whose every ref failed asks for no other at once (the next sync retries).
		const progressed = report.rendered > report.failures.length || options.afterOtherWork === true;
		report.stoppedByBudget = stopped && report.remaining > failed.size && progressed;
		return report;
	} catch (error) {
		return { ...report, status: "failed", error: describeFailure(error) };
	} finally {
		await deps.lease.release(holder).catch(() => undefined);
	}
}

async function acquire(deps: PublishDependencies, holder: string, waitMs: number): Promise<boolean> {
	const deadline = Date.now() + waitMs;
	for (;;) {
		if (await deps.lease.acquire(holder, LEASE_TTL_MS, deps.now())) return true;
		if (Date.now() >= deadline) return false;
		await new Promise((resolve) => setTimeout(resolve, 100));
	}
}

/** Posts whose publication time passed since the last check change documents with no catalog write. */
async function noticeVisibilityChanges(deps: PublishDependencies, now: Date): Promise<void> {
	const statements: D1PreparedStatement[] = [];
	const [{ renderedWith, checkedThrough: through }, next] = await Promise.all([deps.documents.publishedState(), deps.catalog.nextVisibilityChange(now)]);
	// The first publish, and one after a change of title, URL, hubs or item count, renders every document.
	// Moving bodies between D1 and the DOCUMENTS bucket (DOCUMENT_BODIES) renders everything once, which moves every body.
	const settings = deps.documents.bodiesIn === "r2" ? JSON.stringify({ ...deps.site, documentBodies: "r2" }) : JSON.stringify(deps.site);
	if (renderedWith !== settings) {
		// The site feeds decide again where the feed archives end (FEED_ITEM_COUNT or FEED_MAX_BYTES may have changed).
		statements.push(...deps.catalog.markEverythingStale(now), deps.catalog.archive.resetArchiveBoundary(), deps.documents.recordRenderSettings(settings));
	}
	if (through !== undefined && through < now.toISOString()) statements.push(...deps.catalog.markBecameVisible(new Date(through), now, now));
	statements.push(...deps.catalog.archive.assignSequence(now));
	statements.push(...deps.documents.recordVisibility(now, next));
	await deps.documents.write(statements);
}

/** What every ref of a round reads alike: how far the archive order goes, and where the feed archives end. */
interface RoundContext {
	now: Date;
	posts: Map<string, Post>;
	sequenceLength: number;
	boundary: number;
}

async function renderRound(deps: PublishDependencies, round: StaleRef[], now: Date, report: PublishReport, failed: Set<DocumentRef>) {
	const slugs = round.flatMap(({ ref }) => (ref.startsWith("post:") ? [ref.slice("post:".length)] : []));
	const [posts, etags, sequenceLength, boundary] = await Promise.all([
		slugs.length > 0 ? deps.catalog.visiblePostsBySlug(slugs, now) : new Map<string, Post>(),
		deps.documents.storedVersionsOf(round.map(({ ref }) => ref)),
		deps.catalog.archive.sequenceLength(),
		deps.catalog.archive.archiveBoundary(),
	]);
	const context: RoundContext = { now, posts, sequenceLength, boundary };
	for (const stale of round) {
		report.rendered += 1;
		report.refs.push(stale.ref);
	}
	// A few refs at a time: while one renders (CPU), the others' queries are in flight. Bounded, so a round of
	// archive pages never holds more than RENDER_CONCURRENCY pages of posts in memory at once.
	const outcomes = await mapConcurrently(round, RENDER_CONCURRENCY, async (stale) => {
		try {
			const { documents, extra } = stale.ref === "site" ? await renderSiteFeeds(deps, context) : await renderRef(deps, stale.ref, context);
			return { ...(await compareWithStored(stale, documents, etags, now)), extra };
		} catch (error) {
			failed.add(stale.ref);
			report.failures.push({ ref: stale.ref, error: describeFailure(error) });
			return undefined;
		}
	});
	return outcomes.filter((outcome) => outcome !== undefined);
}

async function renderRef(deps: PublishDependencies, ref: DocumentRef, context: RoundContext) {
	const input = await loadInput(deps, ref, context);
	return { documents: input === undefined ? [] : (deps.render ?? renderDocuments)(deps.site, await attachMediaMetadata(input, deps.media)), extra: [] };
}

/**
 * The site feeds hold the newest posts after the feed archives' end, as many as FEED_ITEM_COUNT and
 * FEED_MAX_BYTES allow; the posts they no longer hold move into the archives, whose end moves forward with
 * the feeds in one batch. Never backward: a complete archive page stays complete (docs/serving.md).
 */
async function renderSiteFeeds(deps: PublishDependencies, context: RoundContext) {
	const render = deps.render ?? renderDocuments;
	const size = deps.catalog.archive.pageSize;
	const candidates = await deps.catalog.archive.postsAfterSequence(context.boundary, deps.site.itemCount, context.now);
	const renderWith = async (posts: SequencedPost[], boundary: number) =>
		render(
			deps.site,
			await attachMediaMetadata(
				{ ref: "site", kind: "site", posts: posts.map(({ post }) => post), newestArchivePage: boundary > 0 ? Math.ceil(boundary / size) : undefined },
				deps.media,
			),
		);
	const boundaryAfter = (posts: SequencedPost[], documents: RenderedDocument[]) => {
		const entries = documents[0]?.entries ?? posts.length;
		return entries === 0 ? context.boundary : posts[entries - 1]!.seq - 1;
	};
	let documents = await renderWith(candidates, context.boundary);
	let boundary = boundaryAfter(candidates, documents);
	if (Math.ceil(boundary / size) !== Math.ceil(context.boundary / size)) {
		// The prev-archive link names the newest archive page, which just changed: render once more with it.
		const kept = candidates.filter(({ seq }) => seq > boundary);
		documents = await renderWith(kept, boundary);
		boundary = Math.max(boundary, boundaryAfter(kept, documents));
	}
	const extra = boundary > context.boundary ? deps.catalog.archive.moveArchiveBoundary(context.boundary, boundary, context.now) : [];
	return { documents, extra };
}

async function loadInput(deps: PublishDependencies, ref: DocumentRef, context: RoundContext): Promise<RenderInput | undefined> {
	const { now, posts, sequenceLength, boundary } = context;
	const size = deps.catalog.archive.pageSize;
	const lastPage = Math.ceil(sequenceLength / size);
	if (ref === "home") {
		const newest = await deps.catalog.listedPosts({ now, limit: HTML_LIST_LENGTH });
		return { ref, kind: "home", posts: newest, newestArchivePage: sequenceLength > HTML_LIST_LENGTH ? lastPage : undefined };
	}
	if (ref === "tags") {
		const [terms, authors] = await Promise.all([deps.catalog.labels.termCounts(now), deps.catalog.labels.authorCounts(now)]);
		return { ref, kind: "tags", terms, authors };
	}
	const [kind, subject] = [refKind(ref), ref.slice(ref.indexOf(":") + 1)];
	if (kind === "post") {
		const post = posts.get(subject);
		return post === undefined ? undefined : { ref, kind: "post", post };
	}
	if (kind === "term" || kind === "author") {
		const options = { now, limit: Math.max(deps.site.itemCount, HTML_LIST_LENGTH), withContent: deps.site.itemCount };
		const selection = kind === "term" ? await deps.catalog.labels.termPosts(subject, options) : await deps.catalog.labels.authorPosts(subject, options);
		return { ref, kind, normalized: subject, display: selection.display ?? subject, posts: selection.posts, listed: selection.listed };
	}
	if (kind === "archive") {
		const page = Number(subject);
		const pagePosts = await deps.catalog.archive.postsInSequence((page - 1) * size, page * size, now);
		return {
			ref,
			kind: "archive",
			page,
			posts: pagePosts.map(({ post }) => post),
			lastPage,
			feedPosts: pagePosts.filter(({ seq }) => seq <= boundary).map(({ post }) => post),
			newestFeedPage: Math.ceil(boundary / size),
			complete: page * size <= boundary,
		};
	}
	throw new Error(`unknown document ref "${ref}"`);
}
