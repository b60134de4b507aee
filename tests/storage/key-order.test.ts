import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { normalizeEtag } from "../../src/storage/object-store";
import { byCodePoint } from "../../src/storage/sync-job";

const encoder = new TextEncoder();

/** How R2, S3 and SQLite order keys: by their UTF-8 bytes. */
function byUtf8Bytes(a: string, b: string): number {
	const left = encoder.encode(a);
	const right = encoder.encode(b);
	for (let at = 0; at < Math.min(left.length, right.length); at++) if (left[at] !== right[at]) return left[at]! - right[at]!;
	return left.length - right.length;
}

/** Code points around the places where UTF-16 order and UTF-8 order part: the surrogates and U+E000 up. */
const unit = fc.constantFrom("a", "z", "/", "-", "é", "\u07FF", "\u0800", "\uD7FF", "\uE000", "\uFB01", "\uFFFD", "\uFFFF", "\u{10000}", "\u{1F600}", "\u{10FFFF}");
const key = fc.oneof(fc.array(unit, { maxLength: 8 }).map((units) => units.join("")), fc.string({ unit: "grapheme", maxLength: 12 }));

describe("listed keys in store order", () => {
	it("orders keys by UTF-8 bytes, astral characters after U+E000–FFFF, as R2 and S3 list them", () => {
		fc.assert(
			fc.property(key, key, (a, b) => {
				expect(Math.sign(byCodePoint(a, b))).toBe(Math.sign(byUtf8Bytes(a, b)));
			}),
			{ numRuns: 5000 },
		);
		expect(byCodePoint("posts/\uFFFF", "posts/\u{1F600}")).toBeLessThan(0);
		expect("posts/\uFFFF" < "posts/\u{1F600}").toBe(false);
	});

	it("reads an ETag bare, quoted or weak alike", () => {
		for (const etag of ["abc123", '"abc123"', 'W/"abc123"']) expect(normalizeEtag(etag)).toBe("abc123");
		expect(normalizeEtag("Wabc")).toBe("Wabc");
	});
});
