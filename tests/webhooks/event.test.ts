import { describe, expect, it } from "vitest";
import {
	buildPayload,
	buildPingEvent,
	buildPostEvent,
	DEFAULT_SUBSCRIBED_EVENT_TYPES,
	EVENT_TYPES,
	eventId,
	isEventType,
	messageId,
	postToEventData,
	type WebhookEvent,
} from "../../src/webhooks/event";
import { renderJsonFeed } from "../../src/feeds/json-feed";
import { buildChannel } from "../feeds/builders";
import { buildPost } from "./builders";

/** An independent base32 (Crockford, lower case) of SHA-256, via BigInt, to check the id derivation. */
async function expectedId(prefix: string, text: string): Promise<string> {
	const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
	let value = 0n;
	for (const byte of digest) value = (value << 8n) | BigInt(byte);
	const alphabet = "0123456789abcdefghjkmnpqrstvwxyz";
	let out = "";
	// 256 bits -> the first 26 five-bit groups from the most significant end.
	for (let i = 0; i < 26; i++) out += alphabet[Number((value >> BigInt(256 - 5 * (i + 1))) & 31n)];
	return `${prefix}_${out}`;
}

describe("event types", () => {
	it("lists the post events and ping, and subscribes new endpoints to every post event but not ping", () => {
		expect(EVENT_TYPES).toEqual(["post.published", "post.updated", "post.deleted", "ping"]);
		expect(DEFAULT_SUBSCRIBED_EVENT_TYPES).toEqual(["post.published", "post.updated", "post.deleted"]);
		expect(isEventType("post.updated")).toBe(true);
		expect(isEventType("post.edited")).toBe(false);
	});
});

describe("eventId", () => {
	it("is evt_ plus the first 26 base32 characters of SHA-256 over post id, type, version and occurrence", async () => {
		const id = await eventId("tag:pressroom.example,2026:a", "post.published", '"etag-1"', 1);
		expect(id).toBe(await expectedId("evt", 'tag:pressroom.example,2026:a\npost.published\n"etag-1"\n1'));
		expect(id).toMatch(/^evt_[0-9a-hjkmnp-tv-z]{26}$/);
	});

	it("gives the same id for the same change, so a re-run sync does not announce it twice", async () => {
		expect(await eventId("p1", "post.updated", "v2", 2)).toBe(await eventId("p1", "post.updated", "v2", 2));
	});

	it("gives a different id when the post, the type, the version or the occurrence differs", async () => {
		const ids = new Set([
			await eventId("p1", "post.updated", "v2", 2),
			await eventId("p2", "post.updated", "v2", 2),
			await eventId("p1", "post.deleted", "v2", 2),
			await eventId("p1", "post.updated", "v3", 2),
			await eventId("p1", "post.updated", "v2", 4),
		]);
		expect(ids.size).toBe(5);
	});

	it("cannot be confused by parts that contain the separator", async () => {
		expect(await eventId("a", "post.updated", "b\nc", 1)).not.toBe(await eventId("a\nb", "post.updated", "c", 1));
	});
});

describe("messageId", () => {
	it("is stable for one event and one subscription, and differs per subscription", async () => {
		const evt = await eventId("p1", "post.published", "v1", 1);
		const first = await messageId(evt, "sub_1");
		expect(first).toBe(await messageId(evt, "sub_1"));
		expect(first).toBe(await expectedId("msg", `${evt}\nsub_1`));
		expect(await messageId(evt, "sub_2")).not.toBe(first);
		expect(first).toMatch(/^msg_[0-9a-z]{26}$/);
	});
});

describe("postToEventData", () => {
	it.each([
		["a full post", buildPost({ image: "https://blog.example/media/lag.png" })],
		["an author with only an e-mail", buildPost({ authors: [{ name: "Anon", email: "anon@example.org" }] })],
		["no summary, tags or authors", buildPost({ summary: "", tags: [], categories: [], authors: [] })],
		["dates with milliseconds", buildPost({ published: "2026-03-01T09:00:00.250Z", updated: "2026-03-02T10:30:00.000Z" })],
	])("carries exactly the item /feed.json has for %s", (_name, post) => {
		const [feedItem] = (JSON.parse(renderJsonFeed(buildChannel(), [post])) as { items: unknown[] }).items;
		expect(JSON.parse(JSON.stringify(postToEventData(post).item))).toStrictEqual(feedItem);
	});

	it("carries the post as a JSON Feed 1.1 item with tags and categories also kept apart", () => {
		const data = postToEventData(buildPost({ image: "https://blog.example/media/lag.png" }));
		expect(data).toEqual({
			item: {
				id: "tag:pressroom.example,2026:replication-lag",
				url: "https://blog.example/posts/replication-lag",
				title: "Measuring replication lag",
				content_html: '<p>How far behind is the replica? <a href="https://blog.example/posts/wal">WAL</a></p>',
				summary: "How far behind is the replica?",
				// RFC 3339 without zero milliseconds, as in /feed.json and Atom (one item builder, one policy).
				date_published: "2026-03-01T09:00:00Z",
				date_modified: "2026-03-02T10:30:00Z",
				authors: [{ name: "Ada Example", url: "https://ada.example" }],
				tags: ["postgres", "replication", "Databases"],
				image: "https://blog.example/media/lag.png",
			},
			tags: ["postgres", "replication"],
			categories: ["Databases"],
		});
	});

	it("leaves out what the post does not have, and links an e-mail-only author with mailto: as /feed.json does", () => {
		const data = postToEventData(buildPost({ summary: "", tags: [], categories: [], authors: [{ name: "Anon", email: "anon@example.org" }] }));
		expect(Object.keys(data.item)).toEqual(["id", "url", "title", "content_html", "date_published", "date_modified", "authors"]);
		// The same address RSS and Atom publish; JSON Feed has no e-mail field, so it travels as a mailto: url.
		expect(data.item.authors).toEqual([{ name: "Anon", url: "mailto:anon@example.org" }]);
	});

	it("lists a term once in the item's tags when it is both a tag and a category", () => {
		const data = postToEventData(buildPost({ tags: ["sql", "replication"], categories: ["sql"] }));
		expect(data.item.tags).toEqual(["sql", "replication"]);
		expect(data.tags).toEqual(["sql", "replication"]);
		expect(data.categories).toEqual(["sql"]);
	});
});

describe("buildPayload", () => {
	it("serialises exactly type, timestamp and data, in that order, without the event id", () => {
		const event: WebhookEvent = { id: "evt_x", type: "ping", timestamp: "2026-03-01T09:00:00.000Z", data: { message: "hi" } };
		expect(buildPayload(event)).toBe('{"type":"ping","timestamp":"2026-03-01T09:00:00.000Z","data":{"message":"hi"}}');
	});

	it("builds a post event whose id is derived from the post and whose body round-trips", async () => {
		const post = buildPost();
		const event = await buildPostEvent(post, "post.published", post.etag, 1, new Date("2026-03-01T09:00:05Z"));
		expect(event.id).toBe(await eventId(post.id, "post.published", post.etag, 1));
		expect(JSON.parse(buildPayload(event))).toEqual({ type: "post.published", timestamp: "2026-03-01T09:00:05.000Z", data: postToEventData(post) });
	});

	it("gives every ping its own id", () => {
		const now = new Date("2026-03-01T09:00:00Z");
		const a = buildPingEvent(now);
		const b = buildPingEvent(now);
		expect(a.id).toMatch(/^evt_[0-9a-z]{26}$/);
		expect(a.id).not.toBe(b.id);
		expect(a).toMatchObject({ type: "ping", timestamp: "2026-03-01T09:00:00.000Z" });
	});
});
