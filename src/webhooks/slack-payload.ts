/**
 * An event as a Slack incoming-webhook message: `text` (the notification's fallback) plus Block Kit `blocks`
 * with the title, the link, the summary and the tags. Pure.
 * https://docs.slack.dev/messaging/sending-messages-using-incoming-webhooks
 * https://docs.slack.dev/messaging/formatting-message-text#escaping: in mrkdwn only `&`, `<` and `>` are
 * escaped, which also keeps a post's text from making a link or a `<!everyone>` mention.
 */
import { type ChatMessage, chatMessage, truncate } from "./chat-message";
import type { WebhookEvent } from "./event";

/** Block Kit limits: https://docs.slack.dev/reference/block-kit/blocks */
export const SLACK_LIMITS = { headerText: 150, sectionText: 3000, contextText: 3000, text: 3000 } as const;

export interface SlackMessage {
	text: string;
	blocks?: SlackBlock[];
	unfurl_links?: boolean;
}

type SlackText = { type: "plain_text"; text: string; emoji?: boolean } | { type: "mrkdwn"; text: string };
export type SlackBlock =
	| { type: "header"; text: SlackText & { type: "plain_text" } }
	| { type: "section"; text: SlackText & { type: "mrkdwn" } }
	| { type: "context"; elements: SlackText[] };

export function slackPayload(event: WebhookEvent): SlackMessage {
	const message = chatMessage(event);
	if (message.kind === "notice") return { text: fitMrkdwn(escapeMrkdwn(message.text), SLACK_LIMITS.text) };
	return {
		text: headlineText(message),
		blocks: postBlocks(message),
		// The blocks already show the post; an unfurl would show it twice.
		unfurl_links: false,
	};
}

function postBlocks(message: ChatMessage & { kind: "post" }): SlackBlock[] {
	const blocks: SlackBlock[] = [{ type: "header", text: { type: "plain_text", text: truncate(message.title, SLACK_LIMITS.headerText), emoji: true } }];
	const link = message.url ? `<${slackUrl(message.url)}|Read the post>` : "";
	const room = SLACK_LIMITS.sectionText - (link === "" ? 0 : link.length + 1);
	const summary = message.summary === undefined ? "" : fitMrkdwn(escapeMrkdwn(message.summary), room);
	const section = [summary, link].filter((part) => part !== "").join("\n");
	if (section !== "") blocks.push({ type: "section", text: { type: "mrkdwn", text: section } });
	const context = [
		message.headline,
		message.author ? `by ${escapeMrkdwn(message.author.name)}` : "",
		message.tags.length > 0 ? `tags: ${message.tags.map(escapeMrkdwn).join(", ")}` : "",
	].filter((part) => part !== "");
	blocks.push({ type: "context", elements: [{ type: "mrkdwn", text: fitMrkdwn(context.join(" · "), SLACK_LIMITS.contextText) }] });
	return blocks;
}

/** "New post: <url|title>", the title cut so that the link stays whole within the limit. */
function headlineText(message: ChatMessage & { kind: "post" }): string {
	const prefix = `${message.headline}: `;
	if (!message.url) return fitMrkdwn(prefix + escapeMrkdwn(message.title), SLACK_LIMITS.text);
	const url = slackUrl(message.url);
	const room = SLACK_LIMITS.text - prefix.length - url.length - 3;
	// A URL too long to leave room for a title is shown as the link's own text.
	if (room < 1) return fitMrkdwn(`${prefix}<${url}>`, SLACK_LIMITS.text);
	return `${prefix}<${url}|${fitMrkdwn(escapeMrkdwn(message.title), room)}>`;
}

/** Slack's three control characters as entities; everything else is left to read as written. */
export function escapeMrkdwn(text: string): string {
	return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** A URL inside `<url|label>`, kept from ending the link early (`|`, `>`). */
function slackUrl(url: string): string {
	return escapeMrkdwn(url).replace(/\|/g, "%7C");
}

/** Truncates escaped mrkdwn without cutting an entity (`&amp;`) in half. */
function fitMrkdwn(escaped: string, max: number): string {
	const cut = truncate(escaped, max);
	return cut === escaped ? cut : cut.replace(/&[a-z]{0,3}…$/, "…");
}
