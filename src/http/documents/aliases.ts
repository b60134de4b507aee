import type { Context } from "hono";
import type { AppEnv } from "../context";
import { notFoundResponse } from "../errors";

/** Never redirected, whatever a post claims: the API, the hub and the admin area answer for themselves. */
const RESERVED = /^\/(api|websub|admin)(\/|$)/;
/** Browsers and caches keep a 301 long; a day lets a corrected alias take over within a day. */
const ALIAS_CACHE_CONTROL = "public, max-age=86400";

/**
 * The answer for a GET or HEAD that matched no document and no route: a 301 to the post that lists the path
 * among its old addresses (front matter `aliases` / `redirect_from`), found with one lookup through the
 * alias index, else 404. Documents are served before this is asked, so an alias never shadows one.
 */
export async function aliasOrNotFound(c: Context<AppEnv>): Promise<Response> {
	const method = c.req.method;
	const pathname = new URL(c.req.url).pathname;
	if ((method === "GET" || method === "HEAD") && !RESERVED.test(pathname) && pathname.length <= 2_000) {
		const { catalog, config, now } = c.get("services");
		const target = await catalog.aliasTarget(pathname, now());
		if (target !== undefined) {
			return new Response(null, { status: 301, headers: { Location: `${config.site.url}${target}`, "Cache-Control": ALIAS_CACHE_CONTROL } });
		}
	}
	return notFoundResponse(c);
}
