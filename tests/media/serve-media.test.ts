import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { admin, request, syncNow } from "../support/http";
import { fencedPost } from "../support/posts";
import { emptyCatalogAndBucket } from "../support/state";

beforeEach(() => emptyCatalogAndBucket());

/** Bytes 0, 1, … 255, 0, 1 …: every range has a content a test can predict. */
function counting(length: number): Uint8Array {
	return Uint8Array.from({ length }, (_, index) => index % 256);
}

async function putAudio(key = "2026/episode-1.mp3", length = 10_000) {
	const bytes = counting(length);
	await env.POSTS.put(key, bytes);
	await syncNow();
	return bytes;
}

describe("GET /media/{key}", () => {
	it("serves a stored object whole, with its type, validators and a long cache", async () => {
		const bytes = await putAudio();
		const response = await request("/media/2026/episode-1.mp3");
		expect(response.status).toBe(200);
		expect(response.headers.get("Content-Type")).toBe("audio/mpeg");
		expect(response.headers.get("Content-Length")).toBe(String(bytes.length));
		expect(response.headers.get("Accept-Ranges")).toBe("bytes");
		expect(response.headers.get("Cache-Control")).toMatch(/max-age=86400/);
		const stored = await env.POSTS.head("2026/episode-1.mp3");
		expect(response.headers.get("ETag")).toBe(stored!.httpEtag);
		expect(Date.parse(response.headers.get("Last-Modified")!)).toBe(Math.floor(stored!.uploaded.getTime() / 1000) * 1000);
		expect(new Uint8Array(await response.arrayBuffer())).toEqual(bytes);
	});

	it.each([
		["a closed range", "bytes=100-199", 100, 199],
		["an open-ended range", "bytes=9990-", 9990, 9999],
		["a suffix", "bytes=-10", 9990, 9999],
		["a range past the end, cut at the end", "bytes=9995-20000", 9995, 9999],
	])("answers %s with 206 and exactly those bytes", async (_name, range, first, last) => {
		const bytes = await putAudio();
		const response = await request("/media/2026/episode-1.mp3", { headers: { Range: range } });
		expect(response.status).toBe(206);
		expect(response.headers.get("Content-Range")).toBe(`bytes ${first}-${last}/${bytes.length}`);
		expect(response.headers.get("Content-Length")).toBe(String(last - first + 1));
		expect(new Uint8Array(await response.arrayBuffer())).toEqual(bytes.slice(first, last + 1));
	});

	it("answers 416 with the size for a range that starts past the end", async () => {
		await putAudio();
		const response = await request("/media/2026/episode-1.mp3", { headers: { Range: "bytes=10000-" } });
		expect(response.status).toBe(416);
		expect(response.headers.get("Content-Range")).toBe("bytes */10000");
	});

	it("sends everything for several ranges or another unit", async () => {
		await putAudio();
		for (const range of ["bytes=0-1,5-6", "items=0-1"]) {
			const response = await request("/media/2026/episode-1.mp3", { headers: { Range: range } });
			expect(response.status, range).toBe(200);
			expect((await response.arrayBuffer()).byteLength).toBe(10_000);
		}
	});

	it("applies a range only while If-Range names the current version", async () => {
		await putAudio();
		const etag = (await request("/media/2026/episode-1.mp3", { method: "HEAD" })).headers.get("ETag")!;
		const current = await request("/media/2026/episode-1.mp3", { headers: { Range: "bytes=0-9", "If-Range": etag } });
		expect(current.status).toBe(206);
		const outdated = await request("/media/2026/episode-1.mp3", { headers: { Range: "bytes=0-9", "If-Range": '"an-older-version"' } });
		expect(outdated.status).toBe(200);
		expect((await outdated.arrayBuffer()).byteLength).toBe(10_000);
	});

	it("answers 304 to If-None-Match and If-Modified-Since, and HEAD without a body", async () => {
		await putAudio();
		const first = await request("/media/2026/episode-1.mp3");
		await first.arrayBuffer();
		const etag = first.headers.get("ETag")!;
		const byTag = await request("/media/2026/episode-1.mp3", { headers: { "If-None-Match": etag } });
		expect(byTag.status).toBe(304);
		expect(byTag.headers.get("ETag")).toBe(etag);
		const byDate = await request("/media/2026/episode-1.mp3", { headers: { "If-Modified-Since": first.headers.get("Last-Modified")! } });
		expect(byDate.status).toBe(304);
		const changedTag = await request("/media/2026/episode-1.mp3", { headers: { "If-None-Match": '"something-else"' } });
		expect(changedTag.status).toBe(200);
		await changedTag.arrayBuffer();
		const head = await request("/media/2026/episode-1.mp3", { method: "HEAD" });
		expect(head.status).toBe(200);
		expect(head.headers.get("Content-Length")).toBe("10000");
		expect(await head.text()).toBe("");
	});

	it("serves a file replaced since the last sync whole, with the new validators", async () => {
		await putAudio();
		const before = (await request("/media/2026/episode-1.mp3", { method: "HEAD" })).headers.get("ETag");
		await env.POSTS.put("2026/episode-1.mp3", counting(300));
		const response = await request("/media/2026/episode-1.mp3", { headers: { Range: "bytes=0-9" } });
		expect(response.status).toBe(200);
		expect(response.headers.get("ETag")).not.toBe(before);
		expect((await response.arrayBuffer()).byteLength).toBe(300);
	});

	it("never serves a post's source, a draft, or an object the sync has not recorded", async () => {
		await env.POSTS.put("2026/secret-draft.md", fencedPost({ title: "Not yet", date: "2026-01-01", draft: true }));
		await env.POSTS.put("2026/chart.png", counting(64));
		await syncNow();
		await env.POSTS.put("2026/uploaded-after-sync.png", counting(64));
		for (const path of ["/media/2026/secret-draft.md", "/media/2026/uploaded-after-sync.png", "/media/2026%2F..%2Fsecret-draft.md", "/media/%E0%A4%A"]) {
			expect((await request(path)).status, path).toBe(404);
		}
		expect((await request("/media/2026/chart.png")).status).toBe(200);
	});

	it("serves keys with spaces and non-ASCII names by their percent-encoded URL", async () => {
		await env.POSTS.put("2026/Café menu.pdf", counting(32));
		await syncNow();
		const response = await request(`/media/2026/${encodeURIComponent("Café menu.pdf")}`);
		expect(response.status).toBe(200);
		expect(response.headers.get("Content-Type")).toBe("application/pdf");
	});

	it("forbids scripts in an SVG opened on its own", async () => {
		await env.POSTS.put("2026/figure.svg", '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>');
		await syncNow();
		const response = await request("/media/2026/figure.svg");
		expect(response.headers.get("Content-Type")).toBe("image/svg+xml");
		expect(response.headers.get("Content-Security-Policy")).toContain("sandbox");
		await response.arrayBuffer();
	});
});

describe("/api/status", () => {
	it("lists media apart from posts, never as broken posts", async () => {
		await env.POSTS.put("2026/post.md", fencedPost({ title: "Post", date: "2026-01-01" }));
		await env.POSTS.put("2026/chart.png", counting(64));
		await env.POSTS.put("2026/data.csv", "a,b\n1,2\n");
		await syncNow();
		const status = (await (await admin("/api/status")).json()) as { catalog: { posts: number; broken: number; media: number }; brokenPosts: unknown[] };
		expect(status.catalog).toEqual({ posts: 1, broken: 0, media: 2 });
		expect(status.brokenPosts).toEqual([]);
	});
});
