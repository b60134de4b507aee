import { describe, expect, it } from "vitest";
import { fenced, fenceless, minimal, parseError, parseOk } from "./builders";

describe("zero-width characters in single-line fields", () => {
	it("removes U+FEFF inside a title instead of turning it into a visible space", () => {
		const post = parseOk(fenced(["title: \"Zero\uFEFFwidth \uFEFF title\"", "date: 2026-05-01", "tags: [\"re\uFEFFplication\"]"]));
		expect(post.title).toBe("Zerowidth title");
		expect(post.tags).toEqual(["replication"]);
	});

	it.each([
		["U+200B zero-width space", "\u200B"],
		["U+200C zero-width non-joiner", "\u200C"],
		["U+200D zero-width joiner", "\u200D"],
		["U+2060 word joiner", "\u2060"],
	])("keeps a %s, invisible, never a space", (_name, char) => {
		const post = parseOk(fenced([`title: "a${char}b"`, "date: 2026-05-01"]));
		expect(post.title).toBe(`a${char}b`);
		expect(post.title).not.toContain(" ");
	});
});

describe("dates before 1990 and zero dates", () => {
	it.each([
		["1969-07-20 20:17:40+00:00", "1969-07-20T20:17:40.000Z"],
		["1899-12-31", "1899-12-31T00:00:00.000Z"],
		["1066-10-14", "1066-10-14T00:00:00.000Z"],
		["0002-01-01", "0002-01-01T00:00:00.000Z"],
	])("keeps the historical date %s", (date, expected) => {
		expect(parseOk(fenced(["title: A post", `date: ${date}`])).published).toBe(expected);
	});

	it.each([
		["Hugo's / Go's zero time", "0001-01-01T00:00:00Z"],
		["Go's zero time as Go prints it", "0001-01-01 00:00:00 +0000 UTC"],
		[".NET's DateTime.MinValue", "0001-01-01T00:00:00"],
		["a zero date alone", "0001-01-01"],
		["MySQL's / WordPress's zero date", "0000-00-00 00:00:00"],
		["a date in year 0", "0000-01-01"],
	])("refuses %s as a missing date, with the reason", (_name, date) => {
		expect(parseError(fenced(["title: A post", `date: "${date}"`]))).toBe(
			`date is missing: ${JSON.stringify(date)} is the "no date" placeholder other tools write (Hugo/Go, .NET, MySQL); give the post its real date`,
		);
	});

	it("refuses a zero date in TOML and in fence-less front matter too", () => {
		expect(parseError("+++\ntitle = 'A post'\ndate = 0001-01-01T00:00:00Z\n+++\nBody\n")).toMatch(/^date is missing: "0001-01-01T00:00:00.000Z" is the "no date" placeholder/);
		expect(parseError(fenceless(["Title: A post", "Date: 0000-00-00"]))).toMatch(/^date is missing: "0000-00-00" is the "no date" placeholder/);
	});

	it("takes the date when publishDate is a zero date", () => {
		expect(parseOk(fenced(minimal("publishDate: 0001-01-01T00:00:00Z"))).published).toBe("2026-05-01T12:00:00.000Z");
	});

	it.each(["lastmod", "updated", "modified"])("ignores a zero %s", (field) => {
		expect(parseOk(fenced(minimal(`${field}: 0001-01-01T00:00:00Z`))).updated).toBe("2026-05-01T12:00:00.000Z");
	});
});
