import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { admin, request, syncNow } from "../support/http";
import { emptyCatalogAndBucket } from "../support/state";

beforeEach(() => emptyCatalogAndBucket());

const SITE = "http://127.0.0.1:8787";

interface MissingMedia {
	post: string;
	slug: string;
	missing: { key: string; reason: string }[];
}

async function status() {
	return (await (await admin("/api/status")).json()) as { missingMedia: MissingMedia[]; brokenPosts: unknown[]; catalog: { posts: number } };
}

function podcastPost(extra: string[] = []): string {
	return [
		"---",
		"title: \"Episode 1: failover in practice\"",
		"date: 2026-03-01T09:00:00Z",
		"enclosure: episode-1.mp3",
		"attachments:",
		"  - url: transcript.pdf",
		"    title: Transcript",
		"  - url: https://cdn.example/episode-1.ogg",
		"    type: audio/ogg",
		"    length: 5000",
		...extra,
		"---",
		"",
		"Show notes with ![the chart](img/chart.png) and [the data](data/lag.csv).",
		"",
	].join("\n");
}

function bytes(length: number): Uint8Array {
	return new Uint8Array(length).fill(7);
}

describe("media beside posts", () => {
	it("resolves a post's relative links and images to the media stored beside it, each answering 200", async () => {
		await env.POSTS.put("2026/episodes/one.md", podcastPost());
		await env.POSTS.put("2026/episodes/episode-1.mp3", bytes(12_345));
		await env.POSTS.put("2026/episodes/transcript.pdf", bytes(2_000));
		await env.POSTS.put("2026/episodes/img/chart.png", bytes(300));
		await env.POSTS.put("2026/episodes/data/lag.csv", "a,b\n1,2\n");
		await syncNow();

		const page = await (await request("/posts/one")).text();
		const links = [...page.matchAll(/(?:href|src)="([^"]+)"/g)].map((match) => match[1]!).filter((url) => url.startsWith(`${SITE}/media/`));
		expect(links.sort()).toEqual([`${SITE}/media/2026/episodes/data/lag.csv`, `${SITE}/media/2026/episodes/img/chart.png`]);
		for (const link of links) {
			const response = await request(link.slice(SITE.length));
			expect(response.status, link).toBe(200);
			await response.arrayBuffer();
		}
		expect((await status()).missingMedia).toEqual([]);
	});

	it("publishes a post whose media is missing, and names each missing object in /api/status", async () => {
		await env.POSTS.put("2026/episodes/one.md", podcastPost());
		await env.POSTS.put("2026/episodes/episode-1.mp3", bytes(12_345));
		await env.POSTS.put("2026/other.md", "---\ntitle: Other\ndate: 2026-01-01\n---\n\nSee [one](episodes/one.md).\n");
		await syncNow();

		expect((await request("/posts/one")).status).toBe(200);
		const report = await status();
		expect(report.brokenPosts).toEqual([]);
		expect(report.missingMedia).toEqual([
			{
				post: "2026/episodes/one.md",
				slug: "one",
				missing: [
					{ key: "2026/episodes/data/lag.csv", reason: "no such object in the bucket" },
					{ key: "2026/episodes/img/chart.png", reason: "no such object in the bucket" },
					{ key: "2026/episodes/transcript.pdf", reason: "no such object in the bucket" },
				],
			},
			{ post: "2026/other.md", slug: "other", missing: [{ key: "2026/episodes/one.md", reason: expect.stringContaining("is a post, not media") }] },
		]);
		// The missing attachment is left out of the feeds; the ones that exist stay.
		const rss = await (await request("/rss.xml")).text();
		expect(rss).toContain(`<enclosure url="${SITE}/media/2026/episodes/episode-1.mp3" length="12345" type="audio/mpeg"/>`);
		const json = (await (await request("/feed.json")).json()) as { items: { attachments?: { url: string }[] }[] };
		expect(json.items.find((item) => item.attachments)?.attachments?.map((file) => file.url)).toEqual([
			`${SITE}/media/2026/episodes/episode-1.mp3`,
			"https://cdn.example/episode-1.ogg",
		]);

		// Uploading the missing files fixes the report and brings the attachment into the feeds at the next sync.
		await env.POSTS.put("2026/episodes/transcript.pdf", bytes(2_000));
		await env.POSTS.put("2026/episodes/img/chart.png", bytes(300));
		await env.POSTS.put("2026/episodes/data/lag.csv", "a,b\n");
		await syncNow();
		expect((await status()).missingMedia.map((entry) => entry.post)).toEqual(["2026/other.md"]);
		expect(await (await request("/atom.xml")).text()).toContain(
			`<link rel="enclosure" type="application/pdf" length="2000" title="Transcript" href="${SITE}/media/2026/episodes/transcript.pdf"/>`,
		);
	});

	it("writes enclosures in all three formats with the stored object's length and type", async () => {
		await env.POSTS.put("2026/episodes/one.md", podcastPost());
		// Uploaded as application/octet-stream (as many tools do): the extension names the type.
		await env.POSTS.put("2026/episodes/episode-1.mp3", bytes(12_345), { httpMetadata: { contentType: "application/octet-stream" } });
		await env.POSTS.put("2026/episodes/transcript.pdf", bytes(2_048));
		await syncNow();

		const rss = await (await request("/rss.xml")).text();
		expect(rss.match(/<enclosure /g)).toHaveLength(1);
		expect(rss).toContain(`<enclosure url="${SITE}/media/2026/episodes/episode-1.mp3" length="12345" type="audio/mpeg"/>`);

		const atom = await (await request("/atom.xml")).text();
		expect(atom).toContain(`<link rel="enclosure" type="audio/mpeg" length="12345" href="${SITE}/media/2026/episodes/episode-1.mp3"/>`);
		expect(atom).toContain(`<link rel="enclosure" type="application/pdf" length="2048" title="Transcript" href="${SITE}/media/2026/episodes/transcript.pdf"/>`);
		expect(atom).toContain('<link rel="enclosure" type="audio/ogg" length="5000" href="https://cdn.example/episode-1.ogg"/>');

		const json = (await (await request("/feed.json")).json()) as { items: { attachments?: unknown[] }[] };
		expect(json.items[0]!.attachments).toEqual([
			{ url: `${SITE}/media/2026/episodes/episode-1.mp3`, mime_type: "audio/mpeg", size_in_bytes: 12_345 },
			{ url: `${SITE}/media/2026/episodes/transcript.pdf`, mime_type: "application/pdf", title: "Transcript", size_in_bytes: 2_048 },
			{ url: "https://cdn.example/episode-1.ogg", mime_type: "audio/ogg", size_in_bytes: 5_000 },
		]);
	});

	it("re-renders a post's feeds when its enclosure is replaced, and only records media from the listing", async () => {
		await env.POSTS.put("2026/episodes/one.md", podcastPost());
		await env.POSTS.put("2026/episodes/episode-1.mp3", bytes(100));
		const first = (await syncNow()) as { sync: { objectsRead: number } };
		expect(first.sync.objectsRead).toBe(1);
		const before = await request("/rss.xml");
		expect(await before.text()).toContain('length="100"');

		await env.POSTS.put("2026/episodes/episode-1.mp3", bytes(250));
		const second = (await syncNow()) as { sync: { objectsRead: number } };
		expect(second.sync.objectsRead).toBe(0);
		const after = await request("/rss.xml");
		expect(await after.text()).toContain('length="250"');
		expect(after.headers.get("ETag")).not.toBe(before.headers.get("ETag"));

		await env.POSTS.delete("2026/episodes/episode-1.mp3");
		await syncNow();
		// The first attachment that still exists takes its place.
		expect(await (await request("/rss.xml")).text()).toContain('<enclosure url="https://cdn.example/episode-1.ogg" length="5000" type="audio/ogg"/>');
		expect((await request("/media/2026/episodes/episode-1.mp3")).status).toBe(404);
	});

	it("makes a post's lead image its enclosure when it has no other", async () => {
		await env.POSTS.put("2026/walk.md", "---\ntitle: Walk\ndate: 2026-01-01\nimage: overview.png\n---\n\nText.\n");
		await env.POSTS.put("2026/overview.png", bytes(640));
		await syncNow();
		expect(await (await request("/rss.xml")).text()).toContain(`<enclosure url="${SITE}/media/2026/overview.png" length="640" type="image/png"/>`);
		const json = (await (await request("/feed.json")).json()) as { items: { image?: string; attachments?: unknown[] }[] };
		expect(json.items[0]).toMatchObject({ image: `${SITE}/media/2026/overview.png`, attachments: [{ mime_type: "image/png", size_in_bytes: 640 }] });
	});

	it("tells media without a known extension by the Content-Type it was stored with", async () => {
		await env.POSTS.put("2026/one.md", "---\ntitle: One\ndate: 2026-01-01\nenclosure: episode\n---\n\nText.\n");
		await env.POSTS.put("2026/episode", bytes(999), { httpMetadata: { contentType: "audio/mp4" } });
		const run = (await syncNow()) as { sync: { objectsRead: number } };
		// The listing does not say the type: one read of each new object, then none while it is unchanged.
		expect(run.sync.objectsRead).toBe(2);
		await env.POSTS.put("2026/other.md", "---\ntitle: Other\ndate: 2026-01-02\n---\n\nText.\n");
		expect(((await syncNow()) as { sync: { objectsRead: number } }).sync.objectsRead).toBe(1);
		expect(await (await request("/rss.xml")).text()).toContain(`<enclosure url="${SITE}/media/2026/episode" length="999" type="audio/mp4"/>`);
		expect((await request("/media/2026/episode")).headers.get("Content-Type")).toBe("audio/mp4");
	});

	it("turns media that an older version recorded as broken posts into media", async () => {
		await env.POSTS.put("2026/chart.png", bytes(64));
		await env.DB.prepare("INSERT INTO broken_objects (key, etag, reason, seen_at) VALUES ('2026/chart.png', 'x', 'not UTF-8 text', '2026-01-01T00:00:00Z')").run();
		await syncNow();
		const report = await status();
		expect(report.brokenPosts).toEqual([]);
		expect((await request("/media/2026/chart.png")).status).toBe(200);
	});
});
