import { PostProblem, quote } from "./problem";

/**
 * YAML 1.1 timestamps (https://yaml.org/type/timestamp.html): a date, or a date and time separated by `T` or
 * spaces, with an optional `Z` or `±HH[:MM]` offset. Written out so every part can be range-checked.
 */
const TIMESTAMP =
	/^(\d{4})-(\d{1,2})-(\d{1,2})(?:(?:[Tt]|[ \t]+)(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?[ \t]*(Z|z|[+-]\d{1,2}(?::?\d{2})?)?)?$/;

const MINUTE = 60_000;
const DAY = 86_400_000;

/** A zone's offset from UTC and a way to ask for it. Immutable, so one per zone name serves every post. */
export interface Zone {
	name: string;
	/** Local wall-clock time minus UTC, in milliseconds, at the instant `utc`. */
	offsetAt(utc: number): number;
}

/**
 * The one documented cache of src/content: prepared zones by name. Building an Intl.DateTimeFormat costs about
 * 70 µs, a tenth of parsing a whole post (`npm run bench -- --stages`). Bounded: a site has one zone; past
 * MAX_PREPARED_ZONES names it is emptied.
 */
const preparedZones = new Map<string, Zone>();
const MAX_PREPARED_ZONES = 16;

/** UTC needs no Intl lookups: its offset is always 0 (`formatToParts` costs ~10 µs a call). */
const UTC_NAMES = new Set(["UTC", "Etc/UTC"]);

/** Checks an IANA zone name and prepares it for date conversion. */
export function zoneFor(name: string): Zone {
	let zone = preparedZones.get(name);
	if (zone === undefined) {
		zone = UTC_NAMES.has(name) ? { name, offsetAt: () => 0 } : prepareZone(name);
		if (preparedZones.size >= MAX_PREPARED_ZONES) preparedZones.clear();
		preparedZones.set(name, zone);
	}
	return zone;
}

function prepareZone(name: string): Zone {
	let format: Intl.DateTimeFormat;
	try {
		format = new Intl.DateTimeFormat("en-US", {
			timeZone: name,
			hourCycle: "h23",
			year: "numeric",
			month: "numeric",
			day: "numeric",
			hour: "numeric",
			minute: "numeric",
			second: "numeric",
		});
	} catch {
		throw new PostProblem(`the site's time zone ${quote(name)} is not an IANA time zone`);
	}
	return {
		name,
		offsetAt(utc: number): number {
			const parts: Record<string, string> = {};
			for (const part of format.formatToParts(utc)) parts[part.type] = part.value;
			const local = utcFromFields(Number(parts.year), Number(parts.month), Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
			return local - Math.floor(utc / 1000) * 1000;
		},
	};
}

/** Date.UTC without its 0–99 -> 1900s quirk. */
function utcFromFields(year: number, month: number, day: number, hour: number, minute: number, second: number, ms = 0): number {
	const date = new Date(0);
	date.setUTCFullYear(year, month - 1, day);
	date.setUTCHours(hour, minute, second, ms);
	return date.getTime();
}

/**
 * Front matter value -> ISO 8601 UTC. Dates written without an offset are wall-clock time in `zone`;
 * a date alone is midnight there. Numbers and anything else are refused with the field and the value.
 */
export function parseDate(value: unknown, field: string, zone: Zone): string {
	if (typeof value !== "string") {
		throw new PostProblem(`${field} ${quote(value)} is not a date; write it as YYYY-MM-DD or YYYY-MM-DD HH:MM:SS with an optional offset`);
	}
	const text = value.trim();
	const match = TIMESTAMP.exec(text);
	const invalid = () =>
		new PostProblem(`${field} ${quote(text)} is not a valid date; write it as YYYY-MM-DD or YYYY-MM-DD HH:MM:SS with an optional offset`);
	if (!match) throw invalid();
	const [, y, mo, d, h = "0", mi = "0", s = "0", fraction = "", offset] = match;
	const year = Number(y);
	const month = Number(mo);
	const day = Number(d);
	const hour = Number(h);
	const minute = Number(mi);
	const second = Number(s);
	const ms = Number(fraction.slice(0, 3).padEnd(3, "0"));
	if (year < 1 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || hour > 23 || minute > 59 || second > 59) {
		throw invalid();
	}
	const wallClock = utcFromFields(year, month, day, hour, minute, second, ms);
	let instant: number;
	if (offset === undefined) {
		instant = fromWallClock(wallClock, zone);
	} else {
		const offsetMs = parseOffset(offset);
		if (offsetMs === undefined) throw invalid();
		instant = wallClock - offsetMs;
	}
	return new Date(instant).toISOString();
}

function daysInMonth(year: number, month: number): number {
	return new Date(utcFromFields(year, month + 1, 0, 0, 0, 0)).getUTCDate();
}

function parseOffset(offset: string): number | undefined {
	if (offset === "Z" || offset === "z") return 0;
	const match = /^([+-])(\d{1,2}):?(\d{2})?$/.exec(offset);
	if (!match) return undefined;
	const hours = Number(match[2]);
	const minutes = Number(match[3] ?? "0");
	if (hours > 23 || minutes > 59) return undefined;
	return (match[1] === "-" ? -1 : 1) * (hours * 60 + minutes) * MINUTE;
}

/**
 * Wall-clock time in a zone -> UTC instant, as Temporal's "compatible" disambiguation does:
 * a time that occurs twice (clocks going back) is the earlier one; a time skipped by clocks going forward
 * is moved forward by the length of the gap (02:30 on a spring-forward night in New York is 03:30 EDT).
 */
function fromWallClock(wallClock: number, zone: Zone): number {
	const before = zone.offsetAt(wallClock - DAY);
	const after = zone.offsetAt(wallClock + DAY);
	const candidates = [...new Set([before, after])]
		.map((offset) => wallClock - offset)
		.filter((instant) => wallClock - zone.offsetAt(instant) === instant)
		.sort((a, b) => a - b);
	return candidates[0] ?? wallClock - before;
}

/**
 * The values other tools write for "no date": Go's and so Hugo's zero time (`0001-01-01T00:00:00Z`, also as
 * `0001-01-01 00:00:00 +0000 UTC`), .NET's DateTime.MinValue and Python's datetime.min (year 1, January 1), and
 * MySQL's / WordPress's `0000-00-00 00:00:00` (any date in year 0, which does not exist).
 */
const ZERO_DATE = /^\s*(?:0000-\d{1,2}-\d{1,2}|0001-0?1-0?1)(?!\d)/;

/** Is this front matter value one of the "no date" placeholders, to be read as no date at all? */
export function isZeroDate(value: unknown): boolean {
	return typeof value === "string" && ZERO_DATE.test(value);
}

/** Starts like a date (YYYY-MM-DD): tells Hugo's `published: 2026-05-01` from Jekyll's `published: false`. */
export function isDateLike(value: unknown): boolean {
	return typeof value === "string" && /^\s*\d{4}-\d{1,2}-\d{1,2}/.test(value);
}

/** How a refused zero date is explained. */
export function zeroDateReason(field: string, value: string): string {
	return `${field} is missing: ${quote(value.trim())} is the "no date" placeholder other tools write (Hugo/Go, .NET, MySQL); give the post its real date`;
}
