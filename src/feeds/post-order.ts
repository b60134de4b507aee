import type { Post } from "../content/post";
import { parseIsoDate } from "./dates";

/** Newest first by `published`, ties by id: the same posts always render in the same order, whatever order they came in. */
export function newestFirst(posts: readonly Post[]): Post[] {
	return posts
		.map((post) => ({ post, published: parseIsoDate(post.published) }))
		.sort((a, b) => b.published - a.published || compareStrings(a.post.id, b.post.id))
		.map(({ post }) => post);
}

/**
 * The newest `updated` among the posts, as written on that post; undefined for no posts.
 * A feed's own date moves only when a post changes, never on a rebuild (jekyll-feed #90).
 */
export function feedUpdated(posts: readonly Post[]): string | undefined {
	let newest: { iso: string; time: number } | undefined;
	for (const post of newestFirst(posts)) {
		const time = parseIsoDate(post.updated);
		if (newest === undefined || time > newest.time) newest = { iso: post.updated, time };
	}
	return newest?.iso;
}

/** Code-unit order, independent of the runtime's locale. */
function compareStrings(a: string, b: string): number {
	return a < b ? -1 : a > b ? 1 : 0;
}
