import { Hono } from "hono/tiny";
import { DEFAULT_FAVICON_PATH, DEFAULT_ICON_PATH } from "../../config";
import { FEED_STYLESHEET_PATH } from "../../feeds/channels";
import { isNotModified } from "../conditional-get";
import type { AppEnv } from "../context";
import { FEED_STYLESHEET, FEED_STYLESHEET_ETAG } from "./feed-stylesheet";
import { FAVICON_ICO_BASE64, FAVICON_ICO_ETAG, ICON_PNG_BASE64, ICON_PNG_ETAG } from "./images";

/** A file that ships with the Worker: its bytes change only with a deploy. */
export interface Asset {
	path: string;
	contentType: string;
	etag: string;
	body: () => Uint8Array;
}

/** Deploys happen at any time, so a day of caching, then a revalidation that costs a 304. */
const ASSET_CACHE_CONTROL = "public, max-age=86400";
/** Stands for "as old as this deployment": the files have no date of their own. */
const ASSET_LAST_MODIFIED_MS = Date.UTC(2026, 11, 1);

const fromBase64 = (text: string) => () => Uint8Array.from(atob(text), (char) => char.charCodeAt(0));

export const ASSETS: readonly Asset[] = [
	{ path: FEED_STYLESHEET_PATH, contentType: "text/css; charset=utf-8", etag: FEED_STYLESHEET_ETAG, body: () => new TextEncoder().encode(FEED_STYLESHEET) },
	{ path: DEFAULT_ICON_PATH, contentType: "image/png", etag: ICON_PNG_ETAG, body: fromBase64(ICON_PNG_BASE64) },
	{ path: DEFAULT_FAVICON_PATH, contentType: "image/vnd.microsoft.icon", etag: FAVICON_ICO_ETAG, body: fromBase64(FAVICON_ICO_BASE64) },
];

/** The feed stylesheet and the default icons, with validators (GET, HEAD, 304). */
export function assetRoutes(): Hono<AppEnv> {
	const routes = new Hono<AppEnv>();
	for (const asset of ASSETS) {
		routes.on(["GET", "HEAD"], asset.path, (c) => {
			const headers = new Headers({
				"Content-Type": asset.contentType,
				ETag: asset.etag,
				"Last-Modified": new Date(ASSET_LAST_MODIFIED_MS).toUTCString(),
				"Cache-Control": ASSET_CACHE_CONTROL,
				"X-Content-Type-Options": "nosniff",
			});
			if (isNotModified(c.req.raw.headers, { etag: asset.etag, lastModifiedMs: ASSET_LAST_MODIFIED_MS })) return new Response(null, { status: 304, headers });
			return new Response(c.req.method === "HEAD" ? null : asset.body(), { status: 200, headers });
		});
	}
	return routes;
}
