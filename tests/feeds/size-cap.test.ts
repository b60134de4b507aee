import { describe, expect, it } from "vitest";
import { renderAtom } from "../../src/feeds";
import { FeedTooLarge, fitUnderCap } from "../../src/feeds/size-cap";
import { buildChannel, buildPost } from "./builders";

const bytes = (text: string) => new TextEncoder().encode(text).length;
const posts = Array.from({ length: 40 }, (_, index) =>
	buildPost({ slug: `post-${index}`, id: `tag:blog.example,2026:post-${index}`, title: `Post ${index}`, contentHtml: `<p>${"x".repeat(5_000)}</p>` }),
);
const render = (some: readonly (typeof posts)[number][]) => renderAtom(buildChannel(), some);

describe("fitUnderCap (FEED_MAX_BYTES)", () => {
	it("renders once and keeps everything when the feed fits", () => {
		const fitted = fitUnderCap(render, posts, 10_000_000, true);
		expect(fitted).toEqual({ body: render(posts), entries: posts.length });
	});

	it("takes the content off the last entries first, keeping the most full entries that fit", () => {
		const cap = bytes(render(posts)) / 2;
		const fitted = fitUnderCap(render, posts, cap, true);
		expect(fitted.entries).toBe(posts.length);
		expect(bytes(fitted.body)).toBeLessThanOrEqual(cap);
		const full = (fitted.body.match(/<content /g) ?? []).length;
		expect(full).toBeGreaterThan(0);
		// One more full entry would not fit.
		const oneMore = posts.map((post, index) => (index <= full ? post : { ...post, contentHtml: "" }));
		expect(bytes(render(oneMore))).toBeGreaterThan(cap);
	});

	it("leaves out the last entries once summaries alone do not fit, and refuses when entries may not leave", () => {
		const summariesOnly = render(posts.map((post) => ({ ...post, contentHtml: "" })));
		const cap = bytes(summariesOnly) - 100;
		const fitted = fitUnderCap(render, posts, cap, true);
		expect(fitted.entries).toBe(posts.length - 1);
		expect(bytes(fitted.body)).toBeLessThanOrEqual(cap);
		expect(() => fitUnderCap(render, posts, cap, false)).toThrow(FeedTooLarge);
	});
});
