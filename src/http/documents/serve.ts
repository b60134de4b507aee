import type { MiddlewareHandler } from "hono";
import { canonicalPath } from "../../feeds/document-paths";
import { FEED_CONTENT_TYPES } from "../../feeds/publication";
import type { CachedDocument, LookupCost } from "../../storage/document-cache";
import { discoveryLinks } from "../../hub/links";
import type { Publication } from "../../jobs/publication";
import { isNotModified } from "../conditional-get";
import type { AppEnv } from "../context";
import { notFound } from "../errors";
import { feedContentTypeFor } from "./browser-view";

/**
 * Serves every published document (feeds, tag feeds, pages) from the document store: map the path to its
 * canonical form, look it up (memory first, then one D1 row, and with DOCUMENT_BODIES=r2 its body's byte range in
 * the DOCUMENTS bucket), compare validators, answer. No render, no hash, no read of the posts' bucket on a request.
 * When a scheduled post's time has come, the first request after it publishes before answering, so the post
 * appears on time. Other paths fall through to the API routes.
 * src/index.ts calls serveDocumentRequest before the Hono app, so a document request builds nothing else.
 */
export async function serveDocumentRequest(request: Request, publication: Publication): Promise<Response | undefined> {
	const method = request.method;
	if (method !== "GET" && method !== "HEAD") return undefined;
	const pathname = new URL(request.url).pathname;
	const path = canonicalPath(pathname);
	// A path no document can have: a term feed answers 404 at once; anything else may be an alias (the app's 404).
	if (path === undefined) return pathname.startsWith("/tags/") ? notFound(method, pathname) : undefined;

	const cost: LookupCost = { rowsRead: 0 };
	// A hit within the staleness bound answers without awaiting anything.
	const state = publication.freshState() ?? (await publication.state(cost));
	const due = state.nextVisibilityChangeMs !== undefined && state.nextVisibilityChangeMs <= publication.nowMs();
	if (due) await publication.publishDue(cost);
	let document = due ? undefined : publication.peek(path);
	if (document === undefined) document = await publication.lookup(path, cost);
	if (document === null) {
		// An unknown term costs the one document lookup; a missing page may be an old address (aliases, in the app).
		return path.startsWith("/tags") ? notFound(method, pathname, wantsCost(request, publication) ? costHeaders(cost) : undefined) : undefined;
	}
	// Built once per cached entry; a Response copies the headers it is given, so one object serves every request.
	document.responseHeaders ??= new Headers(responseHeaders(document, publication, path));
	let headers = document.responseHeaders;
	// A browser tab gets RSS and Atom as application/xml, so the feed's CSS applies (browser-view.ts).
	const { contentType } = feedContentTypeFor(request.headers, document.contentType);
	const withCost = wantsCost(request, publication);
	if (contentType !== document.contentType || withCost) {
		headers = new Headers(headers);
		if (contentType !== document.contentType) headers.set("Content-Type", contentType);
		if (withCost) headers.set(COST_HEADER, String(cost.rowsRead));
	}
	if (isNotModified(request.headers, document)) return new Response(null, { status: 304, headers });
	return new Response(method === "HEAD" ? null : document.body, { status: 200, headers });
}

/** The same as Hono middleware, for the app's own route table (tests, and any request index.ts passes on). */
export function serveDocuments(publicationFor: (env: Cloudflare.Env) => Publication): MiddlewareHandler<AppEnv> {
	return async (c, next) => (await serveDocumentRequest(c.req.raw, publicationFor(c.env))) ?? next();
}

const COST_HEADER = "X-Pressroom-D1-Rows-Read";
/** Dev mode answers with the D1 rows a request read only when asked: the serving bench's load runs without it. */
const COST_REQUEST_HEADER = "X-Pressroom-Cost";

function wantsCost(request: Request, publication: Publication): boolean {
	return publication.exposeCost && request.headers.has(COST_REQUEST_HEADER);
}
const FEED_TYPES = new Set<string>(Object.values(FEED_CONTENT_TYPES));

function costHeaders(cost: LookupCost): Headers {
	return new Headers({ [COST_HEADER]: String(cost.rowsRead) });
}

function responseHeaders(document: CachedDocument, publication: Publication, path: string): [string, string][] {
	const headers: [string, string][] = [
		["Content-Type", document.contentType],
		["ETag", document.etag],
		["Last-Modified", document.lastModifiedHttp],
		["Cache-Control", document.cacheControl],
	];
	// RSS and Atom are answered to browsers with another type (browser-view.ts): caches must keep them apart.
	const { vary } = feedContentTypeFor(new Headers(), document.contentType);
	if (vary !== undefined) headers.push(["Vary", vary]);
	// Every feed is a WebSub topic; its self URL is exactly the hub.topic to subscribe with.
	if (FEED_TYPES.has(document.contentType)) headers.push(["Link", discoveryLinks(publication.hubs, `${publication.siteUrl}${path}`)]);
	return headers;
}
