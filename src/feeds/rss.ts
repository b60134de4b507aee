import type { Attachment, Author, Post } from "../content/post";
import { toRfc822 } from "./dates";
import type { FeedChannel } from "./feed-input";
import { feedUpdated, newestFirst } from "./post-order";
import { postTerms } from "./post-terms";
import { FEED_HISTORY_NAMESPACE, historyLinks } from "./feed-history";
import { plainTextAsHtml } from "./xml-text";
import { element, plainTextElement, textElement, writeXmlDocument, type XmlElement } from "./xml-writer";

/*
 * RSS 2.0: https://www.rssboard.org/rss-specification, with content:encoded
 * (https://web.resource.org/rss/1.0/modules/content/), dc:creator (https://www.dublincore.org/specifications/dublin-core/dcmi-terms/#creator)
 * and atom:link rel="self" (https://www.rssboard.org/rss-profile#namespace-elements-atom-link).
 *
 * Written by hand instead of with `feed` 6.0.0's rss2(), which cannot be fixed from outside: it passes
 * every link through new URL(), so links are not used as given (the channel link gains a trailing slash)
 * and one link it cannot parse throws for the whole feed. Its other defects could only be patched by
 * feeding xml-js 1.6.11 the inverse of its bugs: js2xml escapes only the first `]]>` of a CDATA section
 * and turns a literal "&amp;" in text into "&". It also writes name-only <author> elements, which the
 * W3C validator rejects.
 */

const NAMESPACES = {
	"xmlns:atom": "http://www.w3.org/2005/Atom",
	"xmlns:content": "http://purl.org/rss/1.0/modules/content/",
	"xmlns:dc": "http://purl.org/dc/elements/1.1/",
};

/** An RSS 2.0 document: newest post first, full content in content:encoded, the summary in description. */
export function renderRss(channel: FeedChannel, posts: readonly Post[]): string {
	const lastBuildDate = feedUpdated(posts);
	const history = channel.history;
	return writeXmlDocument(
		element("rss", { version: "2.0", ...NAMESPACES, "xmlns:fh": history ? FEED_HISTORY_NAMESPACE : undefined }, [
			element("channel", {}, [
				// Plain-text elements take hexadecimal references for & < > (RSS Profile; see escapePlainText).
				plainTextElement("title", channel.title),
				textElement("link", channel.links.html),
				plainTextElement("description", channel.description),
				textElement("language", channel.language),
				channel.author.email ? plainTextElement("managingEditor", rssPerson(channel.author.email, channel.author.name)) : undefined,
				// An empty feed has no honest date; lastBuildDate is optional, so it is left out rather than made up.
				lastBuildDate === undefined ? undefined : textElement("lastBuildDate", toRfc822(lastBuildDate)),
				textElement("docs", "https://www.rssboard.org/rss-specification"),
				textElement("generator", "Pressroom"),
				// https://www.rssboard.org/rss-specification#ltimagegtSubelementOfLtchannelgt: title and link as the channel's, as the validator wants.
				channel.icon === undefined
					? undefined
					: element("image", {}, [textElement("url", channel.icon), plainTextElement("title", channel.title), textElement("link", channel.links.html)]),
				element("atom:link", { href: channel.links.rss, rel: "self", type: "application/rss+xml" }),
				// RFC 5005 §3 allows its link relations in RSS through atom:link.
				...historyLinks(history, "rss").map(({ rel, href }) => element("atom:link", { href, rel, type: "application/rss+xml" })),
				history?.archive ? element("fh:archive") : undefined,
				// WebSub discovery (https://www.w3.org/TR/websub/#discovery), in the Atom namespace as for self.
				...channel.hubs.map((hub) => element("atom:link", { href: hub, rel: "hub" })),
				...newestFirst(posts).map((post) => rssItem(post, channel)),
			]),
		]),
		{ stylesheet: channel.stylesheet },
	);
}

/** https://www.rssboard.org/rss-specification#hrelementsOfLtitemgt */
function rssItem(post: Post, channel: FeedChannel): XmlElement {
	return element("item", {}, [
		plainTextElement("title", post.title),
		textElement("link", post.url),
		// The tag: URI is the entry's permanent identity, not a URL a reader could open.
		textElement("guid", post.id, { isPermaLink: "false" }),
		textElement("pubDate", toRfc822(post.published)),
		...rssAuthors(post.authors.length > 0 ? post.authors : [channel.author]),
		...postTerms(post).map((term) => plainTextElement("category", term)),
		// Readers treat <description> as HTML, so the plain-text summary is escaped once more to show as written.
		post.summary === "" ? undefined : textElement("description", plainTextAsHtml(post.summary)),
		post.contentHtml === "" ? undefined : textElement("content:encoded", post.contentHtml),
		rssEnclosure(post.attachments?.[0]),
	]);
}

/**
 * RSS has one enclosure per item (readers take the first; the W3C validator warns on more): the post's first
 * attachment. Length and type are required; an unknown length is 0, as the RSS Profile says
 * (https://www.rssboard.org/rss-profile#element-channel-item-enclosure).
 */
function rssEnclosure(attachment: Attachment | undefined): XmlElement | undefined {
	if (attachment === undefined) return undefined;
	return element("enclosure", { url: attachment.url, length: String(attachment.length ?? 0), type: attachment.type ?? "application/octet-stream" });
}

/**
 * RSS allows one <author> per item, and only as an e-mail address; a name alone is an error for the
 * W3C validator, and <author> next to <dc:creator> draws a DuplicateItemSemantics warning
 * (feedvalidator item.py). So a single author with an e-mail is an <author>, everyone else a dc:creator.
 */
function rssAuthors(authors: readonly Author[]): XmlElement[] {
	const [only] = authors;
	if (authors.length === 1 && only?.email) return [plainTextElement("author", rssPerson(only.email, only.name))];
	return authors.map((author) => plainTextElement("dc:creator", author.name));
}

/** The "email (Name)" form the RSS specification uses for people. */
function rssPerson(email: string, name: string): string {
	return `${email} (${name})`;
}
