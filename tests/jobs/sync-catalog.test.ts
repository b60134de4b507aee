import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { SYNC_PHASES, type SyncPhase } from "../../src/jobs/phase-clock";
import { Lease } from "../../src/storage/lease";
import { fencedPost, headerBlockPost } from "../support/posts";
import { emptyCatalogAndBucket, finishedRun, syncHarness } from "../support/state";

beforeEach(() => emptyCatalogAndBucket());

describe("syncCatalog", () => {
	it("catalogs every post and records each broken object with its reason, serving the rest", async () => {
		const h = syncHarness();
		await h.put("a.md", fencedPost({ title: "First", date: "2026-01-01" }));
		await h.put("b.txt", headerBlockPost({ title: "Second", date: "2026-01-02 10:00:00" }));
		await h.put("broken.md", "---\ntitle: [unclosed\ndate: 2026-01-03\n---\nbody");
		await h.put("empty.md", "");

		const run = await h.sync();

		expect(run).toMatchObject({ status: "succeeded", objectsListed: 4, objectsRead: 4, posts: 2, broken: 2 });
		expect((await h.visible()).map((post) => post.title)).toEqual(["Second", "First"]);
		const broken = await h.catalog.brokenObjects();
		expect(broken.map((object) => object.key)).toEqual(["broken.md", "empty.md"]);
		for (const object of broken) expect(object.reason.length).toBeGreaterThan(5);
	});

	it("reads no object when the bucket has not changed", async () => {
		const h = syncHarness();
		for (let i = 0; i < 12; i++) await h.put(`post-${i}.md`, fencedPost({ title: `Post ${i}`, date: "2026-01-01" }));
		await h.sync();
		const readsAfterFirst = h.store.reads;

		const second = await h.sync();

		expect(readsAfterFirst).toBe(12);
		expect(h.store.reads).toBe(readsAfterFirst);
		expect(second).toMatchObject({ status: "succeeded", objectsRead: 0, changes: 0, objectsListed: 12 });
	});

	it("reads only the object whose etag changed", async () => {
		const h = syncHarness();
		await h.put("a.md", fencedPost({ title: "A", date: "2026-01-01" }));
		await h.put("b.md", fencedPost({ title: "B", date: "2026-01-02" }));
		await h.sync();

		await h.put("b.md", fencedPost({ title: "B, revised", date: "2026-01-02" }));
		const run = await h.sync();

		expect(run).toMatchObject({ objectsRead: 1, changes: 1 });
		expect((await h.visible()).map((post) => post.title)).toEqual(["B, revised", "A"]);
	});

	it("keeps a post's id when its body, title and slug are edited", async () => {
		const h = syncHarness();
		await h.put("notes/replication.md", fencedPost({ title: "Replication", slug: "replication", date: "2026-01-01" }, "One."));
		await h.sync();
		const [before] = await h.visible();

		await h.put("notes/replication.md", fencedPost({ title: "Replication, revisited", slug: "replication-revisited", date: "2026-01-01" }, "Two."));
		await h.sync();
		const [after] = await h.visible();

		expect(after!.slug).toBe("replication-revisited");
		expect(after!.title).toBe("Replication, revisited");
		expect(after!.id).toBe(before!.id);
	});

	it("drops a deleted object from the catalog", async () => {
		const h = syncHarness();
		await h.put("keep.md", fencedPost({ title: "Keep", date: "2026-01-01" }));
		await h.put("drop.md", fencedPost({ title: "Drop", date: "2026-01-02" }));
		await h.sync();

		await h.remove("drop.md");
		const run = await h.sync();

		expect(run.changes).toBe(1);
		expect((await h.visible()).map((post) => post.title)).toEqual(["Keep"]);
		expect(await h.catalog.visiblePostsBySlug(["drop"], h.clock.now).then((posts) => posts.get("drop"))).toBeUndefined();
	});

	it("shows a future-dated post only once its date has passed", async () => {
		const h = syncHarness({ now: new Date("2026-06-01T00:00:00Z") });
		await h.put("later.md", fencedPost({ title: "Later", date: "2026-06-02T09:00:00Z" }));
		await h.sync();
		expect(await h.visible()).toEqual([]);

		h.clock.now = new Date("2026-06-02T09:00:01Z");

		expect((await h.visible()).map((post) => post.title)).toEqual(["Later"]);
	});

	it("never shows a draft", async () => {
		const h = syncHarness();
		await h.put("draft.md", fencedPost({ title: "Not yet", date: "2026-01-01", draft: true }));
		await h.sync();
		h.clock.now = new Date("2099-01-01T00:00:00Z");

		expect(await h.visible()).toEqual([]);
		expect(await h.catalog.visiblePostsBySlug(["draft"], h.clock.now).then((posts) => posts.get("draft"))).toBeUndefined();
	});

	it("records the second of two posts with the same slug or id as broken, naming the first", async () => {
		const h = syncHarness();
		await h.put("a.md", fencedPost({ title: "A", slug: "same", date: "2026-01-01" }));
		await h.put("b.md", fencedPost({ title: "B", slug: "same", date: "2026-01-02" }));
		await h.put("c.md", fencedPost({ title: "C", id: 7, date: "2026-01-03" }));
		await h.put("d.md", fencedPost({ title: "D", id: 7, date: "2026-01-04" }));

		await h.sync();

		expect((await h.visible()).map((post) => post.title)).toEqual(["C", "A"]);
		const broken = await h.catalog.brokenObjects();
		expect(broken).toEqual([
			expect.objectContaining({ key: "b.md", reason: expect.stringMatching(/duplicate slug "same".*a\.md/) }),
			expect.objectContaining({ key: "d.md", reason: expect.stringMatching(/duplicate id .*c\.md/) }),
		]);
	});

	it("skips a sync while another holds the lease", async () => {
		const h = syncHarness();
		await h.put("a.md", fencedPost({ title: "A", date: "2026-01-01" }));
		await new Lease(env.DB, "sync").acquire("someone-else", 60_000, h.clock.now);

		const run = await h.sync();

		expect(run).toMatchObject({ status: "skipped", objectsRead: 0 });
		expect(await h.visible()).toEqual([]);
	});

	it("runs overlapping syncs one at a time", async () => {
		const h = syncHarness();
		for (let i = 0; i < 5; i++) await h.put(`p${i}.md`, fencedPost({ title: `P${i}`, date: "2026-01-01" }));

		const runs = await Promise.all([h.sync("one"), h.sync("two")]);

		expect(runs.map((run) => run.status).sort()).toEqual(["skipped", "succeeded"]);
		expect(await h.visible()).toHaveLength(5);
	});

	it("keeps the last good catalog when a sync dies mid-way, and the next sync recovers", async () => {
		const h = syncHarness();
		await h.put("a.md", fencedPost({ title: "A", date: "2026-01-01" }));
		await h.sync();
		for (let i = 0; i < 8; i++) await h.put(`new-${i}.md`, fencedPost({ title: `New ${i}`, date: "2026-01-02" }));
		await h.remove("a.md");
		h.store.failReadsAfter = h.store.reads + 3;

		const failed = await h.sync();

		expect(failed.status).toBe("failed");
		expect(failed.error).toContain("simulated crash");
		expect((await h.visible()).map((post) => post.title)).toEqual(["A"]);
		const staged = await env.DB.prepare("SELECT count(*) AS n FROM staged_objects").first<{ n: number }>();
		expect(staged!.n).toBe(0);

		h.store.failReadsAfter = Number.POSITIVE_INFINITY;
		const recovered = await h.sync();

		expect(recovered.status).toBe("succeeded");
		expect(await h.visible()).toHaveLength(8);
	});

	it("reports where its time went, phase by phase: a slow read shows as reading, a slow listing as listing", async () => {
		const h = syncHarness();
		for (let i = 0; i < 3; i++) await h.put(`post-${i}.md`, fencedPost({ title: `Post ${i}`, date: "2026-01-01" }));
		h.store.listDelayMs = 20;
		h.store.readDelayMs = 60;

		const started = performance.now();
		const run = await h.syncOnly();
		const wallMs = performance.now() - started;

		expect(run.status).toBe("succeeded");
		const phases = run.phasesMs as Record<SyncPhase, number>;
		expect(Object.keys(phases)).toEqual([...SYNC_PHASES]);
		for (const ms of Object.values(phases)) expect(ms).toBeGreaterThanOrEqual(0);
		// The three reads run at once: one delay, not three, and it is the reading phase's.
		expect(phases.reading).toBeGreaterThanOrEqual(55);
		expect(phases.listing).toBeGreaterThanOrEqual(15);
		expect(phases.listing).toBeLessThan(phases.reading);
		// The phases are awaited one after another, so together they fit in the sync's wall time.
		const total = Object.values(phases).reduce((sum, ms) => sum + ms, 0);
		expect(total).toBeLessThanOrEqual(wallMs + 1);
	});

	it("lists past 1,000 keys page by page", async () => {
		const h = syncHarness();
		const text = fencedPost({ title: "Tiny", date: "2026-01-01" });
		await Promise.all(Array.from({ length: 1005 }, (_, i) => h.put(`bulk/${String(i).padStart(4, "0")}.md`, text.replace("Tiny", `Tiny ${i}`))));

		const run = await h.sync();

		expect(run).toMatchObject({ status: "succeeded", objectsListed: 1005, posts: 1005 });
		expect(h.store.lists).toBeGreaterThanOrEqual(2);
	}, 60_000);
});

describe("a backlog larger than one sync's read budget", () => {
	it("commits what it read, reports what remains, and the next syncs carry on", async () => {
		const h = syncHarness({ maxReads: 4 });
		for (let i = 0; i < 10; i++) await h.put(`p${i}.md`, fencedPost({ title: `P${i}`, date: "2026-01-01" }));

		const first = await h.sync();
		const second = await h.sync();
		const third = await h.sync();

		expect(first).toMatchObject({ status: "partial", objectsRead: 4, remaining: 6, posts: 4 });
		expect(second).toMatchObject({ status: "partial", objectsRead: 4, remaining: 2, posts: 8 });
		expect(third).toMatchObject({ status: "succeeded", objectsRead: 2, remaining: 0, posts: 10 });
		expect(await h.runs.lastSucceeded()).toMatchObject({ id: third.id });
	});

	it("re-reads every object when settings that shape posts change, across as many syncs as it takes", async () => {
		const h = syncHarness({ maxReads: 3 });
		for (let i = 0; i < 5; i++) await h.put(`p${i}.md`, fencedPost({ title: `P${i}`, date: "2026-01-01" }, "[a link](/about)"));
		await h.sync();
		await h.sync();
		h.deps.content = { ...h.deps.content, siteUrl: "https://moved.example" };

		const first = await h.sync();
		const second = await h.sync();

		expect(first).toMatchObject({ status: "partial", objectsRead: 3, remaining: 2 });
		expect(second).toMatchObject({ status: "succeeded", objectsRead: 2 });
		for (const post of await h.visible()) expect(post.contentHtml).toContain("https://moved.example/about");
	});
});

it("reports a 5 MB object as broken by its listed size without reading it, and serves the rest", async () => {
	const h = syncHarness();
	await h.put("small.md", fencedPost({ title: "Small", date: "2026-01-01" }));
	await h.put("huge.md", fencedPost({ title: "Huge", date: "2026-01-02" }, "x".repeat(5 * 1024 * 1024)));

	const run = await h.sync();

	expect(run).toMatchObject({ status: "succeeded", objectsRead: 1, posts: 1, broken: 1 });
	expect(await h.catalog.brokenObjects()).toEqual([expect.objectContaining({ key: "huge.md", reason: expect.stringMatching(/^post is 5\.0 MiB/) })]);
	expect((await h.visible()).map((post) => post.title)).toEqual(["Small"]);
});

describe("one broken post never breaks a feed", () => {
	const good = (title: string, date: string) => fencedPost({ title, date });
	const BROKEN: [string, string | Uint8Array, RegExp][] = [
		["bad-yaml.md", "---\ntitle: [unclosed\ndate: 2026-01-01\n---\nBody", /YAML/i],
		["unterminated.md", "---\ntitle: Never closed\ndate: 2026-01-01\n\nBody without a closing fence", /never closes|closing/i],
		["bad-date.md", fencedPost({ title: "Bad date", date: "2026-13-45" }), /date/i],
		["empty.md", "", /empty/i],
		["binary.bin.md", new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0xff, 0xfe, 0x00]), /UTF-8/],
		["nul-bytes.md", `---\ntitle: "Nul"\ndate: 2026-01-01\n---\n${"\u0000".repeat(200)}`, /NUL|UTF-8/],
		["no-title.txt", "date: 2026-01-01\n\nBody", /title/i],
	];

	it("records each broken object with its reason and serves every good post", async () => {
		const h = syncHarness();
		await h.put("good-1.md", good("Good one", "2026-01-01"));
		await h.put("good-2.txt", headerBlockPost({ title: "Good two \u0007 with a bell", date: "2026-01-02 08:00" }));
		for (const [key, body] of BROKEN) await env.POSTS.put(key, body);

		const run = await h.sync();

		expect(run).toMatchObject({ status: "succeeded", posts: 2, broken: BROKEN.length });
		expect((await h.visible()).map((post) => post.title)).toEqual(["Good two with a bell", "Good one"]);
		const broken = new Map((await h.catalog.brokenObjects()).map((object) => [object.key, object.reason]));
		for (const [key, , reason] of BROKEN) expect(broken.get(key), key).toMatch(reason);
	});
});

it("keeps the newest 1,000 sync runs and drops older ones", async () => {
	const h = syncHarness();
	const run = (i: number) => finishedRun({ id: `run-${i}`, startedAt: new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString() });
	for (let start = 0; start < 1_005; start += 100) {
		await env.DB.batch(Array.from({ length: Math.min(100, 1_005 - start) }, (_, i) => h.runs.record(run(start + i))));
	}

	await h.runs.save(run(1_005));

	const rows = await env.DB.prepare("SELECT count(*) AS n, min(started_at) AS oldest FROM sync_runs").first<{ n: number; oldest: string }>();
	expect(rows).toEqual({ n: 1_000, oldest: run(6).startedAt });
});
