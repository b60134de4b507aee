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

export type DocumentRef = "site" | "home" | "tags" | `archive:${number}` | `term:${string}` | `author:${string}` | `post:${string}`;
/** What a ref names: one of the site-wide documents, or the kind before its colon. */
export type RefKind = "site" | "home" | "tags" | "archive" | "term" | "author" | "post";

export const refKind = (ref: DocumentRef): RefKind => (ref.includes(":") ? ref.slice(0, ref.indexOf(":")) : ref) as RefKind;

const SLUG = /^[a-z0-9-]{1,200}$/;
const ARCHIVE_PAGE = /^[1-9][0-9]{0,8}$/;

export const siteRef = (): DocumentRef => "site";
export const termRef = (normalized: string): DocumentRef => `term:${normalized}`;
export const postRef = (slug: string): DocumentRef => `post:${slug}`;
export const archiveRef = (page: number): DocumentRef => `archive:${page}`;
export const authorRef = (normalized: string): DocumentRef => `author:${normalized}`;

/** The OPML 2.0 list of every feed (http://opml.org/spec2.opml), rendered with the term index. */
export const OPML_PATH = "/feeds.opml";

/** Site-relative paths of the three feeds of the whole site (no term) or of one normalised term. */
export function feedPaths(normalizedTerm?: string): Record<FeedFormat, string> {
	return feedPathsUnder(normalizedTerm === undefined ? "" : termPagePath(normalizedTerm));
}

/** The three feeds of one author: /authors/{normalised name}/atom.xml … */
export function authorFeedPaths(normalizedAuthor: string): Record<FeedFormat, string> {
	return feedPathsUnder(authorPagePath(normalizedAuthor));
}

/** The three feeds of archive page n (RFC 5005 archive documents): /archive/{n}/atom.xml … */
export function archiveFeedPaths(page: number): Record<FeedFormat, string> {
	return feedPathsUnder(archivePath(page));
}

function feedPathsUnder(base: string): Record<FeedFormat, string> {
	return { rss: `${base}/${FEED_FILES.rss}`, atom: `${base}/${FEED_FILES.atom}`, json: `${base}/${FEED_FILES.json}` };
}

/** An author's page; the segment is encoded like a term's (src/content/terms.ts). */
export function authorPagePath(normalizedAuthor: string): string {
	return `/authors/${termSegment(normalizedAuthor)}`;
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
	if (pathname === "/" || pathname === "/tags" || pathname === OPML_PATH || FEED_FORMATS.some((format) => pathname === `/${FEED_FILES[format]}`)) {
		return pathname;
	}
	const parts = pathname.split("/");
	if (parts[1] === "posts" && parts.length === 3) return SLUG.test(parts[2]!) ? pathname : undefined;
	if (parts[1] === "archive" && (parts.length === 3 || parts.length === 4)) {
		if (!ARCHIVE_PAGE.test(parts[2]!)) return undefined;
		return parts.length === 3 ? pathname : feedFile(archiveFeedPaths(Number(parts[2])), parts[3]!);
	}
	if ((parts[1] === "tags" || parts[1] === "authors") && (parts.length === 3 || parts.length === 4)) {
		const label = termFromSegment(parts[2]!);
		if (label === undefined) return undefined;
		const [pagePath, paths] = parts[1] === "tags" ? [termPagePath(label), feedPaths(label)] : [authorPagePath(label), authorFeedPaths(label)];
		return parts.length === 3 ? pagePath : feedFile(paths, parts[3]!);
	}
	return undefined;
}

function feedFile(paths: Record<FeedFormat, string>, file: string): string | undefined {
	const format = FEED_FORMATS.find((candidate) => FEED_FILES[candidate] === file);
	return format === undefined ? undefined : paths[format];
}
