/**
 * The body of a queue message: only an id, so bodies stay far below 128 KB; everything else is read from D1.
 * The id says what it is: a webhook message (`msg_…`), a WebSub content delivery (`hubmsg_…`) or a WebSub
 * intent verification (`hubver_…`).
 */
export interface WebhookQueueMessage {
	messageId: string;
}

/** Dead-lettered messages carry why they were given up. */
export interface DeadLetter extends WebhookQueueMessage {
	reason: string;
}

/** Queue sends allow 100 messages a batch. https://developers.cloudflare.com/queues/platform/limits/ */
const SEND_BATCH = 100;

/** The webhook queue and its dead-letter queue, behind the producer bindings. */
export class WebhookQueue {
	constructor(
		private readonly queue: Queue<WebhookQueueMessage>,
		private readonly deadLetters: Queue<DeadLetter>,
	) {}

	async enqueue(messageIds: string[], options: { delaySeconds?: number } = {}): Promise<void> {
		for (let start = 0; start < messageIds.length; start += SEND_BATCH) {
			await this.queue.sendBatch(
				messageIds.slice(start, start + SEND_BATCH).map((messageId) => ({ body: { messageId }, delaySeconds: options.delaySeconds })),
			);
		}
	}

	/** A WebSub intent verification, asynchronous as the spec wants (§5.3). */
	async enqueueVerification(verificationId: string): Promise<void> {
		await this.queue.send({ messageId: verificationId });
	}

	async deadLetter(messageId: string, reason: string): Promise<void> {
		await this.deadLetters.send({ messageId, reason });
	}
}
