import type { EventType, WebhookEvent } from "../webhooks/event";
import type { AttemptTrigger, MessageStatus } from "../webhooks/status";
import { decodeCursor, encodeCursor } from "./cursor";

/** One HTTP POST of a message, as the delivery log shows it. */
export interface AttemptRecord {
	/** Counts every attempt of the message, redeliveries included: 1, 2, 3… never again 1. */
	attemptNumber: number;
	trigger: AttemptTrigger;
	outcome: string;
	statusCode?: number;
	durationMs: number;
	error?: string;
	responseSnippet?: string;
	createdAt: string;
}

/** One event for one subscription (one `webhook-id`), with its attempts. */
export interface Delivery {
	messageId: string;
	eventId: string;
	eventType: EventType;
	subscriptionId: string;
	status: MessageStatus;
	attempts: number;
	lastError?: string;
	nextAttemptAt?: string;
	createdAt: string;
	updatedAt: string;
	attemptLog: AttemptRecord[];
}

export interface DeliveryPage {
	deliveries: Delivery[];
	nextCursor?: string;
}

/** What the queue consumer needs to make one attempt. */
export interface PendingMessage {
	messageId: string;
	subscriptionId: string;
	status: MessageStatus;
	/** Every attempt so far, redeliveries included. */
	attempts: number;
	/** Attempts since the retry schedule last (re)started: its position. */
	scheduleAttempts: number;
	nextTrigger: AttemptTrigger;
	event: WebhookEvent;
}

interface MessageRow {
	id: string;
	event_id: string;
	subscription_id: string;
	status: MessageStatus;
	attempts: number;
	last_error: string | null;
	next_attempt_at: string | null;
	created_at: string;
	updated_at: string;
	type: EventType;
}

/** Events, messages and attempts in D1: the outbox the sync writes and the log the consumer keeps. */
export class Deliveries {
	constructor(private readonly db: D1Database) {}

	/** An event, written once whatever the number of syncs that see it (its id is deterministic). */
	insertEvent(event: WebhookEvent, postId: string | null): D1PreparedStatement {
		return this.db
			.prepare("INSERT OR IGNORE INTO events (id, type, post_id, payload, created_at) VALUES (?1, ?2, ?3, ?4, ?5)")
			.bind(event.id, event.type, postId, JSON.stringify(event), event.timestamp);
	}

	/** A message for one subscription, written once (its id, the webhook-id, is derived from event and subscription). */
	insertMessage(messageId: string, eventId: string, subscriptionId: string, now: Date): D1PreparedStatement {
		return this.db
			.prepare(
				`INSERT OR IGNORE INTO messages (id, event_id, subscription_id, status, attempts, created_at, updated_at)
				 VALUES (?1, ?2, ?3, 'pending', 0, ?4, ?4)`,
			)
			.bind(messageId, eventId, subscriptionId, now.toISOString());
	}

	async write(statements: D1PreparedStatement[]): Promise<void> {
		if (statements.length > 0) await this.db.batch(statements);
	}

	/** Messages written but not yet handed to the queue (a crash between the two leaves them here). */
	async notEnqueued(limit: number): Promise<string[]> {
		const rows = await this.db
			.prepare("SELECT id FROM messages WHERE enqueued_at IS NULL AND status = 'pending' ORDER BY created_at, id LIMIT ?1")
			.bind(limit)
			.all<{ id: string }>();
		return rows.results.map((row) => row.id);
	}

	/**
	 * Pending messages last handed to the queue (or, never enqueued, written) before `before`, with no retry due
	 * after it: the queue should have brought them back by now. Oldest first.
	 */
	async stranded(before: Date, limit: number): Promise<string[]> {
		const rows = await this.db
			.prepare(
				`SELECT id FROM messages WHERE status = 'pending'
				 AND max(coalesce(enqueued_at, created_at), coalesce(next_attempt_at, '')) < ?1
				 ORDER BY created_at, id LIMIT ?2`,
			)
			.bind(before.toISOString(), limit)
			.all<{ id: string }>();
		return rows.results.map((row) => row.id);
	}

	async markEnqueued(messageIds: string[], now: Date): Promise<void> {
		await this.db
			.prepare("UPDATE messages SET enqueued_at = ?2 WHERE id IN (SELECT value FROM json_each(?1))")
			.bind(JSON.stringify(messageIds), now.toISOString())
			.run();
	}

	async pending(messageId: string): Promise<PendingMessage | undefined> {
		const row = await this.db
			.prepare(
				`SELECT m.id, m.subscription_id, m.status, m.attempts, m.schedule_attempts, m.next_trigger, e.payload FROM messages m JOIN events e ON e.id = m.event_id
				 WHERE m.id = ?1`,
			)
			.bind(messageId)
			.first<{ id: string; subscription_id: string; status: MessageStatus; attempts: number; schedule_attempts: number; next_trigger: AttemptTrigger; payload: string }>();
		if (!row) return undefined;
		return {
			messageId: row.id,
			subscriptionId: row.subscription_id,
			status: row.status,
			attempts: row.attempts,
			scheduleAttempts: row.schedule_attempts,
			nextTrigger: row.next_trigger,
			event: JSON.parse(row.payload) as WebhookEvent,
		};
	}

	/** Logs an attempt and moves the message to its next status (and schedule position) in one transaction. */
	async recordAttempt(
		messageId: string,
		subscriptionId: string,
		eventId: string,
		attempt: Omit<AttemptRecord, "createdAt">,
		next: { status: MessageStatus; scheduleAttempts: number; nextAttemptAt?: string },
		now: Date,
	): Promise<void> {
		const nowIso = now.toISOString();
		await this.db.batch([
			this.db
				.prepare(
					`INSERT INTO attempts (message_id, subscription_id, event_id, attempt_number, trigger, outcome, status_code, duration_ms, error, response_snippet, created_at)
					 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)`,
				)
				.bind(
					messageId,
					subscriptionId,
					eventId,
					attempt.attemptNumber,
					attempt.trigger,
					attempt.outcome,
					attempt.statusCode ?? null,
					attempt.durationMs,
					attempt.error ?? null,
					attempt.responseSnippet ?? null,
					nowIso,
				),
			this.db
				.prepare(
					`UPDATE messages SET status = ?2, attempts = ?3, schedule_attempts = ?4, next_trigger = 'scheduled', last_error = ?5, next_attempt_at = ?6, updated_at = ?7
					 WHERE id = ?1`,
				)
				.bind(messageId, next.status, attempt.attemptNumber, next.scheduleAttempts, attempt.error ?? null, next.nextAttemptAt ?? null, nowIso),
		]);
	}

	/**
	 * Drops the delivery log of finished messages older than `before` (events, messages, attempts), so the
	 * log does not grow without bound; pending messages are always kept.
	 */
	async prune(before: Date): Promise<void> {
		const cutoff = before.toISOString();
		const finishedBefore = "SELECT id FROM messages WHERE status IN ('succeeded', 'failed') AND updated_at < ?1";
		await this.db.batch([
			this.db.prepare(`DELETE FROM attempts WHERE message_id IN (${finishedBefore})`).bind(cutoff),
			this.db.prepare(`DELETE FROM messages WHERE id IN (${finishedBefore})`).bind(cutoff),
			this.db.prepare("DELETE FROM events WHERE created_at < ?1 AND id NOT IN (SELECT event_id FROM messages)").bind(cutoff),
		]);
	}

	/** How many messages are in each status, for /api/status. */
	async countsByStatus(): Promise<Record<string, number>> {
		const rows = await this.db.prepare("SELECT status, count(*) AS n FROM messages GROUP BY status").all<{ status: string; n: number }>();
		return Object.fromEntries(rows.results.map((row) => [row.status, row.n]));
	}

	/** Marks a message failed without an attempt (subscription gone or disabled, or dead-lettered). */
	async markFailed(messageId: string, reason: string, now: Date): Promise<void> {
		await this.db
			.prepare("UPDATE messages SET status = 'failed', last_error = ?2, next_attempt_at = NULL, updated_at = ?3 WHERE id = ?1 AND status != 'succeeded'")
			.bind(messageId, reason, now.toISOString())
			.run();
	}

	/**
	 * Puts a finished (succeeded or failed) message back to pending with a fresh schedule, for a manual
	 * redelivery: its next attempt is logged as 'manual' and numbered on from the earlier ones. A message
	 * still pending is refused: a second queue copy would double its attempts.
	 */
	async resetForRedelivery(messageId: string, now: Date): Promise<{ messageId: string; status: MessageStatus } | undefined> {
		const row = await this.db
			.prepare(
				`UPDATE messages SET status = 'pending', schedule_attempts = 0, next_trigger = 'manual', next_attempt_at = NULL, enqueued_at = NULL, last_error = NULL, updated_at = ?2
				 WHERE id = ?1 AND status IN ('succeeded', 'failed') RETURNING id, status`,
			)
			.bind(messageId, now.toISOString())
			.first<{ id: string; status: MessageStatus }>();
		if (row) return { messageId: row.id, status: row.status };
		const existing = await this.db.prepare("SELECT status FROM messages WHERE id = ?1").bind(messageId).first<{ status: MessageStatus }>();
		if (existing) throw new MessageInFlightError(messageId, existing.status);
		return undefined;
	}

	/** A subscription's messages, newest first, with their attempts; the cursor is the last message's position. */
	async page(subscriptionId: string, options: { limit: number; cursor?: string }): Promise<DeliveryPage> {
		const [createdAt, id] = options.cursor ? decodeCursor(options.cursor) : [undefined, undefined];
		const rows = await this.db
			.prepare(
				`SELECT m.*, e.type FROM messages m JOIN events e ON e.id = m.event_id
				 WHERE m.subscription_id = ?1 AND (?2 IS NULL OR (m.created_at, m.id) < (?2, ?3))
				 ORDER BY m.created_at DESC, m.id DESC LIMIT ?4`,
			)
			.bind(subscriptionId, createdAt ?? null, id ?? null, options.limit + 1)
			.all<MessageRow>();
		const messages = rows.results.slice(0, options.limit);
		const attemptRows = messages.length
			? await this.db
					.prepare("SELECT * FROM attempts WHERE message_id IN (SELECT value FROM json_each(?1)) ORDER BY id")
					.bind(JSON.stringify(messages.map((m) => m.id)))
					.all<{ message_id: string; attempt_number: number; trigger: AttemptTrigger; outcome: string; status_code: number | null; duration_ms: number; error: string | null; response_snippet: string | null; created_at: string }>()
			: { results: [] };
		const deliveries = messages.map((m) => ({
			messageId: m.id,
			eventId: m.event_id,
			eventType: m.type,
			subscriptionId: m.subscription_id,
			status: m.status,
			attempts: m.attempts,
			lastError: m.last_error ?? undefined,
			nextAttemptAt: m.next_attempt_at ?? undefined,
			createdAt: m.created_at,
			updatedAt: m.updated_at,
			attemptLog: attemptRows.results
				.filter((a) => a.message_id === m.id)
				.map((a) => ({
					attemptNumber: a.attempt_number,
					trigger: a.trigger,
					outcome: a.outcome,
					statusCode: a.status_code ?? undefined,
					durationMs: a.duration_ms,
					error: a.error ?? undefined,
					responseSnippet: a.response_snippet ?? undefined,
					createdAt: a.created_at,
				})),
		}));
		const last = messages.at(-1);
		return { deliveries, nextCursor: rows.results.length > options.limit && last ? encodeCursor(last.created_at, last.id) : undefined };
	}
}

/** A redelivery asked for a message that is still being delivered. */
export class MessageInFlightError extends Error {
	override readonly name = "MessageInFlightError";
	constructor(
		readonly messageId: string,
		readonly status: MessageStatus,
	) {
		super(`message ${messageId} is still ${status}: wait for it to succeed or fail before redelivering`);
	}
}
