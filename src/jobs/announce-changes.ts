import type { Post } from "../content/post";
import type { SyncDependencies } from "./sync-catalog";
import type { Announcements } from "../storage/announcements";
import type { Deliveries } from "../storage/deliveries";
import type { Subscriptions } from "../storage/subscriptions";
import type { WebhookQueue } from "../storage/webhook-queue";
import { enqueueOutbox } from "./outbox";
import { type EventType, buildDeletedEvent, buildPostEvent, messageId } from "../webhooks/event";

export interface AnnounceDependencies {
	announcements: Announcements;
	deliveries: Deliveries;
	subscriptions: Subscriptions;
	queue: WebhookQueue;
}

export interface AnnounceReport {
	events: number;
	messages: number;
	enqueued: number;
}

/** How long the delivery log keeps finished messages (Svix keeps 90 days on paid plans; 30 is plenty to debug). */
export const DELIVERY_LOG_DAYS = 30;

/** Messages written per D1 batch; each batch is idempotent, so a crash between batches loses nothing. */
const WRITE_BATCH = 200;

/**
 * Turns catalog changes into events and one message per interested subscription (an outbox in D1), then
 * hands every message not yet enqueued to the queue. Ids are derived from post, kind and version, and
 * writes are INSERT OR IGNORE, so running it again after a crash re-sends the same `webhook-id`s and
 * never invents new ones. Until the catalog has been complete once, syncs are a baseline: their posts are
 * recorded as announced in the catalog's own commit ({@link webhookSyncHooks}), and no event is sent.
 */
export async function announceChanges(deps: AnnounceDependencies, context: { now: Date; baseline: boolean }): Promise<AnnounceReport> {
	const { now } = context;
	const report: AnnounceReport = { events: 0, messages: 0, enqueued: 0 };

	if (!context.baseline) {
		const pending = await deps.announcements.pending(now);
		const changes: { type: Exclude<EventType, "ping">; post?: Post; postId: string; version: string }[] = [
			...pending.published.map((post) => ({ type: "post.published" as const, post, postId: post.id, version: post.published })),
			...pending.updated.map((post) => ({ type: "post.updated" as const, post, postId: post.id, version: post.updated })),
			...pending.deleted.map((postId) => ({ type: "post.deleted" as const, postId, version: "deleted" })),
		];
		for (const change of changes) {
			// Each change is the post's next event: its count is in the id, so a repeat of a past state is a new event.
			const occurrence = (pending.eventCounts.get(change.postId) ?? 0) + 1;
			const event = change.post
				? await buildPostEvent(change.post, change.type, change.version, occurrence, now)
				: await buildDeletedEvent(change.postId, occurrence, now);
			const recipients = await deps.subscriptions.recipientsFor(event.type, change.post ?? null, now);
			const statements = [deps.deliveries.insertEvent(event, change.postId)];
			for (const subscription of recipients) {
				statements.push(deps.deliveries.insertMessage(await messageId(event.id, subscription.id), event.id, subscription.id, now));
			}
			await writeInBatches(deps.deliveries, statements);
			// Recorded last, in one transaction: until it lands, the next sync sees the change again, with the same
			// count, and rewrites the same rows.
			await deps.deliveries.write([
				change.type === "post.deleted" ? deps.announcements.forget(change.postId) : deps.announcements.announce(change.postId, change.post!.updated, now),
				deps.announcements.countEvents(change.postId, occurrence),
				deps.announcements.settle(change.postId, pending.through),
			]);
			report.events += 1;
			report.messages += recipients.length;
		}
	}
	report.enqueued = await enqueueOutbox(deps, now);
	await deps.deliveries.prune(new Date(now.getTime() - DELIVERY_LOG_DAYS * 24 * 3600 * 1000));
	return report;
}

/** How the sync hands its changes to webhooks: the baseline inside the catalog commit, events after it. */
export function webhookSyncHooks(deps: AnnounceDependencies): Pick<SyncDependencies, "baseline" | "afterCommit"> {
	return {
		baseline: (now) => deps.announcements.baseline(now),
		afterCommit: (context) => announceChanges(deps, context),
	};
}

async function writeInBatches(deliveries: Deliveries, statements: D1PreparedStatement[]): Promise<void> {
	for (let start = 0; start < statements.length; start += WRITE_BATCH) await deliveries.write(statements.slice(start, start + WRITE_BATCH));
}
