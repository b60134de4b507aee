import { Hono } from "hono";
import type { Post } from "../../content/post";
import { type FeedChannel, renderAtom, renderJsonFeed, renderRss } from "../../feeds";
import { respondConditionally } from "../conditional-get";
import type { AppEnv, Services } from "../context";
import { FEED_PATHS, type FeedFormat, feedLinks } from "./feed-links";

const RENDERERS: Record<FeedFormat, { contentType: string; render: (channel: FeedChannel, posts: Post[]) => string }> = {
	rss: { contentType: "application/rss+xml; charset=utf-8", render: renderRss },
	atom: { contentType: "application/atom+xml; charset=utf-8", render: renderAtom },
	json: { contentType: "application/feed+json; charset=utf-8", render: renderJsonFeed },
};

/** Readers poll every few minutes and the cron syncs every five: a short shared cache spares the catalog. */
const FEED_CACHE_CONTROL = "public, max-age=120";

/** The site feeds at /rss.xml, /atom.xml, /feed.json and per tag or category at /tags/{term}/…. */
export function feedRoutes(): Hono<AppEnv> {
	const routes = new Hono<AppEnv>();
	for (const format of Object.keys(FEED_PATHS) as FeedFormat[]) {
		routes.get(`/${FEED_PATHS[format]}`, (c) => serveFeed(c.get("services"), format, undefined, c));
		routes.get(`/tags/:term/${FEED_PATHS[format]}`, (c) => serveFeed(c.get("services"), format, c.req.param("term"), c));
	}
	return routes;
}

async function serveFeed(services: Services, format: FeedFormat, term: string | undefined, c: Parameters<typeof respondConditionally>[0]) {
	const { site, content } = services.config;
	const selection = await services.catalog.visiblePosts({ now: services.now(), limit: site.itemCount, term });
	const channel: FeedChannel = {
		id: `tag:${content.idAuthority}:feed${term ? `/tags/${encodeURIComponent(term)}` : ""}`,
		title: term ? `${site.title}: ${term}` : site.title,
		description: term ? `Posts tagged “${term}” on ${site.title}` : site.description,
		siteUrl: site.url,
		language: site.language,
		author: site.author,
		links: feedLinks(site, term),
	};
	const renderer = RENDERERS[format];
	return respondConditionally(c, {
		body: renderer.render(channel, selection.posts),
		contentType: renderer.contentType,
		lastModified: new Date(selection.changedAt),
		cacheControl: FEED_CACHE_CONTROL,
	});
}
