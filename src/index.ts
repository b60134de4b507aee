import { type Config, readConfig, readDeliveryConfig } from "./config";
import { createApp } from "./http/app";
import type { Services } from "./http/context";
import { webhookSyncHooks } from "./jobs/announce-changes";
import { consumeDeadLetters, consumeWebhookBatch } from "./jobs/deliver-messages";
import { requeueStranded } from "./jobs/outbox";
import { syncCatalog } from "./jobs/sync-catalog";
import { webhookCommands } from "./jobs/webhook-commands";
import { Announcements } from "./storage/announcements";
import { Catalog } from "./storage/catalog";
import { Deliveries } from "./storage/deliveries";
import { Lease } from "./storage/lease";
import { openObjectStore } from "./storage/open-object-store";
import { Subscriptions } from "./storage/subscriptions";
import { SyncRuns } from "./storage/sync-runs";
import { type DeadLetter, WebhookQueue, type WebhookQueueMessage } from "./storage/webhook-queue";

const now = () => new Date();

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
function services(env: Cloudflare.Env, config: Config = readConfig(env)): Services {
	const catalog = new Catalog(env.DB);
	const runs = new SyncRuns(env.DB);
	const webhooks = webhookStorage(env);
	return {
		config,
		catalog,
		runs,
		subscriptions: webhooks.subscriptions,
		webhooks: webhookCommands({ ...webhooks, now }),
		now,
		sync: (trigger) =>
			syncCatalog(
				{
					openStore: () => openObjectStore(config.storage, env),
					catalog,
					runs,
					lease: new Lease(env.DB, "sync"),
					content: config.content,
					maxReads: config.syncMaxReads,
					now,
					...webhookSyncHooks(webhooks),
				},
				trigger,
			),
		storageStatus: () =>
			config.storage.kind === "invalid" ? { backend: "invalid", problems: config.storage.problems } : { backend: config.storage.kind, problems: [] },
	};
}

const app = createApp((env) => services(env));

export default {
	fetch: app.fetch,

	async scheduled(controller, env) {
		// First, and needing no site settings: nothing D1 holds as pending may be left behind by the queue.
		try {
			const requeued = await requeueStranded(webhookStorage(env), now());
			if (requeued > 0) console.warn(`re-enqueued ${requeued} webhook messages the queue had not delivered`);
		} catch (error) {
			console.error(`webhook sweep failed: ${error instanceof Error ? error.message : String(error)}`);
		}
		const run = await services(env).sync(`cron ${controller.cron}`);
		if (run.status === "failed") console.error(`sync failed: ${run.error}`);
		else console.log(`sync ${run.status}: listed ${run.objectsListed}, read ${run.objectsRead}, ${run.changes} changes`);
	},

	// Only the delivery settings: a typo in a site setting must not make the consumers throw and strand messages.
	async queue(batch, env) {
		const { deliveries, subscriptions, queue } = webhookStorage(env);
		if (batch.queue.endsWith("-dlq")) {
			await consumeDeadLetters(batch as MessageBatch<DeadLetter>, { deliveries, now });
			return;
		}
		const { config, problems } = readDeliveryConfig(env);
		for (const problem of problems) console.error(`webhook delivery: ${problem}; using the default`);
		await consumeWebhookBatch(batch as MessageBatch<WebhookQueueMessage>, { deliveries, subscriptions, queue, ...config, now });
	},
} satisfies ExportedHandler<Cloudflare.Env>;
