/**
 * What a subscription's deliveries look like. `standard-webhooks` is the signed `{type, timestamp, data}` body;
 * `slack` and `discord` are those services' incoming-webhook JSON, for posting into a chat channel. Chat
 * endpoints verify no signature, so their URL is the only secret: it is masked everywhere but the create answer.
 */
import { discordPayload } from "./discord-payload";
import { buildPayload, type WebhookEvent } from "./event";
import { slackPayload } from "./slack-payload";

export const DELIVERY_FORMATS = ["standard-webhooks", "slack", "discord"] as const;
export type DeliveryFormat = (typeof DELIVERY_FORMATS)[number];
export type ChatFormat = Exclude<DeliveryFormat, "standard-webhooks">;

export const DEFAULT_DELIVERY_FORMAT: DeliveryFormat = "standard-webhooks";

export function isChatFormat(format: DeliveryFormat): format is ChatFormat {
	return format !== "standard-webhooks";
}

/** The exact request body of one event in one format; send this string as it is. */
export function payloadFor(format: DeliveryFormat, event: WebhookEvent): string {
	switch (format) {
		case "standard-webhooks":
			return buildPayload(event);
		case "slack":
			return JSON.stringify(slackPayload(event));
		case "discord":
			return JSON.stringify(discordPayload(event));
	}
}

/**
 * A chat webhook URL with its secret part hidden: scheme, host and the first path segment stay, so an operator
 * can still tell `https://hooks.slack.com/services/…` from `https://discord.com/api/…`; the rest of the path,
 * the query and the fragment go. A value that is not a URL is hidden entirely.
 */
export function maskChatUrl(url: string): string {
	let parsed: URL;
	try {
		parsed = new URL(url);
	} catch {
		return "…";
	}
	const [first = ""] = parsed.pathname.split("/").filter((segment) => segment !== "");
	const hidden = parsed.pathname.replace(/^\/+/, "").length > first.length || parsed.search !== "" || parsed.hash !== "";
	return `${parsed.protocol}//${parsed.host}/${first}${first === "" ? "" : "/"}${hidden ? "…" : ""}`;
}

/** The URL as the API, the admin page and the delivery log show it. */
export function displayedUrl(format: DeliveryFormat, url: string): string {
	return isChatFormat(format) ? maskChatUrl(url) : url;
}

/** `text` with every occurrence of a chat URL replaced by its masked form (a receiver's error page may quote it). */
export function hideChatUrl(format: DeliveryFormat, url: string, text: string): string {
	if (!isChatFormat(format) || text === "") return text;
	const masked = maskChatUrl(url);
	// Also the URL without its scheme and as a bare path, the forms an error message is likeliest to quote.
	let parsed: URL | undefined;
	try {
		parsed = new URL(url);
	} catch {
		parsed = undefined;
	}
	const path = parsed ? `${parsed.pathname}${parsed.search}` : "";
	// …and the part after the first path segment alone (`T…/B…/…`, Discord's `{id}/{token}`).
	const tail = path.replace(/^\/*[^/]*\/?/, "");
	const forms = [url, parsed ? `${parsed.host}${path}` : "", path, tail];
	return forms
		.filter((form) => form.length >= 4)
		.reduce((out, form) => out.split(form).join(masked), text);
}
