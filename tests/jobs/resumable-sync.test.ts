import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { SHARED_LAG_DURING_IMPORT_MS } from "../../src/jobs/publish-documents";
import { SubrequestMeter } from "../../src/storage/subrequest-meter";
import type { SyncRun } from "../../src/storage/sync-runs";
import { fencedPost } from "../support/posts";
import { emptyCatalogAndBucket, syncHarness } from "../support/state";

beforeEach(() => emptyCatalogAndBucket());

/** A harness whose every D1 and R2 call is counted, as one fresh invocation (a new meter) per call of `invoke`. */
function budgetedHarness(budget: { maxSubrequests: number; maxReads?: number }, pageSize = 3) {
	let meter = new SubrequestMeter();
	const make = () => {
		const h = syncHarness({ meter });
		h.deps.budget = { ...h.deps.budget, maxSubrequests: budget.maxSubrequests, maxReads: budget.maxReads ?? 5_000 };
		h.deps.listPageSize = pageSize;
		return h;
	};
	let h = make();
	return {
		get h() {
			return h;
		},
		/** One invocation: new bindings wrappers and a new meter, as workerd gives each invocation; `prepare` can make it crash. */
		async invoke(prepare?: (harness: ReturnType<typeof make>) => void): Promise<SyncRun & { counted: number }> {
			meter = new SubrequestMeter();
			h = make();
			prepare?.(h);
			const run = await h.syncOnly();
			return { ...run, counted: meter.used };
		},
	};
}

async function putPosts(count: number, prefix = "p") {
	for (let i = 0; i < count; i++) await env.POSTS.put(`${prefix}${String(i).padStart(2, "0")}.md`, fencedPost({ title: `Post ${i}`, date: `2026-01-${String(i + 1).padStart(2, "0")}` }));
}

async function catalogKeys(): Promise<string[]> {
	const rows = await env.DB.prepare("SELECT key FROM posts ORDER BY key").all<{ key: string }>();
	return rows.results.map((row) => row.key);
}

async function jobRow() {
	return env.DB.prepare("SELECT job_id, phase, listed FROM sync_job").first<{ job_id: string; phase: string; listed: number }>();
}

describe("the sync as a resumable, budgeted job", () => {
	it("spreads a first import over invocations that each stay within their subrequest budget, counted at the bindings", async () => {
		await putPosts(12);
		const job = budgetedHarness({ maxSubrequests: 16 });

		const runs: (SyncRun & { counted: number })[] = [];
		for (let i = 0; i < 30 && runs.at(-1)?.status !== "succeeded"; i++) runs.push(await job.invoke());

		expect(runs.at(-1)!.status).toBe("succeeded");
		expect(runs.length).toBeGreaterThan(2);
		expect(runs.slice(0, -1).every((run) => run.status === "partial")).toBe(true);
		for (const run of runs) expect(run.counted).toBeLessThanOrEqual(16);
		// The run record says what the meter counted up to its own save (the lease release comes after).
		for (const run of runs) expect(run.subrequests).toBeGreaterThanOrEqual(run.counted - 1);
		expect(runs.reduce((sum, run) => sum + run.objectsRead, 0)).toBe(12);
		expect(await catalogKeys()).toHaveLength(12);
		expect(await jobRow()).toBeNull();
	});

	it("keeps a parse budget: no invocation reads more posts than SYNC_MAX_PARSE_MS allows at the calibrated cost", async () => {
		await putPosts(7);
		const h = syncHarness();
		h.deps.budget = { ...h.deps.budget, maxParseMs: 2, parseMsPerPost: 0.7 };

		const reads: number[] = [];
		for (let i = 0; i < 10; i++) {
			const run = await h.syncOnly();
			reads.push(run.objectsRead);
			if (run.status === "succeeded") break;
		}

		expect(reads).toEqual([2, 2, 2, 1]);
		expect(await catalogKeys()).toHaveLength(7);
	});

	it("resumes a job interrupted between invocations without losing or repeating work", async () => {
		await putPosts(10);
		const job = budgetedHarness({ maxSubrequests: 14 });
		const first = await job.invoke();
		expect(first.status).toBe("partial");
		const started = await jobRow();

		// The next invocation dies while listing, a later one while reading: each leaves only what it committed.
		expect((await jobRow())!.phase).toBe("listing");
		const listedBefore = (await jobRow())!.listed;
		expect((await job.invoke((h) => (h.store.failListsAfter = 0))).status).toBe("failed");
		expect((await jobRow())!.listed).toBe(listedBefore);
		let run = await job.invoke();
		for (let i = 0; i < 20 && (await jobRow())?.phase !== "reading"; i++) run = await job.invoke();
		expect(run.status).toBe("partial");
		const committedBefore = await catalogKeys();
		expect((await job.invoke((h) => (h.store.failReadsAfter = 1))).status).toBe("failed");
		expect(await catalogKeys()).toEqual(committedBefore);

		const runs: SyncRun[] = [];
		for (let i = 0; i < 30 && runs.at(-1)?.status !== "succeeded"; i++) runs.push(await job.invoke());

		expect(runs.at(-1)!.status).toBe("succeeded");
		// One job throughout: the listing was never started again, and every key is in the catalog once.
		const finished = await env.DB.prepare("SELECT count(*) AS n FROM sync_runs WHERE status = 'succeeded'").first<{ n: number }>();
		expect(finished!.n).toBe(1);
		expect(started!.listed).toBeGreaterThan(0);
		expect(await catalogKeys()).toEqual(Array.from({ length: 10 }, (_, i) => `p${String(i).padStart(2, "0")}.md`));
		const ids = await env.DB.prepare("SELECT count(DISTINCT id) AS ids, count(*) AS n FROM posts").first<{ ids: number; n: number }>();
		expect(ids).toEqual({ ids: 10, n: 10 });
		expect(await env.DB.prepare("SELECT count(*) AS n FROM staged_objects").first()).toEqual({ n: 0 });
	});

	it("applies deletions only once the listing is complete, and keeps serving the catalog at every step", async () => {
		await putPosts(9);
		await syncHarness().syncOnly();
		await env.POSTS.delete("p04.md");
		await env.POSTS.put("p20.md", fencedPost({ title: "Added", date: "2026-02-01" }));
		const job = budgetedHarness({ maxSubrequests: 14 }, 2);

		const seen: string[][] = [];
		for (let i = 0; i < 30; i++) {
			const run = await job.invoke();
			const keys = await catalogKeys();
			seen.push(keys);
			const phase = (await jobRow())?.phase;
			// While the listing is incomplete, nothing is taken away.
			if (phase === "listing") expect(keys).toContain("p04.md");
			if (run.status === "succeeded") break;
		}

		expect(seen.at(-1)).not.toContain("p04.md");
		expect(seen.at(-1)).toContain("p20.md");
		expect(seen.at(-1)).toHaveLength(9);
		for (const keys of seen) expect(keys.length).toBeGreaterThanOrEqual(8);
	});

	it("never deletes a post committed after the job's listing passed its key (a notification's)", async () => {
		await putPosts(4);
		const h = syncHarness({ now: new Date("2026-06-01T12:00:00Z") });
		h.deps.budget = { ...h.deps.budget, maxReads: 1 };
		expect((await h.syncOnly()).status).toBe("partial");
		// Between invocations, a notification syncs a new key the job's listing does not have.
		await env.POSTS.put("late.md", fencedPost({ title: "Late", date: "2026-02-01" }));
		h.clock.now = new Date("2026-06-01T12:01:00Z");
		const { syncObjects } = await import("../../src/jobs/sync-object");
		await syncObjects(h.deps, ["late.md"], "test notification");

		let run: SyncRun;
		do run = await h.syncOnly();
		while (run.status === "partial");

		expect(run.status).toBe("succeeded");
		expect(await catalogKeys()).toContain("late.md");
		expect(await catalogKeys()).toHaveLength(5);
	});
});

describe("publishing during an unfinished job", () => {
	const storedPaths = async () => (await env.DB.prepare("SELECT path FROM documents ORDER BY path").all<{ path: string }>()).results.map((row) => row.path);
	const atomEntries = async () => {
		const row = await env.DB.prepare("SELECT body FROM documents WHERE path = '/atom.xml'").first<{ body: string }>();
		return row === null ? undefined : (row.body.match(/<entry>/g) ?? []).length;
	};

	it("publishes the pages of the posts read, and holds the site and tag feeds back until the job completes", async () => {
		await putPosts(6);
		const h = syncHarness();
		h.deps.budget = { ...h.deps.budget, maxReads: 2 };

		const first = await h.sync();
		expect(first.status).toBe("partial");
		expect((await storedPaths()).filter((path) => path.startsWith("/posts/"))).toHaveLength(2);
		expect(await atomEntries()).toBeUndefined();
		expect(first.publish.remaining).toBeGreaterThan(0);

		let run = first;
		while (run.status === "partial") run = await h.sync();
		expect(run.status).toBe("succeeded");
		expect((await storedPaths()).filter((path) => path.startsWith("/posts/"))).toHaveLength(6);
		expect(await atomEntries()).toBe(6);
		expect(run.publish.remaining).toBe(0);
	});

	it("renders the held-back documents once they have waited SHARED_LAG_DURING_IMPORT_MS, so a long import never hides new posts for longer", async () => {
		await putPosts(6);
		const h = syncHarness();
		h.deps.budget = { ...h.deps.budget, maxReads: 2 };

		await h.sync();
		expect(await atomEntries()).toBeUndefined();
		h.clock.now = new Date(h.clock.now.getTime() + SHARED_LAG_DURING_IMPORT_MS + 1);
		const second = await h.sync();
		expect(second.status).toBe("partial");
		expect(await atomEntries()).toBe(4);
	});
});
