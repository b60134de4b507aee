import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { InvalidCursorError } from "../../src/storage/cursor";
import { type NewSubscription, type Subscription, Subscriptions } from "../../src/storage/subscriptions";
import type { EventType } from "../../src/webhooks/event";
import { generateSecret } from "../../src/webhooks/secret";

const T0 = new Date("2026-06-01T12:00:00.000Z");
const hoursAfter = (start: Date, hours: number): Date => new Date(start.getTime() + hours * 3600 * 1000);

const subscriptions = (): Subscriptions => new Subscriptions(env.DB);

function input(overrides: Partial<NewSubscription> = {}): NewSubscription {
	return { url: "https://hooks.example/in", eventTypes: ["post.published", "post.updated", "post.deleted"], enabled: true, ...overrides };
}

async function secretsStored(id: string): Promise<{ secret: string; previous_secret: string | null; previous_secret_expires_at: string | null }> {
	const row = await env.DB.prepare("SELECT secret, previous_secret, previous_secret_expires_at FROM subscriptions WHERE id = ?1")
		.bind(id)
		.first<{ secret: string; previous_secret: string | null; previous_secret_expires_at: string | null }>();
	if (!row) throw new Error(`no row for ${id}`);
	return row;
}

beforeEach(async () => {
	await env.DB.prepare("DELETE FROM subscriptions").run();
});

describe("Subscriptions", () => {
	it("creates a subscription with a sub_ id, defaults and no secret in what it returns", async () => {
		const secret = generateSecret();
		const created = await subscriptions().create(input({ description: "Planet", filters: { tags: ["postgres"] } }), secret, T0);

		expect(created.id).toMatch(/^sub_[0-9a-hjkmnp-tv-z]{26}$/);
		expect(created).toEqual({
			id: created.id,
			url: "https://hooks.example/in",
			format: "standard-webhooks",
			description: "Planet",
			eventTypes: ["post.published", "post.updated", "post.deleted"],
			filters: { tags: ["postgres"], categories: [] },
			enabled: true,
			createdAt: T0.toISOString(),
			updatedAt: T0.toISOString(),
		});
		expect(JSON.stringify(created)).not.toContain(secret.slice(6));
		expect(await subscriptions().get(created.id)).toEqual(created);
		expect((await secretsStored(created.id)).secret).toBe(secret);
	});

	it("gives every subscription a different id", async () => {
		const a = await subscriptions().create(input(), generateSecret(), T0);
		const b = await subscriptions().create(input(), generateSecret(), T0);
		expect(a.id).not.toBe(b.id);
	});

	it("refuses to store a secret a receiver could not decode", async () => {
		await expect(subscriptions().create(input(), "whsec_short", T0)).rejects.toThrow(/Invalid webhook secret/);
		await expect(subscriptions().create(input(), "not-a-secret", T0)).rejects.toThrow(/Invalid webhook secret/);
	});

	it("records a subscription created disabled as disabled manually", async () => {
		const created = await subscriptions().create(input({ enabled: false }), generateSecret(), T0);
		expect(created).toMatchObject({ enabled: false, disabledReason: "manual" });
	});

	it("pages oldest first by creation time and id, without repeats or gaps", async () => {
		const ids: string[] = [];
		for (let i = 0; i < 5; i++) ids.push((await subscriptions().create(input(), generateSecret(), hoursAfter(T0, i % 2))).id);
		// Two creation times; within one, ids break the tie.
		const expected = [...[0, 2, 4].map((i) => ids[i]!).sort(), ...[1, 3].map((i) => ids[i]!).sort()];

		const seen: string[] = [];
		let cursor: string | undefined;
		let pages = 0;
		do {
			const page = await subscriptions().list({ limit: 2, cursor });
			seen.push(...page.subscriptions.map((s) => s.id));
			cursor = page.nextCursor;
			pages += 1;
		} while (cursor);

		expect(pages).toBe(3);
		expect(seen).toEqual(expected);
	});

	it("gives no next cursor when the page is the last one", async () => {
		await subscriptions().create(input(), generateSecret(), T0);
		await subscriptions().create(input(), generateSecret(), T0);
		const page = await subscriptions().list({ limit: 2 });
		expect(page.subscriptions).toHaveLength(2);
		expect(page.nextCursor).toBeUndefined();
	});

	it("refuses a cursor it did not hand out", async () => {
		await expect(subscriptions().list({ limit: 2, cursor: "bm9wZQ==" })).rejects.toBeInstanceOf(InvalidCursorError);
	});

	it("updates only the fields a patch names, and replaces filters as a whole", async () => {
		const created = await subscriptions().create(input({ description: "keep", filters: { tags: ["a"], categories: ["b"] } }), generateSecret(), T0);
		const later = hoursAfter(T0, 1);

		const updated = await subscriptions().update(created.id, { eventTypes: ["post.deleted"], filters: { categories: ["c"] } }, later);
		expect(updated).toMatchObject({ description: "keep", url: created.url, eventTypes: ["post.deleted"], filters: { tags: [], categories: ["c"] } });
		expect(updated?.updatedAt).toBe(later.toISOString());
		expect(updated?.createdAt).toBe(T0.toISOString());

		const cleared = await subscriptions().update(created.id, { description: null, filters: null }, later);
		expect(cleared).toMatchObject({ description: "", filters: { tags: [], categories: [] } });
	});

	it("answers undefined when updating or rotating a subscription that does not exist, and false when deleting it", async () => {
		expect(await subscriptions().update("sub_missing", { enabled: true }, T0)).toBeUndefined();
		expect(await subscriptions().rotateSecret("sub_missing", generateSecret(), T0)).toBeUndefined();
		expect(await subscriptions().delete("sub_missing")).toBe(false);
		expect(await subscriptions().signingSecrets("sub_missing", T0)).toEqual([]);
	});

	it("deletes a subscription", async () => {
		const created = await subscriptions().create(input(), generateSecret(), T0);
		expect(await subscriptions().delete(created.id)).toBe(true);
		expect(await subscriptions().get(created.id)).toBeUndefined();
	});

	it("clears the disabled reason and the failure run when re-enabled", async () => {
		const created = await subscriptions().create(input(), generateSecret(), T0);
		await subscriptions().recordFailure(created.id, T0);
		expect(await subscriptions().disable(created.id, "failing", hoursAfter(T0, 120))).toBe(true);
		expect(await subscriptions().get(created.id)).toMatchObject({ enabled: false, disabledReason: "failing", failingSince: T0.toISOString() });

		const enabled = await subscriptions().update(created.id, { enabled: true }, hoursAfter(T0, 121));
		expect(enabled?.enabled).toBe(true);
		expect(enabled?.disabledReason).toBeUndefined();
		expect(enabled?.failingSince).toBeUndefined();
	});

	it("keeps the first reason when disabled twice, and records manual when an operator disables", async () => {
		const a = await subscriptions().create(input(), generateSecret(), T0);
		await subscriptions().disable(a.id, "gone", T0);
		expect(await subscriptions().disable(a.id, "failing", T0)).toBe(false);
		expect((await subscriptions().update(a.id, { enabled: false }, T0))?.disabledReason).toBe("gone");

		const b = await subscriptions().create(input(), generateSecret(), T0);
		expect(await subscriptions().update(b.id, { enabled: false }, T0)).toMatchObject({ enabled: false, disabledReason: "manual" });
	});

	it("forgets the failure run when the URL changes, since it was the old endpoint failing", async () => {
		const created = await subscriptions().create(input(), generateSecret(), T0);
		await subscriptions().recordFailure(created.id, T0);
		const moved = await subscriptions().update(created.id, { url: "https://hooks.example/new" }, hoursAfter(T0, 1));
		expect(moved?.url).toBe("https://hooks.example/new");
		expect(moved?.failingSince).toBeUndefined();
	});
});

describe("Subscriptions secret rotation", () => {
	it("signs with the new secret first and the replaced one until 24 hours after the rotation", async () => {
		const first = generateSecret();
		const created = await subscriptions().create(input(), first, T0);
		expect(await subscriptions().signingSecrets(created.id, T0)).toEqual([first]);

		const second = generateSecret();
		const rotatedAt = hoursAfter(T0, 2);
		const rotated = await subscriptions().rotateSecret(created.id, second, rotatedAt);
		expect(rotated?.previousSecretExpiresAt).toBe(hoursAfter(rotatedAt, 24).toISOString());
		expect(rotated?.subscription.updatedAt).toBe(rotatedAt.toISOString());
		expect(JSON.stringify(rotated)).not.toContain(second.slice(6));

		expect(await subscriptions().signingSecrets(created.id, rotatedAt)).toEqual([second, first]);
		expect(await subscriptions().signingSecrets(created.id, new Date(hoursAfter(rotatedAt, 24).getTime() - 1))).toEqual([second, first]);
		expect(await subscriptions().signingSecrets(created.id, hoursAfter(rotatedAt, 24))).toEqual([second]);
		expect(await subscriptions().signingSecrets(created.id, hoursAfter(rotatedAt, 48))).toEqual([second]);
	});

	it("keeps only the most recently replaced secret when rotated twice within 24 hours", async () => {
		const [first, second, third] = [generateSecret(), generateSecret(), generateSecret()];
		const created = await subscriptions().create(input(), first, T0);
		await subscriptions().rotateSecret(created.id, second, hoursAfter(T0, 1));
		const again = await subscriptions().rotateSecret(created.id, third, hoursAfter(T0, 3));

		expect(await subscriptions().signingSecrets(created.id, hoursAfter(T0, 4))).toEqual([third, second]);
		// The window restarts at the second rotation.
		expect(again?.previousSecretExpiresAt).toBe(hoursAfter(T0, 27).toISOString());
		expect(await subscriptions().signingSecrets(created.id, hoursAfter(T0, 26))).toEqual([third, second]);
		expect(await subscriptions().signingSecrets(created.id, hoursAfter(T0, 27))).toEqual([third]);
		expect(await secretsStored(created.id)).toEqual({ secret: third, previous_secret: second, previous_secret_expires_at: hoursAfter(T0, 27).toISOString() });
	});
});

describe("Subscriptions delivery health", () => {
	it("keeps the first failure of a run and ends the run on a success", async () => {
		const created = await subscriptions().create(input(), generateSecret(), T0);

		expect(await subscriptions().recordFailure(created.id, hoursAfter(T0, 1))).toEqual({ failingSince: hoursAfter(T0, 1).toISOString() });
		expect(await subscriptions().recordFailure(created.id, hoursAfter(T0, 5))).toEqual({ failingSince: hoursAfter(T0, 1).toISOString() });

		await subscriptions().recordSuccess(created.id, hoursAfter(T0, 6));
		const healthy = await subscriptions().get(created.id);
		expect(healthy?.failingSince).toBeUndefined();
		expect(healthy?.lastSuccessAt).toBe(hoursAfter(T0, 6).toISOString());
		expect(healthy?.updatedAt).toBe(T0.toISOString());

		expect(await subscriptions().recordFailure(created.id, hoursAfter(T0, 8))).toEqual({
			failingSince: hoursAfter(T0, 8).toISOString(),
			lastSuccessAt: hoursAfter(T0, 6).toISOString(),
		});
	});

	it("stores nothing for a failure of a deleted subscription", async () => {
		expect(await subscriptions().recordFailure("sub_gone", T0)).toEqual({ failingSince: T0.toISOString() });
		const count = await env.DB.prepare("SELECT COUNT(*) AS n FROM subscriptions").first<{ n: number }>();
		expect(count?.n).toBe(0);
	});
});

describe("Subscriptions.recipientsFor", () => {
	const post = (tags: string[], categories: string[] = []) => ({ tags, categories });
	const ids = (list: Subscription[]) => list.map((s) => s.id).sort();

	async function make(overrides: Partial<NewSubscription>, createdAt = T0): Promise<string> {
		return (await subscriptions().create(input(overrides), generateSecret(), createdAt)).id;
	}

	it("picks subscriptions by event type", async () => {
		const all = await make({});
		const deletesOnly = await make({ eventTypes: ["post.deleted"] });
		const publishedOnly = await make({ eventTypes: ["post.published"] });
		const at = hoursAfter(T0, 1);

		expect(ids(await subscriptions().recipientsFor("post.published", post([]), at))).toEqual([all, publishedOnly].sort());
		expect(ids(await subscriptions().recipientsFor("post.deleted", null, at))).toEqual([all, deletesOnly].sort());
		expect(await subscriptions().recipientsFor("post.updated" satisfies EventType, post([]), at)).toEqual([await subscriptions().get(all)]);
	});

	it("picks subscriptions whose tag or category filters match the post, case-insensitively", async () => {
		const unfiltered = await make({});
		const postgres = await make({ filters: { tags: ["Postgres"] } });
		const releases = await make({ filters: { categories: ["releases"] } });
		const either = await make({ filters: { tags: ["sqlite"], categories: ["news"] } });
		const at = hoursAfter(T0, 1);

		expect(ids(await subscriptions().recipientsFor("post.published", post(["postgres"]), at))).toEqual([unfiltered, postgres].sort());
		expect(ids(await subscriptions().recipientsFor("post.published", post(["mysql"], ["Releases"]), at))).toEqual([unfiltered, releases].sort());
		expect(ids(await subscriptions().recipientsFor("post.published", post(["sqlite"], ["releases"]), at))).toEqual([unfiltered, releases, either].sort());
		expect(ids(await subscriptions().recipientsFor("post.published", post(["other"]), at))).toEqual([unfiltered]);
		// A deleted post has no tags left to filter on: every subscriber of the type hears of it.
		expect(ids(await subscriptions().recipientsFor("post.deleted", null, at))).toEqual([unfiltered, postgres, releases, either].sort());
	});

	it("leaves out subscriptions created after the event and disabled ones", async () => {
		const before = await make({}, T0);
		const atTheEvent = await make({}, hoursAfter(T0, 1));
		await make({}, hoursAfter(T0, 2));
		await make({ enabled: false }, T0);
		const laterDisabled = await make({}, T0);
		await subscriptions().disable(laterDisabled, "gone", T0);

		expect(ids(await subscriptions().recipientsFor("post.published", post([]), hoursAfter(T0, 1)))).toEqual([before, atTheEvent].sort());
	});
});

describe("Subscriptions.reserveSendSlot", () => {
	it("gives requests made at once distinct slots an interval apart, and reserves none further ahead than the wait allowed", async () => {
		const created = await subscriptions().create(input({ format: "slack" }), generateSecret(), T0);
		const now = T0.getTime();
		const slots = await Promise.all(Array.from({ length: 5 }, () => subscriptions().reserveSendSlot(created.id, now, 1000, 3000)));
		expect(slots.map((slot) => ("at" in slot ? slot.at - now : "busy")).sort()).toEqual([0, 1000, 2000, 3000, "busy"]);
		expect(await subscriptions().reserveSendSlot(created.id, now, 1000, 3000)).toEqual({ busyUntil: now + 4000 });
		// Later, the next slot is now again.
		expect(await subscriptions().reserveSendSlot(created.id, now + 60_000, 1000, 3000)).toEqual({ at: now + 60_000 });
	});

	it("stores the format and masks a chat URL in what it shows, keeping the full URL for delivery", async () => {
		const url = "https://hooks.slack.com/services/T0/B0/secretpart";
		const created = await subscriptions().create(input({ url, format: "slack" }), generateSecret(), T0);
		expect(created).toMatchObject({ url: "https://hooks.slack.com/services/…", format: "slack" });
		expect(await subscriptions().get(created.id)).toMatchObject({ url: "https://hooks.slack.com/services/…" });
		expect((await subscriptions().list({ limit: 10 })).subscriptions.map((s) => s.url)).toEqual(["https://hooks.slack.com/services/…"]);
		expect(await subscriptions().deliveryEndpoint(created.id, T0)).toMatchObject({ url, format: "slack" });
		expect(await subscriptions().update(created.id, { format: "standard-webhooks" }, T0)).toMatchObject({ url, format: "standard-webhooks" });
	});
});
