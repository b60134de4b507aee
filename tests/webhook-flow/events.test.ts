import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { fencedPost } from "../support/posts";
import { received, uniquePath, verifiedByReceiver } from "../support/receiver";
import { finishedRun } from "../support/state";
import { resetWebhookState, webhookHarness } from "./harness";

beforeEach(() => resetWebhookState());

const count = async (table: string) => (await env.DB.prepare(`SELECT count(*) AS n FROM ${table}`).first<{ n: number }>())!.n;

describe("events from the sync", () => {
	it("takes the first sync of a bucket that already has posts as a baseline: no events", async () => {
		const h = webhookHarness();
		await h.subscribe(uniquePath());
		await h.put("a.md", fencedPost({ title: "A", date: "2026-01-01" }));
		await h.put("b.md", fencedPost({ title: "B", date: "2026-01-02" }));

		await h.sync();

		expect(await count("events")).toBe(0);
		expect(h.queued.sent).toEqual([]);
		expect(await count("announcements")).toBe(2);
	});

	it("announces a post added after the baseline, signed so the reference receiver verifies it", async () => {
		// Real time: the reference receiver refuses timestamps more than five minutes off its clock.
		const h = webhookHarness({ now: new Date() });
		await h.put("a.md", fencedPost({ title: "A", date: "2026-01-01" }));
		await h.sync();
		const path = uniquePath();
		const { secret } = await h.subscribe(path);
		await h.put("b.md", fencedPost({ title: "Brand new", date: "2026-05-01", tags: ["db"] }));

		await h.sync();
		await h.deliverQueued();

		const [request] = await received(path);
		expect(request).toBeDefined();
		const check = await verifiedByReceiver(request!.headers["webhook-id"]!, secret);
		expect(check.error ?? "verified").toBe("verified");
		expect(check.payload).toMatchObject({ type: "post.published", data: { item: { title: "Brand new" }, tags: ["db"] } });
	});

	it("sends only what a subscription's tag and category filters ask for", async () => {
		const h = webhookHarness();
		await h.sync();
		const dbPath = uniquePath();
		const opsPath = uniquePath();
		await h.subscribe(dbPath, { tags: ["postgres"] });
		await h.subscribe(opsPath, { categories: ["Operations"] });
		await h.put("pg.md", fencedPost({ title: "PG", date: "2026-01-01", tags: ["Postgres"] }));
		await h.put("ops.md", fencedPost({ title: "Ops", date: "2026-01-02", categories: ["operations"] }));

		await h.sync();
		await h.deliverQueued();

		const titles = async (path: string) => (await received(path)).map((r) => (JSON.parse(r.body) as { data: { item: { title: string } } }).data.item.title);
		expect(await titles(dbPath)).toEqual(["PG"]);
		expect(await titles(opsPath)).toEqual(["Ops"]);
	});

	it("announces a future-dated post when its time comes, not before", async () => {
		const h = webhookHarness({ now: new Date("2026-06-01T00:00:00Z") });
		await h.sync();
		await h.subscribe(uniquePath());
		await h.put("later.md", fencedPost({ title: "Later", date: "2026-06-03T00:00:00Z" }));

		await h.sync();
		expect(await count("events")).toBe(0);

		h.clock.now = new Date("2026-06-03T00:05:00Z");
		await h.sync();

		expect(await count("events")).toBe(1);
		expect(h.queued.sent).toHaveLength(1);
	});

	it("announces a draft turned public once, even if it goes back and forth", async () => {
		const h = webhookHarness();
		await h.sync();
		await h.subscribe(uniquePath());
		const draft = (draft: boolean) => fencedPost({ title: "Draft", slug: "draft", date: "2026-01-01", draft });
		await h.put("d.md", draft(true));
		await h.sync();
		expect(h.queued.sent).toHaveLength(0);

		await h.put("d.md", draft(false));
		await h.sync();
		await h.put("d.md", draft(true));
		await h.sync();
		await h.put("d.md", draft(false));
		await h.sync();

		const published = await env.DB.prepare("SELECT count(*) AS n FROM events WHERE type = 'post.published'").first<{ n: number }>();
		expect(published!.n).toBe(1);
		expect(h.queued.sent).toHaveLength(1);
	});

	it("does not send older posts to a subscription created later", async () => {
		const h = webhookHarness({ now: new Date("2026-06-01T00:00:00Z") });
		await h.sync();
		await h.put("a.md", fencedPost({ title: "A", date: "2026-05-01" }));
		await h.sync();
		expect(await count("events")).toBe(1);

		h.clock.now = new Date("2026-06-02T00:00:00Z");
		await h.subscribe(uniquePath());
		await h.sync();

		expect(await count("messages")).toBe(0);
	});

	it("sends post.updated when a post's updated date moves and post.deleted when it goes", async () => {
		const h = webhookHarness();
		await h.put("a.md", fencedPost({ title: "A", date: "2026-01-01" }));
		await h.sync();
		await h.subscribe(uniquePath());

		await h.put("a.md", fencedPost({ title: "A, revised", date: "2026-01-01", lastmod: "2026-02-01" }));
		await h.sync();
		await h.remove("a.md");
		await h.sync();

		const types = await env.DB.prepare("SELECT type FROM events ORDER BY created_at, type").all<{ type: string }>();
		expect(types.results.map((row) => row.type).sort()).toEqual(["post.deleted", "post.updated"]);
	});
});

describe("the baseline", () => {
	it("announces posts published while syncs were failing, after the failures pruned every succeeded run", async () => {
		const h = webhookHarness({ now: new Date("2026-06-01T00:00:00Z") });
		await h.put("a.md", fencedPost({ title: "A", date: "2026-01-01" }));
		expect((await h.sync()).status).toBe("succeeded");
		const path = uniquePath();
		await h.subscribe(path);
		await h.put("b.md", fencedPost({ title: "Published during the outage", date: "2026-06-02" }));
		const openStore = h.deps.openStore;
		h.deps.openStore = async () => {
			throw new Error("InvalidAccessKeyId: the S3 keys were revoked");
		};
		// 3.5 days of a five-minute cron, every run failing: written in bulk (as those runs record themselves),
		// then one more real failing sync, whose save prunes the history down to the newest 1,000 runs.
		const outageStart = Date.parse("2026-06-01T00:05:00Z");
		const failedRun = (i: number) =>
			finishedRun({
				id: `failed-${i}`,
				trigger: "cron",
				status: "failed",
				startedAt: new Date(outageStart + i * 5 * 60_000).toISOString(),
				error: "InvalidAccessKeyId: the S3 keys were revoked",
			});
		for (let start = 0; start < 1_000; start += 100) {
			await env.DB.batch(Array.from({ length: 100 }, (_, i) => h.runs.record(failedRun(start + i))));
		}
		h.clock.now = new Date(outageStart + 1_000 * 5 * 60_000);
		expect((await h.sync("cron")).status).toBe("failed");
		expect(await h.runs.lastSucceeded()).toBeUndefined();
		h.clock.now = new Date(h.clock.now.getTime() + 5 * 60_000);

		h.deps.openStore = openStore;
		expect((await h.sync("cron")).status).toBe("succeeded");
		await h.deliverQueued();

		const titles = (await received(path)).map((r) => (JSON.parse(r.body) as { type: string; data: { item: { title: string } } }).data.item.title);
		expect(titles).toEqual(["Published during the outage"]);
	});

	it("stays a baseline across partial syncs until the catalog has caught up once, then announces", async () => {
		const h = webhookHarness();
		h.deps.budget.maxReads = 2;
		await h.subscribe(uniquePath());
		for (let i = 0; i < 5; i++) await h.put(`p${i}.md`, fencedPost({ title: `P${i}`, date: "2026-01-01" }));

		expect((await h.sync()).status).toBe("partial");
		expect((await h.sync()).status).toBe("partial");
		expect((await h.sync()).status).toBe("succeeded");
		expect(await count("events")).toBe(0);
		expect(await count("announcements")).toBe(5);

		await h.put("new.md", fencedPost({ title: "New", date: "2026-02-01" }));
		await h.sync();
		expect(await count("events")).toBe(1);
		expect(h.queued.sent).toHaveLength(1);
	});
});

describe("one event per occurrence", () => {
	const sent = async (path: string) =>
		(await received(path)).map((r) => ({ type: (JSON.parse(r.body) as { type: string }).type, id: r.headers["webhook-id"]! }));

	it("sends post.deleted, post.published and post.deleted again, each with its own id, when a post is deleted, restored and deleted", async () => {
		const h = webhookHarness();
		await h.sync();
		const path = uniquePath();
		await h.subscribe(path);
		const post = fencedPost({ title: "A", date: "2026-01-01" });

		for (const step of [() => h.put("a.md", post), () => h.remove("a.md"), () => h.put("a.md", post), () => h.remove("a.md")]) {
			await step();
			await h.sync();
			await h.deliverQueued();
		}

		const events = await sent(path);
		expect(events.map((event) => event.type)).toEqual(["post.published", "post.deleted", "post.published", "post.deleted"]);
		expect(new Set(events.map((event) => event.id)).size).toBe(4);
	});

	it("sends a post.updated for each edit, even when an edit brings back an earlier updated date", async () => {
		const h = webhookHarness();
		const edited = (lastmod: string) => fencedPost({ title: `A ${lastmod}`, date: "2026-01-01", lastmod });
		await h.put("a.md", edited("2026-01-02"));
		await h.sync();
		const path = uniquePath();
		await h.subscribe(path);

		for (const lastmod of ["2026-01-03", "2026-01-02", "2026-01-03"]) {
			await h.put("a.md", edited(lastmod));
			await h.sync();
			await h.deliverQueued();
		}

		const events = await sent(path);
		expect(events.map((event) => event.type)).toEqual(["post.updated", "post.updated", "post.updated"]);
		expect(new Set(events.map((event) => event.id)).size).toBe(3);
	});
});

describe("no loss, no duplicates", () => {
	it("re-sends the same webhook-ids when a sync fails after enqueueing and runs again", async () => {
		const h = webhookHarness();
		await h.sync();
		const path = uniquePath();
		await h.subscribe(path);
		await h.subscribe(uniquePath());
		await h.put("a.md", fencedPost({ title: "A", date: "2026-01-01" }));
		const markEnqueued = h.deliveries.markEnqueued.bind(h.deliveries);
		h.deliveries.markEnqueued = async () => {
			throw new Error("crashed after enqueueing");
		};

		const failed = await h.sync();
		const firstIds = h.queued.sent.map((m) => m.messageId);
		h.deliveries.markEnqueued = markEnqueued;
		const again = await h.sync();
		const secondIds = h.queued.sent.slice(firstIds.length).map((m) => m.messageId);
		await h.deliverQueued();

		expect(failed.status).toBe("failed");
		expect(again.status).toBe("succeeded");
		expect(firstIds).toHaveLength(2);
		expect(secondIds.sort()).toEqual([...firstIds].sort());
		const requests = await received(path);
		expect(new Set(requests.map((r) => r.headers["webhook-id"])).size).toBe(1);
	});

	it("delivers each event once when two syncs overlap", async () => {
		const h = webhookHarness();
		await h.sync();
		const path = uniquePath();
		await h.subscribe(path);
		await h.put("a.md", fencedPost({ title: "A", date: "2026-01-01" }));
		await h.put("b.md", fencedPost({ title: "B", date: "2026-01-02" }));

		await Promise.all([h.sync("one"), h.sync("two")]);
		await h.sync("three");
		await h.deliverQueued();

		const requests = await received(path);
		expect(requests).toHaveLength(2);
		expect(new Set(requests.map((r) => r.headers["webhook-id"])).size).toBe(2);
	});
});

describe("the delivery log", () => {
	it("forgets finished messages after 30 days and keeps pending ones", async () => {
		const h = webhookHarness({ now: new Date("2026-01-01T00:00:00Z") });
		await h.sync();
		await h.subscribe(uniquePath());
		await h.subscribe(uniquePath("/status/500"));
		await h.put("a.md", fencedPost({ title: "A", date: "2025-12-01" }));
		await h.sync();
		await h.deliverQueued();
		expect(await count("attempts")).toBe(2);

		h.clock.now = new Date("2026-02-15T00:00:00Z");
		await h.sync();

		const left = await env.DB.prepare("SELECT status FROM messages").all<{ status: string }>();
		expect(left.results).toEqual([{ status: "pending" }]);
		expect(await count("attempts")).toBe(1);
		expect(await count("events")).toBe(1);
	});
});
