import { Buffer } from "node:buffer";
import { deflateRawSync, inflateRawSync } from "node:zlib";
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import type { Post } from "../../src/content/post";
import { type PostRow, packPost, postColumns, unpackPost } from "../../src/storage/post-content";
import { generatePost } from "../../scripts/bench/posts.mjs";
import { fencedPost } from "../support/posts";
import { emptyCatalogAndBucket, syncHarness } from "../support/state";

beforeEach(() => emptyCatalogAndBucket());

const T0 = new Date("2026-06-01T12:00:00Z");
const BODY = `Café, naïve, 日本語 and 🎉.\n\n${"A paragraph about replication and its lag. ".repeat(40)}\n\n- one\n- two\n`;
/** A packed column as postColumns reads it: `*` and the BLOB's hex. */
const inflated = (column: string) => {
	expect(column.startsWith("*")).toBe(true);
	return inflateRawSync(Buffer.from(column.slice(1), "hex")).toString("utf8");
};


// Rows as migrations/0019 and the code before it wrote them: each must read and publish as a packed row does.
const OLDER_FORMATS: [string, (post: Post) => [string, string | null]][] = [
	["0019's (every field as JSON text, the content apart as base64 text)", ({ contentHtml, ...listed }) => [JSON.stringify(listed), Buffer.from(deflateRawSync(Buffer.from(contentHtml))).toString("base64")]],
	["the first (every field and the content in the JSON text)", (post) => [JSON.stringify(post), null]],
];

describe("a post's row", () => {
	it("keeps only the fields its columns do not hold, compressed, and its content apart, and gives the same post back", async () => {
		await env.POSTS.put("posts/one.md", fencedPost({ title: "One", date: "2026-01-01", tags: ["db"] }, BODY));
		const h = syncHarness({ now: T0 });
		await h.sync();
		const [post] = await h.visible();

		const row = await env.DB.prepare(`SELECT ${postColumns()}, typeof(post) AS post_type, typeof(content) AS content_type FROM posts`).first<
			PostRow & { post: string; content: string; post_type: string; content_type: string }
		>();
		expect([row!.post_type, row!.content_type]).toEqual(["blob", "blob"]);
		const fields = JSON.parse(inflated(row!.post)) as Record<string, unknown>;
		for (const repeated of ["key", "etag", "id", "slug", "published", "updated", "draft", "contentHtml"]) expect(fields).not.toHaveProperty(repeated);
		expect(fields.title).toBe("One");
		expect(inflated(row!.content)).toBe(post!.contentHtml);
		expect(post!.contentHtml).toContain("日本語 and 🎉");
		// Hex, two characters a byte, on the way out of D1 only.
		expect((row!.content.length - 1) / 2).toBeLessThan(new TextEncoder().encode(post!.contentHtml).length / 2);
		expect(unpackPost(row!)).toEqual(post);
		// A list reads the fields alone: no content comes with it.
		const [listed] = await h.catalog.listedPosts({ now: T0, limit: 10 });
		expect(listed).not.toHaveProperty("contentHtml");
		expect(listed).toEqual({ ...post, contentHtml: undefined });
	});

	it("of the bench's size (about 3 KB of HTML) shares a 4 KB page with another, where 0019's row took a page alone", async () => {
		const generated = Array.from({ length: 40 }, (_, index) => generatePost(index, { count: 10_000 })).filter((post) => post.kind === "post");
		for (const post of generated) await env.POSTS.put(post.key, post.text);
		const h = syncHarness({ now: new Date(Date.UTC(2026, 10, 1)) });
		await h.sync();
		// The values SQLite stores for a row (its record adds a header of a few bytes), now and as 0019 stored them.
		const columns = "length(key) + length(etag) + length(id) + length(slug) + length(published_at) + length(updated_at) + length(changed_at)";
		const rows = await env.DB.prepare(`SELECT ${postColumns()}, ${columns} AS column_bytes, length(post) + length(content) AS packed_bytes FROM posts`).all<
			PostRow & { column_bytes: number; packed_bytes: number }
		>();
		expect(rows.results.length).toBe(generated.length);
		const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
		const now = mean(rows.results.map((row) => row.column_bytes + row.packed_bytes));
		const before = mean(rows.results.map((row) => row.column_bytes + OLDER_FORMATS[0]![1](unpackPost(row)).reduce((sum, value) => sum + (value?.length ?? 0), 0)));
		// Half a 4 KB page less the page header, two cell pointers and two cell headers: 2,030 bytes of values.
		expect(before).toBeGreaterThan(2_030);
		expect(now).toBeLessThan(1_950);
	});

	for (const [name, format] of OLDER_FORMATS) {
		it(`written in the format ${name} is read and published as before`, async () => {
			await env.POSTS.put("posts/one.md", fencedPost({ title: "One", date: "2026-01-01", tags: ["db"] }, BODY));
			await env.POSTS.put("posts/two.md", fencedPost({ title: "Two", date: "2026-01-02", tags: ["db"], author: "Ines Okafor" }, "Second.\n"));
			const h = syncHarness({ now: T0, site: { archivePageSize: 1 } });
			await h.sync();
			const documents = async () => {
				const rows = await env.DB.prepare("SELECT path, etag, body FROM documents ORDER BY path").all<{ path: string; etag: string; body: string }>();
				return rows.results;
			};
			const packed = await documents();
			const posts = await h.visible();

			const rows = await env.DB.prepare(`SELECT ${postColumns()} FROM posts`).all<PostRow>();
			await env.DB.batch(
				rows.results.map((row) => env.DB.prepare("UPDATE posts SET post = ?2, content = ?3 WHERE key = ?1").bind(row.key, ...format(unpackPost(row)))),
			);
			expect(await h.visible()).toEqual(posts);
			await env.DB.prepare("DELETE FROM documents").run();
			await env.DB.batch(h.catalog.markEverythingStale(T0));
			await h.publish();

			expect(await documents()).toEqual(packed);
			expect(packed.find((document) => document.path === "/atom.xml")!.body).toContain("日本語 and 🎉");
		});
	}

	it("packs and unpacks to the same post without the database", () => {
		const post: Post = {
			key: "posts/one.md",
			etag: "e1",
			id: "tag:example.org,2026:one",
			slug: "one",
			url: "https://blog.example/posts/one",
			title: "One",
			published: "2026-01-01T00:00:00.000Z",
			updated: "2026-01-02T00:00:00.000Z",
			authors: [{ name: "Ines" }],
			tags: ["db"],
			categories: [],
			summary: "One.",
			contentHtml: "<p>One, naïve 🎉</p>",
			draft: true,
			aliases: ["/old/one"],
			media: ["posts/one.png"],
		};
		const packed = packPost(post);
		const columns = { key: post.key, etag: post.etag, id: post.id, slug: post.slug, published_at: post.published, updated_at: post.updated, draft: 1 };
		expect(unpackPost({ ...columns, post: `*${packed.fieldsHex}`, content: `*${packed.contentHex}` })).toEqual(post);
		// As D1 returns a BLOB selected bare: an array of numbers.
		const bare = (hex: string) => Array.from(Buffer.from(hex, "hex"));
		expect(unpackPost({ ...columns, post: bare(packed.fieldsHex), content: bare(packed.contentHex) })).toEqual(post);
		expect(JSON.parse(packed.json)).toEqual({ ...post, contentHtml: undefined });
	});
});
