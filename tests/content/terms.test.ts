import { describe, expect, it } from "vitest";
import { normalizeTerm, postTermRows, termFromSegment, termSegment } from "../../src/content/terms";

describe("term normalisation", () => {
	it.each([
		["Rust", "rust"],
		["  Two   Words ", "two words"],
		["C++", "c++"],
		["a/b", "a/b"],
		["e\u0301te\u0301", "été"],
		["ÉTÉ", "été"],
	])("matches %j as %j", (term, normalized) => {
		expect(normalizeTerm(term)).toBe(normalized);
	});

	it.each([["", "empty"], ["   ", "blank"], ["a\u0000b", "NUL"], ["a\nb", "newline"], ["a\u0085b", "C1 control"], ["x".repeat(101), "over-long"]])(
		"gives %j (%s) no feed",
		(term) => {
			expect(normalizeTerm(term)).toBeUndefined();
		},
	);

	it("round-trips every term through its URL segment", () => {
		for (const term of ["c++", "a/b", "two words", "été", "50%", "q?&#"]) {
			expect(termFromSegment(termSegment(term))).toBe(term);
		}
		expect(termSegment("c++")).toBe("c%2B%2B");
		expect(termSegment("a/b")).toBe("a%2Fb");
	});

	it("keeps one row per kind and normalised term, as the post wrote it first", () => {
		expect(postTermRows({ tags: ["Rust", "rust", "C++"], categories: ["rust"] })).toEqual([
			{ kind: "tag", term: "Rust", normalized: "rust" },
			{ kind: "tag", term: "C++", normalized: "c++" },
			{ kind: "category", term: "rust", normalized: "rust" },
		]);
	});
});
