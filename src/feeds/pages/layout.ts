import { html as honoHtml } from "hono/html";
import type { HtmlEscapedString } from "hono/utils/html";
import type { SiteIdentity } from "../channels";
import { type FeedFormat, OPML_PATH, feedPaths } from "../document-paths";

export type Html = HtmlEscapedString;

/** Hono's escaping template tag; nothing interpolated here is a promise, so the result is always ready. */
export const html = (strings: TemplateStringsArray, ...values: unknown[]): Html => honoHtml(strings, ...values) as Html;

/** Feeds a page advertises: a label for people and the three formats' paths. */
export interface AdvertisedFeeds {
	label: string;
	paths: Record<FeedFormat, string>;
}

/**
 * The frame of every HTML page. Each page advertises the feeds relevant to it (RSS Autodiscovery,
 * https://www.rssboard.org/rss-autodiscovery): its own first (a term's, an author's, a post's terms and
 * authors), then the site's, and the OPML list of every feed.
 */
export function page(site: SiteIdentity, options: { title: string; feeds?: readonly AdvertisedFeeds[]; body: Html }): string {
	const feeds = [...(options.feeds ?? []), { label: site.title, paths: feedPaths() }];
	const own = feeds[0]!.paths;
	return html`<!doctype html>
<html lang="${site.language}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${options.title}</title>
${feeds.map(
	({ label, paths }) => html`<link rel="alternate" type="application/rss+xml" title="${label} (RSS)" href="${site.url}${paths.rss}">
<link rel="alternate" type="application/atom+xml" title="${label} (Atom)" href="${site.url}${paths.atom}">
<link rel="alternate" type="application/feed+json" title="${label} (JSON Feed)" href="${site.url}${paths.json}">
`,
)}<link rel="outline" type="text/x-opml" title="Every feed of ${site.title} (OPML)" href="${site.url}${OPML_PATH}">
<style>body{font:1.05rem/1.6 system-ui,sans-serif;max-width:42rem;margin:2rem auto;padding:0 1rem}img{max-width:100%}nav a{margin-right:1rem}</style>
</head>
<body>
<header><a href="${site.url}/"><strong>${site.title}</strong></a>
<nav><a href="${site.url}${own.rss}">RSS</a><a href="${site.url}${own.atom}">Atom</a><a href="${site.url}${own.json}">JSON Feed</a><a href="${site.url}/tags">Tags</a></nav></header>
<main>${options.body}</main>
</body>
</html>`.toString();
}
