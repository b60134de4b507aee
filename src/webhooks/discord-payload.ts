/**
 * An event as a Discord webhook message: `content` plus one embed with the title, URL, summary, time and
 * author. Pure. https://discord.com/developers/docs/resources/webhook#execute-webhook
 * `allowed_mentions: {parse: []}` means no text in a post (an `@everyone` in a title) can ping anyone.
 */
import { chatMessage, httpUrl, truncate } from "./chat-message";
import type { WebhookEvent } from "./event";

/** https://discord.com/developers/docs/resources/message#embed-object-embed-limits; their sum stays under the 6,000 per message. */
export const DISCORD_LIMITS = { content: 2000, title: 256, description: 4096, authorName: 256, fieldName: 256, fieldValue: 1024 } as const;

export interface DiscordMessage {
	content: string;
	embeds?: DiscordEmbed[];
	allowed_mentions: { parse: [] };
}

export interface DiscordEmbed {
	title: string;
	url?: string;
	description?: string;
	/** ISO 8601: the post's publication time. */
	timestamp: string;
	author?: { name: string; url?: string };
	fields?: { name: string; value: string; inline?: boolean }[];
}

export function discordPayload(event: WebhookEvent): DiscordMessage {
	const message = chatMessage(event);
	if (message.kind === "notice") return { content: truncate(message.text, DISCORD_LIMITS.content), allowed_mentions: { parse: [] } };
	const embed: DiscordEmbed = { title: truncate(message.title, DISCORD_LIMITS.title), timestamp: message.published };
	if (message.url) embed.url = message.url;
	if (message.summary) embed.description = truncate(message.summary, DISCORD_LIMITS.description);
	if (message.author && message.author.name.trim() !== "") {
		const authorUrl = httpUrl(message.author.url);
		embed.author = { name: truncate(message.author.name, DISCORD_LIMITS.authorName), ...(authorUrl ? { url: authorUrl } : {}) };
	}
	if (message.tags.length > 0) embed.fields = [{ name: "Tags", value: truncate(message.tags.join(", "), DISCORD_LIMITS.fieldValue), inline: true }];
	return {
		// The link is the embed's; a bare URL in `content` would make Discord add a second preview.
		content: truncate(`${message.headline}: ${message.title}`, DISCORD_LIMITS.content),
		embeds: [embed],
		allowed_mentions: { parse: [] },
	};
}
