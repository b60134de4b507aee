import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DISCORD_LIMITS, discordPayload } from "../../src/webhooks/discord-payload";
import { buildPost } from "./builders";
import { deletedEvent, hasLoneSurrogate, pingEvent, postEvent } from "./chat-events";

/** Discord's cap on all of one message's embed text together. */
const EMBED_TOTAL = 6000;

describe("discordPayload", () => {
	it("shows a new post as content plus one embed with title, url, description, timestamp, author and tags, and pings nobody", async () => {
		const post = buildPost();
		expect(discordPayload(await postEvent())).toEqual({
			content: `New post: ${post.title}`,
			embeds: [
				{
					title: post.title,
					url: post.url,
					description: post.summary,
					timestamp: "2026-03-01T09:00:00Z",
					author: { name: "Ada Example", url: "https://ada.example/" },
					fields: [{ name: "Tags", value: "postgres, replication, Databases", inline: true }],
				},
			],
			allowed_mentions: { parse: [] },
		});
	});

	it("keeps @everyone in a title from pinging: mentions are parsed for nobody", async () => {
		const message = discordPayload(await postEvent({ title: "@everyone look <@&123>" }));
		expect(message.content).toBe("New post: @everyone look <@&123>");
		expect(message.allowed_mentions).toEqual({ parse: [] });
	});

	it("gives an author only an http(s) link (Discord refuses mailto:), and leaves out what the post lacks", async () => {
		const message = discordPayload(await postEvent({ authors: [{ name: "Ada", email: "ada@example.org" }], summary: "", tags: [], categories: [] }, "post.updated"));
		expect(message.content).toBe("Updated post: Measuring replication lag");
		expect(message.embeds).toEqual([{ title: "Measuring replication lag", url: buildPost().url, timestamp: "2026-03-01T09:00:00Z", author: { name: "Ada" } }]);
	});

	it("cuts content, title, description and tags to Discord's limits, ending in … and never splitting a surrogate pair", async () => {
		const message = discordPayload(await postEvent({ title: "😀".repeat(1500), summary: "s".repeat(5000), tags: Array.from({ length: 200 }, (_, i) => `tag-${i}`) }));
		const [embed] = message.embeds!;
		expect(message.content.length).toBeLessThanOrEqual(DISCORD_LIMITS.content);
		expect(embed!.title.length).toBeLessThanOrEqual(DISCORD_LIMITS.title);
		expect(embed!.description!.length).toBe(DISCORD_LIMITS.description);
		expect(embed!.fields![0]!.value.length).toBeLessThanOrEqual(DISCORD_LIMITS.fieldValue);
		for (const text of [message.content, embed!.title, embed!.description!, embed!.fields![0]!.value]) {
			expect(text.endsWith("…")).toBe(true);
			expect(hasLoneSurrogate(text)).toBe(false);
		}
	});

	it("stays within every limit, the 6,000 of all embed text included, whatever the post's text", async () => {
		const text = (maxLength: number) => fc.string({ unit: "binary", maxLength });
		await fc.assert(
			fc.asyncProperty(text(3000), text(6000), text(400), fc.array(text(200), { maxLength: 20 }), async (title, summary, author, tags) => {
				const message = discordPayload(await postEvent({ title: title.trim() === "" ? "t" : title, summary, authors: [{ name: author.trim() === "" ? "a" : author }], tags, categories: [] }));
				const [embed] = message.embeds!;
				expect(message.content.length).toBeLessThanOrEqual(DISCORD_LIMITS.content);
				expect(embed!.title.length).toBeLessThanOrEqual(DISCORD_LIMITS.title);
				expect((embed!.description ?? "").length).toBeLessThanOrEqual(DISCORD_LIMITS.description);
				expect((embed!.author?.name ?? "").length).toBeLessThanOrEqual(DISCORD_LIMITS.authorName);
				const fields = embed!.fields ?? [];
				const total = embed!.title.length + (embed!.description ?? "").length + (embed!.author?.name ?? "").length + fields.reduce((n, f) => n + f.name.length + f.value.length, 0);
				expect(total).toBeLessThanOrEqual(EMBED_TOTAL);
				expect(hasLoneSurrogate(JSON.stringify(message))).toBe(false);
				expect(message.allowed_mentions).toEqual({ parse: [] });
			}),
			{ numRuns: 100 },
		);
		// Long generated texts on a shared machine: a generous bound, not a measurement.
	}, 30_000);

	it("sends a ping and a deletion as content alone", async () => {
		expect(discordPayload(pingEvent())).toEqual({ content: "Pressroom webhook ping: this channel will receive Pressroom's posts.", allowed_mentions: { parse: [] } });
		expect(discordPayload(await deletedEvent())).toEqual({ content: "A post was removed: tag:pressroom.example,2026:gone", allowed_mentions: { parse: [] } });
	});
});
