import type { Post } from "../content/post";
import { renderAtom } from "./atom";
import { type SiteIdentity, siteChannel, termChannel } from "./channels";
import { type DocumentRef, type FeedFormat, archivePath, feedPaths, postPath, termPagePath } from "./document-paths";
import type { FeedChannel } from "./feed-input";
import { renderJsonFeed } from "./json-feed";
import { type TermCount, archivePage, homePage, postPage, termIndexPage, termPage } from "./pages/pages";
import { renderRss } from "./rss";

/** One document as it will be stored and served: exact bytes and the headers that go with them. */
export interface RenderedDocument {
	path: string;
	contentType: string;
	cacheControl: string;
	body: string;
}

/** What rendering one logical document needs from the catalog; the publish job loads it. */
export type RenderInput =
	| { ref: DocumentRef; kind: "site"; posts: Post[] }
	| { ref: DocumentRef; kind: "term"; display: string; normalized: string; posts: Post[] }
	| { ref: DocumentRef; kind: "post"; post: Post }
	| { ref: DocumentRef; kind: "home"; posts: Post[]; newestArchivePage: number | undefined }
	| { ref: DocumentRef; kind: "archive"; page: number; posts: Post[]; lastPage: number }
	| { ref: DocumentRef; kind: "tags"; terms: TermCount[] };

/** Readers poll every few minutes; a short shared cache spares the Worker, and the publish step bounds staleness. */
export const FEED_CACHE_CONTROL = "public, max-age=120";
export const PAGE_CACHE_CONTROL = "public, max-age=60";

export const FEED_CONTENT_TYPES: Record<FeedFormat, string> = {
	rss: "application/rss+xml; charset=utf-8",
	atom: "application/atom+xml; charset=utf-8",
	json: "application/feed+json; charset=utf-8",
};
export const HTML_CONTENT_TYPE = "text/html; charset=utf-8";
const HTML = HTML_CONTENT_TYPE;

const RENDERERS: Record<FeedFormat, (channel: FeedChannel, posts: readonly Post[]) => string> = {
	rss: renderRss,
	atom: renderAtom,
	json: renderJsonFeed,
};

/** Every document of one logical document; a ref whose subject is gone (an unused term, a hidden post) has none. */
export function renderDocuments(site: SiteIdentity, input: RenderInput): RenderedDocument[] {
	switch (input.kind) {
		case "site":
			return feeds(siteChannel(site), feedPaths(), input.posts.slice(0, site.itemCount));
		case "term": {
			if (input.posts.length === 0) return [];
			const term = { display: input.display, normalized: input.normalized };
			return [
				...feeds(termChannel(site, term), feedPaths(input.normalized), input.posts.slice(0, site.itemCount)),
				htmlDocument(termPagePath(input.normalized), termPage(site, term, input.posts.slice(0, HTML_LIST_LENGTH))),
			];
		}
		case "post":
			return [htmlDocument(postPath(input.post.slug), postPage(site, input.post))];
		case "home":
			return [htmlDocument("/", homePage(site, input.posts.slice(0, HTML_LIST_LENGTH), input.newestArchivePage))];
		case "archive":
			return input.posts.length === 0 ? [] : [htmlDocument(archivePath(input.page), archivePage(site, input.page, input.posts, input.lastPage))];
		case "tags":
			return [htmlDocument("/tags", termIndexPage(site, input.terms))];
	}
}

/** Posts listed on the home page and on a term's page; older ones are in the archive. */
export const HTML_LIST_LENGTH = 50;
/** Posts per archive page. */
export const ARCHIVE_PAGE_SIZE = 50;

function feeds(channel: FeedChannel, paths: Record<FeedFormat, string>, posts: readonly Post[]): RenderedDocument[] {
	return (Object.keys(RENDERERS) as FeedFormat[]).map((format) => ({
		path: paths[format],
		contentType: FEED_CONTENT_TYPES[format],
		cacheControl: FEED_CACHE_CONTROL,
		body: RENDERERS[format](channel, posts),
	}));
}

function htmlDocument(path: string, body: string): RenderedDocument {
	return { path, contentType: HTML, cacheControl: PAGE_CACHE_CONTROL, body };
}
