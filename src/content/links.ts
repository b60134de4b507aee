/** Where a post's relative links point; see docs/ids.md ("Links inside posts"). */
export interface LinkBase {
	/** `{siteUrl}`: `/about` means `{siteUrl}/about`, even when the site lives under a path. */
	siteUrl: string;
	/**
	 * `{siteUrl}/media/{folder of the post's key}/`: `img/x.png` in `2026/post.md` means `{siteUrl}/media/2026/img/x.png`,
	 * the object `2026/img/x.png` stored beside the post (served by /media/{key}).
	 */
	mediaBase: string;
	/** `{siteUrl}/posts/{slug}`: `#notes` means `{siteUrl}/posts/{slug}#notes`. */
	permalink: string;
}

/** Media objects are served under this path, by their key relative to the storage prefix. */
export const MEDIA_PATH = "/media/";

export function linkBaseFor(siteUrl: string, slug: string, key: string): LinkBase {
	const folder = key.includes("/") ? key.slice(0, key.lastIndexOf("/") + 1) : "";
	return { siteUrl, mediaBase: mediaUrl(siteUrl, folder), permalink: `${siteUrl}/posts/${slug}` };
}

/** The URL of a stored object: each segment of its key percent-encoded, slashes kept. */
export function mediaUrl(siteUrl: string, key: string): string {
	return `${siteUrl}${MEDIA_PATH}${key.split("/").map(encodeURIComponent).join("/")}`;
}

/** The object key an absolute URL of this site's media names, or undefined for any other URL. */
export function mediaKeyOf(url: string, siteUrl: string): string | undefined {
	const prefix = `${siteUrl}${MEDIA_PATH}`;
	if (!url.startsWith(prefix)) return undefined;
	return mediaKeyFromPath(url.slice(prefix.length).replace(/[?#].*$/s, ""));
}

/** A key from the part of a path after /media/ (percent-encoded segments), or undefined when it cannot be one. */
export function mediaKeyFromPath(encoded: string): string | undefined {
	try {
		const key = encoded.split("/").map(decodeURIComponent).join("/");
		return key === "" || key.endsWith("/") || key.split("/").some((segment) => segment === "" || segment === "." || segment === "..") ? undefined : key;
	} catch {
		return undefined;
	}
}

/**
 * An absolute URL for a link or image source, or undefined when it is unusable or its scheme is not
 * in `schemes` (so `javascript:`, `vbscript:` and `data:` never survive). Feed readers ignore xml:base
 * (jekyll-feed #395), so nothing relative may reach a feed.
 */
export function absoluteUrl(raw: string, base: LinkBase, schemes: readonly string[]): string | undefined {
	// The URL parser drops these anywhere in a URL, as browsers do; strip them first so "/" tests agree with it.
	const value = raw.replace(/[\t\n\r]/g, "").replace(/^[\u0000-\u0020]+|[\u0000-\u0020]+$/g, "");
	let url: URL;
	try {
		if (value.startsWith("#")) url = new URL(base.permalink + value);
		else if (/^\/(?![/\\])/.test(value)) url = new URL(base.siteUrl + value);
		else url = new URL(value, base.mediaBase);
	} catch {
		return undefined;
	}
	return schemes.includes(url.protocol.slice(0, -1)) ? url.href : undefined;
}
