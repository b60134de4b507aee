import { raw } from "hono/html";
import type { ListedPost, Post } from "../../content/post";
import { normalizeTerm, postAuthorRows } from "../../content/terms";
import type { SiteIdentity } from "../channels";
import { archivePath, authorFeedPaths, authorPagePath, feedPaths, termPagePath } from "../document-paths";
import { type AdvertisedFeeds, type Html, html, page } from "./layout";

/** A term with the number of visible posts carrying it, for /tags. */
export interface TermCount {
	normalized: string;
	display: string;
	posts: number;
}

/** `/`: the newest posts, and a link into the archive for everything older. */
export function homePage(site: SiteIdentity, posts: readonly ListedPost[], newestArchivePage: number | undefined): string {
	const older = newestArchivePage === undefined ? "" : html`<p><a href="${site.url}${archivePath(newestArchivePage)}">Older posts</a></p>`;
	return page(site, { title: site.title, body: html`<h1>${site.title}</h1><p>${site.description}</p>${postList(posts)}${older}` });
}

/** `/archive/{n}`: posts in the order they were published on this site, a fixed number per page, oldest page 1. */
export function archivePage(site: SiteIdentity, pageNumber: number, posts: readonly ListedPost[], lastPage: number): string {
	const nav = html`<nav aria-label="Archive pages">${pageNumber < lastPage ? html`<a href="${site.url}${archivePath(pageNumber + 1)}">Newer</a> ` : ""}${
		pageNumber > 1 ? html`<a href="${site.url}${archivePath(pageNumber - 1)}">Older</a>` : ""
	}</nav>`;
	return page(site, { title: `Archive, page ${pageNumber} · ${site.title}`, body: html`<h1>Archive, page ${pageNumber}</h1>${postList(posts)}${nav}` });
}

/** `/tags/{term}`: the term's newest posts, with its own feeds advertised first. */
export function termPage(site: SiteIdentity, term: { display: string; normalized: string }, posts: readonly ListedPost[]): string {
	return page(site, { title: `${term.display} · ${site.title}`, feeds: [termFeeds(site, term)], body: html`<h1>${term.display}</h1>${postList(posts)}` });
}

/** `/authors/{author}`: an author's newest posts, with the author's feeds advertised first. */
export function authorPage(site: SiteIdentity, author: { display: string; normalized: string }, posts: readonly ListedPost[]): string {
	return page(site, { title: `${author.display} · ${site.title}`, feeds: [authorFeeds(site, author)], body: html`<h1>${author.display}</h1>${postList(posts)}` });
}

function termFeeds(site: SiteIdentity, term: { display: string; normalized: string }): AdvertisedFeeds {
	return { label: `${site.title}: ${term.display}`, paths: feedPaths(term.normalized) };
}

function authorFeeds(site: SiteIdentity, author: { display: string; normalized: string }): AdvertisedFeeds {
	return { label: `${site.title}: ${author.display}`, paths: authorFeedPaths(author.normalized) };
}

/** `/tags`: every term with its post count and links to its page and feeds. */
export function termIndexPage(site: SiteIdentity, terms: readonly TermCount[]): string {
	const rows = terms.map((term) => {
		const feeds = feedPaths(term.normalized);
		return html`<li><a href="${site.url}${termPagePath(term.normalized)}">${term.display}</a> (${term.posts}) <small><a href="${site.url}${feeds.rss}">RSS</a> <a href="${site.url}${feeds.atom}">Atom</a> <a href="${site.url}${feeds.json}">JSON Feed</a></small></li>`;
	});
	const body = terms.length === 0 ? html`<p>No tags yet.</p>` : html`<ul>${rows}</ul>`;
	return page(site, { title: `Tags · ${site.title}`, body: html`<h1>Tags</h1>${body}` });
}

/** `/posts/{slug}`: one post in full. */
export function postPage(site: SiteIdentity, post: Post): string {
	const terms = [...post.tags, ...post.categories].flatMap((term) => {
		const normalized = normalizeTerm(term);
		return normalized === undefined ? [] : [html`<a href="${site.url}${termPagePath(normalized)}">#${term}</a> `];
	});
	const authors = postAuthorRows(post).map(([display, normalized]) => ({ display, normalized }));
	const termFeedList = [...post.tags, ...post.categories].flatMap((term) => {
		const normalized = normalizeTerm(term);
		return normalized === undefined ? [] : [termFeeds(site, { display: term, normalized })];
	});
	return page(site, {
		title: `${post.title} · ${site.title}`,
		// The post's own authors and terms first: a reader who liked it subscribes to one of those.
		feeds: [...authors.map((author) => authorFeeds(site, author)), ...uniqueByPath(termFeedList)],
		body: html`<article>
<h1>${post.title}</h1>
<p><time datetime="${post.published}">${post.published.slice(0, 10)}</time> · ${post.authors.map((author, index) => {
			const normalized = normalizeTerm(author.name);
			const name = normalized === undefined ? author.name : html`<a href="${site.url}${authorPagePath(normalized)}">${author.name}</a>`;
			return html`${index > 0 ? ", " : ""}${name}`;
		})}</p>
${raw(post.contentHtml)}
${terms.length ? html`<p>${terms}</p>` : ""}
</article>`,
	});
}

function uniqueByPath(feeds: AdvertisedFeeds[]): AdvertisedFeeds[] {
	const seen = new Set<string>();
	return feeds.filter((feed) => !seen.has(feed.paths.atom) && seen.add(feed.paths.atom) !== undefined);
}

function postList(posts: readonly ListedPost[]): Html {
	if (posts.length === 0) return html`<p>No posts yet.</p>`;
	return html`<ul>${posts.map(
		(post) => html`<li><a href="${post.url}">${post.title}</a> <small><time datetime="${post.published}">${post.published.slice(0, 10)}</time></small></li>`,
	)}</ul>`;
}
