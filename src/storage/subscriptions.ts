import type { SendSlot } from "../webhooks/chat-pacing";
import { DEFAULT_DELIVERY_FORMAT, type DeliveryFormat, displayedUrl } from "../webhooks/delivery-format";
import type { EventType } from "../webhooks/event";
import { randomId } from "../webhooks/ids";
import { InvalidSecretError, parseSecret } from "../webhooks/secret";
import type { DisabledReason } from "../webhooks/status";
import { subscriptionWants, type TaggedPost } from "../webhooks/subscription-filters";
import type { CreateSubscriptionInput, UpdateSubscriptionInput } from "../webhooks/subscription-schema";
import { decodeCursor, encodeCursor } from "./cursor";

/** How long a replaced secret keeps signing, so receivers can switch over (Svix keeps it for 24 hours too). */
export const PREVIOUS_SECRET_TTL_MS = 24 * 60 * 60 * 1000;

/** A webhook endpoint as the API shows it; secrets are never part of it, nor a chat webhook's URL (its secret). */
export interface Subscription {
	/** `sub_` + 26 random base32 characters. */
	id: string;
	/** For `slack` and `discord` masked (maskChatUrl): the full URL is only in the create answer and {@link Subscriptions.deliveryEndpoint}. */
	url: string;
	format: DeliveryFormat;
	description: string;
	eventTypes: EventType[];
	filters: { tags: string[]; categories: string[] };
	enabled: boolean;
	/** Set while disabled; a string outside DisabledReason only if a later version wrote one. */
	disabledReason?: DisabledReason | string;
	createdAt: string;
	updatedAt: string;
	/** Start of the current run of failed attempts; absent after a success. */
	failingSince?: string;
	lastSuccessAt?: string;
}

export interface SubscriptionPage {
	subscriptions: Subscription[];
	nextCursor?: string;
}

/** What the queue consumer needs to send to a subscription: the real URL, and for Standard Webhooks the signing secrets. */
export interface DeliveryEndpoint {
	url: string;
	format: DeliveryFormat;
	/** The current secret first, then the previous one until it expires. */
	secrets: string[];
}

/** What create() takes: the API's validated body, where `format` defaults to Standard Webhooks. */
export type NewSubscription = Omit<CreateSubscriptionInput, "format"> & { format?: DeliveryFormat };

export interface RotatedSecret {
	subscription: Subscription;
	/** Until then the replaced secret signs alongside the new one. */
	previousSecretExpiresAt: string;
}

interface SubscriptionRow {
	id: string;
	url: string;
	format: DeliveryFormat;
	description: string;
	event_types: string;
	filter_tags: string;
	filter_categories: string;
	enabled: number;
	disabled_reason: string | null;
	secret: string;
	previous_secret: string | null;
	previous_secret_expires_at: string | null;
	failing_since: string | null;
	last_success_at: string | null;
	created_at: string;
	updated_at: string;
}

/** Every column but the secrets, so a secret is only ever read by {@link Subscriptions.signingSecrets}. */
const PUBLIC_COLUMNS =
	"id, url, format, description, event_types, filter_tags, filter_categories, enabled, disabled_reason, failing_since, last_success_at, created_at, updated_at";

type PublicRow = Omit<SubscriptionRow, "secret" | "previous_secret" | "previous_secret_expires_at">;

/** Webhook subscriptions in D1: the only code that reads or writes the subscriptions table. */
export class Subscriptions {
	constructor(private readonly db: D1Database) {}

	async create(input: NewSubscription, secret: string, now: Date): Promise<Subscription> {
		checkSecret(secret);
		const at = now.toISOString();
		const row = await this.db
			.prepare(
				`INSERT INTO subscriptions (id, url, description, event_types, filter_tags, filter_categories, enabled, disabled_reason, secret, created_at, updated_at, format)
				 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10, ?11) RETURNING ${PUBLIC_COLUMNS}`,
			)
			.bind(
				randomId("sub"),
				input.url,
				input.description ?? "",
				JSON.stringify(input.eventTypes),
				JSON.stringify(input.filters?.tags ?? []),
				JSON.stringify(input.filters?.categories ?? []),
				input.enabled ? 1 : 0,
				input.enabled ? null : ("manual" satisfies DisabledReason),
				secret,
				at,
				input.format ?? DEFAULT_DELIVERY_FORMAT,
			)
			.first<PublicRow>();
		if (!row) throw new Error("INSERT … RETURNING returned no row");
		return toSubscription(row);
	}

	/** Oldest first; the cursor is the last subscription's (created_at, id), so inserts never shift a page. */
	async list(options: { limit: number; cursor?: string }): Promise<SubscriptionPage> {
		const [createdAt, id] = options.cursor ? decodeCursor(options.cursor) : [null, null];
		const rows = await this.db
			.prepare(
				`SELECT ${PUBLIC_COLUMNS} FROM subscriptions
				 WHERE ?1 IS NULL OR (created_at, id) > (?1, ?2)
				 ORDER BY created_at, id LIMIT ?3`,
			)
			.bind(createdAt, id, options.limit + 1)
			.all<PublicRow>();
		const page = rows.results.slice(0, options.limit);
		const last = page.at(-1);
		const hasMore = rows.results.length > options.limit;
		return { subscriptions: page.map(toSubscription), ...(hasMore && last ? { nextCursor: encodeCursor(last.created_at, last.id) } : {}) };
	}

	/** Subscriptions an operator should look at: disabled ones, and enabled ones whose deliveries are failing. */
	async needingAttention(): Promise<{ total: number; enabled: number; attention: Subscription[] }> {
		const [counts, rows] = await this.db.batch<{ total?: number; enabled?: number } & Partial<PublicRow>>([
			this.db.prepare("SELECT count(*) AS total, coalesce(sum(enabled), 0) AS enabled FROM subscriptions"),
			this.db.prepare(
				`SELECT ${PUBLIC_COLUMNS} FROM subscriptions WHERE enabled = 0 OR failing_since IS NOT NULL ORDER BY updated_at DESC LIMIT 100`,
			),
		]);
		const summary = counts!.results[0] ?? {};
		return { total: summary.total ?? 0, enabled: summary.enabled ?? 0, attention: rows!.results.map((row) => toSubscription(row as PublicRow)) };
	}

	async get(id: string): Promise<Subscription | undefined> {
		const row = await this.db.prepare(`SELECT ${PUBLIC_COLUMNS} FROM subscriptions WHERE id = ?1`).bind(id).first<PublicRow>();
		return row ? toSubscription(row) : undefined;
	}

	/**
	 * Applies a PATCH; undefined when there is no such subscription. `filters` replaces both lists (a list it
	 * omits becomes empty) and `null` clears description or filters. Disabling records "manual" unless already
	 * disabled for another reason; enabling clears the reason and the failure run, as does a new URL, since the
	 * failures were the old endpoint's.
	 */
	async update(id: string, patch: UpdateSubscriptionInput, now: Date): Promise<Subscription | undefined> {
		const assignments: string[] = [];
		const values: unknown[] = [id, now.toISOString()];
		const set = (column: string, value: unknown): void => {
			values.push(value);
			assignments.push(`${column} = ?${values.length}`);
		};
		if (patch.url !== undefined) {
			set("url", patch.url);
			assignments.push("failing_since = NULL");
		}
		if (patch.description !== undefined) set("description", patch.description ?? "");
		if (patch.format !== undefined) set("format", patch.format);
		if (patch.eventTypes !== undefined) set("event_types", JSON.stringify(patch.eventTypes));
		if (patch.filters !== undefined) {
			set("filter_tags", JSON.stringify(patch.filters?.tags ?? []));
			set("filter_categories", JSON.stringify(patch.filters?.categories ?? []));
		}
		if (patch.enabled === true) assignments.push("enabled = 1", "disabled_reason = NULL", "failing_since = NULL");
		if (patch.enabled === false) assignments.push("enabled = 0", "disabled_reason = COALESCE(disabled_reason, 'manual')");
		assignments.push("updated_at = ?2");
		const row = await this.db
			.prepare(`UPDATE subscriptions SET ${[...new Set(assignments)].join(", ")} WHERE id = ?1 RETURNING ${PUBLIC_COLUMNS}`)
			.bind(...values)
			.first<PublicRow>();
		return row ? toSubscription(row) : undefined;
	}

	async delete(id: string): Promise<boolean> {
		const result = await this.db.prepare("DELETE FROM subscriptions WHERE id = ?1").bind(id).run();
		return result.meta.changes > 0;
	}

	/**
	 * Makes `newSecret` current; the replaced one keeps signing for 24 hours. Rotating again within that time
	 * keeps only the secret just replaced: a receiver holds at most two, as during one Svix rotation.
	 * Undefined when there is no such subscription.
	 */
	async rotateSecret(id: string, newSecret: string, now: Date): Promise<RotatedSecret | undefined> {
		checkSecret(newSecret);
		const expiresAt = new Date(now.getTime() + PREVIOUS_SECRET_TTL_MS).toISOString();
		// SQLite evaluates every SET expression against the old row, so previous_secret gets the old secret.
		const row = await this.db
			.prepare(
				`UPDATE subscriptions SET previous_secret = secret, previous_secret_expires_at = ?3, secret = ?2, updated_at = ?4
				 WHERE id = ?1 RETURNING ${PUBLIC_COLUMNS}`,
			)
			.bind(id, newSecret, expiresAt, now.toISOString())
			.first<PublicRow>();
		return row ? { subscription: toSubscription(row), previousSecretExpiresAt: expiresAt } : undefined;
	}

	/** The secrets to sign with at `now`: the current one first, then the previous one until it expires; [] if none. */
	async signingSecrets(id: string, now: Date): Promise<string[]> {
		return (await this.deliveryEndpoint(id, now))?.secrets ?? [];
	}

	/** Where and how to deliver: the only read of a chat subscription's full URL after it was created. */
	async deliveryEndpoint(id: string, now: Date): Promise<DeliveryEndpoint | undefined> {
		const row = await this.db
			.prepare("SELECT url, format, secret, previous_secret, previous_secret_expires_at FROM subscriptions WHERE id = ?1")
			.bind(id)
			.first<Pick<SubscriptionRow, "url" | "format" | "secret" | "previous_secret" | "previous_secret_expires_at">>();
		if (!row) return undefined;
		const previousValid =
			row.previous_secret !== null && row.previous_secret_expires_at !== null && Date.parse(row.previous_secret_expires_at) > now.getTime();
		const secrets = previousValid && row.previous_secret !== null ? [row.secret, row.previous_secret] : [row.secret];
		return { url: row.url, format: row.format, secrets };
	}

	/**
	 * Reserves the subscription's next send slot, `intervalMs` after the last one reserved (or now), unless that
	 * is more than `maxAheadMs` away: then nothing is reserved and the answer says until when the slots are taken.
	 * One statement, so consumers running at once never get the same slot.
	 */
	async reserveSendSlot(id: string, nowMs: number, intervalMs: number, maxAheadMs: number): Promise<SendSlot> {
		const reserved = await this.db
			.prepare(
				`UPDATE subscriptions SET next_send_at_ms = max(coalesce(next_send_at_ms, ?2), ?2) + ?3
				 WHERE id = ?1 AND coalesce(next_send_at_ms, 0) <= ?2 + ?4 RETURNING next_send_at_ms - ?3 AS slot`,
			)
			.bind(id, nowMs, intervalMs, maxAheadMs)
			.first<{ slot: number }>();
		if (reserved) return { at: reserved.slot };
		const row = await this.db.prepare("SELECT next_send_at_ms FROM subscriptions WHERE id = ?1").bind(id).first<{ next_send_at_ms: number | null }>();
		// A subscription deleted meanwhile: send now, and the attempt finds it gone.
		return row?.next_send_at_ms ? { busyUntil: row.next_send_at_ms } : { at: nowMs };
	}

	/** A delivery succeeded: the failure run, if any, is over. Delivery bookkeeping leaves updated_at alone. */
	async recordSuccess(id: string, now: Date): Promise<void> {
		await this.db.prepare("UPDATE subscriptions SET failing_since = NULL, last_success_at = ?2 WHERE id = ?1").bind(id, now.toISOString()).run();
	}

	/**
	 * A delivery failed: starts the failure run unless one is under way, whose start is kept so that
	 * shouldDisableSubscription() measures from the first failure. For a subscription deleted meanwhile nothing
	 * is stored and the run is reported as starting now, which never disables anything.
	 */
	async recordFailure(id: string, now: Date): Promise<{ failingSince: string; lastSuccessAt?: string }> {
		const row = await this.db
			.prepare("UPDATE subscriptions SET failing_since = COALESCE(failing_since, ?2) WHERE id = ?1 RETURNING failing_since, last_success_at")
			.bind(id, now.toISOString())
			.first<{ failing_since: string; last_success_at: string | null }>();
		if (!row) return { failingSince: now.toISOString() };
		return row.last_success_at === null ? { failingSince: row.failing_since } : { failingSince: row.failing_since, lastSuccessAt: row.last_success_at };
	}

	/** Stops deliveries; a subscription already disabled keeps its first reason. False when nothing changed. */
	async disable(id: string, reason: DisabledReason, now: Date): Promise<boolean> {
		const result = await this.db
			.prepare("UPDATE subscriptions SET enabled = 0, disabled_reason = ?2, updated_at = ?3 WHERE id = ?1 AND enabled = 1")
			.bind(id, reason, now.toISOString())
			.run();
		return result.meta.changes > 0;
	}

	/**
	 * The subscriptions an event goes to: enabled, created at or before the event (a subscriber never receives
	 * what happened before it subscribed), and wanting its type and the post's tags or categories. Filtering
	 * in JS keeps one definition of "wants" (subscriptionWants); it reads every enabled row, fine for thousands.
	 */
	async recipientsFor(eventType: EventType, post: TaggedPost | null, eventTime: Date): Promise<Subscription[]> {
		const rows = await this.db
			.prepare(`SELECT ${PUBLIC_COLUMNS} FROM subscriptions WHERE enabled = 1 AND created_at <= ?1 ORDER BY created_at, id`)
			.bind(eventTime.toISOString())
			.all<PublicRow>();
		return rows.results.map(toSubscription).filter((subscription) => subscriptionWants(subscription, eventType, post));
	}
}

function checkSecret(secret: string): void {
	const parsed = parseSecret(secret);
	if (!parsed.ok) throw new InvalidSecretError(parsed.reason);
}

function toSubscription(row: PublicRow): Subscription {
	const subscription: Subscription = {
		id: row.id,
		url: displayedUrl(row.format, row.url),
		format: row.format,
		description: row.description,
		eventTypes: JSON.parse(row.event_types) as EventType[],
		filters: { tags: JSON.parse(row.filter_tags) as string[], categories: JSON.parse(row.filter_categories) as string[] },
		enabled: row.enabled === 1,
		createdAt: row.created_at,
		updatedAt: row.updated_at,
	};
	if (row.disabled_reason !== null) subscription.disabledReason = row.disabled_reason;
	if (row.failing_since !== null) subscription.failingSince = row.failing_since;
	if (row.last_success_at !== null) subscription.lastSuccessAt = row.last_success_at;
	return subscription;
}
