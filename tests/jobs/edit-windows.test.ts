import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { Catalog } from "../../src/storage/catalog";
import { d1RowsCounter } from "../support/d1-rows";
import { fencedPost } from "../support/posts";
import { emptyCatalogAndBucket, syncHarness } from "../support/state";

beforeEach(() => emptyCatalogAndBucket());

/** Posts listed by home and by a label's page (HTML_LIST_LENGTH); FEED_ITEM_COUNT is 20 here, so that is the window. */
const WINDOW = 50;
const COUNT = 60;

const day = (n: number) => new Date(Date.UTC(2025, 0, n)).toISOString().slice(0, 10);
const post = (n: number, title = `Post ${n}`) => fencedPost({ title, date: day(n), tags: ["db"] }, `Body of ${title}.\n`);

/** COUNT posts tagged "db", one a day (post n is the n-th oldest), synced and published. */
async function catalogOfTaggedPosts() {
	const h = syncHarness();
	for (let n = 1; n <= COUNT; n++) await h.put(`p${n}.md`, post(n));
	await h.sync();
	return h;
}

async function documentBodies(paths: string[]): Promise<(string | undefined)[]> {
	return Promise.all(paths.map(async (path) => (await env.DB.prepare("SELECT body FROM documents WHERE path = ?1").bind(path).first<{ body: string }>())?.body));
}

async function edit(h: Awaited<ReturnType<typeof catalogOfTaggedPosts>>, edits: number[]) {
	h.clock.now = new Date(h.clock.now.getTime() + 60_000);
	for (const n of edits) await h.put(`p${n}.md`, post(n, `Post ${n}, revised`));
	const run = await h.sync();
	expect(run.changes).toBe(edits.length);
	return run.publish.refs.sort();
}

describe("an edit of a post's text", () => {
	it("outside every list re-renders only its own page and its archive page", async () => {
		const h = await catalogOfTaggedPosts();
		const lists = ["/", "/tags/db", "/tags/db/atom.xml", "/atom.xml", "/authors/site%20editors"];
		const before = await documentBodies(lists);

		expect(await edit(h, [1])).toEqual(["archive:1", "post:p1"]);
		expect(await documentBodies(lists)).toEqual(before);
		const [page, archive] = await documentBodies(["/posts/p1", "/archive/1/atom.xml"]);
		expect(page).toContain("Post 1, revised");
		expect(archive).toContain("Post 1, revised");
	});

	it("re-renders every list that shows the post, up to the last place of the window", async () => {
		const h = await catalogOfTaggedPosts();
		const oldestListed = COUNT - WINDOW + 1;

		expect(await edit(h, [oldestListed])).toEqual(["archive:1", "author:site editors", "home", `post:p${oldestListed}`, "term:db"]);
		expect((await documentBodies(["/tags/db"]))[0]).toContain(`Post ${oldestListed}, revised`);
		expect(await edit(h, [oldestListed - 1])).toEqual(["archive:1", `post:p${oldestListed - 1}`]);
		// The newest is in the site feeds too (after the feed archives' end).
		expect(await edit(h, [COUNT])).toEqual(["archive:2", "author:site editors", "home", `post:p${COUNT}`, "site", "term:db"]);
		expect((await documentBodies(["/atom.xml"]))[0]).toContain(`Post ${COUNT}, revised`);
	});

	it("decides with a few rows per list, walking each list only to its last place", async () => {
		const h = await catalogOfTaggedPosts();
		const counter = d1RowsCounter(env.DB);
		h.deps.catalog = new Catalog(counter.db, h.catalog.archivePageSize, 20);

		expect(await edit(h, [1])).toEqual(["archive:1", "post:p1"]);
		// 645 here; a correlated IN (…) in place of the EXISTS read 12,445 (each walked post listed the label again).
		expect(counter.read).toBeLessThan(1_000);
	});

	it("marks every list of its posts when a commit holds more edits than are worth checking one by one", async () => {
		const h = await catalogOfTaggedPosts();
		const refs = await edit(h, Array.from({ length: 21 }, (_, index) => index + 1));

		expect(refs).toEqual(expect.arrayContaining(["author:site editors", "home", "site", "term:db", "archive:1"]));
		expect(refs).not.toContain("tags");
	});
});
