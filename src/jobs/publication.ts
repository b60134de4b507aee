import type { DocumentCache, CachedDocument, LookupCost } from "../storage/document-cache";
import type { Documents, PublicationState } from "../storage/documents";
import type { PublishReport } from "./publish-documents";

/** What the serving route needs: the cache in front of the document store, and the publish step for due posts. */
export interface Publication {
	state(cost: LookupCost): Promise<PublicationState>;
	/** Publishes now because a scheduled post is due, then reads the new state. */
	publishDue(cost: LookupCost): Promise<void>;
	lookup(path: string, cost: LookupCost): Promise<CachedDocument | null>;
	/** The same two without waiting, on the hot path: undefined when storage must be asked. */
	freshState(): PublicationState | undefined;
	peek(path: string): CachedDocument | null | undefined;
	nowMs(): number;
	/** Dev mode only: answer with the D1 rows a request read, for the serving bench. */
	exposeCost: boolean;
	siteUrl: string;
	/** WebSub hubs for the Link header of every feed. */
	hubs: readonly string[];
}

export function createPublication(deps: {
	documents: Documents;
	cache: DocumentCache;
	stalenessMs: number;
	publish: () => Promise<PublishReport>;
	now: () => Date;
	exposeCost: boolean;
	siteUrl: string;
	hubs: readonly string[];
}): Publication {
	const nowMs = () => deps.now().getTime();
	return {
		state: (cost) => deps.cache.publicationState(deps.documents, nowMs(), deps.stalenessMs, cost),
		async publishDue(cost) {
			const report = await deps.publish();
			if (report.status === "failed") console.error(`publish of due posts failed: ${report.error}`);
			deps.cache.expire();
			await deps.cache.publicationState(deps.documents, nowMs(), deps.stalenessMs, cost);
		},
		lookup: (path, cost) => deps.cache.get(deps.documents, path, cost),
		freshState: () => deps.cache.freshState(nowMs(), deps.stalenessMs),
		peek: (path) => deps.cache.peek(path),
		nowMs,
		exposeCost: deps.exposeCost,
		siteUrl: deps.siteUrl,
		hubs: deps.hubs,
	};
}
