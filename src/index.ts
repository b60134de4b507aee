import { type Config, readConfig } from "./config";
import { createApp } from "./http/app";
import type { Services } from "./http/context";
import { announceChanges } from "./jobs/announce-changes";
import { consumeDeadLetters, consumeWebhookBatch } from "./jobs/deliver-messages";
import { createPublication } from "./jobs/publication";
import { type PublishDependencies, publishDocuments } from "./jobs/publish-documents";
import { syncAndPublish } from "./jobs/sync-and-publish";
import { webhookCommands } from "./jobs/webhook-commands";
import { Announcements } from "./storage/announcements";
import { Catalog } from "./storage/catalog";
import { Deliveries } from "./storage/deliveries";
import { DocumentCache } from "./storage/document-cache";
import { Documents } from "./storage/documents";
import { Lease } from "./storage/lease";
import { openObjectStore } from "./storage/open-object-store";
import { Subscriptions } from "./storage/subscriptions";
import { SyncRuns } from "./storage/sync-runs";
import { type DeadLetter, WebhookQueue, type WebhookQueueMessage } from "./storage/webhook-queue";

const now = () => new Date();

/**
 * The one module-level state: published documents kept in this isolate's memory, bounded in bytes
 * (32 MiB of the isolate's 128 MB) and in staleness (one version check per DOCUMENT_STALENESS_MS; docs/serving.md).
 */
const documentCache = new DocumentCache({ maxBytes: 32 * 1024 * 1024 });

/** Settings are read and checked once per isolate and bindings object, not on every request. */
const configs = new WeakMap<object, Config>();
function configFor(env: Cloudflare.Env): Config {
	let config = configs.get(env);
	if (config === undefined) {
		config = readConfig(env);
		configs.set(env, config);
	}
	return config;
}

/** The webhook side of the storage layer, shared by the sync, the admin API and the queue consumers. */
function webhookStorage(env: Cloudflare.Env) {
	return {
		subscriptions: new Subscriptions(env.DB),
		deliveries: new Deliveries(env.DB),
		announcements: new Announcements(env.DB),
		queue: new WebhookQueue(env.WEBHOOK_QUEUE, env.WEBHOOK_DLQ),
	};
}

/** Everything a request or job needs, built from the bindings and the configuration checked once here. */
function services(env: Cloudflare.Env, config: Config = configFor(env)): Services {
	const catalog = new Catalog(env.DB);
	const runs = new SyncRuns(env.DB);
	const documents = new Documents(env.DB);
	const webhooks = webhookStorage(env);
	const publishing: PublishDependencies = {
		catalog,
		documents,
		lease: new Lease(env.DB, "publish"),
		site: { ...config.site, idAuthority: config.content.idAuthority },
		now,
		maxRenders: config.publishMaxRenders,
		// Readers of this isolate see a publish made here at once; other isolates within the staleness bound.
		onPublished: async () => documentCache.expire(),
	};
	return {
		config,
		catalog,
		runs,
		subscriptions: webhooks.subscriptions,
		webhooks: webhookCommands({ ...webhooks, now }),
		now,
		sync: (trigger) =>
			syncAndPublish(
				{
					openStore: () => openObjectStore(config.storage, env),
					catalog,
					runs,
					lease: new Lease(env.DB, "sync"),
					content: config.content,
					maxReads: config.syncMaxReads,
					now,
					afterCommit: ({ now: at, firstSync }) => announceChanges(webhooks, { now: at, baseline: firstSync }),
				},
				publishing,
				trigger,
			),
		publication: createPublication({
			documents,
			cache: documentCache,
			stalenessMs: config.documentStalenessMs,
			publish: () => publishDocuments(publishing),
			now,
			exposeCost: config.devMode,
		}),
		storageStatus: () =>
			config.storage.kind === "invalid" ? { backend: "invalid", problems: config.storage.problems } : { backend: config.storage.kind, problems: [] },
	};
}

const app = createApp((env) => services(env));

export default {
	fetch: app.fetch,

	async scheduled(controller, env) {
		const run = await services(env).sync(`cron ${controller.cron}`);
		if (run.status === "failed") console.error(`sync failed: ${run.error}`);
		else console.log(`sync ${run.status}: listed ${run.objectsListed}, read ${run.objectsRead}, ${run.changes} changes`);
	},

	async queue(batch, env) {
		const config = readConfig(env);
		const { deliveries, subscriptions, queue } = webhookStorage(env);
		if (batch.queue.endsWith("-dlq")) {
			await consumeDeadLetters(batch as MessageBatch<DeadLetter>, { deliveries, now });
			return;
		}
		await consumeWebhookBatch(batch as MessageBatch<WebhookQueueMessage>, {
			deliveries,
			subscriptions,
			queue,
			webhooks: config.webhooks,
			devMode: config.devMode,
			now,
		});
	},
} satisfies ExportedHandler<Cloudflare.Env>;
