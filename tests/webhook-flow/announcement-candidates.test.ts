import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { Announcements } from "../../src/storage/announcements";
import { d1RowsCounter } from "../support/d1-rows";
import { fencedPost } from "../support/posts";
import { uniquePath } from "../support/receiver";
import { syncHarness } from "../support/state";
import { resetWebhookState, webhookHarness } from "./harness";

beforeEach(() => resetWebhookState());

const count = async (table: string) => (await env.DB.prepare(`SELECT count(*) AS n FROM ${table}`).first<{ n: number }>())!.n;
const eventTypes = async () => (await env.DB.prepare("SELECT type FROM events ORDER BY created_at, rowid").all<{ type: string }>()).results.map((row) => row.type);

describe("the webhook announcer's candidates", () => {
	it("reads a few rows for one new post in a catalog of 300, not every post and announcement", async () => {
		const h = syncHarness();
		Object.assign(h.deps, { baseline: (now: Date) => new Announcements(env.DB).baseline(now) });
		for (let n = 0; n < 300; n++) await h.put(`posts/${String(n).padStart(3, "0")}.md`, fencedPost({ title: `Post ${n}`, date: "2026-01-01" }));
		await h.syncOnly();
		await h.put("posts/new.md", fencedPost({ title: "New", date: "2026-05-01" }));
		await h.syncOnly();
		const counter = d1RowsCounter(env.DB);
		const announcements = new Announcements(counter.db);

		const pending = await announcements.pending(h.clock.now);

		expect(pending.published.map((post) => post.title)).toEqual(["New"]);
		expect(counter.read).toBeLessThan(30);
	});

	it("keeps a post changed again while its event was being written, and announces that change next", async () => {
		const h = syncHarness();
		const announcements = new Announcements(env.DB);
		await h.put("a.md", fencedPost({ title: "A", date: "2026-01-01" }));
		await h.syncOnly();
		const first = await announcements.pending(h.clock.now);
		expect(first.published.map((post) => post.title)).toEqual(["A"]);
		const post = first.published[0]!;

		// An edit commits between the read and the record of its event: its trigger marks the post again.
		await env.DB.prepare("UPDATE posts SET updated_at = '2026-02-01T00:00:00.000Z' WHERE id = ?1").bind(post.id).run();
		await env.DB.batch([announcements.announce(post.id, post.updated, h.clock.now), announcements.settle(post.id, first.through)]);

		const second = await announcements.pending(h.clock.now);
		expect(second.published).toEqual([]);
		expect(second.updated.map((row) => row.id)).toEqual([post.id]);
		await env.DB.batch([announcements.announce(post.id, "2026-02-01T00:00:00.000Z", h.clock.now), announcements.settle(post.id, second.through)]);

		const third = await announcements.pending(h.clock.now);
		expect([third.published, third.updated, third.deleted]).toEqual([[], [], []]);
		expect(await count("announcement_candidates")).toBe(0);
	});

	it("sends post.deleted for an announced post that expires while it is a draft", async () => {
		const h = webhookHarness({ now: new Date("2026-06-01T12:00:00Z") });
		await h.sync();
		await h.subscribe(uniquePath());
		const offer = (draft: boolean) => `---\ntitle: "Offer"\ndate: "2026-05-01T00:00:00Z"\nexpiryDate: "2026-06-02T00:00:00Z"\ndraft: ${draft}\n---\n\nSoon gone.\n`;
		await h.put("offer.md", offer(false));
		await h.sync();
		await h.put("offer.md", offer(true));
		h.clock.now = new Date("2026-06-01T18:00:00Z");
		await h.sync();
		expect(await eventTypes()).toEqual(["post.published"]);

		h.clock.now = new Date("2026-06-02T00:05:00Z");
		await h.sync();

		expect(await eventTypes()).toEqual(["post.published", "post.deleted"]);
	});

	it("announces a scheduled post whose time came while the clock was last read later than now", async () => {
		const h = webhookHarness({ now: new Date("2026-06-10T00:00:00Z") });
		await h.sync();
		await h.subscribe(uniquePath());
		// The clock steps back (a corrected host clock) before the post is committed as scheduled.
		h.clock.now = new Date("2026-06-01T00:00:00Z");
		await h.put("later.md", fencedPost({ title: "Later", date: "2026-06-05T00:00:00Z" }));
		await h.sync();
		expect(await eventTypes()).toEqual([]);

		h.clock.now = new Date("2026-06-05T00:01:00Z");
		await h.sync();

		expect(await eventTypes()).toEqual(["post.published"]);
	});
});

describe("the webhook baseline", () => {
	it("records the posts its commit touched, reading rows in proportion to them, not to the catalog", async () => {
		const h = syncHarness();
		const announcements = new Announcements(env.DB);
		Object.assign(h.deps, { baseline: (now: Date) => announcements.baseline(now) });
		for (let n = 0; n < 300; n++) await h.put(`posts/${String(n).padStart(3, "0")}.md`, fencedPost({ title: `Post ${n}`, date: "2026-01-01" }));
		await h.syncOnly();
		expect(await count("announcements")).toBe(300);
		expect(await count("announcement_candidates")).toBe(0);

		// The catalog has caught up, so this commit carries no baseline: its post stays a candidate.
		await h.put("posts/new.md", fencedPost({ title: "New", date: "2026-05-01" }));
		await h.syncOnly();
		expect(await count("announcement_candidates")).toBe(1);
		const counter = d1RowsCounter(env.DB);
		await counter.db.batch(new Announcements(counter.db).baseline(h.clock.now));

		expect(await count("announcements")).toBe(301);
		expect(counter.read).toBeLessThan(30);
	});
});
