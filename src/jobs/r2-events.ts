import type { SyncRun } from "../storage/sync-runs";

/**
 * An R2 event notification as the queue delivers it (developers.cloudflare.com/r2/buckets/event-notifications/):
 * `object.size` and `object.eTag` are absent on deletes. Only the key is trusted: the object is read as it is now.
 */
export interface R2EventNotification {
	account: string;
	action: string;
	bucket: string;
	object: { key: string; size?: number; eTag?: string };
	eventTime: string;
}

/** The other message the queue carries: "the sync job is not finished, run its next invocation" (docs/design.md, "Budgets"). */
export interface ContinueSyncMessage {
	continueSync: string;
}

/** And "the last publish stopped at its budget with documents left stale, run another" (src/jobs/publish-budget.ts). */
export interface ContinuePublishMessage {
	continuePublish: string;
}

export type R2EventsMessage = R2EventNotification | ContinueSyncMessage | ContinuePublishMessage;

/** What a publish continuation's own publish did: "busy" when another publish held the lease, so nothing was published. */
export type PublishOutcome = "done" | "busy" | "failed";

export interface R2EventsDependencies {
	/** Keys as the store sees them (the POSTS_PREFIX removed); keys outside it are not posts. */
	keyPrefix: string;
	syncKeys: (keys: string[]) => Promise<SyncRun | "busy">;
	/** The next invocation of the whole-bucket job. */
	continueJob: () => Promise<void>;
	/** Another publish of what is still stale. */
	continuePublish: () => Promise<PublishOutcome>;
	/** Sends a publish continuation again, to arrive after `delaySeconds` (none if the invocation sent one already); rejects when the queue did not take it. */
	resendPublish: (delaySeconds: number) => Promise<void>;
}

/** When another sync holds the lease, the batch comes back after this long; a sync invocation is done well within it. */
const BUSY_RETRY_SECONDS = 2;

/** Reads a message body: a notification, a continuation, or a problem to log (the cron's reconciliation catches what it missed). */
export function readR2EventsMessage(body: unknown): R2EventsMessage | { problem: string } {
	if (typeof body !== "object" || body === null) return { problem: "the message body is not an object" };
	const record = body as Record<string, unknown>;
	if (typeof record.continueSync === "string") return { continueSync: record.continueSync };
	if (typeof record.continuePublish === "string") return { continuePublish: record.continuePublish };
	const object = record.object as Record<string, unknown> | undefined;
	if (typeof record.action !== "string" || typeof object !== "object" || object === null || typeof object.key !== "string" || object.key === "") {
		return { problem: "not an R2 event notification: it needs `action` and `object.key`" };
	}
	return record as unknown as R2EventNotification;
}

/**
 * The consumer of the R2 events queue: the keys of a batch's notifications are synced together (each key once,
 * however many events name it), a continuation runs the job's next invocation, and a publish continuation another
 * publish. A publish continuation the batch cannot serve with a publish of its own (the batch syncs keys, whose
 * publish comes after other work and leaves the refs that render only alone; or another publish holds the lease) is
 * sent again, delayed, instead of being acknowledged unserved: it is what gets those refs rendered. Sent again, not
 * retried: a long import holds the lease for minutes, and retries ran out of the queue's `max_retries` (the
 * 100,000-post Free run dropped them after 11 attempts). Beside a job's continuation, the publish goes first and the
 * job's continuation is sent again. Failures and a busy sync lease bring the batch back (but for a publish request,
 * sent again as above; one whose own publish failed is retried); every step is idempotent, so a redelivery converges
 * to the bucket's state.
 */
export async function consumeR2Events(batch: MessageBatch<unknown>, deps: R2EventsDependencies): Promise<void> {
	const keys = new Set<string>();
	let continuation = false;
	const publishRequests: Message<unknown>[] = [];
	for (const message of batch.messages) {
		const body = readR2EventsMessage(message.body);
		if ("problem" in body) console.error(`r2 events: message ${message.id} skipped: ${body.problem}`);
		else if ("continueSync" in body) continuation = true;
		else if ("continuePublish" in body) publishRequests.push(message);
		else if (body.object.key.startsWith(deps.keyPrefix)) keys.add(body.object.key.slice(deps.keyPrefix.length));
	}
	try {
		if (keys.size > 0) {
			const run = await deps.syncKeys([...keys]);
			if (run === "busy" || run.status === "failed") {
				if (run !== "busy") console.error(`r2 events: sync of ${keys.size} keys failed: ${run.error}`);
				// Everything else comes back; the publish request is sent again (its retries would run out while a
				// crashed holder keeps the lease for up to 15 minutes).
				await settle(batch, deps, { retried: batch.messages.filter((message) => !publishRequests.includes(message)), publishRequests, published: "not served" });
				return;
			}
		}
		// The publish first, then the job: the job's invocation publishes only after its sync, where the refs that
		// render only alone never do, so while job continuations kept coming (a reconciliation's after each cron)
		// they stayed stale for good (the 10,000-post Free bench). continueJob then finds subrequests spent and
		// sends the job's continuation again; a publish's chain is finite (each renders at least one ref alone).
		const published = publishRequests.length > 0 && keys.size === 0 ? await deps.continuePublish() : "not served";
		if (continuation) await deps.continueJob();
		await settle(batch, deps, { retried: [], publishRequests, published });
	} catch (error) {
		console.error(`r2 events: ${error instanceof Error ? error.message : String(error)}`);
		batch.retryAll({ delaySeconds: BUSY_RETRY_SECONDS });
	}
}

/**
 * Acknowledges the batch but for `retried`. One publish request stands for all of them: one that was not served is
 * sent again, and retried only when the queue will not take the new one; one whose publish failed is retried, so
 * a fault keeps failing no faster than the queue's retries (and the next sync's publish asks again).
 */
async function settle(
	batch: MessageBatch<unknown>,
	deps: R2EventsDependencies,
	{ retried, publishRequests, published }: { retried: Message<unknown>[]; publishRequests: Message<unknown>[]; published: PublishOutcome | "not served" },
): Promise<void> {
	const pending = publishRequests[0];
	const comeBack = new Set(retried);
	if (pending !== undefined && published !== "done" && (published === "failed" || !(await sentAgain(deps)))) comeBack.add(pending);
	if (comeBack.size === 0) batch.ackAll();
	else if (comeBack.size === batch.messages.length) batch.retryAll({ delaySeconds: BUSY_RETRY_SECONDS });
	else for (const message of batch.messages) comeBack.has(message) ? message.retry({ delaySeconds: BUSY_RETRY_SECONDS }) : message.ack();
}

async function sentAgain(deps: R2EventsDependencies): Promise<boolean> {
	try {
		await deps.resendPublish(BUSY_RETRY_SECONDS);
		return true;
	} catch (error) {
		console.error(`r2 events: publish continuation not sent again: ${error instanceof Error ? error.message : String(error)}`);
		return false;
	}
}
