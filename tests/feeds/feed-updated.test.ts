import { describe, expect, it } from "vitest";
import { feedUpdated } from "../../src/feeds";
import { buildPost } from "./builders";

describe("feedUpdated", () => {
	it("picks the newest updated date whatever the order of the posts", () => {
		const posts = [
			buildPost({ slug: "a", published: "2026-05-01T00:00:00Z", updated: "2026-05-01T00:00:00Z" }),
			buildPost({ slug: "b", published: "2026-01-01T00:00:00Z", updated: "2026-06-15T12:00:00Z" }),
			buildPost({ slug: "c", published: "2026-03-01T00:00:00Z", updated: "2026-03-01T00:00:00Z" }),
		];

		expect(feedUpdated(posts)).toBe("2026-06-15T12:00:00Z");
		expect(feedUpdated([...posts].reverse())).toBe("2026-06-15T12:00:00Z");
	});

	it("compares instants, not strings", () => {
		const posts = [buildPost({ slug: "a", updated: "2026-06-15T12:00:00.500Z" }), buildPost({ slug: "b", updated: "2026-06-15T12:00:01Z" })];

		expect(feedUpdated(posts)).toBe("2026-06-15T12:00:01Z");
	});

	it("has no date for no posts", () => {
		expect(feedUpdated([])).toBeUndefined();
	});

	it("refuses a date it cannot read instead of rendering a wrong one", () => {
		expect(() => feedUpdated([buildPost({ updated: "last Tuesday" })])).toThrow(RangeError);
	});
});
