import { termFromSegment, termSegment } from "../content/terms";

/*
 * Every document Pressroom serves has one canonical path, and belongs to one logical document (a "ref")
 * that is rendered as a whole: the site feeds, one term's feeds and page, one post's page, the home page,
 * one archive page, the term index. The publish step re-renders refs; a request maps its path to the
 * stored document, without touching storage for a path that cannot exist.
 */

export const FEED_FILES = { rss: "rss.xml", atom: "atom.xml", json: "feed.json" } as const;
export type FeedFormat = keyof typeof FEED_FILES;
const FEED_FORMATS = Object.keys(FEED_FILES) as FeedFormat[];

export type DocumentRef = "site" | "home" | "tags" | `archive:${number}` | `term:${string}` | `post:${string}`;

const SLUG = /^[a-z0-9-]{1,200}$/;
const ARCHIVE_PAGE = /^[1-9][0-9]{0,8}$/;

export const siteRef = (): DocumentRef => "site";
export const termRef = (normalized: string): DocumentRef => `term:${normalized}`;
export const postRef = (slug: string): DocumentRef => `post:${slug}`;
export const archiveRef = (page: number): DocumentRef => `archive:${page}`;

/** Site-relative paths of the three feeds of the whole site (no term) or of one normalised term. */
export function feedPaths(normalizedTerm?: string): Record<FeedFormat, string> {
	const base = normalizedTerm === undefined ? "" : termPagePath(normalizedTerm);
	return { rss: `${base}/${FEED_FILES.rss}`, atom: `${base}/${FEED_FILES.atom}`, json: `${base}/${FEED_FILES.json}` };
}

export function termPagePath(normalizedTerm: string): string {
	return `/tags/${termSegment(normalizedTerm)}`;
}

export function postPath(slug: string): string {
	return `/posts/${slug}`;
}

export function archivePath(page: number): string {
	return `/archive/${page}`;
}

/**
 * The canonical stored path for a request path, however its term was encoded, or undefined when no
 * document can live there (a malformed or over-long term, control characters, an impossible slug).
 */
export function canonicalPath(pathname: string): string | undefined {
	if (pathname === "/" || pathname === "/tags" || FEED_FORMATS.some((format) => pathname === `/${FEED_FILES[format]}`)) return pathname;
	const parts = pathname.split("/");
	if (parts[1] === "posts" && parts.length === 3) return SLUG.test(parts[2]!) ? pathname : undefined;
	if (parts[1] === "archive" && parts.length === 3) return ARCHIVE_PAGE.test(parts[2]!) ? pathname : undefined;
	if (parts[1] === "tags" && (parts.length === 3 || parts.length === 4)) {
		const term = termFromSegment(parts[2]!);
		if (term === undefined) return undefined;
		if (parts.length === 3) return termPagePath(term);
		const format = FEED_FORMATS.find((candidate) => FEED_FILES[candidate] === parts[3]);
		return format === undefined ? undefined : feedPaths(term)[format];
	}
	return undefined;
}
