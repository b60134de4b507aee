import type { Deliveries } from "../storage/deliveries";
import type { WebhookQueue } from "../storage/webhook-queue";

/**
 * A pending message that has not been handed to the queue, or not come back from it, for this long after it was
 * enqueued or its retry fell due, is taken as lost by the queue (a consumer that kept crashing, a dead-letter
 * consumer that could not record it) and enqueued again by the cron. The queue delivers within seconds and its
 * own retries of a crashing consumer end within minutes; a copy that was only late is recognised by its status
 * and not sent twice once delivered.
 */
export const STRANDED_AFTER_MINUTES = 60;

/** Most messages one cron run re-enqueues: each 100 cost a queue call, and the sync needs its subrequests too. */
const SWEEP_LIMIT = 2_000;
const PAGE = 500;

type OutboxDependencies = { deliveries: Deliveries; queue: WebhookQueue };

/** Enqueues every message the outbox holds that the queue has not been given yet. */
export function enqueueOutbox(deps: OutboxDependencies, now: Date): Promise<number> {
	return handToQueue(deps, (limit) => deps.deliveries.notEnqueued(limit), now, Number.POSITIVE_INFINITY);
}

/**
 * The cron's sweep: whatever D1 records as pending but the queue has not had for {@link STRANDED_AFTER_MINUTES}
 * is enqueued again, so nothing pending is ever left behind. Needs no site settings.
 */
export function requeueStranded(deps: OutboxDependencies, now: Date): Promise<number> {
	const before = new Date(now.getTime() - STRANDED_AFTER_MINUTES * 60_000);
	return handToQueue(deps, (limit) => deps.deliveries.stranded(before, limit), now, SWEEP_LIMIT);
}

/** Enqueues what `select` picks, page by page, marking each page enqueued at `now` so the next pick moves on. */
async function handToQueue(deps: OutboxDependencies, select: (limit: number) => Promise<string[]>, now: Date, limit: number): Promise<number> {
	let enqueued = 0;
	while (enqueued < limit) {
		const ids = await select(Math.min(PAGE, limit - enqueued));
		if (ids.length === 0) break;
		await deps.queue.enqueue(ids);
		await deps.deliveries.markEnqueued(ids, now);
		enqueued += ids.length;
	}
	return enqueued;
}
