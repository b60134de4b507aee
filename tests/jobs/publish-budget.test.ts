import { createExecutionContext, createScheduledController } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it, vi } from "vitest";
import worker from "../../src/index";
import { renderDocuments } from "../../src/feeds/publication";
import { type RenderBudget, refsWithinRenderBudget, renderEntries } from "../../src/jobs/publish-budget";
import { publishDocuments } from "../../src/jobs/publish-documents";
import { SubrequestMeter } from "../../src/storage/subrequest-meter";
import { eventually } from "../support/eventually";
import { deliverToWorker } from "../support/r2-events";
import { fencedPost } from "../support/posts";
import { emptyCatalogAndBucket, syncHarness } from "../support/state";

beforeEach(() => emptyCatalogAndBucket());

const SITE = { itemCount: 20, archivePageSize: 50 };
const FREE: RenderBudget = { maxMs: 5, msPerEntry: 0.04 };

async function storedBodies(): Promise<Map<string, string>> {
	const rows = await env.DB.prepare("SELECT path, body FROM documents").all<{ path: string; body: string }>();
	return new Map(rows.results.map((row) => [row.path, row.body]));
}

const staleCount = async () => (await env.DB.prepare("SELECT count(*) AS n FROM stale_documents").first<{ n: number }>())!.n;

describe("the publish's render charge", () => {
	it("counts the full-content entries each ref renders: three feeds of a page, a post's page, one for a list", () => {
		expect(renderEntries("archive:3", SITE)).toBe(151);
		expect(renderEntries("term:rust", SITE)).toBe(61);
		expect(renderEntries("author:ada", SITE)).toBe(61);
		expect(renderEntries("site", SITE)).toBe(60);
		expect(["post:hello", "home", "tags"].map((ref) => renderEntries(ref as never, SITE))).toEqual([1, 1, 1]);
	});

	it("takes refs in order while their charge fits, passes over those that do not, and renders one over the whole budget only alone", () => {
		const take = (refs: readonly string[], spent = { spentMs: 0, alone: true }) => refsWithinRenderBudget(refs as never, SITE, FREE, spent);
		// 0.04 + 0.04 + 2.4 + 2.44 = 4.92 ms; the post after them makes 4.96, still within 5.
		expect(take(["post:a", "post:b", "site", "term:x", "post:c"])).toEqual({ taken: [true, true, true, true, true], chargedMs: expect.closeTo(4.96, 6) });
		// The second term does not fit after the first two documents; the post page after it does.
		expect(take(["site", "term:x", "term:y", "post:a"]).taken).toEqual([true, true, false, true]);
		// 6.04 ms: over the budget, so it renders only first, in an invocation that charged nothing before.
		expect(take(["archive:1", "post:a"])).toEqual({ taken: [true, false], chargedMs: expect.closeTo(6.04, 6) });
		expect(take(["archive:1", "post:a"], { spentMs: 0, alone: false }).taken).toEqual([false, true]);
		expect(take(["post:a", "archive:1"]).taken).toEqual([true, false]);
	});
});

describe("publishing within a render budget", () => {
	async function catalogOf(posts: number) {
		const h = syncHarness({ site: { itemCount: 5, archivePageSize: 4 } });
		for (let i = 0; i < posts; i++) {
			await h.put(`p${i}.md`, fencedPost({ title: `Post ${i}`, date: `2026-01-${String(i + 1).padStart(2, "0")}`, tags: [`t${i % 3}`, "all"] }));
		}
		await h.syncOnly();
		return h;
	}

	it("spreads the documents over publishes that each stay within it, and loses none", async () => {
		const h = await catalogOf(14);
		// 0.1 ms an entry: a post page 0.1 ms, a term's or the site's feeds 1.5–1.6 ms, an archive page 1.3 ms; 2 ms a publish.
		h.publishing.renderBudget = { maxMs: 2, msPerEntry: 0.1 };
		const reports = [];
		for (let call = 0; call < 100 && (reports.length === 0 || reports.at(-1)!.remaining > 0); call++) reports.push(await h.publish());

		expect(reports.length).toBeGreaterThan(5);
		for (const report of reports) {
			expect(report.status).toBe("published");
			expect(report.renderMs <= 2 + 1e-9 || report.rendered === 1, JSON.stringify(report)).toBe(true);
			expect(report.stoppedByBudget).toBe(report.remaining > 0);
		}
		expect(await staleCount()).toBe(0);
		// The same documents as one publish without a budget renders: everything stale again, nothing to write.
		const spread = await storedBodies();
		await h.publishing.documents.write(h.catalog.markEverythingStale(h.clock.now));
		h.publishing.renderBudget = undefined;
		const whole = await h.publish();
		expect(whole).toMatchObject({ remaining: 0, written: 0, stoppedByBudget: false });
		expect(await storedBodies()).toEqual(spread);
		expect(spread.get("/atom.xml")).toContain("Post 13");
		expect(spread.get("/archive/1/atom.xml")).toContain("Post 0");
	});

	it("after other work in the invocation renders only what fits, asks for more even when nothing fit, and renders a ref over the budget alone later", async () => {
		const h = await catalogOf(3);
		// 0.1 ms an entry and 1 ms a publish: post pages, home and /tags fit (0.1 each); the feeds of the site (1.5 ms),
		// of a term or the author (1.6) and the archive page (1.3) are each over the whole budget.
		h.publishing.renderBudget = { maxMs: 1, msPerEntry: 0.1 };
		const afterSync = await publishDocuments(h.publishing, { afterOtherWork: true });
		expect(afterSync.refs.sort()).toEqual(["home", "post:p0", "post:p1", "post:p2", "tags"]);
		expect(afterSync).toMatchObject({ renderMs: expect.closeTo(0.5, 6), stoppedByBudget: true });
		// Only refs over the budget are left: nothing fits after a sync, and the continuation it asks for renders one.
		const nothingFits = await publishDocuments(h.publishing, { afterOtherWork: true });
		expect(nothingFits).toMatchObject({ rendered: 0, stoppedByBudget: true });
		expect(nothingFits.remaining).toBeGreaterThan(0);

		const alone = await publishDocuments(h.publishing);
		expect(alone.refs).toHaveLength(1);
		expect(alone.renderMs).toBeGreaterThan(1);
		expect(alone.stoppedByBudget).toBe(true);
	});

	it("does not read the kinds it has no room for, so older feeds and archive pages cannot crowd out post pages", async () => {
		const meter = new SubrequestMeter();
		const h = syncHarness({ site: { itemCount: 5, archivePageSize: 4 }, meter });
		for (let i = 0; i < 14; i++) await h.put(`p${i}.md`, fencedPost({ title: `Post ${i}`, date: `2026-01-${String(i + 1).padStart(2, "0")}`, tags: [`t${i % 3}`] }));
		await h.syncOnly();
		// The archive pages, the author's and the terms' feeds sort before the post pages; each is over the budget, which
		// after a sync none may take alone, and the subrequests left allow one round: the refs it reads are all it renders.
		h.publishing.renderBudget = { maxMs: 1, msPerEntry: 0.1 };
		h.publishing.maxRenders = 5;
		h.publishing.subrequestBudget = { meter, maxSubrequests: meter.used + 20 };
		const report = await publishDocuments(h.publishing, { afterOtherWork: true });

		expect(report.refs).toHaveLength(5);
		expect(report.refs.every((ref) => ref.startsWith("post:") || ref === "home" || ref === "tags"), report.refs.join(" ")).toBe(true);
		expect(report.stoppedByBudget).toBe(true);
	});

	it("charges each ref the queries its load makes, enclosures' included, so a round stays within the invocation's subrequests", async () => {
		const meter = new SubrequestMeter();
		// One post a page: every archive page, like the site's and each term's feeds, queries its enclosures' stored
		// lengths and types after loading its posts, two queries a ref.
		const h = syncHarness({ site: { itemCount: 5, archivePageSize: 1 }, meter });
		for (let i = 0; i < 30; i++) {
			await h.put(`p${i}.md`, fencedPost({ title: `Post ${i}`, date: `2026-01-${String(i + 1).padStart(2, "0")}`, enclosure: `p${i}.mp3` }));
			await h.put(`p${i}.mp3`, new Uint8Array(100 + i));
		}
		await h.syncOnly();
		const maxSubrequests = meter.used + 30;
		h.publishing.subrequestBudget = { meter, maxSubrequests };

		const report = await publishDocuments(h.publishing);

		expect(report.refs.filter((ref) => ref.startsWith("archive:")).length).toBeGreaterThan(5);
		expect(report.stoppedByBudget).toBe(true);
		expect(meter.used).toBeLessThanOrEqual(maxSubrequests);
	});

	it("moves a ref that fails to render behind the others, so it cannot hold back every publish", async () => {
		const h = await catalogOf(6);
		// Later than the sync's stale marks, so that moving a ref behind the others has somewhere to go.
		h.clock.now = new Date(h.clock.now.getTime() + 60_000);
		h.publishing.renderBudget = { maxMs: 0.5, msPerEntry: 0.1 };
		const oldest = (await h.publishing.documents.staleRefs(1))[0]!.ref;
		h.publishing.render = (site, input) => {
			if (input.ref === oldest) throw new Error("this ref cannot render");
			return renderDocuments(site, input);
		};

		const first = await h.publish();
		const second = await h.publish();

		expect(first.failures.map((failure) => failure.ref)).toEqual([oldest]);
		expect(second.refs[0]).not.toBe(oldest);
		expect(second.written).toBeGreaterThan(0);
		// Still stale, with its documents not lost: a publish whose every ref failed asks for no other at once.
		h.publishing.renderBudget = { maxMs: 0.01, msPerEntry: 0.1 };
		for (let call = 0; call < 100 && (await h.publishing.documents.staleRefs(1))[0]?.ref !== oldest; call++) await h.publish();
		expect((await h.publishing.documents.staleRefs(5)).map((stale) => stale.ref)).toEqual([oldest]);
		const stuck = await h.publish();
		expect(stuck).toMatchObject({ rendered: 1, stoppedByBudget: false });
		expect(stuck.failures).toHaveLength(1);
		expect(await staleCount()).toBeGreaterThan(0);
	});
});

describe("a publish that stops at its budget", () => {
	it("asks for a publish continuation through the R2 events queue, which publishes what is left without a sync", async () => {
		for (let i = 0; i < 8; i++) await env.POSTS.put(`c${i}.md`, fencedPost({ title: `Continued ${i}`, date: `2026-02-0${i + 1}`, tags: ["news"] }));
		const lines: string[] = [];
		const log = vi.spyOn(console, "log").mockImplementation((line: string) => void lines.push(String(line)));
		// 0.5 ms an entry, 1 ms a publish: the cron renders two post pages, then stops and asks for more.
		await worker.scheduled(createScheduledController({ cron: "*/5 * * * *" }), { ...env, PUBLISH_MAX_RENDER_MS: "1", PUBLISH_RENDER_MS_PER_ENTRY: "0.5" });
		const cron = lines.find((line) => line.startsWith("sync succeeded (cron"));
		expect(cron).toMatch(/publish rendered 2, \d+ left, render 1\.00 ms charged/);

		// The continuation runs with the test environment's own budget (Paid defaults), and renders the rest.
		await eventually(staleCount, (count) => count === 0);
		await eventually(
			async () => lines.find((line) => line.startsWith("publish published (publish continuation)")),
			(line) => line !== undefined,
		);
		log.mockRestore();
		const runs = await env.DB.prepare("SELECT count(*) AS n FROM sync_runs").first<{ n: number }>();
		expect(runs!.n).toBe(1);
		expect((await storedBodies()).get("/atom.xml")).toContain("Continued 7");
	});

	it("asks for one too when a reader's request published a due change within the budget", async () => {
		const now = Date.now();
		const h = syncHarness({ now: new Date(now - 3_600_000) });
		for (let i = 0; i < 4; i++) await h.put(`keep-${i}.md`, fencedPost({ title: `Evergreen ${i}`, date: "2026-01-01", tags: ["sale"] }));
		await h.put("sale.md", `---\ntitle: "Flash sale"\nslug: "flash-sale"\ndate: "2026-01-01T00:00:00Z"\ntags: [sale]\nexpiryDate: "${new Date(now - 1_800_000).toISOString()}"\n---\n\nGone soon.\n`);
		await h.sync();

		// The request's publish may charge 1 ms at 0.5 ms an entry: the expiry's documents do not all fit.
		const sent: unknown[] = [];
		const queue = { send: (body: unknown) => (sent.push(body), env.R2_EVENTS.send(body)) };
		const tight = { ...env, R2_EVENTS: queue, PUBLISH_MAX_RENDER_MS: "1", PUBLISH_RENDER_MS_PER_ENTRY: "0.5" } as unknown as Cloudflare.Env;
		const answer = await worker.fetch(new Request("http://127.0.0.1:8787/atom.xml"), tight, createExecutionContext());
		expect(answer.status).toBe(200);
		expect(sent).toEqual([{ continuePublish: "request" }]);

		// No cron runs here: only the continuation the request asked for can publish the rest (it may already have).
		await eventually(staleCount, (count) => count === 0);
		expect((await storedBodies()).get("/tags/sale/atom.xml")).not.toContain("Flash sale");
	});

	it("answers the reader whose request published a due change even when the continuation cannot be sent", async () => {
		const now = Date.now();
		const h = syncHarness({ now: new Date(now - 3_600_000) });
		for (let i = 0; i < 3; i++) await h.put(`keep-${i}.md`, fencedPost({ title: `Evergreen ${i}`, date: "2026-01-01", tags: ["sale"] }));
		await h.put("sale.md", `---\ntitle: "Flash sale"\nslug: "flash-sale"\ndate: "2026-01-01T00:00:00Z"\nexpiryDate: "${new Date(now - 1_800_000).toISOString()}"\n---\n\nGone soon.\n`);
		await h.sync();
		const failing = { send: () => Promise.reject(new Error("queue over its daily limit")) };
		const errors = vi.spyOn(console, "error").mockImplementation(() => undefined);
		const tight = { ...env, R2_EVENTS: failing, PUBLISH_MAX_RENDER_MS: "1", PUBLISH_RENDER_MS_PER_ENTRY: "0.5" } as unknown as Cloudflare.Env;

		const answer = await worker.fetch(new Request("http://127.0.0.1:8787/feed.json"), tight, createExecutionContext());

		expect(answer.status).toBe(200);
		expect(errors.mock.calls.map((call) => String(call[0]))).toContainEqual(expect.stringContaining("publish continuation not sent: queue over its daily limit"));
		errors.mockRestore();
	});

	it("during an unfinished sync job, defers what the job keeps marking stale and leaves the rest to the job", async () => {
		// Marked stale now, as the Worker's clock reads it: the shared documents are within their minute of lag.
		const h = syncHarness({ maxReads: 2, now: new Date() });
		for (let i = 0; i < 5; i++) await h.put(`j${i}.md`, fencedPost({ title: `Job ${i}`, date: `2026-03-0${i + 1}`, tags: ["jobs"] }));
		expect((await h.syncOnly()).status).toBe("partial");
		const sent: unknown[] = [];
		const queue = { send: (body: unknown) => (sent.push(body), Promise.resolve()) };
		const lines: string[] = [];
		const log = vi.spyOn(console, "log").mockImplementation((line: string) => void lines.push(String(line)));

		await deliverToWorker([{ continuePublish: "test" }], { ...env, R2_EVENTS: queue, PUBLISH_MAX_RENDER_MS: "1", PUBLISH_RENDER_MS_PER_ENTRY: "0.1" } as unknown as Cloudflare.Env);
		log.mockRestore();

		// It rendered the job's post pages (the shared documents wait, SHARED_LAG_DURING_IMPORT_MS) and asked for nothing.
		expect(lines.find((line) => line.startsWith("publish published (publish continuation)"))).toMatch(/publish rendered 2, \d+ left/);
		expect(sent).toEqual([]);
		const stale = await env.DB.prepare("SELECT ref FROM stale_documents ORDER BY ref").all<{ ref: string }>();
		expect(stale.results.map((row) => row.ref)).not.toContain("post:j0");
		expect(stale.results.map((row) => row.ref)).toContain("site");
	});
});

