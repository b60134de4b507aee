import type { ListedPost, Post } from "../content/post";
import { renderAtom } from "./atom";
import { type SiteIdentity, archiveChannel, authorChannel, siteChannel, termChannel } from "./channels";
import {
	type DocumentRef,
	type FeedFormat,
	OPML_PATH,
	archiveFeedPaths,
	archivePath,
	authorFeedPaths,
	authorPagePath,
	feedPaths,
	postPath,
	termPagePath,
} from "./document-paths";
import type { FeedChannel } from "./feed-input";
import { renderJsonFeed } from "./json-feed";
import { renderOpml } from "./opml";
import { type TermCount, archivePage, authorPage, homePage, postPage, termIndexPage, termPage } from "./pages/pages";
import { renderRss } from "./rss";
import { fitUnderCap } from "./size-cap";

/** One document as it will be stored and served: exact bytes and the headers that go with them. */
export interface RenderedDocument {
	path: string;
	contentType: string;
	cacheControl: string;
	body: string;
	/** Site feeds only: how many of the given posts the feed holds under FEED_MAX_BYTES; the rest go to the archives. */
	entries?: number;
}

/** What rendering one logical document needs from the catalog; the publish job loads it. */
export type RenderInput =
	/** `posts`: the candidates, newest archive place first; `newestArchivePage`: the prev-archive of the feeds, if any. */
	| { ref: DocumentRef; kind: "site"; posts: Post[]; newestArchivePage?: number }
	/** `posts`: the feeds' entries, newest first; `listed`: the page's list, the same posts first and then older ones. */
	| { ref: DocumentRef; kind: "term"; display: string; normalized: string; posts: Post[]; listed: ListedPost[] }
	| { ref: DocumentRef; kind: "author"; display: string; normalized: string; posts: Post[]; listed: ListedPost[] }
	| { ref: DocumentRef; kind: "post"; post: Post }
	| { ref: DocumentRef; kind: "home"; posts: ListedPost[]; newestArchivePage: number | undefined }
	/**
	 * `posts`: every visible post of the page (the HTML page); `feedPosts`: those already in the feed archives;
	 * `newestFeedPage`: the newest archive page of the feeds (0: none); `complete`: no post will ever be added.
	 */
	| { ref: DocumentRef; kind: "archive"; page: number; posts: Post[]; lastPage: number; feedPosts: Post[]; newestFeedPage: number; complete: boolean }
	| { ref: DocumentRef; kind: "tags"; terms: TermCount[]; authors: TermCount[] };

/** Readers poll every few minutes; a short shared cache spares the Worker, and the publish step bounds staleness. */
export const FEED_CACHE_CONTROL = "public, max-age=120";
export const PAGE_CACHE_CONTROL = "public, max-age=60";
/**
 * A complete archive page gets no new posts, but an edit or a removal of one of its posts still changes it
 * (a correction, a takedown): a day in shared caches bounds how long that takes, not `immutable` (docs/serving.md).
 */
export const ARCHIVE_CACHE_CONTROL = "public, max-age=86400";

export const FEED_CONTENT_TYPES: Record<FeedFormat, string> = {
	rss: "application/rss+xml; charset=utf-8",
	atom: "application/atom+xml; charset=utf-8",
	json: "application/feed+json; charset=utf-8",
};
export const HTML_CONTENT_TYPE = "text/html; charset=utf-8";
const HTML = HTML_CONTENT_TYPE;
/** http://opml.org/spec2.opml: OPML has no registered type; text/x-opml is what readers and Feedly expect. */
export const OPML_CONTENT_TYPE = "text/x-opml; charset=utf-8";

const RENDERERS: Record<FeedFormat, (channel: FeedChannel, posts: readonly Post[]) => string> = {
	rss: renderRss,
	atom: renderAtom,
	json: renderJsonFeed,
};
const FORMATS = Object.keys(RENDERERS) as FeedFormat[];

/** Every document of one logical document; a ref whose subject is gone (an unused term, a hidden post) has none. */
export function renderDocuments(site: SiteIdentity, input: RenderInput): RenderedDocument[] {
	switch (input.kind) {
		case "site":
			return siteFeeds(site, input.posts.slice(0, site.itemCount), input.newestArchivePage);
		case "term":
		case "author":
			return labelDocuments(site, input);
		case "post":
			return [htmlDocument(postPath(input.post.slug), postPage(site, input.post))];
		case "home":
			return [htmlDocument("/", homePage(site, input.posts.slice(0, HTML_LIST_LENGTH), input.newestArchivePage))];
		case "archive":
			return [
				...(input.posts.length === 0 ? [] : [htmlDocument(archivePath(input.page), archivePage(site, input.page, input.posts, input.lastPage))]),
				...archiveFeeds(site, input),
			];
		case "tags":
			return [
				htmlDocument("/tags", termIndexPage(site, input.terms)),
				{ path: OPML_PATH, contentType: OPML_CONTENT_TYPE, cacheControl: FEED_CACHE_CONTROL, body: renderOpml(site, input.terms, input.authors) },
			];
	}
}

/** Posts listed on the home page and on a term's page; older ones are in the archive. */
export const HTML_LIST_LENGTH = 50;
/** Posts per archive page, unless ARCHIVE_PAGE_SIZE says otherwise. */
export const ARCHIVE_PAGE_SIZE = 50;

/**
 * The site feeds hold the same entries in every format: as many of the newest as fit under FEED_MAX_BYTES in
 * all three. The publish step moves the rest into the archives (RenderedDocument.entries).
 */
function siteFeeds(site: SiteIdentity, posts: readonly Post[], newestArchivePage: number | undefined): RenderedDocument[] {
	const channel = siteChannel(site, newestArchivePage);
	const fitted = FORMATS.map((format) => fitUnderCap((some) => RENDERERS[format](channel, some), posts, site.feedMaxBytes, true));
	const entries = Math.min(...fitted.map((fit) => fit.entries));
	return FORMATS.map((format, index) => ({
		path: feedPaths()[format],
		contentType: FEED_CONTENT_TYPES[format],
		cacheControl: FEED_CACHE_CONTROL,
		body: fitted[index]!.entries === entries ? fitted[index]!.body : fitUnderCap((some) => RENDERERS[format](channel, some), posts.slice(0, entries), site.feedMaxBytes, false).body,
		entries,
	}));
}

/** Archive page n of the site feeds, once the feed archives reach it; an empty page (every post deleted) keeps the chain whole. */
function archiveFeeds(site: SiteIdentity, input: Extract<RenderInput, { kind: "archive" }>): RenderedDocument[] {
	if (input.page > input.newestFeedPage) return [];
	const channel = archiveChannel(site, input.page, input.newestFeedPage);
	const cacheControl = input.complete ? ARCHIVE_CACHE_CONTROL : FEED_CACHE_CONTROL;
	return FORMATS.map((format) => ({
		path: archiveFeedPaths(input.page)[format],
		contentType: FEED_CONTENT_TYPES[format],
		cacheControl,
		body: fitUnderCap((some) => RENDERERS[format](channel, some), input.feedPosts, site.feedMaxBytes, false).body,
	}));
}

/** A term's or an author's feeds and page; none once no visible post carries the label. */
function labelDocuments(site: SiteIdentity, input: Extract<RenderInput, { kind: "term" | "author" }>): RenderedDocument[] {
	if (input.listed.length === 0) return [];
	const label = { display: input.display, normalized: input.normalized };
	const [channel, paths, pagePath, html] =
		input.kind === "term"
			? [termChannel(site, label), feedPaths(label.normalized), termPagePath(label.normalized), termPage]
			: [authorChannel(site, label), authorFeedPaths(label.normalized), authorPagePath(label.normalized), authorPage];
	return [...feeds(site, channel, paths, input.posts.slice(0, site.itemCount)), htmlDocument(pagePath, html(site, label, input.listed.slice(0, HTML_LIST_LENGTH)))];
}

/** A term's or an author's feeds: entries over the cap are left out (they are in the site feeds' archives). */
function feeds(site: SiteIdentity, channel: FeedChannel, paths: Record<FeedFormat, string>, posts: readonly Post[]): RenderedDocument[] {
	return FORMATS.map((format) => ({
		path: paths[format],
		contentType: FEED_CONTENT_TYPES[format],
		cacheControl: FEED_CACHE_CONTROL,
		body: fitUnderCap((some) => RENDERERS[format](channel, some), posts, site.feedMaxBytes, true).body,
	}));
}

function htmlDocument(path: string, body: string): RenderedDocument {
	return { path, contentType: HTML, cacheControl: PAGE_CACHE_CONTROL, body };
}
