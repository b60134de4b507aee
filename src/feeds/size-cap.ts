import type { Post } from "../content/post";

/** A feed document under the size cap, and how many of the given posts it holds. */
export interface FittedFeed {
	body: string;
	entries: number;
}

/** Raised when even summaries alone do not fit and no entry may leave (an archive page): the ref keeps its last good documents. */
export class FeedTooLarge extends Error {
	override readonly name = "FeedTooLarge";
}

const encoder = new TextEncoder();

/**
 * Whether `text` is at most `maxBytes` in UTF-8. A UTF-16 code unit is at most three UTF-8 bytes, so a document
 * under a third of the cap is not encoded at all: encoding a 220 KB archive feed only to count it was a fifth of
 * an archive page's render time.
 */
const fitsIn = (text: string, maxBytes: number) => text.length * 3 <= maxBytes || byteLength(text) <= maxBytes;
const byteLength = (text: string) => encoder.encode(text).length;

/**
 * Renders `posts` (the first are kept longest: newest first) into at most `maxBytes` (FEED_MAX_BYTES): first the
 * last entries lose their full content and keep their summary, then, when `mayDrop`, the last entries are left
 * out (the site feed's move to the archives, a term feed's to the site archives). At least one entry is kept.
 * Sizes grow with each entry and each full content, so each step is a binary search over whole renders.
 */
export function fitUnderCap(render: (posts: readonly Post[]) => string, posts: readonly Post[], maxBytes: number, mayDrop: boolean): FittedFeed {
	const full = render(posts);
	if (fitsIn(full, maxBytes)) return { body: full, entries: posts.length };
	let kept = posts;
	if (mayDrop && !fitsIn(render(withoutContent(posts, 0)), maxBytes)) {
		// The most entries that fit with summaries only.
		const most = largest(1, posts.length - 1, (count) => fitsIn(render(withoutContent(posts.slice(0, count), 0)), maxBytes));
		kept = posts.slice(0, most);
	}
	// The most entries that keep their full content, counted from the newest.
	const withContent = largest(0, kept.length - 1, (count) => fitsIn(render(withoutContent(kept, count)), maxBytes));
	const body = render(withoutContent(kept, withContent));
	if (!fitsIn(body, maxBytes)) {
		throw new FeedTooLarge(`${byteLength(body)} bytes with summaries only for ${kept.length} entries, over FEED_MAX_BYTES (${maxBytes})`);
	}
	return { body, entries: kept.length };
}

/** The posts with every entry after the first `keepContent` reduced to its summary. */
function withoutContent(posts: readonly Post[], keepContent: number): Post[] {
	return posts.map((post, index) => (index < keepContent || post.contentHtml === "" ? post : { ...post, contentHtml: "" }));
}

/** The largest n in [low, high] with fits(n), assuming fits is true up to some n and false after; low when none fits. */
function largest(low: number, high: number, fits: (n: number) => boolean): number {
	let best = low;
	while (low <= high) {
		const middle = Math.floor((low + high) / 2);
		if (fits(middle)) {
			best = middle;
			low = middle + 1;
		} else high = middle - 1;
	}
	return best;
}
