import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import type { Post } from "../../src/content/post";
import { packPost, unpackPost } from "../../src/storage/post-content";
import { fencedPost } from "../support/posts";
import { emptyCatalogAndBucket, syncHarness } from "../support/state";

beforeEach(() => emptyCatalogAndBucket());

const T0 = new Date("2026-06-01T12:00:00Z");
const BODY = `Café, naïve, 日本語 and 🎉.\n\n${"A paragraph about replication and its lag. ".repeat(40)}\n\n- one\n- two\n`;

describe("a post's row", () => {
	it("keeps the content apart from the JSON, compressed, and gives the same post back", async () => {
		await env.POSTS.put("posts/one.md", fencedPost({ title: "One", date: "2026-01-01", tags: ["db"] }, BODY));
		const h = syncHarness({ now: T0 });
		await h.sync();
		const [post] = await h.visible();

		const row = await env.DB.prepare("SELECT post, content FROM posts").first<{ post: string; content: string }>();
		expect(JSON.parse(row!.post)).not.toHaveProperty("contentHtml");
		expect(post!.contentHtml).toContain("日本語 and 🎉");
		expect(row!.content.length).toBeLessThan(new TextEncoder().encode(post!.contentHtml).length / 2);
		expect(unpackPost<Post>(row!.post, row!.content)).toEqual(post);
		expect(unpackPost<Post>(packPost(post!).json, packPost(post!).content)).toEqual(post);
		// A list reads the JSON alone: no content comes with it.
		const [listed] = await h.catalog.listedPosts({ now: T0, limit: 10 });
		expect(listed).not.toHaveProperty("contentHtml");
		expect(listed!.title).toBe("One");
	});

	it("written before the content column (content in the JSON) is read and published as before", async () => {
		await env.POSTS.put("posts/one.md", fencedPost({ title: "One", date: "2026-01-01", tags: ["db"] }, BODY));
		await env.POSTS.put("posts/two.md", fencedPost({ title: "Two", date: "2026-01-02", tags: ["db"] }, "Second.\n"));
		const h = syncHarness({ now: T0, site: { archivePageSize: 1 } });
		await h.sync();
		const documents = async () => {
			const rows = await env.DB.prepare("SELECT path, etag, body FROM documents ORDER BY path").all<{ path: string; etag: string; body: string }>();
			return rows.results;
		};
		const packed = await documents();

		// As migrations/0019 found them: the content inside the JSON, no content column.
		const rows = await env.DB.prepare("SELECT key, post, content FROM posts").all<{ key: string; post: string; content: string }>();
		await env.DB.batch(
			rows.results.map((row) =>
				env.DB.prepare("UPDATE posts SET post = ?2, content = NULL WHERE key = ?1").bind(row.key, JSON.stringify(unpackPost<Post>(row.post, row.content))),
			),
		);
		await env.DB.prepare("DELETE FROM documents").run();
		await env.DB.batch(h.catalog.markEverythingStale(T0));
		await h.publish();

		expect(await documents()).toEqual(packed);
		expect(packed.find((document) => document.path === "/atom.xml")!.body).toContain("日本語 and 🎉");
	});
});
