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

	it("measures UTF-8 bytes, not characters, near the cap: three-byte text over it is cut, ASCII text just under it is kept whole", () => {
		const wide = Array.from({ length: 10 }, (_, index) => buildPost({ slug: `wide-${index}`, id: `tag:blog.example,2026:wide-${index}`, title: `Wide ${index}`, contentHtml: `<p>${"€".repeat(3_000)}</p>` }));
		const wideRender = (some: readonly (typeof wide)[number][]) => renderAtom(buildChannel(), some);
		const full = wideRender(wide);
		// Under the cap in characters, over it in bytes (each € is three).
		const cap = full.length + 1_000;
		expect(bytes(full)).toBeGreaterThan(cap);
		const cut = fitUnderCap(wideRender, wide, cap, true);
		expect(bytes(cut.body)).toBeLessThanOrEqual(cap);
		expect(cut.body).not.toBe(full);
		// ASCII: bytes equal characters, and a cap of exactly that many bytes (under three per character) keeps it all.
		const ascii = render(posts);
		expect(fitUnderCap(render, posts, bytes(ascii), true)).toEqual({ body: ascii, entries: posts.length });
		expect(fitUnderCap(render, posts, bytes(ascii) - 1, true).body).not.toBe(ascii);
	});
});
