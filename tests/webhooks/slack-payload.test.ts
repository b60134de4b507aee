import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { SLACK_LIMITS, type SlackBlock, slackPayload } from "../../src/webhooks/slack-payload";
import { buildPost } from "./builders";
import { deletedEvent, hasLoneSurrogate, pingEvent, postEvent } from "./chat-events";

/** Every mrkdwn string of a message: the fallback text, sections and context elements (not plain_text headers). */
function mrkdwnParts(message: { text: string; blocks?: SlackBlock[] }): string[] {
	const parts = [message.text];
	for (const block of message.blocks ?? []) {
		if (block.type === "section") parts.push(block.text.text);
		if (block.type === "context") parts.push(...block.elements.filter((e) => e.type === "mrkdwn").map((e) => e.text));
	}
	return parts;
}

/** What is left of mrkdwn once our own `<url|label>` links are taken out: it must hold no `<` or `>` at all. */
const withoutLinks = (mrkdwn: string): string => mrkdwn.replace(/<https?:\/\/[^<>|\s]+\|[^<>]*>/g, "");

describe("slackPayload", () => {
	it("shows a new post as fallback text plus blocks with its title, link, summary, author and tags", async () => {
		const post = buildPost();
		expect(slackPayload(await postEvent())).toEqual({
			text: `New post: <${post.url}|${post.title}>`,
			blocks: [
				{ type: "header", text: { type: "plain_text", text: post.title, emoji: true } },
				{ type: "section", text: { type: "mrkdwn", text: `${post.summary}\n<${post.url}|Read the post>` } },
				{ type: "context", elements: [{ type: "mrkdwn", text: "New post · by Ada Example · tags: postgres, replication, Databases" }] },
			],
			unfurl_links: false,
		});
	});

	it("says an edit is an update, and leaves out the summary and tags a post does not have", async () => {
		const message = slackPayload(await postEvent({ summary: "", tags: [], categories: [], authors: [] }, "post.updated"));
		expect(message.text).toMatch(/^Updated post: </);
		expect(message.blocks?.[1]).toEqual({ type: "section", text: { type: "mrkdwn", text: `<${buildPost().url}|Read the post>` } });
		expect(message.blocks?.[2]).toEqual({ type: "context", elements: [{ type: "mrkdwn", text: "Updated post" }] });
	});

	it("escapes &, < and > in mrkdwn, so a post cannot make links or mentions; the plain_text header stays as written", async () => {
		const title = "Q&A: <!everyone> read <https://evil.example|this>";
		const message = slackPayload(await postEvent({ title, summary: "a < b && c > d <@U123>", tags: ["<!here>"], categories: [] }));
		expect(message.text).toBe(`New post: <${buildPost().url}|Q&amp;A: &lt;!everyone&gt; read &lt;https://evil.example|this&gt;>`);
		expect(message.blocks?.[0]).toEqual({ type: "header", text: { type: "plain_text", text: title, emoji: true } });
		expect((message.blocks?.[1] as { text: { text: string } }).text.text).toContain("a &lt; b &amp;&amp; c &gt; d &lt;@U123&gt;");
		expect(JSON.stringify(message.blocks?.[2])).toContain("tags: &lt;!here&gt;");
		for (const part of mrkdwnParts(message)) expect(withoutLinks(part)).not.toMatch(/[<>]/);
	});

	it("keeps a | or > in the post's URL from ending the link early", async () => {
		const message = slackPayload(await postEvent({ url: "https://blog.example/posts/a|b?x=1&y=2" }));
		expect(message.text).toBe("New post: <https://blog.example/posts/a%7Cb?x=1&amp;y=2|Measuring replication lag>");
	});

	it("keeps the header, section and text within Block Kit's limits, without cutting an entity or a surrogate pair", async () => {
		const message = slackPayload(await postEvent({ title: `${"t".repeat(148)}😀😀`, summary: `${"&".repeat(3100)}`, tags: ["x".repeat(4000)] }));
		const header = message.blocks?.[0] as { text: { text: string } };
		expect(header.text.text.length).toBeLessThanOrEqual(SLACK_LIMITS.headerText);
		expect(header.text.text.endsWith("…")).toBe(true);
		expect(hasLoneSurrogate(header.text.text)).toBe(false);
		const section = (message.blocks?.[1] as { text: { text: string } }).text.text;
		expect(section.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
		// The link survives a summary too long for the block; the summary ends on a whole entity.
		expect(section).toMatch(/(&amp;)+…\n<https:\/\/blog\.example\/posts\/replication-lag\|Read the post>$/);
		expect(message.text.length).toBeLessThanOrEqual(SLACK_LIMITS.text);
		const context = (message.blocks?.[2] as { elements: { text: string }[] }).elements[0]!.text;
		expect(context.length).toBeLessThanOrEqual(SLACK_LIMITS.contextText);
	});

	it("cuts a very long title inside the fallback's link, so the link stays whole", async () => {
		const message = slackPayload(await postEvent({ title: "<&>".repeat(2000) }));
		expect(message.text.length).toBeLessThanOrEqual(SLACK_LIMITS.text);
		expect(message.text).toMatch(/^New post: <https:\/\/blog\.example\/posts\/replication-lag\|(&lt;&amp;&gt;)+(&lt;|&lt;&amp;)?…>$/);
	});

	it("holds to its limits and escaping whatever the post's text", async () => {
		const text = fc.string({ unit: "binary", minLength: 0, maxLength: 4000, size: "max" });
		await fc.assert(
			fc.asyncProperty(text, text, fc.array(fc.string({ unit: "binary", maxLength: 300 }), { maxLength: 30 }), async (title, summary, tags) => {
				const message = slackPayload(await postEvent({ title: title.trim() === "" ? "t" : title, summary, tags, categories: [] }));
				const header = message.blocks?.[0] as { text: { text: string } };
				expect(header.text.text.length).toBeLessThanOrEqual(SLACK_LIMITS.headerText);
				for (const part of mrkdwnParts(message)) {
					expect(part.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
					expect(withoutLinks(part)).not.toMatch(/[<>]/);
					expect(part).not.toMatch(/&(?!amp;|lt;|gt;)/);
				}
				expect(hasLoneSurrogate(JSON.stringify(message.blocks) + message.text)).toBe(false);
			}),
			{ numRuns: 100 },
		);
		// Long generated texts on a shared machine: a generous bound, not a measurement.
	}, 30_000);

	it("sends a ping and a deletion as one short line of text", async () => {
		expect(slackPayload(pingEvent())).toEqual({ text: "Pressroom webhook ping: this channel will receive Pressroom's posts." });
		expect(slackPayload(await deletedEvent())).toEqual({ text: "A post was removed: tag:pressroom.example,2026:gone" });
	});
});
