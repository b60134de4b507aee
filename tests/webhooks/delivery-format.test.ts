import { describe, expect, it } from "vitest";
import { buildPayload } from "../../src/webhooks/event";
import { displayedUrl, hideChatUrl, maskChatUrl, payloadFor } from "../../src/webhooks/delivery-format";
import { discordPayload } from "../../src/webhooks/discord-payload";
import { slackPayload } from "../../src/webhooks/slack-payload";
import { postEvent } from "./chat-events";

const SLACK_URL = "https://hooks.slack.com/services/T0001/B0002/XXXXsecretXXXX";
const DISCORD_URL = "https://discord.com/api/webhooks/123456/tokenTOKENtoken?thread_id=9";

describe("maskChatUrl", () => {
	it("keeps scheme, host and the first path segment, and hides the rest", () => {
		expect(maskChatUrl(SLACK_URL)).toBe("https://hooks.slack.com/services/…");
		expect(maskChatUrl(DISCORD_URL)).toBe("https://discord.com/api/…");
		expect(maskChatUrl("https://chat.example/hooks?token=abc")).toBe("https://chat.example/hooks/…");
		expect(maskChatUrl("http://127.0.0.1:8080/slack")).toBe("http://127.0.0.1:8080/slack/");
		expect(maskChatUrl("not a url")).toBe("…");
	});

	it("masks only chat formats: a Standard Webhooks URL is not a secret", () => {
		expect(displayedUrl("standard-webhooks", SLACK_URL)).toBe(SLACK_URL);
		expect(displayedUrl("slack", SLACK_URL)).toBe("https://hooks.slack.com/services/…");
		expect(displayedUrl("discord", DISCORD_URL)).toBe("https://discord.com/api/…");
	});
});

describe("hideChatUrl", () => {
	it("replaces the URL wherever a message quotes it: whole, without scheme, as a path, or its secret tail", () => {
		const quoted = `POST ${SLACK_URL} failed; GET hooks.slack.com/services/T0001/B0002/XXXXsecretXXXX; path /services/T0001/B0002/XXXXsecretXXXX; token T0001/B0002/XXXXsecretXXXX`;
		const hidden = hideChatUrl("slack", SLACK_URL, quoted);
		expect(hidden).not.toContain("XXXXsecretXXXX");
		expect(hidden).toContain("POST https://hooks.slack.com/services/… failed");
		expect(hideChatUrl("discord", DISCORD_URL, `at ${DISCORD_URL}`)).toBe("at https://discord.com/api/…");
		expect(hideChatUrl("standard-webhooks", SLACK_URL, quoted)).toBe(quoted);
	});
});

describe("payloadFor", () => {
	it("serialises each format's payload from the same event", async () => {
		const event = await postEvent();
		expect(payloadFor("standard-webhooks", event)).toBe(buildPayload(event));
		expect(JSON.parse(payloadFor("slack", event))).toEqual(slackPayload(event));
		expect(JSON.parse(payloadFor("discord", event))).toEqual(discordPayload(event));
	});
});
