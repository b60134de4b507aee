import type { Author } from "../content/post";
import { type FeedFormat, archiveFeedPaths, archivePath, authorFeedPaths, authorPagePath, feedPaths, termPagePath } from "./document-paths";
import type { FeedChannel, FeedHistory, FeedLinks } from "./feed-input";

/** The site settings a document needs; the Worker's configuration passes them down. */
export interface SiteIdentity {
	title: string;
	description: string;
	/** Absolute base URL without a trailing slash. */
	url: string;
	language: string;
	author: Author;
	/** RFC 4151 tagging authority for feed ids (docs/ids.md). */
	idAuthority: string;
	/** Entries per feed document. */
	itemCount: number;
	/** WebSub hubs advertised by every feed: Pressroom's own, then any external ones. */
	hubs: readonly string[];
	/** SITE_ICON and SITE_FAVICON: absolute URLs (by default images the Worker serves itself). */
	icon: string;
	favicon: string;
	/** Posts per archive page (ARCHIVE_PAGE_SIZE): /archive/{n} holds archive places (n−1)·size+1 … n·size. */
	archivePageSize: number;
	/** FEED_MAX_BYTES: no feed document is bigger (src/feeds/size-cap.ts). */
	feedMaxBytes: number;
}

/** The CSS stylesheet for XML that RSS and Atom name, so a browser shows a readable page (a static asset: src/http/assets/feed.css). */
export const FEED_STYLESHEET_PATH = "/feed.css";

/** The site's own feeds: /rss.xml, /atom.xml, /feed.json; with archives, their prev-archive is the newest archive page. */
export function siteChannel(site: SiteIdentity, newestArchivePage?: number): FeedChannel {
	const feeds = channel(site, { id: `tag:${site.idAuthority}:feed`, title: site.title, description: site.description, home: `${site.url}/` });
	if (newestArchivePage === undefined) return feeds;
	return { ...feeds, history: { archive: false, prev: absolute(site, archiveFeedPaths(newestArchivePage)) } };
}

/**
 * Archive page n of the site feeds (RFC 5005 §4): the same feed id (it is the same feed's history), its own
 * self links, and links to the older and newer archive pages and to the subscription feed.
 */
export function archiveChannel(site: SiteIdentity, page: number, newestArchivePage: number): FeedChannel {
	const subscription = siteChannel(site);
	const history: FeedHistory = {
		archive: true,
		current: absolute(site, feedPaths()),
		prev: page > 1 ? absolute(site, archiveFeedPaths(page - 1)) : undefined,
		next: page < newestArchivePage ? absolute(site, archiveFeedPaths(page + 1)) : undefined,
	};
	return {
		...subscription,
		title: `${site.title} (archive, page ${page})`,
		links: { ...absolute(site, archiveFeedPaths(page)), html: `${site.url}${archivePath(page)}` },
		history,
	};
}

/** One author's feeds, under /authors/{normalised name}/. */
export function authorChannel(site: SiteIdentity, author: { display: string; normalized: string }): FeedChannel {
	const home = `${site.url}${authorPagePath(author.normalized)}`;
	return {
		...channel(site, { id: `tag:${site.idAuthority}:feed${authorPagePath(author.normalized)}`, title: `${site.title}: ${author.display}`, description: `Posts by ${author.display} on ${site.title}`, home }),
		links: { ...absolute(site, authorFeedPaths(author.normalized)), html: home },
	};
}

function absolute(site: SiteIdentity, paths: Record<FeedFormat, string>): FeedLinks {
	return { rss: `${site.url}${paths.rss}`, atom: `${site.url}${paths.atom}`, json: `${site.url}${paths.json}` };
}

/** One tag's or category's feeds, under /tags/{normalised term}/; titled with the term as posts write it. */
export function termChannel(site: SiteIdentity, term: { display: string; normalized: string }): FeedChannel {
	return channel(site, {
		id: `tag:${site.idAuthority}:feed${termPagePath(term.normalized)}`,
		title: `${site.title}: ${term.display}`,
		description: `Posts tagged “${term.display}” on ${site.title}`,
		home: `${site.url}${termPagePath(term.normalized)}`,
		normalized: term.normalized,
	});
}

function channel(site: SiteIdentity, options: { id: string; title: string; description: string; home: string; normalized?: string }): FeedChannel {
	const paths = feedPaths(options.normalized);
	return {
		id: options.id,
		title: options.title,
		description: options.description,
		siteUrl: site.url,
		language: site.language,
		author: site.author,
		hubs: site.hubs,
		icon: site.icon,
		favicon: site.favicon,
		stylesheet: `${site.url}${FEED_STYLESHEET_PATH}`,
		links: { rss: `${site.url}${paths.rss}`, atom: `${site.url}${paths.atom}`, json: `${site.url}${paths.json}`, html: options.home },
	};
}
