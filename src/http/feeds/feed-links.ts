import type { SiteConfig } from "../../config";

export const FEED_PATHS = { rss: "rss.xml", atom: "atom.xml", json: "feed.json" } as const;
export type FeedFormat = keyof typeof FEED_PATHS;

/** Absolute URLs of the three feeds (the whole site, or one tag/category) and of their HTML page. */
export function feedLinks(site: SiteConfig, term?: string): Record<FeedFormat | "html", string> {
	const base = term ? `${site.url}/tags/${encodeURIComponent(term)}` : site.url;
	return {
		rss: `${base}/${FEED_PATHS.rss}`,
		atom: `${base}/${FEED_PATHS.atom}`,
		json: `${base}/${FEED_PATHS.json}`,
		html: term ? base : `${site.url}/`,
	};
}
