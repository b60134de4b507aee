import { Hono } from "hono/tiny";
import { MEDIA_PATH, mediaKeyFromPath } from "../../content/links";
import type { ByteRange, MediaBody } from "../../storage/object-store";
import { mediaContentTypeHeader } from "../../shared";
import { isNotModified } from "../conditional-get";
import type { AppEnv } from "../context";
import { notFoundResponse } from "../errors";
import { rangeStillApplies, requestedRange } from "./byte-range";

/**
 * Media keep their URL for as long as their key; a replaced file is revalidated after a day (its ETag
 * changes), and caches may keep serving the old one for a week while they revalidate.
 */
export const MEDIA_CACHE_CONTROL = "public, max-age=86400, stale-while-revalidate=604800";

/**
 * /media/{key}: the objects beside the posts, as the last sync recorded them. Only recorded media are
 * served (never a post's source or a draft). Validators, HEAD, 304 and 416 come from the D1 row; only
 * the bytes of a 200 or 206 are read from the bucket, streamed, with `Range` for audio and video players.
 */
export function mediaRoutes(): Hono<AppEnv> {
	const routes = new Hono<AppEnv>();
	routes.on(["GET", "HEAD"], `${MEDIA_PATH}*`, async (c) => {
		const key = mediaKeyFromPath(new URL(c.req.url).pathname.slice(MEDIA_PATH.length));
		const { media, openStore } = c.get("services");
		const object = key === undefined ? undefined : await media.find(key);
		if (key === undefined || object === undefined) return notFoundResponse(c);

		const etag = `"${object.etag}"`;
		const lastModifiedMs = Date.parse(object.lastModified);
		const lastModified = new Date(lastModifiedMs).toUTCString();
		const headers = new Headers({
			"Content-Type": mediaContentTypeHeader(object.contentType),
			ETag: etag,
			"Last-Modified": lastModified,
			"Cache-Control": MEDIA_CACHE_CONTROL,
			"Accept-Ranges": "bytes",
			"X-Content-Type-Options": "nosniff",
		});
		// An SVG opened on its own is a document of this origin: no script in it may run.
		if (object.contentType === "image/svg+xml") headers.set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; sandbox");
		if (isNotModified(c.req.raw.headers, { etag, lastModifiedMs })) return new Response(null, { status: 304, headers });

		const asked = rangeStillApplies(c.req.header("If-Range") ?? null, etag, lastModified) ? requestedRange(c.req.header("Range") ?? null, object.size) : "none";
		if (asked === "unsatisfiable") {
			headers.set("Content-Range", `bytes */${object.size}`);
			return new Response(null, { status: 416, headers });
		}
		const range = asked === "none" ? undefined : asked;
		if (c.req.method === "HEAD") return answer(headers, object.size, range, null);

		const store = await openStore();
		let body = await store.openMedia(key, range);
		if (body === null) return notFoundResponse(c);
		if (body.etag !== object.etag) {
			// Replaced since the last sync: send the new object whole, with its own validators, rather than mix versions.
			await body.body.cancel();
			body = await store.openMedia(key);
			if (body === null) return notFoundResponse(c);
			headers.set("ETag", `"${body.etag}"`);
			headers.set("Last-Modified", body.lastModified.toUTCString());
			return answer(headers, body.size, undefined, body);
		}
		return answer(headers, object.size, range, body);
	});
	return routes;
}

function answer(headers: Headers, size: number, range: ByteRange | undefined, body: MediaBody | null): Response {
	if (range === undefined) {
		headers.set("Content-Length", String(size));
		return new Response(body?.body ?? null, { status: 200, headers });
	}
	headers.set("Content-Range", `bytes ${range.offset}-${range.offset + range.length - 1}/${size}`);
	headers.set("Content-Length", String(range.length));
	return new Response(body?.body ?? null, { status: 206, headers });
}
