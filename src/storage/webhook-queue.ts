/** The body of a queue message: only the id; the event is read from D1, so bodies stay far below 128 KB. */
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

	async deadLetter(messageId: string, reason: string): Promise<void> {
		await this.deadLetters.send({ messageId, reason });
	}
}
