import type { Author } from "../content/post";
import { feedPaths, termPagePath } from "./document-paths";
import type { FeedChannel } from "./feed-input";

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
}

/** The CSS stylesheet for XML that RSS and Atom name, so a browser shows a readable page (src/http/assets). */
export const FEED_STYLESHEET_PATH = "/feed.css";

/** The site's own feeds: /rss.xml, /atom.xml, /feed.json. */
export function siteChannel(site: SiteIdentity): FeedChannel {
	return channel(site, { id: `tag:${site.idAuthority}:feed`, title: site.title, description: site.description, home: `${site.url}/` });
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
