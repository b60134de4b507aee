import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { readConfig, siteIdentity } from "../../src/config";
import { request, syncNow } from "../support/http";
import { fencedPost } from "../support/posts";
import { emptyCatalogAndBucket } from "../support/state";

beforeEach(() => emptyCatalogAndBucket());

const SITE = "http://127.0.0.1:8787";

describe("feed identity", () => {
	it("names the icon and favicon in all three formats, by default the ones Pressroom serves", async () => {
		await env.POSTS.put("one.md", fencedPost({ title: "One", date: "2026-01-01" }));
		await syncNow();
		const rss = await (await request("/rss.xml")).text();
		expect(rss).toContain(`<image>\n      <url>${SITE}/icon.png</url>\n      <title>Pressroom Sample Journal</title>\n      <link>${SITE}/</link>\n    </image>`);
		const atom = await (await request("/atom.xml")).text();
		expect(atom).toContain(`<icon>${SITE}/favicon.ico</icon>`);
		expect(atom).toContain(`<logo>${SITE}/icon.png</logo>`);
		const json = (await (await request("/feed.json")).json()) as Record<string, unknown>;
		expect(json).toMatchObject({ icon: `${SITE}/icon.png`, favicon: `${SITE}/favicon.ico`, home_page_url: `${SITE}/`, authors: [{ name: "Pressroom Editors" }] });
	});

	it("takes SITE_ICON and SITE_FAVICON, and refuses values that are not http(s) URLs", () => {
		const config = readConfig({ ...env, SITE_ICON: "https://cdn.example/logo.png", SITE_FAVICON: "https://cdn.example/fav.png" });
		expect(siteIdentity(config)).toMatchObject({ icon: "https://cdn.example/logo.png", favicon: "https://cdn.example/fav.png" });
		expect(() => readConfig({ ...env, SITE_ICON: "logo.png" })).toThrow(/SITE_ICON must be an absolute http\(s\) URL/);
		expect(() => readConfig({ ...env, SITE_FAVICON: "javascript:alert(1)" })).toThrow(/SITE_FAVICON must be an absolute http\(s\) URL/);
	});
});

describe("a feed in a browser", () => {
	it("names the stylesheet in RSS and Atom, right after the XML declaration, and JSON Feed is unchanged", async () => {
		await env.POSTS.put("one.md", fencedPost({ title: "One", date: "2026-01-01" }));
		await syncNow();
		for (const path of ["/rss.xml", "/atom.xml"]) {
			const lines = (await (await request(path)).text()).split("\n");
			expect(lines[0]).toBe('<?xml version="1.0" encoding="utf-8"?>');
			expect(lines[1]).toBe(`<?xml-stylesheet type="text/css" href="${SITE}/feed.css"?>`);
		}
		expect(await (await request("/feed.json")).text()).not.toContain("feed.css");
	});
});

describe("the Content-Type a browser tab gets", () => {
	it("is application/xml only for a navigation, so Chromium applies the stylesheet instead of showing text; readers keep the feed types", async () => {
		await env.POSTS.put("one.md", fencedPost({ title: "One", date: "2026-01-01" }));
		await syncNow();
		const navigation = { "Sec-Fetch-Dest": "document", "Sec-Fetch-Mode": "navigate", Accept: "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8" };
		for (const [path, type] of [["/rss.xml", "application/rss+xml; charset=utf-8"], ["/atom.xml", "application/atom+xml; charset=utf-8"]] as const) {
			const reader = await request(path, { headers: { Accept: "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8" } });
			expect(reader.headers.get("Content-Type"), path).toBe(type);
			expect(reader.headers.get("Vary")).toBe("Sec-Fetch-Dest, Sec-Fetch-Mode");
			const tab = await request(path, { headers: navigation });
			expect(tab.headers.get("Content-Type"), path).toBe("application/xml; charset=utf-8");
			expect(await tab.text()).toBe(await reader.text());
			// A script's fetch() from a web-based reader is not a navigation.
			expect((await request(path, { headers: { "Sec-Fetch-Dest": "empty", "Sec-Fetch-Mode": "cors" } })).headers.get("Content-Type")).toBe(type);
		}
		expect((await request("/feed.json", { headers: navigation })).headers.get("Content-Type")).toBe("application/feed+json; charset=utf-8");
		expect((await request("/", { headers: navigation })).headers.get("Vary")).toBeNull();
	});
});
