import type { SiteIdentity } from "../feeds/channels";
import { type DocumentRef, type RefKind, refKind } from "../feeds/document-paths";
import type { StaleRef } from "../storage/documents";
import type { SubrequestMeter } from "../storage/subrequest-meter";

// What one publish may spend: refs, subrequests, CPU. Each round takes the stale refs that fit all three.

/**
 * The publish step's CPU budget, the counterpart of the sync's parse budget (docs/design.md, "Budgets"). A deployed
 * Worker cannot read its CPU clock, so each ref is charged before it renders, at `msPerEntry` per full-content entry
 * it renders (PUBLISH_RENDER_MS_PER_ENTRY, calibrated by `npm run bench`): an archive page renders 3 × 50 entries,
 * several milliseconds, where the Free plan allows 10 ms of CPU for the whole invocation.
 */
export interface RenderBudget {
	/** PUBLISH_MAX_RENDER_MS: the charge one publish may reach. */
	maxMs: number;
	msPerEntry: number;
}

/**
 * Full-content entries a ref renders, the unit of its charge: every feed entry in each of the three formats, and a
 * post page. List entries (home, the term index, an HTML page's list) carry a title and a summary, a small fraction
 * of an entry, so a list document counts as one; so does any ref's HTML page beside its feeds.
 */
export const renderEntries = (ref: DocumentRef, site: Pick<SiteIdentity, "itemCount" | "archivePageSize">): number => entriesOfKind(refKind(ref), site);

/** Every ref of a kind is charged alike. */
function entriesOfKind(kind: RefKind, site: Pick<SiteIdentity, "itemCount" | "archivePageSize">): number {
	switch (kind) {
		case "site":
			return 3 * site.itemCount;
		case "term":
		case "author":
			return 3 * site.itemCount + 1;
		case "archive":
			return 3 * site.archivePageSize + 1;
		case "post":
		case "home":
		case "tags":
			return 1;
	}
}

/** What one ref is charged, in ms. */
export const renderCostMs = (ref: DocumentRef, site: Pick<SiteIdentity, "itemCount" | "archivePageSize">, budget: RenderBudget): number =>
	renderEntries(ref, site) * budget.msPerEntry;

/**
 * Which of `refs` fit in what is left of the budget after `spentMs`, in order, passing over those that do not (a
 * cheaper ref after them may still fit). A ref charged over the whole budget still renders when it comes first in an
 * invocation that has charged nothing else (`alone`): every stale ref gets rendered some time, in an invocation of
 * its own.
 */
export function refsWithinRenderBudget(
	refs: readonly DocumentRef[],
	site: Pick<SiteIdentity, "itemCount" | "archivePageSize">,
	budget: RenderBudget,
	spent: { spentMs: number; alone: boolean },
): { taken: boolean[]; chargedMs: number } {
	let chargedMs = spent.spentMs;
	const taken = refs.map((ref) => {
		const cost = renderCostMs(ref, site, budget);
		const firstAlone = spent.alone && chargedMs === 0;
		if (!firstAlone && chargedMs + cost > budget.maxMs) return false;
		chargedMs += cost;
		return true;
	});
	return { taken, chargedMs: chargedMs - spent.spentMs };
}

const KINDS: readonly RefKind[] = ["site", "home", "tags", "archive", "term", "author", "post"];

/** The kinds of ref whose charge is over what is left: none of their refs fits. */
export function kindsOverBudget(site: Pick<SiteIdentity, "itemCount" | "archivePageSize">, budget: RenderBudget, spentMs: number): RefKind[] {
	return KINDS.filter((kind) => spentMs + entriesOfKind(kind, site) * budget.msPerEntry > budget.maxMs);
}

/** No ref is charged less than one entry: below that nothing more can fit. */
export const renderBudgetSpent = (budget: RenderBudget, spentMs: number): boolean => budget.maxMs - spentMs < budget.msPerEntry;

/** A round's own queries at most: stale refs, posts by slug, etags, sequence length, archive boundary, hub topics, the publish (with any failed refs' retry), the outbox enqueue (select, send, mark). */
export const ROUND_SUBREQUESTS = 10;
/** After the last round: the count of what is left, and the lease release. */
export const PUBLISH_TAIL_SUBREQUESTS = 2;
/**
 * The most queries a ref's load makes beyond its round's, so a round never overruns the invocation's subrequests: a
 * post page is loaded with its round's one query; a list page makes one, the tags page two (terms, authors); a
 * ref with feeds makes one for its posts (a term's is a batch) and one for its enclosures' stored lengths and types
 * (src/jobs/attach-media.ts), and the site's feeds may render twice when the archive's end moves.
 */
export function subrequestsOf(ref: DocumentRef): number {
	switch (refKind(ref)) {
		case "post":
			return 0;
		case "home":
			return 1;
		case "tags":
		case "term":
		case "author":
		case "archive":
			return 2;
		case "site":
			return 3;
	}
}

export interface PublishSpending {
	/** With a meter: the subrequests the invocation may have made when the publish ends (PUBLISH_MAX_SUBREQUESTS). */
	subrequestBudget?: { meter: SubrequestMeter; maxSubrequests: number };
	renderBudget?: RenderBudget;
	site: Pick<SiteIdentity, "itemCount" | "archivePageSize">;
	/** A round's subrequests beyond {@link ROUND_SUBREQUESTS}: bodies written to the DOCUMENTS bucket (storage/documents.ts). */
	extraRoundSubrequests?: number;
	/** A ref's beyond {@link subrequestsOf}: the put of its own object in the DOCUMENTS bucket. */
	extraSubrequestsOf?: (ref: DocumentRef) => number;
}

/**
 * The refs of a round to render now: of the first ones whose queries fit in what is left of the invocation's
 * subrequests, those whose charge fits in what is left of the render budget (`renderMs`: what this publish charged so
 * far; `afterOtherWork`: the invocation did other work before it, so no ref renders alone). `passedOver` did not fit
 * the render budget and stay stale; `cut` says the subrequests ended the round.
 */
export function fitBudget(
	spending: PublishSpending,
	round: StaleRef[],
	renderMs: number,
	afterOtherWork: boolean,
): { take: StaleRef[]; passedOver: StaleRef[]; chargedMs: number; cut: boolean } {
	let fits = round.length;
	if (spending.subrequestBudget) {
		const { meter, maxSubrequests } = spending.subrequestBudget;
		let left = maxSubrequests - meter.used - PUBLISH_TAIL_SUBREQUESTS - ROUND_SUBREQUESTS - (spending.extraRoundSubrequests ?? 0);
		fits = 0;
		const costOf = (ref: DocumentRef) => subrequestsOf(ref) + (spending.extraSubrequestsOf?.(ref) ?? 0);
		while (fits < round.length && left - costOf(round[fits]!.ref) >= 0) left -= costOf(round[fits++]!.ref);
	}
	const considered = round.slice(0, fits);
	const cut = fits < round.length;
	if (!spending.renderBudget) return { take: considered, passedOver: [], chargedMs: 0, cut };
	const { taken, chargedMs } = refsWithinRenderBudget(
		considered.map(({ ref }) => ref),
		spending.site,
		spending.renderBudget,
		{ spentMs: renderMs, alone: !afterOtherWork },
	);
	return { take: considered.filter((_, index) => taken[index]), passedOver: considered.filter((_, index) => !taken[index]), chargedMs, cut };
}
