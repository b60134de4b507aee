import type { Attachment, Author, Post } from "../content/post";
import { stripXmlForbidden } from "../content/xml-chars";
import { toRfc3339 } from "./dates";
import type { FeedChannel } from "./feed-input";
import { newestFirst } from "./post-order";
import { postTerms } from "./post-terms";

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
	/** 512 × 512 for timelines; favicon 64 × 64 for lists of feeds. */
	icon?: string;
	favicon?: string;
	language: string;
	authors: JsonFeedAuthor[];
	/** https://www.jsonfeed.org/version/1.1/#top-level-a-name-top-level-a: endpoints for real-time notification. */
	hubs?: { type: "WebSub"; url: string }[];
	/** https://www.jsonfeed.org/version/1.1/#top-level-a-name-top-level-a: the next older page of items (the archive before this one). */
	next_url?: string;
	items: JsonFeedItem[];
}

/** https://www.jsonfeed.org/version/1.1/#items-a-name-items-a */
export interface JsonFeedItem {
	id: string;
	url: string;
	title: string;
	content_html: string;
	summary?: string;
	image?: string;
	date_published: string;
	date_modified: string;
	authors?: JsonFeedAuthor[];
	/** JSON Feed has only tags: the post's tags, then its categories, once each (see postTerms). */
	tags?: string[];
	attachments?: JsonFeedAttachment[];
}

/** https://www.jsonfeed.org/version/1.1/#attachments-a-name-attachments-a: url and mime_type are required. */
export interface JsonFeedAttachment {
	url: string;
	mime_type: string;
	title?: string;
	size_in_bytes?: number;
}

/** https://www.jsonfeed.org/version/1.1/#authors-a-name-authors-a */
export interface JsonFeedAuthor {
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
		...(channel.icon === undefined ? {} : { icon: clean(channel.icon) }),
		...(channel.favicon === undefined ? {} : { favicon: clean(channel.favicon) }),
		language: clean(channel.language),
		authors: [jsonAuthor(channel.author)],
		hubs: channel.hubs.length > 0 ? channel.hubs.map((url) => ({ type: "WebSub" as const, url: clean(url) })) : undefined,
		next_url: channel.history?.prev ? clean(channel.history.prev.json) : undefined,
		items: newestFirst(posts).map(jsonFeedItem),
	};
	return `${JSON.stringify(feed, null, 2)}\n`;
}

/**
 * A post as a JSON Feed 1.1 item: the one builder for /feed.json and for the `item` of post.* webhook events,
 * so a receiver can drop an event's item into its own feed and see what our feed shows. Its policy:
 * - dates are RFC 3339 in UTC without zero milliseconds, as in Atom ("2026-03-01T09:00:00Z");
 * - an author's e-mail, which RSS and Atom publish too, becomes a mailto: url when the author has no url
 *   (JSON Feed has no e-mail field);
 * - summary, image, authors and tags are left out, not empty, when the post has none (items without
 *   authors inherit the feed's);
 * - every string is stripped of the characters XML 1.0 forbids, like the XML formats.
 */
export function jsonFeedItem(post: Post): JsonFeedItem {
	const tags = postTerms(post);
	return {
		id: clean(post.id),
		url: clean(post.url),
		title: clean(post.title),
		// content_html or content_text must be present; content_html always is, even when empty.
		content_html: clean(post.contentHtml),
		...(post.summary === "" ? {} : { summary: clean(post.summary) }),
		...(post.image === undefined ? {} : { image: clean(post.image) }),
		date_published: toRfc3339(post.published),
		date_modified: toRfc3339(post.updated),
		...(post.authors.length === 0 ? {} : { authors: post.authors.map(jsonAuthor) }),
		...(tags.length === 0 ? {} : { tags }),
		...(post.attachments === undefined || post.attachments.length === 0 ? {} : { attachments: post.attachments.map(jsonAttachment) }),
	};
}

/** size_in_bytes is left out when unknown (a file elsewhere whose front matter gives no length). */
function jsonAttachment(file: Attachment): JsonFeedAttachment {
	return {
		url: clean(file.url),
		mime_type: clean(file.type ?? "application/octet-stream"),
		...(file.title === undefined ? {} : { title: clean(file.title) }),
		...(file.length === undefined ? {} : { size_in_bytes: file.length }),
	};
}

/** JSON Feed authors carry no e-mail; the spec allows a mailto: URL when there is no site to link. */
function jsonAuthor(author: Author): JsonFeedAuthor {
	const url = author.url ?? (author.email ? `mailto:${author.email}` : undefined);
	return url === undefined ? { name: clean(author.name) } : { name: clean(author.name), url: clean(url) };
}

/** The same characters are removed as in the XML formats, so all three say the same thing. */
function clean(text: string): string {
	return stripXmlForbidden(text);
}
