import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { fencedPost } from "../support/posts";
import { emptyCatalogAndBucket, syncHarness } from "../support/state";

beforeEach(() => emptyCatalogAndBucket());

describe("the label rows' copy of their post's visibility (/tags counts)", () => {
	it("counts only visible posts: drafts, future and expired posts are left out", async () => {
		const h = syncHarness({ now: new Date("2026-06-01T12:00:00Z") });
		await h.put("a.md", fencedPost({ title: "A", date: "2026-01-01", tags: ["Shared", "only-a"] }));
		await h.put("b.md", fencedPost({ title: "B", date: "2026-01-02", tags: ["shared"], draft: true }));
		await h.put("c.md", fencedPost({ title: "C", date: "2027-01-01", tags: ["shared"] }));
		await h.put("d.md", fencedPost({ title: "D", date: "2026-01-03", tags: ["shared"], expiryDate: "2026-03-01" } as never));
		await h.syncOnly();

		expect(await h.catalog.labels.termCounts(h.clock.now)).toEqual([
			{ normalized: "only-a", posts: 1, display: "only-a" },
			{ normalized: "shared", posts: 1, display: expect.any(String) },
		]);
		// Once C's date has come, it counts without anything being written.
		expect((await h.catalog.labels.termCounts(new Date("2027-02-01T00:00:00Z"))).find((row) => row.normalized === "shared")?.posts).toBe(2);
	});

	it("takes the columns from the post when older code inserts a label row without them (a deploy, a rollback)", async () => {
		const h = syncHarness({ now: new Date("2026-06-01T12:00:00Z") });
		await h.put("a.md", fencedPost({ title: "A", date: "2026-01-01", tags: ["kept"] }));
		await h.syncOnly();
		// What the commit of the code before migrations/0016 writes.
		await env.DB.batch([
			env.DB.prepare("DELETE FROM post_terms"),
			env.DB.prepare("INSERT INTO post_terms (post_key, kind, term, normalized) VALUES ('a.md', 'tag', 'kept', 'kept')"),
		]);

		expect(await env.DB.prepare("SELECT draft, published_at FROM post_terms").first()).toEqual({ draft: 0, published_at: "2026-01-01T00:00:00.000Z" });
		expect(await h.catalog.labels.termCounts(h.clock.now)).toEqual([{ normalized: "kept", posts: 1, display: "kept" }]);
	});
});
