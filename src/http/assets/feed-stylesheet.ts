/*
 * CSS for XML (https://www.w3.org/TR/xml-stylesheet/) that RSS and Atom name in <?xml-stylesheet?>: a browser
 * shows the feed as a page that says what a feed is, how to subscribe, and lists the entries; readers ignore it.
 * CSS rather than XSLT, which Chromium is removing (docs/design.md, "A feed in a browser"). CSS cannot make an
 * XML element a link, so each entry shows its address as selectable text; the feed's own address, to paste into a
 * reader, comes from its rel="self" link.
 */
export const FEED_STYLESHEET = `@namespace atom url(http://www.w3.org/2005/Atom);
@namespace content url(http://purl.org/rss/1.0/modules/content/);
@namespace dc url(http://purl.org/dc/elements/1.1/);

* { display: none; }
rss, atom|feed {
	display: block; max-width: 44rem; margin: 0 auto; padding: 1.5rem 1rem 3rem;
	font: 1.05rem/1.6 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1d1d1f; background: #fff;
}
rss::before, atom|feed::before {
	display: block; margin: 0 0 1.5rem; padding: 1rem 1.25rem; border-radius: .5rem; background: #fff4e8; border: 1px solid #f0c79a;
	white-space: pre-line; font-size: .95rem;
	content: "This is a web feed: the address a feed reader checks for new posts on this site.\\A To subscribe, copy this page's address from the address bar (it is also shown below) and paste it into your feed reader, or open it with your reader's “Add feed” or “Subscribe” button. Readers such as NetNewsWire, Feedly, Inoreader, Miniflux, Thunderbird or newsboat then show every new post as it appears.";
}
channel { display: block; }
channel > title, atom|feed > atom|title { display: block; font-size: 1.9rem; font-weight: 700; line-height: 1.25; margin: 0 0 .25rem; }
channel > description, atom|feed > atom|subtitle { display: block; color: #555; margin: 0 0 1rem; }
channel > atom|link[rel="self"], atom|feed > atom|link[rel="self"] { display: block; margin: 0 0 2rem; font-size: .9rem; color: #555; }
channel > atom|link[rel="self"]::before, atom|feed > atom|link[rel="self"]::before { content: "Feed address: "; }
channel > atom|link[rel="self"]::after, atom|feed > atom|link[rel="self"]::after {
	content: attr(href); user-select: all; font-family: ui-monospace, monospace; color: #1d1d1f; background: #f2f2f2; padding: .1rem .35rem; border-radius: .25rem;
}
item, atom|entry { display: block; margin: 0 0 1.5rem; padding: 0 0 1.25rem; border-bottom: 1px solid #e5e5e5; }
item > title, atom|entry > atom|title { display: block; font-size: 1.2rem; font-weight: 600; line-height: 1.35; }
item > pubDate, atom|entry > atom|published { display: block; font-size: .85rem; color: #666; }
atom|entry > atom|summary { display: block; margin: .35rem 0; }
item > link, atom|entry > atom|link[rel="alternate"] { display: block; font-size: .9rem; color: #0b57d0; user-select: all; word-break: break-all; }
atom|entry > atom|link[rel="alternate"]::after { content: attr(href); }
item > enclosure, atom|entry > atom|link[rel="enclosure"] { display: block; font-size: .85rem; color: #555; word-break: break-all; }
item > enclosure::before { content: "Attachment (" attr(type) "): " attr(url); }
atom|entry > atom|link[rel="enclosure"]::before { content: "Attachment (" attr(type) "): " attr(href); }
`;

export const FEED_STYLESHEET_ETAG = '"2gvpmdiaWHAhQ-ZHfgIuKSdU"';
