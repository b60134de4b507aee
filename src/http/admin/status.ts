import type { Services, WebhookHealth } from "../context";
import type { BrokenObject } from "../../storage/catalog";
import type { SyncRun } from "../../storage/sync-runs";

export interface OperatorStatus {
	storage: { backend: string; problems: string[] };
	lastSync: SyncRun | null;
	lastSuccessfulSync: SyncRun | null;
	recentSyncs: SyncRun[];
	catalog: { posts: number; broken: number; media: number };
	brokenPosts: BrokenObject[];
	/** Published all the same; these links and enclosures lead nowhere until the object is uploaded. */
	missingMedia: Awaited<ReturnType<Services["media"]["missing"]>>;
	webhooks: WebhookHealth;
	hub: Awaited<ReturnType<Services["hub"]["health"]>>;
	documents: Awaited<ReturnType<Services["documents"]["health"]>>;
}

/** What GET /api/status answers and the admin page shows: the last syncs, the catalog, broken posts, webhook, hub and document health. */
export async function operatorStatus(services: Services, recentSyncCount = 10): Promise<OperatorStatus> {
	const { catalog, runs, storageStatus, webhooks, hub, documents, media, now } = services;
	const [recent, lastSucceeded, counts, mediaCount, broken, missingMedia, webhookHealth, hubHealth, publication] = await Promise.all([
		runs.latest(recentSyncCount),
		runs.lastSucceeded(),
		catalog.counts(),
		media.count(),
		catalog.brokenObjects(),
		media.missing(),
		webhooks.health(),
		hub.health(now()),
		documents.health(),
	]);
	return {
		storage: storageStatus(),
		lastSync: recent[0] ?? null,
		lastSuccessfulSync: lastSucceeded ?? null,
		recentSyncs: recent,
		catalog: { ...counts, media: mediaCount },
		brokenPosts: broken,
		missingMedia,
		webhooks: webhookHealth,
		hub: hubHealth,
		documents: publication,
	};
}
