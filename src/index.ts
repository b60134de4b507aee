import { type Config, readConfig, readDeliveryConfig, siteIdentity } from "./config";
import { createApp } from "./http/app";
import { serveDocumentRequest } from "./http/documents/serve";
import type { Services } from "./http/context";
import { webhookSyncHooks } from "./jobs/announce-changes";
import { consumeDeadLetters, consumeWebhookBatch, deliverMessage } from "./jobs/deliver-messages";
import { deliverHubMessage } from "./jobs/hub-deliver";
import { hubDistribution } from "./jobs/hub-distribute";
import { pingExternalHubs } from "./jobs/hub-publish-ping";
import { verifyIntent } from "./jobs/hub-verify";
import { enqueueOutbox, requeueStranded } from "./jobs/outbox";
import { type Publication, createPublication } from "./jobs/publication";
import { type PublishDependencies, type PublishReport, publishDocuments } from "./jobs/publish-documents";
import { type PublishOutcome, consumeR2Events } from "./jobs/r2-events";
import { syncAndPublish, syncObjectsAndPublish } from "./jobs/sync-and-publish";
import { webhookCommands } from "./jobs/webhook-commands";
import { Announcements } from "./storage/announcements";
import { Catalog } from "./storage/catalog";
import { Deliveries } from "./storage/deliveries";
import { DocumentCache } from "./storage/document-cache";
import { DocumentBlobs } from "./storage/document-blobs";
import { Documents } from "./storage/documents";
import { HUB_MESSAGE_PREFIX, HUB_VERIFICATION_PREFIX, HubSubscriptions } from "./storage/hub-subscriptions";
import { Lease } from "./storage/lease";
import { Media } from "./storage/media";
import { openObjectStore } from "./storage/open-object-store";
import { Subscriptions } from "./storage/subscriptions";
import { SubrequestMeter, meterBindings } from "./storage/subrequest-meter";
import { SyncJobs } from "./storage/sync-job";
import { type SyncRun, SyncRuns } from "./storage/sync-runs";
import { type DeadLetter, WebhookQueue, type WebhookQueueMessage } from "./storage/webhook-queue";
import { describeError } from "./shared";

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
		hub: new HubSubscriptions(env.DB),
		queue: new WebhookQueue(env.WEBHOOK_QUEUE, env.WEBHOOK_DLQ),
	};
}

/** The queue R2 event notifications arrive on (scripts/deploy/production-config.mjs creates it and the notification rule). */
const R2_EVENTS_QUEUE = "pressroom-r2-events";

/**
 * Everything a request or job needs, built from the bindings and the configuration checked once here. Every D1, R2
 * and queue call goes through `meter`, one per invocation, which the sync's subrequest budget reads.
 */
/** The publish step's dependencies: used by syncs, and by the first request after a scheduled post's time. */
function publishingFor(env: Cloudflare.Env, config: Config, meter?: SubrequestMeter): PublishDependencies {
	const webhooks = webhookStorage(env);
	const site = siteIdentity(config);
	return {
		catalog: new Catalog(env.DB, config.site.archivePageSize, config.site.itemCount),
		documents: documentsFor(env, config),
		lease: new Lease(env.DB, "publish"),
		site,
		media: new Media(env.DB),
		now,
		maxRenders: config.publishMaxRenders,
		subrequestBudget: meter ? { meter, maxSubrequests: config.publishMaxSubrequests } : undefined,
		renderBudget: config.publishRenderBudget,
		distribute: hubDistribution(webhooks.hub, config.site.url, site.hubs),
		onPublished: async (written, at) => {
			// Readers of this isolate see a publish made here at once; other isolates within the staleness bound.
			documentCache.expire();
			await enqueueOutbox(webhooks, at);
			if (config.hub.publishTo.length > 0) await pingExternalHubs(config.hub.publishTo, config.site.url, written);
		},
	};
}

/** The published documents, with their bodies' objects when the DOCUMENTS bucket is bound (config.ts checks DOCUMENT_BODIES=r2 has it). */
function documentsFor(env: Cloudflare.Env, config: Config): Documents {
	return new Documents(env.DB, env.DOCUMENTS ? { blobs: new DocumentBlobs(env.DB, env.DOCUMENTS), writeToBlobs: config.documentBodies === "r2" } : undefined);
}

/** Most refs a request renders when it publishes a due post before answering. */
const REQUEST_PUBLISH_MAX_RENDERS = 250;

/** The serving side, built once per isolate and bindings object: a document request builds nothing. */
const publications = new WeakMap<object, Publication>();
function publicationFor(env: Cloudflare.Env): Publication {
	let publication = publications.get(env);
	if (publication === undefined) {
		const config = configFor(env);
		const publish = publishingFor(env, config);
		publication = createPublication({
			documents: publish.documents,
			cache: documentCache,
			stalenessMs: config.documentStalenessMs,
			// A reader waits for this publish (a due post): a short one; what its budget leaves goes on in a publish
			// continuation at once (the Free plan's render budget fits a few documents), else at the next sync.
			publish: async () => {
				const report = await publishDocuments({ ...publish, maxRenders: Math.min(publish.maxRenders, REQUEST_PUBLISH_MAX_RENDERS) });
				// The reader's answer does not wait on the queue: a send that fails leaves the rest to the next sync.
				if (report.stoppedByBudget) {
					await env.R2_EVENTS?.send({ continuePublish: "request" }).catch((error: unknown) => console.error(`publish continuation not sent: ${describeError(error)}`));
				}
				return report;
			},
			now,
			exposeCost: config.devMode,
			siteUrl: config.site.url,
			hubs: publish.site.hubs,
		});
		publications.set(env, publication);
	}
	return publication;
}

function services(rawEnv: Cloudflare.Env, meter = new SubrequestMeter(), config: Config = configFor(rawEnv)) {
	const env = meterBindings(rawEnv, meter);
	const catalog = new Catalog(env.DB, config.site.archivePageSize, config.site.itemCount);
	const runs = new SyncRuns(env.DB);
	const webhooks = webhookStorage(env);
	const publishing = publishingFor(env, config, meter);
	const documents = publishing.documents;
	const syncing = {
		openStore: () => openObjectStore(config.storage, env),
		catalog,
		media: new Media(env.DB),
		runs,
		lease: new Lease(env.DB, "sync"),
		content: config.content,
		now,
		meter,
		...webhookSyncHooks(webhooks),
	};
	let publishContinuationSent = false;
	const jobs = {
		/** One invocation of the whole-bucket sync job; "partial" means the job goes on in the next invocation. */
		sync: (trigger: string) => syncAndPublish({ ...syncing, jobs: new SyncJobs(env.DB), budget: config.syncBudget }, publishing, trigger),
		/** The keys R2 notifications named (null when posts are not in the R2 bucket: S3 has no notifications). */
		syncKeys: (keys: string[]) => syncObjectsAndPublish(syncing, publishing, keys, `r2 events (${keys.length} keys)`),
		/**
		 * A publish alone, of what earlier invocations left stale at their budget. While a sync job is changing the
		 * catalog it defers what the job keeps marking stale, as the job's own publishes do, and the job's last
		 * invocation goes on. A job that is only listing (a reconciliation) changes nothing: the publish goes on as ever,
		 * or refs that render only alone would wait for as long as reconciliations follow each other.
		 */
		publish: async () => {
			const importing = await new SyncJobs(env.DB).changingCatalog();
			return { importing, report: await publishDocuments(publishing, { importing }) };
		},
		keyPrefix: config.storage.kind === "r2" ? config.storage.prefix : undefined,
		/** Asks for the job's next invocation through the R2 events queue, so a long first import does not wait for the cron. */
		requestContinuation: (jobTrigger: string) => env.R2_EVENTS?.send({ continueSync: jobTrigger }),
		/** Asks for another publish the same way, when one stopped at its budget with documents left stale (after `delaySeconds`, when given). */
		requestPublishContinuation: async (trigger: string, delaySeconds?: number) => {
			await env.R2_EVENTS?.send({ continuePublish: trigger }, delaySeconds === undefined ? undefined : { delaySeconds });
			publishContinuationSent = true;
		},
		/** Whether this invocation has asked for a publish continuation already (one stands for any number). */
		publishContinuationSent: () => publishContinuationSent,
		meter,
	};
	const http: Services = {
		config,
		catalog,
		runs,
		subscriptions: webhooks.subscriptions,
		hub: webhooks.hub,
		queue: webhooks.queue,
		documents,
		webhooks: webhookCommands({ ...webhooks, now }),
		now,
		sync: jobs.sync,
		media: new Media(env.DB),
		openStore: () => openObjectStore(config.storage, env),
		storageStatus: () =>
			config.storage.kind === "invalid" ? { backend: "invalid", problems: config.storage.problems } : { backend: config.storage.kind, problems: [] },
	};
	return { http, jobs };
}

/** One sync invocation of the job, logged with what it spent; a job left unfinished asks for its next invocation. */
async function runSyncInvocation(jobs: ReturnType<typeof services>["jobs"], trigger: string): Promise<void> {
	const run = await jobs.sync(trigger);
	if (run.status === "partial") await jobs.requestContinuation(trigger);
	else if (run.publish.stoppedByBudget) await jobs.requestPublishContinuation(trigger);
	if (run.status === "failed") console.error(`sync failed: ${run.error}`);
	else console.log(`sync ${run.status} (${trigger}): ${invocationCost(run, jobs.meter)}`);
}

/** One publish-only invocation (a publish continuation), logged like a sync's with nothing listed or read. */
async function runPublishInvocation(jobs: ReturnType<typeof services>["jobs"], trigger: string): Promise<PublishOutcome> {
	const { importing, report: publish } = await jobs.publish();
	if (publish.stoppedByBudget && !importing) await jobs.requestPublishContinuation(trigger);
	if (publish.status === "failed") console.error(`publish failed: ${publish.error}`);
	else console.log(`publish ${publish.status} (${trigger}): ${publishCost(publish, jobs.meter)}`);
	return publish.status === "skipped" ? "busy" : publish.status === "failed" ? "failed" : "done";
}

/** One log line per invocation with what it did and spent; `npm run bench -- --plan free` reads these. */
function invocationCost(run: SyncRun & { publish: PublishReport }, meter: SubrequestMeter): string {
	return `listed ${run.objectsListed}, read ${run.objectsRead}, ${run.changes} changes, parse ${(run.parseMs ?? 0).toFixed(2)} ms, ${run.subrequests ?? 0} subrequests by the end of the sync; ${publishCost(run.publish, meter)}${phasesOf(run)}`;
}

/** Where the sync's wall time went (jobs/phase-clock.ts), phases that took none left out. */
function phasesOf(run: SyncRun): string {
	const spent = Object.entries(run.phasesMs ?? {}).filter(([, ms]) => ms > 0);
	return spent.length === 0 ? "" : `; sync ms by phase: ${spent.map(([phase, ms]) => `${phase} ${ms}`).join(", ")}`;
}

function publishCost(publish: PublishReport, meter: SubrequestMeter): string {
	return `publish rendered ${publish.rendered}, ${publish.remaining} left, render ${publish.renderMs.toFixed(2)} ms charged; ${meter.used} subrequests, ${meter.rowsWritten} D1 rows written`;
}

const app = createApp((env) => services(env).http, publicationFor);

export default {
	async fetch(request, env, ctx) {
		// Published documents first, without building the app's per-request services; a misconfigured site falls
		// through to the app, whose error mapping answers it.
		let publication: Publication | undefined;
		try {
			publication = publicationFor(env);
		} catch {
			return app.fetch(request, env, ctx);
		}
		return (await serveDocumentRequest(request, publication)) ?? app.fetch(request, env, ctx);
	},

	async scheduled(controller, rawEnv) {
		const meter = new SubrequestMeter();
		const env = meterBindings(rawEnv, meter);
		// First, and needing no site settings: nothing D1 holds as pending may be left behind by the queue.
		try {
			const requeued = await requeueStranded(webhookStorage(env), now());
			if (requeued > 0) console.warn(`re-enqueued ${requeued} webhook messages the queue had not delivered`);
		} catch (error) {
			console.error(`webhook sweep failed: ${error instanceof Error ? error.message : String(error)}`);
		}
		const expired = await new HubSubscriptions(env.DB).expire(now());
		if (expired > 0) console.log(`ended ${expired} WebSub subscriptions whose lease expired`);
		await runSyncInvocation(services(rawEnv, meter).jobs, `cron ${controller.cron}`);
	},

	// Only the delivery settings: a typo in a site setting must not make the consumers throw and strand messages.
	async queue(batch, env) {
		if (batch.queue === R2_EVENTS_QUEUE) {
			// Site settings are needed to parse posts: a bad setting fails the batch, and the queue brings it back.
			const { jobs } = services(env);
			if (jobs.keyPrefix === undefined) {
				console.warn("r2 events: posts are not read from the R2 binding (S3 settings), so notifications are ignored");
				batch.ackAll();
				return;
			}
			await consumeR2Events(batch, {
				keyPrefix: jobs.keyPrefix,
				syncKeys: async (keys) => {
					const run = await jobs.syncKeys(keys);
					if (run !== "busy" && run.status !== "failed") {
						console.log(`r2 events ${run.status} (${keys.length} keys): ${invocationCost(run, jobs.meter)}`);
						if (run.publish.stoppedByBudget) await jobs.requestPublishContinuation("publish continuation");
					}
					return run;
				},
				// After syncing notified keys this invocation has spent part of its subrequests: the job goes on in the next one.
				continueJob: async () => {
					if (jobs.meter.used === 0) await runSyncInvocation(jobs, "continuation");
					else await jobs.requestContinuation("continuation");
				},
				continuePublish: async () => {
					if (jobs.meter.used === 0) return await runPublishInvocation(jobs, "publish continuation");
					await jobs.requestPublishContinuation("publish continuation");
					return "done";
				},
				// Not twice: the job's invocation in this batch may have asked for one (a subrequest Free cannot spare).
				resendPublish: async (delaySeconds) => {
					if (!jobs.publishContinuationSent()) await jobs.requestPublishContinuation("publish continuation", delaySeconds);
				},
			});
			return;
		}
		const { deliveries, subscriptions, queue, hub } = webhookStorage(env);
		if (batch.queue.endsWith("-dlq")) {
			await consumeDeadLetters(batch as MessageBatch<DeadLetter>, { deliveries, hub, now });
			return;
		}
		const { config, problems } = readDeliveryConfig(env);
		for (const problem of problems) console.error(`webhook delivery: ${problem}; using the default`);
		const deliveryDeps = { deliveries, subscriptions, queue, ...config, now };
		const hubDeps = { hub, deliveries, queue, devMode: config.devMode, timeoutMs: config.webhooks.timeoutMs, now };
		await consumeWebhookBatch(batch as MessageBatch<WebhookQueueMessage>, deliveryDeps, (messageId) => {
			if (messageId.startsWith(HUB_VERIFICATION_PREFIX)) return verifyIntent(messageId, hubDeps);
			if (messageId.startsWith(HUB_MESSAGE_PREFIX)) return deliverHubMessage(messageId, hubDeps);
			return deliverMessage(messageId, deliveryDeps);
		});
	},
} satisfies ExportedHandler<Cloudflare.Env>;
