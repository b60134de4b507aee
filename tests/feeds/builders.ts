import type { Author, Post } from "../../src/content/post";
import type { FeedChannel } from "../../src/feeds";

/** A fresh, plain post; each test overrides what it is about. */
export function buildPost(overrides: Partial<Post> = {}): Post {
	const slug = overrides.slug ?? "replication-lag";
	return {
		key: `posts/${slug}.md`,
		etag: "etag-1",
		id: `tag:pressroom.example,2026:posts/${slug}`,
		slug,
		url: `https://blog.example/posts/${slug}`,
		title: "Replication lag",
		published: "2026-03-01T09:00:00.000Z",
		updated: "2026-03-02T10:30:00.000Z",
		authors: [buildAuthor()],
		tags: ["databases"],
		categories: ["notes"],
		summary: "Why replicas fall behind.",
		contentHtml: '<p>Replicas fall behind. <a href="https://blog.example/posts/wal">Read about the WAL</a>.</p>',
		draft: false,
		aliases: [],
		...overrides,
	};
}

export function buildAuthor(overrides: Partial<Author> = {}): Author {
	return { name: "Ada Writer", email: "ada@blog.example", url: "https://blog.example/about/ada", ...overrides };
}

/** A fresh channel whose four self links are all different, so a test can tell them apart. */
export function buildChannel(overrides: Partial<FeedChannel> = {}): FeedChannel {
	return {
		id: "tag:blog.example,2026:feed",
		title: "Pressroom Test Journal",
		description: "Notes on databases.",
		siteUrl: "https://blog.example",
		language: "en",
		author: { name: "Pressroom Editors", email: "editors@blog.example" },
		hubs: [],
		links: {
			rss: "https://blog.example/feed.rss",
			atom: "https://blog.example/feed.atom",
			json: "https://blog.example/feed.json",
			html: "https://blog.example",
		},
		...overrides,
	};
}

/** Every character XML 1.0 forbids, one of each kind, around a valid astral character that must survive. */
export const FORBIDDEN_SAMPLE = "a\u0000b\u0008c\u000Bd\u000Ce\u001Ff\uFFFEg\uFFFFh\uD800i\uDC00j\u{1F600}k";
export const FORBIDDEN_SAMPLE_CLEANED = "abcdefghij\u{1F600}k";
