import { Hono } from "hono";
import { html, raw } from "hono/html";
import type { Post } from "../../content/post";
import type { AppEnv } from "../context";
import { page } from "./layout";

const PAGE_CACHE_CONTROL = "public, max-age=60";
const INDEX_LIMIT = 50;

/** Minimal HTML: the post list, one page per post, one list per tag; every feed entry link lands here. */
export function pageRoutes(): Hono<AppEnv> {
	const routes = new Hono<AppEnv>();

	routes.get("/", async (c) => {
		const { config, catalog, now } = c.get("services");
		const { posts } = await catalog.visiblePosts({ now: now(), limit: INDEX_LIMIT });
		c.header("Cache-Control", PAGE_CACHE_CONTROL);
		return c.html(
			page(config.site, {
				title: config.site.title,
				body: html`<h1>${config.site.title}</h1><p>${config.site.description}</p>${postList(posts)}`,
			}),
		);
	});

	routes.get("/tags/:term", async (c) => {
		const { config, catalog, now } = c.get("services");
		const term = c.req.param("term");
		const { posts } = await catalog.visiblePosts({ now: now(), limit: INDEX_LIMIT, term });
		if (posts.length === 0) return c.notFound();
		c.header("Cache-Control", PAGE_CACHE_CONTROL);
		return c.html(page(config.site, { title: `${term} · ${config.site.title}`, term, body: html`<h1>${term}</h1>${postList(posts)}` }));
	});

	routes.get("/posts/:slug", async (c) => {
		const { config, catalog, now } = c.get("services");
		const post = await catalog.visiblePostBySlug(c.req.param("slug"), now());
		if (!post) return c.notFound();
		c.header("Cache-Control", PAGE_CACHE_CONTROL);
		const terms = [...post.tags, ...post.categories];
		return c.html(
			page(config.site, {
				title: `${post.title} · ${config.site.title}`,
				body: html`<article>
<h1>${post.title}</h1>
<p><time datetime="${post.published}">${post.published.slice(0, 10)}</time> · ${post.authors.map((a) => a.name).join(", ")}</p>
${raw(post.contentHtml)}
${terms.length ? html`<p>${terms.map((term) => html`<a href="${config.site.url}/tags/${encodeURIComponent(term)}">#${term}</a> `)}</p>` : ""}
</article>`,
			}),
		);
	});
	return routes;
}

function postList(posts: Post[]) {
	if (posts.length === 0) return html`<p>No posts yet.</p>`;
	return html`<ul>${posts.map(
		(post) => html`<li><a href="${post.url}">${post.title}</a> <small><time datetime="${post.published}">${post.published.slice(0, 10)}</time></small></li>`,
	)}</ul>`;
}
