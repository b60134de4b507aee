import { FEED_CONTENT_TYPES } from "../../feeds/publication";

const STYLED_FEEDS = new Set([FEED_CONTENT_TYPES.rss, FEED_CONTENT_TYPES.atom]);

/**
 * The Content-Type to send an RSS or Atom document with. Chromium shows application/rss+xml and
 * application/atom+xml as plain text, so no stylesheet could apply: a tab that navigates to a feed
 * (Sec-Fetch-Dest: document, https://www.w3.org/TR/fetch-metadata/, which only browsers send and feed
 * readers never do) gets the same bytes as application/xml, which browsers render with the feed's CSS.
 * Every other client gets the feed's own type. docs/design.md, "A feed in a browser".
 */
export function feedContentTypeFor(request: Headers, stored: string): { contentType: string; vary?: string } {
	if (!STYLED_FEEDS.has(stored)) return { contentType: stored };
	const navigation = request.get("Sec-Fetch-Dest") === "document" && request.get("Sec-Fetch-Mode") === "navigate";
	return { contentType: navigation ? "application/xml; charset=utf-8" : stored, vary: "Sec-Fetch-Dest, Sec-Fetch-Mode" };
}
