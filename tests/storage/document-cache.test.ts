import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { DocumentCache, type LookupCost } from "../../src/storage/document-cache";
import { Documents } from "../../src/storage/documents";
import { fencedPost } from "../support/posts";
import { emptyCatalogAndBucket, syncHarness } from "../support/state";

beforeEach(() => emptyCatalogAndBucket());

const STALENESS_MS = 5_000;

/** A reader of one isolate: the cache with a clock the test moves. */
function reader(cache = new DocumentCache({ maxBytes: 1024 * 1024 })) {
	const documents = new Documents(env.DB);
	return {
		cache,
		async read(path: string, atMs: number) {
			const cost: LookupCost = { rowsRead: 0 };
			await cache.publicationState(documents, atMs, STALENESS_MS, cost);
			const document = await cache.get(documents, path, cost);
			return { body: document?.body, rowsRead: cost.rowsRead };
		},
	};
}

describe("the in-isolate document cache", () => {
	it("serves a publish made elsewhere within the staleness bound, never later", async () => {
		const h = syncHarness();
		await h.put("a.md", fencedPost({ title: "First version", date: "2026-01-01" }));
		await h.sync();
		const r = reader();
		expect((await r.read("/atom.xml", 0)).body).toContain("First version");

		await h.put("a.md", fencedPost({ title: "Second version", date: "2026-01-01" }));
		await h.sync();

		expect((await r.read("/atom.xml", STALENESS_MS - 1)).body).toContain("First version");
		expect((await r.read("/atom.xml", STALENESS_MS)).body).toContain("Second version");
	});

	it("costs no D1 row on a hit, one document row on a miss, and one state query per staleness period", async () => {
		const h = syncHarness();
		await h.put("a.md", fencedPost({ title: "One", date: "2026-01-01", tags: ["db"] }));
		await h.sync();
		const r = reader();

		const first = await r.read("/atom.xml", 0);
		const hit = await r.read("/atom.xml", 1_000);
		const miss = await r.read("/tags/db/atom.xml", 2_000);
		const unknown = await r.read("/tags/nothing/atom.xml", 3_000);
		const unknownAgain = await r.read("/tags/nothing/atom.xml", 4_000);

		expect(hit.rowsRead).toBe(0);
		expect(miss.rowsRead).toBe(1);
		expect(unknown.rowsRead).toBeLessThanOrEqual(1);
		expect(unknownAgain.rowsRead).toBe(0);
		// The first read checked the version too: the catalog_facts rows (version, next change) plus the document.
		expect(first.rowsRead).toBeGreaterThan(1);
	});

	it("stays within its byte bound, dropping the least recently used documents", async () => {
		const h = syncHarness();
		for (const tag of ["a", "b", "c", "d"]) await h.put(`${tag}.md`, fencedPost({ title: `Post ${tag}`, date: "2026-01-01", tags: [tag] }, "x".repeat(4_000)));
		await h.sync();
		const atomSize = (await new Documents(env.DB).get("/tags/a/atom.xml")).document!.body.length * 2;
		const r = reader(new DocumentCache({ maxBytes: Math.floor(atomSize * 2.5) }));

		for (const tag of ["a", "b", "c"]) await r.read(`/tags/${tag}/atom.xml`, 0);
		expect(r.cache.stats.bytes).toBeLessThanOrEqual(r.cache.stats.maxBytes);
		expect(r.cache.stats.entries).toBe(2);
		// "a" was dropped first: reading it again costs a row, while "c" is still a hit.
		expect((await r.read("/tags/c/atom.xml", 1)).rowsRead).toBe(0);
		expect((await r.read("/tags/a/atom.xml", 2)).rowsRead).toBe(1);
	});
});
