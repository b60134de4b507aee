/**
 * What a chat message says about an event, whichever service shows it: the parts the Slack and Discord
 * payload builders (slack-payload.ts, discord-payload.ts) both format. Pure.
 */
import type { JsonFeedAuthor } from "../feeds/json-feed";
import type { DeletedPostData, PingEventData, PostEventData, WebhookEvent } from "./event";

/** An event as a chat message: a post with its link, or a one-line notice (a deletion, a ping). */
export type ChatMessage =
	| {
			kind: "post";
			/** "New post" or "Updated post". */
			headline: string;
			title: string;
			/** Absolute http(s) permalink, or undefined if the post's URL is not one. */
			url?: string;
			summary?: string;
			author?: JsonFeedAuthor;
			tags: string[];
			/** RFC 3339. */
			published: string;
	  }
	| { kind: "notice"; text: string };

export function chatMessage(event: WebhookEvent): ChatMessage {
	switch (event.type) {
		case "ping":
			return { kind: "notice", text: `${(event.data as PingEventData).message}: this channel will receive Pressroom's posts.` };
		case "post.deleted":
			return { kind: "notice", text: `A post was removed: ${(event.data as DeletedPostData).id}` };
		case "post.published":
		case "post.updated": {
			const { item } = event.data as PostEventData;
			const url = httpUrl(item.url);
			const author = item.authors?.[0];
			return {
				kind: "post",
				headline: event.type === "post.published" ? "New post" : "Updated post",
				title: item.title.trim() === "" ? (url ?? item.id) : item.title,
				...(url === undefined ? {} : { url }),
				...(item.summary === undefined || item.summary.trim() === "" ? {} : { summary: item.summary }),
				...(author === undefined ? {} : { author }),
				tags: item.tags ?? [],
				published: item.date_published,
			};
		}
	}
}

/** `url` if it is an absolute http(s) URL: chat services refuse other schemes in links and embeds. */
export function httpUrl(url: string | undefined): string | undefined {
	if (url === undefined) return undefined;
	try {
		const parsed = new URL(url);
		return parsed.protocol === "https:" || parsed.protocol === "http:" ? parsed.href : undefined;
	} catch {
		return undefined;
	}
}

/**
 * `text` cut to at most `max` UTF-16 code units (the unit both services count in), ending in "…" when cut.
 * The cut never splits a surrogate pair, so no lone surrogate is sent.
 */
export function truncate(text: string, max: number): string {
	if (text.length <= max) return text;
	let end = max - 1;
	const code = text.charCodeAt(end - 1);
	if (code >= 0xd800 && code <= 0xdbff) end -= 1;
	return `${text.slice(0, end).trimEnd()}…`;
}
