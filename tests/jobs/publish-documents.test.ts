import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { renderDocuments } from "../../src/feeds/publication";
import { request } from "../support/http";
import { fencedPost } from "../support/posts";
import { emptyCatalogAndBucket, syncHarness } from "../support/state";

beforeEach(() => emptyCatalogAndBucket());

async function storedDocuments(): Promise<Map<string, { body: string; etag: string; lastModified: string }>> {
	const rows = await env.DB.prepare("SELECT path, body, etag, last_modified FROM documents ORDER BY path").all<{
		path: string;
		body: string;
		etag: string;
		last_modified: string;
	}>();
	return new Map(rows.results.map((row) => [row.path, { body: row.body, etag: row.etag, lastModified: row.last_modified }]));
}

async function seedTaggedPosts(h: ReturnType<typeof syncHarness>) {
	await h.put("a.md", fencedPost({ title: "Alpha", date: "2026-01-01", tags: ["x", "y"] }));
	await h.put("b.md", fencedPost({ title: "Beta", date: "2026-01-02", tags: ["z"] }));
	await h.put("c.md", fencedPost({ title: "Gamma", date: "2026-01-03", categories: ["w"] }));
	return h.sync();
}

describe("the publish step", () => {
	it("renders every document of a new catalog, and nothing when a sync finds the bucket unchanged", async () => {
		const h = syncHarness();
		const first = await seedTaggedPosts(h);
		expect(first.publish).toMatchObject({ status: "published", remaining: 0, failures: [] });
		expect(first.publish.refs.sort()).toEqual(
			["archive:1", "author:site editors", "home", "post:a", "post:b", "post:c", "site", "tags", "term:w", "term:x", "term:y", "term:z"].sort(),
		);

		h.clock.now = new Date(h.clock.now.getTime() + 60_000);
		const unchanged = await h.sync();

		expect(unchanged.objectsRead).toBe(0);
		expect(unchanged.publish).toMatchObject({ rendered: 0, written: 0, refs: [] });
	});

	it("re-renders only the documents that contain an edited post, not every tag feed", async () => {
		const h = syncHarness();
		await seedTaggedPosts(h);
		const before = await storedDocuments();

		h.clock.now = new Date(h.clock.now.getTime() + 60_000);
		await h.put("a.md", fencedPost({ title: "Alpha, edited", date: "2026-01-01", tags: ["x", "y"] }));
		const edit = await h.sync();

		// Same terms, author, date: /tags (every term's count of visible posts) cannot change, so it is not rendered.
		expect(edit.publish.refs.sort()).toEqual(["archive:1", "author:site editors", "home", "post:a", "site", "term:x", "term:y"].sort());
		const after = await storedDocuments();
		for (const path of ["/tags/z/atom.xml", "/tags/w/rss.xml", "/posts/b"]) expect(after.get(path)).toEqual(before.get(path));
		expect(after.get("/tags/x/atom.xml")!.body).toContain("Alpha, edited");
		expect(after.get("/tags")).toEqual(before.get("/tags"));
	});

	it("renders /tags again when an edit changes a post's terms, author, date or draft flag, or breaks it", async () => {
		const h = syncHarness();
		await seedTaggedPosts(h);
		const edits = [
			fencedPost({ title: "Alpha", date: "2026-01-01", tags: ["x"] }),
			fencedPost({ title: "Alpha", date: "2026-01-01", tags: ["x", "Y2"] }),
			fencedPost({ title: "Alpha", date: "2026-01-01", tags: ["x", "Y2"], author: "Someone Else" }),
			fencedPost({ title: "Alpha", date: "2026-01-03", tags: ["x", "Y2"], author: "Someone Else" }),
			fencedPost({ title: "Alpha", date: "2026-01-03", tags: ["x", "Y2"], author: "Someone Else", draft: true }),
			"---\ntitle: [unclosed\n---\nbroken front matter\n",
		];
		for (const text of edits) {
			h.clock.now = new Date(h.clock.now.getTime() + 60_000);
			await h.put("a.md", text);
			const run = await h.sync();
			expect(run.publish.refs, text).toContain("tags");
		}
		const tags = await (await request("/tags")).text();
		expect(tags).not.toContain("Someone Else");
		expect(tags).not.toContain("Y2");
	});

	it("drops a tag's documents when its last post loses the tag, and renders the old and the new tag", async () => {
		const h = syncHarness();
		await seedTaggedPosts(h);
		await h.put("b.md", fencedPost({ title: "Beta", date: "2026-01-02", tags: ["v"] }));
		const retag = await h.sync();

		expect(retag.publish.refs).toEqual(expect.arrayContaining(["term:z", "term:v"]));
		expect((await request("/tags/z/atom.xml")).status).toBe(404);
		expect((await request("/tags/v/atom.xml")).status).toBe(200);
	});

	it("stores exactly the bytes a fresh render of the whole catalog produces, and serves them", async () => {
		const h = syncHarness();
		await seedTaggedPosts(h);
		await h.put("b.md", fencedPost({ title: "Beta, edited", date: "2026-01-02", tags: ["z", "x"] }));
		await h.remove("c.md");
		await h.sync();
		const incremental = await storedDocuments();

		// Forget every document and render the catalog from scratch.
		await env.DB.batch([env.DB.prepare("DELETE FROM documents"), env.DB.prepare("DELETE FROM catalog_facts WHERE name = 'render_settings'")]);
		expect((await h.publish()).remaining).toBe(0);
		const fresh = await storedDocuments();

		expect([...incremental.keys()]).toEqual([...fresh.keys()]);
		for (const [path, document] of fresh) {
			expect(incremental.get(path)!.body, path).toBe(document.body);
			expect(incremental.get(path)!.etag, path).toBe(document.etag);
			const served = await request(path);
			expect(await served.text(), path).toBe(document.body);
			expect(served.headers.get("ETag")).toBe(document.etag);
		}
	});

	it("keeps the last good document when one fails to render, and renders it at the next publish", async () => {
		const h = syncHarness();
		await seedTaggedPosts(h);
		const before = await storedDocuments();

		await h.put("a.md", fencedPost({ title: "Alpha, edited", date: "2026-01-01", tags: ["x", "y"] }));
		h.publishing.render = (site, input) => {
			if (input.ref === "term:x") throw new Error("renderer exploded");
			return renderDocuments(site, input);
		};
		const faulty = await h.sync();

		expect(faulty.publish.failures).toEqual([{ ref: "term:x", error: "renderer exploded" }]);
		expect(faulty.publish.remaining).toBe(1);
		const during = await storedDocuments();
		expect(during.get("/tags/x/atom.xml")).toEqual(before.get("/tags/x/atom.xml"));
		expect(during.get("/tags/y/atom.xml")!.body).toContain("Alpha, edited");
		expect(await (await request("/tags/x/atom.xml")).text()).toBe(before.get("/tags/x/atom.xml")!.body);

		h.publishing.render = undefined;
		const recovered = await h.publish();
		expect(recovered).toMatchObject({ refs: ["term:x"], remaining: 0, failures: [] });
		expect(await (await request("/tags/x/atom.xml")).text()).toContain("Alpha, edited");
	});
});

describe("the publish step's writes", () => {
	it("stores a round of more documents than one multi-row statement holds, each served as rendered", async () => {
		const h = syncHarness();
		for (let n = 0; n < 40; n++) await h.put(`p${n}.md`, fencedPost({ title: `Post ${n}`, date: `2026-01-${String(1 + (n % 28)).padStart(2, "0")}`, tags: [`t${n % 3}`] }));
		const first = await h.sync();

		expect(first.publish).toMatchObject({ status: "published", remaining: 0, failures: [] });
		const stored = await storedDocuments();
		for (let n = 0; n < 40; n++) {
			const page = stored.get(`/posts/p${n}`);
			expect(page?.body, `/posts/p${n}`).toContain(`Post ${n}`);
			expect(await (await request(`/posts/p${n}`)).text()).toBe(page!.body);
		}
	});

	it("marks a list once per commit however many of the commit's posts it shows (each repeat would be a D1 row written)", async () => {
		const h = syncHarness();
		await h.put("first.md", fencedPost({ title: "First", date: "2026-01-01", tags: ["shared"] }));
		await h.sync();
		for (let n = 0; n < 12; n++) await h.put(`p${n}.md`, fencedPost({ title: `Post ${n}`, date: "2026-01-02", tags: ["shared"] }));

		await h.syncOnly();

		const marks = await env.DB.prepare("SELECT ref, mark FROM stale_documents WHERE ref IN ('term:shared', 'site', 'home') ORDER BY ref").all<{ ref: string; mark: number }>();
		expect(marks.results).toEqual([
			{ ref: "home", mark: 1 },
			{ ref: "site", mark: 1 },
			{ ref: "term:shared", mark: 1 },
		]);
	});

	it("clears a ref only at the mark it was read at: one marked again while it renders stays stale", async () => {
		const h = syncHarness();
		await seedTaggedPosts(h);
		await h.put("a.md", fencedPost({ title: "Alpha, edited", date: "2026-01-01", tags: ["x", "y"] }));
		let marked = false;
		h.publishing.render = (site, input) => {
			// A sync commits a change to post:a while its old mark renders (once), so the round must not clear it.
			if (input.ref === "post:a" && !marked) {
				marked = true;
				void env.DB.prepare("UPDATE stale_documents SET mark = mark + 1 WHERE ref = 'post:a'").run();
			}
			return renderDocuments(site, input);
		};
		// Exactly the edit's refs (its page, two terms, author, archive page, site, home), so post:a is not taken again in this call.
		h.publishing.maxRenders = 7;
		const during = await h.sync();

		expect(during.publish.refs.filter((ref) => ref === "post:a")).toHaveLength(1);
		expect(during.publish.remaining).toBe(1);
		expect(await (await request("/posts/a")).text()).toContain("Alpha, edited");
		const others = await env.DB.prepare("SELECT ref FROM stale_documents").all<{ ref: string }>();
		expect(others.results.map((row) => row.ref)).toEqual(["post:a"]);

		h.publishing.render = undefined;
		expect(await h.publish()).toMatchObject({ refs: ["post:a"], remaining: 0 });
	});
});

describe("scheduled posts", () => {
	it("appear in every document at their time, and Last-Modified moves", async () => {
		const h = syncHarness({ now: new Date("2026-06-01T12:00:00Z") });
		await h.put("now.md", fencedPost({ title: "Already out", date: "2026-05-01", tags: ["news"] }));
		await h.put("later.md", fencedPost({ title: "Comes at one", date: "2026-06-01T13:00:00Z", tags: ["news", "future"] }));
		await h.sync();
		const paths = ["/rss.xml", "/atom.xml", "/feed.json", "/tags/news/atom.xml", "/tags/news", "/"];
		const before = await storedDocuments();
		for (const path of paths) expect(before.get(path)!.body, path).not.toContain("Comes at one");
		expect(before.has("/posts/later")).toBe(false);
		expect(before.has("/tags/future/atom.xml")).toBe(false);
		expect(before.get("/tags")!.body).not.toContain("future");
		const due = await env.DB.prepare("SELECT value FROM catalog_facts WHERE name = 'next_visibility_change'").first<{ value: string }>();
		expect(due?.value).toBe("2026-06-01T13:00:00.000Z");

		h.clock.now = new Date("2026-06-01T12:59:59Z");
		expect((await h.publish()).rendered).toBe(0);

		h.clock.now = new Date("2026-06-01T13:00:00Z");
		const onTime = await h.publish();

		expect(onTime.refs).toEqual(expect.arrayContaining(["site", "term:news", "term:future", "post:later", "home", "tags"]));
		const after = await storedDocuments();
		for (const path of [...paths, "/posts/later", "/tags/future/atom.xml"]) {
			expect(after.get(path)!.body, path).toContain("Comes at one");
			expect(after.get(path)!.lastModified, path).toBe("2026-06-01T13:00:00.000Z");
		}
		expect(after.get("/tags")!.body).toContain("/tags/future");
		expect(after.get("/tags")!.lastModified).toBe("2026-06-01T13:00:00.000Z");
		const nextDue = await env.DB.prepare("SELECT value FROM catalog_facts WHERE name = 'next_visibility_change'").first();
		expect(nextDue).toBeNull();
	});

	it("are published by the first request after their time, with no sync", async () => {
		const h = syncHarness({ now: new Date() });
		const soon = new Date(Date.now() + 1_500);
		await h.put("soon.md", fencedPost({ title: "Out in a moment", date: soon.toISOString(), tags: ["soon"] }));
		await h.sync();
		const early = await request("/atom.xml");
		expect(await early.text()).not.toContain("Out in a moment");

		await new Promise((resolve) => setTimeout(resolve, Math.max(0, soon.getTime() - Date.now()) + 100));
		const late = await request("/atom.xml");

		expect(await late.text()).toContain("Out in a moment");
		expect(Date.parse(late.headers.get("Last-Modified")!)).toBeGreaterThan(Date.parse(early.headers.get("Last-Modified")!));
		expect((await request("/tags/soon/rss.xml")).status).toBe(200);
	});
});

describe("the archive order", () => {
	it("pages the home page: the newest posts on /, the rest on archive pages a new post never shifts", async () => {
		const h = syncHarness();
		for (let day = 1; day <= 60; day += 1) {
			await h.put(`p${day}.md`, fencedPost({ title: `Post ${day}`, date: `2026-03-${String(((day - 1) % 28) + 1).padStart(2, "0")}T${String(Math.floor((day - 1) / 28)).padStart(2, "0")}:00:00Z` }));
		}
		await h.sync();
		const home = await (await request("/")).text();
		expect(home.match(/<li>/g)).toHaveLength(50);
		expect(home).toContain('href="http://127.0.0.1:8787/archive/2"');
		const pageOne = await request("/archive/1");
		expect(pageOne.status).toBe(200);
		expect((await pageOne.text()).match(/<li>/g)).toHaveLength(50);
		const pageOneEtag = pageOne.headers.get("ETag");

		await h.put("new.md", fencedPost({ title: "Newest", date: "2026-04-01" }));
		await h.sync();

		expect((await request("/archive/1")).headers.get("ETag")).toBe(pageOneEtag);
		expect(await (await request("/archive/2")).text()).toContain("Newest");
	});
});
