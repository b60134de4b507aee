import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { fencedPost } from "../support/posts";
import { emptyCatalogAndBucket, syncHarness } from "../support/state";

beforeEach(() => emptyCatalogAndBucket());

async function places(): Promise<Record<string, number>> {
	const rows = await env.DB.prepare("SELECT p.slug, s.seq FROM post_sequence s JOIN posts p ON p.id = s.post_id ORDER BY s.seq").all<{ slug: string; seq: number }>();
	return Object.fromEntries(rows.results.map((row) => [row.slug, row.seq]));
}

async function candidateSlugs(): Promise<string[]> {
	const rows = await env.DB.prepare("SELECT p.slug FROM sequence_candidates c LEFT JOIN posts p ON p.id = c.post_id ORDER BY p.slug").all<{ slug: string | null }>();
	return rows.results.map((row) => row.slug ?? "(gone)");
}

describe("the archive order", () => {
	it("gives a scheduled post its place when its time comes, and keeps as candidates only the posts that may still need one", async () => {
		const h = syncHarness({ now: new Date("2026-06-01T12:00:00Z") });
		await h.put("b.md", fencedPost({ title: "B", slug: "b", date: "2026-05-02" }));
		await h.put("a.md", fencedPost({ title: "A", slug: "a", date: "2026-05-01" }));
		await h.put("later.md", fencedPost({ title: "Later", slug: "later", date: "2026-06-01T13:00:00Z" }));
		await h.put("draft.md", fencedPost({ title: "Draft", slug: "draft", date: "2026-05-03", draft: true }));
		await h.put("gone.md", fencedPost({ title: "Gone", slug: "gone", date: "2026-06-02" }));
		await h.syncOnly();
		expect(await candidateSlugs()).toEqual(["a", "b", "gone", "later"]);

		await h.publish();
		expect(await places()).toEqual({ a: 1, b: 2 });
		expect(await candidateSlugs()).toEqual(["gone", "later"]);

		await h.remove("gone.md");
		h.clock.now = new Date("2026-06-01T13:00:00Z");
		await h.sync();
		expect(await places()).toEqual({ a: 1, b: 2, later: 3 });
		expect(await candidateSlugs()).toEqual([]);

		// An edited post keeps its place; a draft made public takes the next one.
		await h.put("a.md", fencedPost({ title: "A, edited", slug: "a", date: "2026-05-01" }));
		await h.put("draft.md", fencedPost({ title: "Draft", slug: "draft", date: "2026-05-03" }));
		await h.sync();
		expect(await places()).toEqual({ a: 1, b: 2, later: 3, draft: 4 });
		expect(await candidateSlugs()).toEqual([]);
	});

	it("reads a few rows to place one new post, however many posts already have places", async () => {
		const h = syncHarness();
		const placed = 300;
		for (let n = 1; n <= placed; n += 1) await h.put(`post-${n}.md`, fencedPost({ title: `Post ${n}`, slug: `post-${n}`, date: "2026-05-01" }));
		await h.sync();
		await h.put("new.md", fencedPost({ title: "New", slug: "new", date: "2026-05-02" }));
		await h.syncOnly();

		const results = await env.DB.batch(h.catalog.archive.assignSequence(h.clock.now));
		const rowsRead = results.reduce((sum, result) => sum + result.meta.rows_read, 0);

		expect((await places()).new).toBe(placed + 1);
		expect(rowsRead).toBeLessThan(placed / 10);
	});
});
