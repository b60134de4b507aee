import type { Author, Post } from "../content/post";
import { toRfc3339 } from "./dates";
import type { FeedChannel } from "./feed-input";
import { newestFirst } from "./post-order";
import { postTerms } from "./post-terms";
import { stripXmlForbidden } from "./xml-text";

/*
 * JSON Feed 1.1: https://www.jsonfeed.org/version/1.1/.
 * Written by hand: `feed` 6.0.0 only produces version 1 (a singular author, no language) and leaves
 * out the required item id when an item has only a link.
 */

const VERSION = "https://jsonfeed.org/version/1.1";

/** https://www.jsonfeed.org/version/1.1/#top-level-a-name-top-level-a */
interface JsonFeed {
	version: typeof VERSION;
	title: string;
	home_page_url: string;
	feed_url: string;
	description: string;
	language: string;
	authors: JsonFeedAuthor[];
	/** https://www.jsonfeed.org/version/1.1/#top-level-a-name-top-level-a: endpoints for real-time notification. */
	hubs?: { type: "WebSub"; url: string }[];
	items: JsonFeedItem[];
}

/** https://www.jsonfeed.org/version/1.1/#items-a-name-items-a */
interface JsonFeedItem {
	id: string;
	url: string;
	title: string;
	content_html: string;
	summary?: string;
	image?: string;
	date_published: string;
	date_modified: string;
	authors?: JsonFeedAuthor[];
	tags?: string[];
}

/** https://www.jsonfeed.org/version/1.1/#authors-a-name-authors-a */
interface JsonFeedAuthor {
	name: string;
	url?: string;
}

/** A JSON Feed 1.1 document, newest post first, indented by two spaces like the XML formats. */
export function renderJsonFeed(channel: FeedChannel, posts: readonly Post[]): string {
	const feed: JsonFeed = {
		version: VERSION,
		title: clean(channel.title),
		home_page_url: clean(channel.links.html),
		feed_url: clean(channel.links.json),
		description: clean(channel.description),
		language: clean(channel.language),
		authors: [jsonAuthor(channel.author)],
		hubs: channel.hubs.length > 0 ? channel.hubs.map((url) => ({ type: "WebSub" as const, url: clean(url) })) : undefined,
		items: newestFirst(posts).map(jsonItem),
	};
	return `${JSON.stringify(feed, null, 2)}\n`;
}

function jsonItem(post: Post): JsonFeedItem {
	const tags = postTerms(post);
	return {
		id: clean(post.id),
		url: clean(post.url),
		title: clean(post.title),
		// content_html or content_text must be present; content_html always is, even when empty.
		content_html: clean(post.contentHtml),
		summary: post.summary === "" ? undefined : clean(post.summary),
		image: post.image === undefined ? undefined : clean(post.image),
		date_published: toRfc3339(post.published),
		date_modified: toRfc3339(post.updated),
		// Items without authors inherit the feed's.
		authors: post.authors.length > 0 ? post.authors.map(jsonAuthor) : undefined,
		tags: tags.length > 0 ? tags : undefined,
	};
}

/** JSON Feed authors carry no e-mail; the spec allows a mailto: URL when there is no site to link. */
function jsonAuthor(author: Author): JsonFeedAuthor {
	const url = author.url ?? (author.email ? `mailto:${author.email}` : undefined);
	return { name: clean(author.name), url: url === undefined ? undefined : clean(url) };
}

/** The same characters are removed as in the XML formats, so all three say the same thing. */
function clean(text: string): string {
	return stripXmlForbidden(text);
}
