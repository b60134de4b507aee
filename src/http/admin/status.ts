import type { Services, WebhookHealth } from "../context";
import type { BrokenObject } from "../../storage/catalog";
import type { SyncRun } from "../../storage/sync-runs";
import { D1_DATABASE_LIMIT_BYTES, type Plan } from "../../config";

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
	database: DatabaseUsage;
}

/** The D1 database's size against the plan's limit, with a warning as it nears the limit. */
export interface DatabaseUsage {
	plan: Plan;
	/** Absent when D1 did not report the size. */
	bytes?: number;
	limitBytes: number;
	warning?: string;
}

/** Warn from this share of the limit: at the limit every sync and publish fails until the database shrinks or the plan grows. */
export const DATABASE_WARNING_SHARE = 0.8;

export function databaseUsage(bytes: number | undefined, plan: Plan): DatabaseUsage {
	const limitBytes = D1_DATABASE_LIMIT_BYTES[plan];
	const usage: DatabaseUsage = { plan, bytes, limitBytes };
	if (bytes !== undefined && bytes >= DATABASE_WARNING_SHARE * limitBytes) {
		const share = Math.round((100 * bytes) / limitBytes);
		const upgrade = plan === "free" ? " The Paid plan allows 10 GB (PLAN=paid)." : "";
		usage.warning = `The D1 database is at ${share}% of the ${plan === "free" ? "Free" : "Paid"} plan's ${formatBytes(limitBytes)}: beyond it D1 refuses writes, so syncs and publishes fail while feeds keep their last documents.${upgrade} docs/deploy.md, "What it costs", says what each post takes.`;
	}
	return usage;
}

/** Decimal megabytes or gigabytes, as the D1 limits are written. */
export function formatBytes(bytes: number): string {
	return bytes >= 1_000_000_000 ? `${Number((bytes / 1_000_000_000).toFixed(1))} GB` : `${Number((bytes / 1_000_000).toFixed(1))} MB`;
}

/** What GET /api/status answers and the admin page shows: the last syncs, the catalog, broken posts, webhook, hub and document health, the database's size. */
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
		database: databaseUsage(publication.databaseBytes, services.config.plan),
	};
}
