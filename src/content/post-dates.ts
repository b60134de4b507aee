import { isDateLike, isZeroDate, parseDate, zeroDateReason, type Zone } from "./dates";
import { PostProblem, quote } from "./problem";

/** A post's dates, ISO 8601 in UTC. */
export interface PostDates {
	published: string;
	updated: string;
	/** After this instant the post is no longer shown (Hugo's expiryDate). */
	expires?: string;
}

/**
 * The publication date: Hugo's `publishDate` (or its aliases `pubdate` and, when it holds a date rather than
 * Jekyll's true/false, `published`), as Hugo itself shows a post from then on, else `date`.
 * https://gohugo.io/content-management/front-matter/#dates
 */
const PUBLISHED_FIELDS = ["publishdate", "pubdate", "published", "date"];
/** Edit dates: Hugo/Jekyll `lastmod`, Pelican `modified`, and `updated`. */
const EDIT_FIELDS = ["lastmod", "modified", "updated"];
/** Hugo's `expiryDate` (keys are compared without case) and its older alias `unpublishdate`. */
const EXPIRY_FIELDS = ["expirydate", "unpublishdate"];
/** Keys are lower-cased when read; messages name them as the tools' documentation spells them. */
const SPELLING: Record<string, string> = { publishdate: "publishDate", pubdate: "pubDate", expirydate: "expiryDate", unpublishdate: "unpublishDate" };
const named = (field: string) => SPELLING[field] ?? field;

/** Jekyll's post file names, `_posts/2026-05-01-title.md`: the date a post without a `date` key is published on. */
const JEKYLL_FILE_NAME = /^(\d{4}-\d{2}-\d{2})-/;

/**
 * Reads every date of a post. A zero date ("no date" in other tools) counts as absent: refused for the
 * publication date, ignored for the others. Without a publication date in the front matter, a Jekyll file
 * name's date is used (https://jekyllrb.com/docs/posts/#creating-posts). `missing` builds the error for a
 * post without any date.
 */
export function readPostDates(data: ReadonlyMap<string, unknown>, key: string, zone: Zone, missing: (field: string) => PostProblem): PostDates {
	const candidates = PUBLISHED_FIELDS.filter((field) => field !== "published" || isDateLike(data.get(field)));
	const publishedField = candidates.find((field) => given(data.get(field)));
	const fileDate = JEKYLL_FILE_NAME.exec(key.slice(key.lastIndexOf("/") + 1))?.[1];
	if (publishedField === undefined && fileDate === undefined) {
		const zero = candidates.map((field) => data.get(field)).find(isZeroDate);
		if (typeof zero === "string") throw new PostProblem(zeroDateReason("date", zero));
		throw missing("date");
	}
	const published =
		publishedField === undefined ? parseDate(fileDate, "the date in the file name", zone) : parseDate(data.get(publishedField), named(publishedField), zone);

	// An edit date before the publication date (a date-only lastmod on the day of publication) means "not edited since".
	let updated = published;
	for (const field of EDIT_FIELDS) {
		const value = data.get(field);
		if (!given(value)) continue;
		const date = parseDate(value, field, zone);
		if (date > updated) updated = date;
	}

	const dates: PostDates = { published, updated };
	const expiryField = EXPIRY_FIELDS.find((field) => given(data.get(field)));
	if (expiryField !== undefined) {
		const expires = parseDate(data.get(expiryField), named(expiryField), zone);
		if (expires <= published) {
			throw new PostProblem(`${named(expiryField)} ${quote(expires)} is not after the publication date ${quote(published)}: the post would never be shown`);
		}
		dates.expires = expires;
	}
	return dates;
}

/** Present, not empty and not a zero date. */
function given(value: unknown): boolean {
	return value !== undefined && value !== null && value !== "" && !isZeroDate(value);
}
