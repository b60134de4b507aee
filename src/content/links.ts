/** Where a post's relative links point; see docs/ids.md ("Links inside posts"). */
export interface LinkBase {
	/** `{siteUrl}`: `/about` means `{siteUrl}/about`, even when the site lives under a path. */
	siteUrl: string;
	/** `{siteUrl}/posts/{slug}/`: `figure.png` means `{siteUrl}/posts/{slug}/figure.png`, as in a page bundle. */
	postBase: string;
	/** `{siteUrl}/posts/{slug}`: `#notes` means `{siteUrl}/posts/{slug}#notes`. */
	permalink: string;
}

export function linkBaseFor(siteUrl: string, slug: string): LinkBase {
	const permalink = `${siteUrl}/posts/${slug}`;
	return { siteUrl, postBase: `${permalink}/`, permalink };
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
		else url = new URL(value, base.postBase);
	} catch {
		return undefined;
	}
	return schemes.includes(url.protocol.slice(0, -1)) ? url.href : undefined;
}
