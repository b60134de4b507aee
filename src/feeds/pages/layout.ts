import { html as honoHtml } from "hono/html";
import type { HtmlEscapedString } from "hono/utils/html";
import type { SiteIdentity } from "../channels";
import { feedPaths } from "../document-paths";

export type Html = HtmlEscapedString;

/** Hono's escaping template tag; nothing interpolated here is a promise, so the result is always ready. */
export const html = (strings: TemplateStringsArray, ...values: unknown[]): Html => honoHtml(strings, ...values) as Html;

/**
 * The frame of every HTML page. Each page advertises the feeds relevant to it (RSS Autodiscovery,
 * https://www.rssboard.org/rss-autodiscovery): the site's, and on a term's page that term's first.
 */
export function page(site: SiteIdentity, options: { title: string; term?: { display: string; normalized: string }; body: Html }): string {
	const feeds = [
		...(options.term ? [{ label: `${site.title}: ${options.term.display}`, paths: feedPaths(options.term.normalized) }] : []),
		{ label: site.title, paths: feedPaths() },
	];
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
)}<style>body{font:1.05rem/1.6 system-ui,sans-serif;max-width:42rem;margin:2rem auto;padding:0 1rem}img{max-width:100%}nav a{margin-right:1rem}</style>
</head>
<body>
<header><a href="${site.url}/"><strong>${site.title}</strong></a>
<nav><a href="${site.url}${own.rss}">RSS</a><a href="${site.url}${own.atom}">Atom</a><a href="${site.url}${own.json}">JSON Feed</a><a href="${site.url}/tags">Tags</a></nav></header>
<main>${options.body}</main>
</body>
</html>`.toString();
}
