import type { SubscriptionRequest } from "../hub/request";
import { decodeCursor, encodeCursor } from "./cursor";
import type { AttemptTrigger } from "../webhooks/status";

/** A verified subscription of the hub, as the admin API shows it (the secret never leaves storage). */
export interface HubSubscription {
	id: string;
	topic: string;
	callback: string;
	state: "active" | "ended";
	hasSecret: boolean;
	leaseSeconds: number;
	expiresAt: string;
	endedReason?: string;
	lastDeliveryAt?: string;
	lastDeliveryStatus?: string;
	createdAt: string;
	updatedAt: string;
}

export interface HubVerification {
	id: string;
	mode: "subscribe" | "unsubscribe";
	topic: string;
	callback: string;
	secret?: string;
	leaseSeconds: number;
	challenge: string;
	status: "pending" | "verified" | "refused" | "failed";
	attempts: number;
}

/** What delivering one content message needs: the topic version and where it goes. */
export interface HubDelivery {
	messageId: string;
	eventId: string;
	status: string;
	attempts: number;
	scheduleAttempts: number;
	nextTrigger: AttemptTrigger;
	content: HubContent;
	subscription: { id: string; callback: string; secret?: string; state: string; expiresAt: string } | undefined;
}

/** One version of a topic, as stored in its event: the bytes and the headers of every delivery of it. */
export interface HubContent {
	topic: string;
	contentType: string;
	body: string;
	/** The hubs advertised when it was published, for the Link header; deliveries need no site settings. */
	hubs: string[];
}

/** Content messages are named after the hub so the queue consumer can tell them from webhook messages. */
export const HUB_MESSAGE_PREFIX = "hubmsg_";
export const HUB_VERIFICATION_PREFIX = "hubver_";
export const HUB_CONTENT_EVENT = "websub.content";

interface SubscriptionRow {
	id: string;
	topic: string;
	callback: string;
	secret: string | null;
	lease_seconds: number;
	state: "active" | "ended";
	expires_at: string;
	ended_reason: string | null;
	last_delivery_at: string | null;
	last_delivery_status: string | null;
	created_at: string;
	updated_at: string;
}

/** The hub's subscribers and pending verifications in D1. */
export class HubSubscriptions {
	constructor(private readonly db: D1Database) {}

	/** Subscription requests from one callback host since `since`, for the rate limit. */
	async requestsFromHost(host: string, since: Date): Promise<number> {
		const row = await this.db
			.prepare("SELECT count(*) AS n FROM hub_verifications WHERE callback_host = ?1 AND created_at > ?2")
			.bind(host, since.toISOString())
			.first<{ n: number }>();
		return row?.n ?? 0;
	}

	/** Active subscriptions of one topic and in all, for the caps; a re-subscription of an existing pair is not counted as new. */
	async counts(topic: string, callback: string, now: Date): Promise<{ topic: number; total: number; existing: boolean }> {
		const row = await this.db
			.prepare(
				`SELECT (SELECT count(*) FROM hub_subscriptions WHERE topic = ?1 AND state = 'active' AND expires_at > ?3) AS topic,
				 (SELECT count(*) FROM hub_subscriptions WHERE state = 'active' AND expires_at > ?3) AS total,
				 (SELECT count(*) FROM hub_subscriptions WHERE topic = ?1 AND callback = ?2 AND state = 'active' AND expires_at > ?3) AS existing`,
			)
			.bind(topic, callback, now.toISOString())
			.first<{ topic: number; total: number; existing: number }>();
		return { topic: row?.topic ?? 0, total: row?.total ?? 0, existing: (row?.existing ?? 0) > 0 };
	}

	async createVerification(request: SubscriptionRequest, topic: string, challenge: string, now: Date): Promise<string> {
		const id = `${HUB_VERIFICATION_PREFIX}${crypto.randomUUID()}`;
		await this.db
			.prepare(
				`INSERT INTO hub_verifications (id, mode, topic, callback, callback_host, secret, lease_seconds, challenge, status, created_at, updated_at)
				 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 'pending', ?9, ?9)`,
			)
			.bind(id, request.mode, topic, request.callback, request.callbackHost, request.secret ?? null, request.leaseSeconds, challenge, now.toISOString())
			.run();
		return id;
	}

	async verification(id: string): Promise<HubVerification | undefined> {
		const row = await this.db.prepare("SELECT * FROM hub_verifications WHERE id = ?1").bind(id).first<Record<string, unknown>>();
		if (!row) return undefined;
		return {
			id: row.id as string,
			mode: row.mode as HubVerification["mode"],
			topic: row.topic as string,
			callback: row.callback as string,
			secret: (row.secret as string | null) ?? undefined,
			leaseSeconds: row.lease_seconds as number,
			challenge: row.challenge as string,
			status: row.status as HubVerification["status"],
			attempts: row.attempts as number,
		};
	}

	/**
	 * Settles a verification and applies it in one transaction: a confirmed subscribe creates or renews the
	 * (topic, callback) pair with a new lease and secret; a confirmed unsubscribe ends it.
	 */
	async settle(verification: HubVerification, outcome: { status: HubVerification["status"]; error?: string }, now: Date): Promise<void> {
		const nowIso = now.toISOString();
		const statements = [
			this.db
				.prepare("UPDATE hub_verifications SET status = ?2, attempts = attempts + 1, last_error = ?3, updated_at = ?4 WHERE id = ?1")
				.bind(verification.id, outcome.status, outcome.error ?? null, nowIso),
		];
		if (outcome.status === "verified" && verification.mode === "subscribe") {
			const expiresAt = new Date(now.getTime() + verification.leaseSeconds * 1000).toISOString();
			statements.push(
				this.db
					.prepare(
						`INSERT INTO hub_subscriptions (id, topic, callback, secret, lease_seconds, state, expires_at, created_at, updated_at)
						 VALUES (?1, ?2, ?3, ?4, ?5, 'active', ?6, ?7, ?7)
						 ON CONFLICT (topic, callback) DO UPDATE SET secret = excluded.secret, lease_seconds = excluded.lease_seconds,
						 state = 'active', expires_at = excluded.expires_at, ended_reason = NULL, updated_at = excluded.updated_at`,
					)
					.bind(`hubsub_${crypto.randomUUID()}`, verification.topic, verification.callback, verification.secret ?? null, verification.leaseSeconds, expiresAt, nowIso),
			);
		}
		if (outcome.status === "verified" && verification.mode === "unsubscribe") {
			statements.push(this.endStatement("topic = ?1 AND callback = ?2", [verification.topic, verification.callback], "unsubscribed", now));
		}
		await this.db.batch(statements);
	}

	/** Records a failed verification attempt that will be tried again. */
	async verificationRetry(id: string, error: string, now: Date): Promise<void> {
		await this.db
			.prepare("UPDATE hub_verifications SET attempts = attempts + 1, last_error = ?2, updated_at = ?3 WHERE id = ?1")
			.bind(id, error, now.toISOString())
			.run();
	}

	/** A verification the queue gave up on (its consumer kept crashing): failed, so it never stays pending. */
	async failVerification(id: string, reason: string, now: Date): Promise<void> {
		await this.db
			.prepare("UPDATE hub_verifications SET status = 'failed', last_error = ?2, updated_at = ?3 WHERE id = ?1 AND status = 'pending'")
			.bind(id, reason, now.toISOString())
			.run();
	}

	async end(id: string, reason: string, now: Date): Promise<boolean> {
		const result = await this.endStatement("id = ?1", [id], reason, now).run();
		return (result.meta.changes ?? 0) > 0;
	}

	/** Ends every lease that ran out: an expired subscription never receives content (§5.1: leases always expire). */
	async expire(now: Date): Promise<number> {
		const result = await this.db
			.prepare("UPDATE hub_subscriptions SET state = 'ended', ended_reason = 'expired', updated_at = ?1 WHERE state = 'active' AND expires_at <= ?1")
			.bind(now.toISOString())
			.run();
		return result.meta.changes ?? 0;
	}

	async recordDelivery(id: string, status: string, now: Date): Promise<void> {
		await this.db
			.prepare("UPDATE hub_subscriptions SET last_delivery_at = ?2, last_delivery_status = ?3 WHERE id = ?1")
			.bind(id, now.toISOString(), status)
			.run();
	}

	async list(options: { limit: number; cursor?: string }): Promise<{ subscriptions: HubSubscription[]; nextCursor?: string }> {
		const [afterAt, afterId] = options.cursor ? decodeCursor(options.cursor) : [null, ""];
		const rows = await this.db
			.prepare(
				`SELECT * FROM hub_subscriptions WHERE (?1 IS NULL OR (created_at, id) > (?1, ?2)) ORDER BY created_at, id LIMIT ?3`,
			)
			.bind(afterAt, afterId, options.limit + 1)
			.all<SubscriptionRow>();
		const page = rows.results.slice(0, options.limit).map(fromRow);
		const last = page[page.length - 1];
		return { subscriptions: page, nextCursor: rows.results.length > options.limit && last ? encodeCursor(last.createdAt, last.id) : undefined };
	}

	async get(id: string): Promise<HubSubscription | undefined> {
		const row = await this.db.prepare("SELECT * FROM hub_subscriptions WHERE id = ?1").bind(id).first<SubscriptionRow>();
		return row ? fromRow(row) : undefined;
	}

	/** Which of these topics have at least one active subscriber: one indexed query, whatever the number of topics. */
	async subscribedTopics(topics: string[], now: Date): Promise<Set<string>> {
		const rows = await this.db
			.prepare(
				"SELECT DISTINCT topic FROM hub_subscriptions WHERE topic IN (SELECT value FROM json_each(?1)) AND state = 'active' AND expires_at > ?2",
			)
			.bind(JSON.stringify(topics), now.toISOString())
			.all<{ topic: string }>();
		return new Set(rows.results.map((row) => row.topic));
	}

	/**
	 * The outbox rows for a new version of a topic, for the publish batch that stores it: one event holding the
	 * exact bytes, one message per active subscriber. Ids come from the topic version and the subscriber, and
	 * rows are INSERT OR IGNORE, so a publish run twice delivers once. A topic nobody subscribes to writes nothing.
	 */
	distribution(content: HubContent, versionKey: string, now: Date): D1PreparedStatement[] {
		const nowIso = now.toISOString();
		const eventId = `hubevt_${versionKey}`;
		const active = "topic = ?1 AND state = 'active' AND expires_at > ?2";
		return [
			this.db
				.prepare(
					`INSERT OR IGNORE INTO events (id, type, post_id, payload, created_at)
					 SELECT ?3, '${HUB_CONTENT_EVENT}', NULL, ?4, ?2 WHERE EXISTS (SELECT 1 FROM hub_subscriptions WHERE ${active})`,
				)
				.bind(content.topic, nowIso, eventId, JSON.stringify(content)),
			this.db
				.prepare(
					`INSERT OR IGNORE INTO messages (id, event_id, subscription_id, status, created_at, updated_at)
					 SELECT '${HUB_MESSAGE_PREFIX}' || ?4 || '_' || id, ?3, id, 'pending', ?2, ?2 FROM hub_subscriptions WHERE ${active}`,
				)
				.bind(content.topic, nowIso, eventId, versionKey),
		];
	}

	async delivery(messageId: string): Promise<HubDelivery | undefined> {
		const row = await this.db
			.prepare(
				`SELECT m.id, m.event_id, m.status, m.attempts, m.schedule_attempts, m.next_trigger, e.payload, s.id AS sub_id, s.callback, s.secret, s.state, s.expires_at
				 FROM messages m JOIN events e ON e.id = m.event_id LEFT JOIN hub_subscriptions s ON s.id = m.subscription_id WHERE m.id = ?1`,
			)
			.bind(messageId)
			.first<Record<string, string | number | null>>();
		if (!row) return undefined;
		return {
			messageId: row.id as string,
			eventId: row.event_id as string,
			status: row.status as string,
			attempts: row.attempts as number,
			scheduleAttempts: row.schedule_attempts as number,
			nextTrigger: row.next_trigger as AttemptTrigger,
			content: JSON.parse(row.payload as string),
			subscription:
				row.sub_id === null
					? undefined
					: { id: row.sub_id as string, callback: row.callback as string, secret: (row.secret as string | null) ?? undefined, state: row.state as string, expiresAt: row.expires_at as string },
		};
	}

	/** Counts for /api/status. */
	async health(now: Date): Promise<{ active: number; ended: number; pendingVerifications: number }> {
		const row = await this.db
			.prepare(
				`SELECT (SELECT count(*) FROM hub_subscriptions WHERE state = 'active' AND expires_at > ?1) AS active,
				 (SELECT count(*) FROM hub_subscriptions WHERE state = 'ended' OR expires_at <= ?1) AS ended,
				 (SELECT count(*) FROM hub_verifications WHERE status = 'pending') AS pending`,
			)
			.bind(now.toISOString())
			.first<{ active: number; ended: number; pending: number }>();
		return { active: row?.active ?? 0, ended: row?.ended ?? 0, pendingVerifications: row?.pending ?? 0 };
	}

	private endStatement(where: string, params: string[], reason: string, now: Date): D1PreparedStatement {
		const n = params.length;
		return this.db
			.prepare(`UPDATE hub_subscriptions SET state = 'ended', ended_reason = ?${n + 1}, updated_at = ?${n + 2} WHERE ${where} AND state = 'active'`)
			.bind(...params, reason, now.toISOString());
	}
}

function fromRow(row: SubscriptionRow): HubSubscription {
	return {
		id: row.id,
		topic: row.topic,
		callback: row.callback,
		state: row.state,
		hasSecret: row.secret !== null,
		leaseSeconds: row.lease_seconds,
		expiresAt: row.expires_at,
		endedReason: row.ended_reason ?? undefined,
		lastDeliveryAt: row.last_delivery_at ?? undefined,
		lastDeliveryStatus: row.last_delivery_status ?? undefined,
		createdAt: row.created_at,
		updatedAt: row.updated_at,
	};
}
