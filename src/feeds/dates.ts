/** Atom requires a feed-level <updated>; an empty feed reports the epoch rather than "now", so it renders the same bytes every time. */
export const EMPTY_FEED_UPDATED = "1970-01-01T00:00:00Z";

/** Milliseconds since the epoch of an ISO 8601 date; an unreadable date is a bug upstream, not something to render. */
export function parseIsoDate(iso: string): number {
	const time = Date.parse(iso);
	if (Number.isNaN(time)) throw new RangeError(`Not an ISO 8601 date: ${JSON.stringify(iso)}`);
	return time;
}

/** RFC 3339 in UTC (https://www.rfc-editor.org/rfc/rfc3339#section-5.6), without zero milliseconds. */
export function toRfc3339(iso: string): string {
	return new Date(parseIsoDate(iso)).toISOString().replace(".000Z", "Z");
}

/** RFC 822 date-time as RSS 2.0 wants it (https://www.rssboard.org/rss-specification#ltpubdategtSubelementOfLtitemgt), e.g. "Wed, 18 May 2011 15:22:21 GMT". */
export function toRfc822(iso: string): string {
	return new Date(parseIsoDate(iso)).toUTCString();
}
