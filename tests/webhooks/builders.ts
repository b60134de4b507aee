import type { Post } from "../../src/content/post";

/** A complete, valid post; each test overrides what it is about. */
export function buildPost(overrides: Partial<Post> = {}): Post {
	return {
		key: "posts/replication-lag.md",
		etag: '"3f2a"',
		id: "tag:pressroom.example,2026:replication-lag",
		slug: "replication-lag",
		url: "https://blog.example/posts/replication-lag",
		title: "Measuring replication lag",
		published: "2026-03-01T09:00:00.000Z",
		updated: "2026-03-02T10:30:00.000Z",
		authors: [{ name: "Ada Example", email: "ada@example.org", url: "https://ada.example" }],
		tags: ["postgres", "replication"],
		categories: ["Databases"],
		summary: "How far behind is the replica?",
		contentHtml: '<p>How far behind is the replica? <a href="https://blog.example/posts/wal">WAL</a></p>',
		draft: false,
		aliases: [],
		...overrides,
	};
}

/** Unix seconds for "now" as the reference receiver sees it (it refuses timestamps more than 5 min off). */
export function nowSeconds(): number {
	return Math.floor(Date.now() / 1000);
}
