import type { MiddlewareHandler } from "hono";
import { canonicalPath } from "../../feeds/document-paths";
import { HTML_CONTENT_TYPE } from "../../feeds/publication";
import type { LookupCost } from "../../storage/document-cache";
import { discoveryLinks } from "../../hub/links";
import { isNotModified } from "../conditional-get";
import type { AppEnv } from "../context";
import { notFoundResponse } from "../errors";
import { feedContentTypeFor } from "./browser-view";

/**
 * Serves every published document (feeds, tag feeds, pages) from the document store: map the path to its
 * canonical form, look it up (memory first, then one D1 row), compare validators, answer. No render, no
 * hash, no bucket access on a request. When a scheduled post's time has come, the first request after it
 * publishes before answering, so the post appears on time. Other paths fall through to the API routes.
 */
export function serveDocuments(): MiddlewareHandler<AppEnv> {
	return async (c, next) => {
		const method = c.req.method;
		if (method !== "GET" && method !== "HEAD") return next();
		const path = canonicalPath(new URL(c.req.url).pathname);
		if (path === undefined) return isDocumentArea(c.req.path) ? notFoundResponse(c) : next();

		const { publication } = c.get("services");
		const cost: LookupCost = { rowsRead: 0 };
		const state = await publication.state(cost);
		if (state.nextVisibilityChange !== undefined && Date.parse(state.nextVisibilityChange) <= publication.nowMs()) {
			await publication.publishDue(cost);
		}
		const document = await publication.lookup(path, cost);
		const headers = new Headers(publication.exposeCost ? { "X-Pressroom-D1-Rows-Read": String(cost.rowsRead) } : {});
		if (document === null) return notFoundResponse(c, headers);
		const { contentType, vary } = feedContentTypeFor(c.req.raw.headers, document.contentType);
		headers.set("Content-Type", contentType);
		if (vary !== undefined) headers.set("Vary", vary);
		headers.set("ETag", document.etag);
		headers.set("Last-Modified", document.lastModifiedHttp);
		headers.set("Cache-Control", document.cacheControl);
		// Every feed is a WebSub topic; its self URL is exactly the hub.topic to subscribe with.
		if (document.contentType !== HTML_CONTENT_TYPE) headers.set("Link", discoveryLinks(publication.hubs, `${publication.siteUrl}${path}`));
		if (isNotModified(c.req.raw.headers, document)) return new Response(null, { status: 304, headers });
		return new Response(method === "HEAD" ? null : document.body, { status: 200, headers });
	};
}

/** Paths under the document tree that no document can have answer 404 here rather than reaching the API. */
function isDocumentArea(path: string): boolean {
	return path.startsWith("/tags/") || path.startsWith("/posts/") || path.startsWith("/archive/");
}
