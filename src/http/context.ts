import type { Config } from "../config";
import type { PublishReport } from "../jobs/publish-documents";
import type { Catalog } from "../storage/catalog";
import type { DeliveryPage } from "../storage/deliveries";
import type { Documents } from "../storage/documents";
import type { HubSubscriptions } from "../storage/hub-subscriptions";
import type { Media } from "../storage/media";
import type { ObjectStore } from "../storage/object-store";
import type { Subscription, Subscriptions } from "../storage/subscriptions";
import type { WebhookQueue } from "../storage/webhook-queue";
import type { SyncRun, SyncRuns } from "../storage/sync-runs";

/** Webhook operations the admin API exposes; implemented in src/jobs, wired in src/index.ts. */
export interface WebhookCommands {
	/** Creates a `ping` event for one subscription and enqueues its message. */
	sendPing(subscriptionId: string): Promise<{ eventId: string; messageId: string }>;
	/** Puts a message back to pending and enqueues it again; undefined when no such message. */
	redeliver(messageId: string): Promise<{ messageId: string; status: string } | undefined>;
	/** Messages sent to a subscription, newest first, each with its attempts. */
	deliveries(subscriptionId: string, page: { limit: number; cursor?: string }): Promise<DeliveryPage>;
	/** Subscription counts, the disabled or failing ones, and messages by status, for /api/status. */
	health(): Promise<WebhookHealth>;
}

export interface WebhookHealth {
	subscriptions: { total: number; enabled: number; attention: Subscription[] };
	messages: Record<string, number>;
}

/** What a request handler may use; built once per request by src/index.ts, so handlers never touch env. */
export interface Services {
	config: Config;
	catalog: Catalog;
	runs: SyncRuns;
	subscriptions: Subscriptions;
	/** The WebSub hub's subscribers and verifications. */
	hub: HubSubscriptions;
	/** For the hub's verification requests. */
	queue: WebhookQueue;
	/** The published documents, to check that a hub.topic is one Pressroom serves. */
	documents: Documents;
	webhooks: WebhookCommands;
	now: () => Date;
	/** Runs a sync now (under the same lease as the cron), then publishes what it changed. */
	sync: (trigger: string) => Promise<SyncRun & { publish?: PublishReport }>;
	/** Media beside the posts (/media/{key}, missing media in /api/status). */
	media: Media;
	/** The bucket, for streaming media; feeds and pages never open it. */
	openStore: () => Promise<ObjectStore>;
	/** Describes the configured object store, or why it is misconfigured. */
	storageStatus: () => { backend: string; problems: string[] };
}

export type AppEnv = { Bindings: Cloudflare.Env; Variables: { services: Services } };
