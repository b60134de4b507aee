import { describe, expect, it } from "vitest";
import { fenced, fenceless, parseError, parseOk } from "./builders";

function published(date: string, timeZone: string): string {
	return parseOk(fenced(["title: A post", `date: ${date}`]), { settings: { timeZone } }).published;
}

describe("publication dates", () => {
	it.each([
		["2026-05-01 12:00:00", "UTC", "2026-05-01T12:00:00.000Z"],
		["2026-01-15 09:30:00", "America/New_York", "2026-01-15T14:30:00.000Z"],
		["2026-07-15 09:30:00", "America/New_York", "2026-07-15T13:30:00.000Z"],
		["2026-03-08 01:59:59", "America/New_York", "2026-03-08T06:59:59.000Z"],
		["2026-03-08 03:00:00", "America/New_York", "2026-03-08T07:00:00.000Z"],
		["2026-11-01 00:59:00", "America/New_York", "2026-11-01T04:59:00.000Z"],
		["2026-11-01 02:00:00", "America/New_York", "2026-11-01T07:00:00.000Z"],
		["2026-05-01 09:00", "Asia/Kolkata", "2026-05-01T03:30:00.000Z"],
		["2026-05-01T09:00:00", "Australia/Lord_Howe", "2026-04-30T22:30:00.000Z"],
		["2026-01-01 00:00:00", "Pacific/Kiritimati", "2025-12-31T10:00:00.000Z"],
		["1960-06-01 12:00", "Europe/London", "1960-06-01T11:00:00.000Z"],
	])("reads %s without an offset as wall-clock time in %s", (date, timeZone, expected) => {
		expect(published(date, timeZone)).toBe(expected);
	});

	it.each([
		["America/New_York spring forward", "2026-03-08 02:30:00", "America/New_York", "2026-03-08T07:30:00.000Z"],
		["Europe/Paris spring forward", "2026-03-29 02:30:00", "Europe/Paris", "2026-03-29T01:30:00.000Z"],
	])("moves a time skipped by the %s forward by the gap", (_name, date, timeZone, expected) => {
		expect(published(date, timeZone)).toBe(expected);
	});

	it.each([
		["America/New_York fall back", "2026-11-01 01:30:00", "America/New_York", "2026-11-01T05:30:00.000Z"],
		["Europe/Paris fall back", "2026-10-25 02:30:00", "Europe/Paris", "2026-10-25T00:30:00.000Z"],
	])("takes the earlier of two instants repeated by the %s", (_name, date, timeZone, expected) => {
		expect(published(date, timeZone)).toBe(expected);
	});

	it.each([
		["2026-07-15", "America/New_York", "2026-07-15T04:00:00.000Z"],
		["2026-01-15", "America/New_York", "2026-01-15T05:00:00.000Z"],
		["2026-03-08", "America/New_York", "2026-03-08T05:00:00.000Z"],
		["2026-05-01", "UTC", "2026-05-01T00:00:00.000Z"],
		["2026-05-01", "Asia/Tokyo", "2026-04-30T15:00:00.000Z"],
		["2024-02-29", "UTC", "2024-02-29T00:00:00.000Z"],
	])("reads the date alone %s as midnight in %s", (date, timeZone, expected) => {
		expect(published(date, timeZone)).toBe(expected);
	});

	it.each([
		["2011-05-18 15:22:21+00:00", "2011-05-18T15:22:21.000Z"],
		["2026-05-01T12:00:00Z", "2026-05-01T12:00:00.000Z"],
		["2026-05-01t12:00:00z", "2026-05-01T12:00:00.000Z"],
		["2026-05-01 12:00:00 -05:00", "2026-05-01T17:00:00.000Z"],
		["2026-05-01T12:00:00.25+0530", "2026-05-01T06:30:00.250Z"],
		["2026-05-01T12:00:00.123456789-02", "2026-05-01T14:00:00.123Z"],
		["2026-05-01 12:00+01:00", "2026-05-01T11:00:00.000Z"],
		['"2026-05-01 12:00:00+02:00"', "2026-05-01T10:00:00.000Z"],
		["2026-5-1 9:05:00Z", "2026-05-01T09:05:00.000Z"],
	])("reads %s with its own offset whatever the site's time zone", (date, expected) => {
		expect(published(date, "America/New_York")).toBe(expected);
	});

	it("reads a zone-less date in a fence-less post in the site's time zone", () => {
		const post = parseOk(fenceless(["title: A post", "id: 3004", "date: 2011-05-18 04:28:29"]), { settings: { timeZone: "America/New_York" } });
		expect(post.published).toBe("2011-05-18T08:28:29.000Z");
	});

	it.each([
		["2011-13-45"],
		["2026-02-30"],
		["2026-02-29"],
		["2026-04-31"],
		["2026-05-01 24:00:00"],
		["2026-05-01 12:60"],
		["2026-05-01 12:00:61"],
		["2026-05-01 12:00:00+25:00"],
		["2026-05-01 12:00:00 EST"],
		["yesterday"],
		["1715000000"],
		["12/05/2026"],
		["2026-05-01T12"],
		["May 1, 2026"],
	])("rejects the date %s, naming the field and the value", (date) => {
		expect(parseError(fenced(["title: A post", `date: ${date}`]))).toBe(
			`date ${JSON.stringify(date)} is not a valid date; write it as YYYY-MM-DD or YYYY-MM-DD HH:MM:SS with an optional offset`,
		);
	});

	it.each([
		["true", "date true is not a date"],
		["{day: 1}", 'date {"day":"1"} is not a date'],
	])("rejects the non-text date %s", (date, reason) => {
		expect(parseError(fenced(["title: A post", `date: ${date}`]))).toMatch(new RegExp(`^${reason.replace(/[{}]/g, "\\$&")}`));
	});
});

describe("update dates", () => {
	const post = (...lines: string[]) =>
		parseOk(fenced(["title: A post", "date: 2026-05-01 12:00:00+00:00", ...lines]), { settings: { timeZone: "America/New_York" } });

	it.each([
		["lastmod", ["lastmod: 2026-05-03 08:00:00+00:00"], "2026-05-03T08:00:00.000Z"],
		["updated", ["updated: 2026-05-04 08:00:00+00:00"], "2026-05-04T08:00:00.000Z"],
		["a zone-less lastmod", ["lastmod: 2026-05-03 08:00"], "2026-05-03T12:00:00.000Z"],
		["a date-only lastmod", ["lastmod: 2026-05-03"], "2026-05-03T04:00:00.000Z"],
		["the later of lastmod and updated", ["lastmod: 2026-05-05", "updated: 2026-05-04"], "2026-05-05T04:00:00.000Z"],
		["a lastmod before the publication date", ["lastmod: 2026-05-01"], "2026-05-01T12:00:00.000Z"],
		["no lastmod", [], "2026-05-01T12:00:00.000Z"],
		["an empty lastmod", ["lastmod:"], "2026-05-01T12:00:00.000Z"],
	])("takes the update date from %s", (_name, lines, expected) => {
		const { published, updated } = post(...lines);
		expect(published).toBe("2026-05-01T12:00:00.000Z");
		expect(updated).toBe(expected);
	});

	it("rejects an invalid updated date, naming the field", () => {
		expect(parseError(fenced(["title: A post", "date: 2026-05-01", "updated: 2026-05-32"]))).toMatch(/^updated "2026-05-32" is not a valid date/);
	});
});
