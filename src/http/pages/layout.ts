import { html } from "hono/html";
import type { HtmlEscapedString } from "hono/utils/html";
import type { SiteConfig } from "../../config";
import { feedLinks } from "../feeds/feed-links";

type Html = HtmlEscapedString | Promise<HtmlEscapedString>;

/** Every page advertises all three feeds (RSS Autodiscovery, https://www.rssboard.org/rss-autodiscovery). */
export function page(site: SiteConfig, options: { title: string; term?: string; body: Html }): Html {
	const links = feedLinks(site, options.term);
	return html`<!doctype html>
<html lang="${site.language}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${options.title}</title>
<link rel="alternate" type="application/rss+xml" title="${site.title} (RSS)" href="${links.rss}">
<link rel="alternate" type="application/atom+xml" title="${site.title} (Atom)" href="${links.atom}">
<link rel="alternate" type="application/feed+json" title="${site.title} (JSON Feed)" href="${links.json}">
<style>body{font:1.05rem/1.6 system-ui,sans-serif;max-width:42rem;margin:2rem auto;padding:0 1rem}img{max-width:100%}nav a{margin-right:1rem}</style>
</head>
<body>
<header><a href="${site.url}/"><strong>${site.title}</strong></a>
<nav><a href="${links.rss}">RSS</a><a href="${links.atom}">Atom</a><a href="${links.json}">JSON Feed</a></nav></header>
<main>${options.body}</main>
</body>
</html>`;
}
