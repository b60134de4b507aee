/**
 * The feed stylesheet and the default icons are Workers Static Assets (src/http/assets/): Cloudflare's asset
 * server answers them before the Worker runs, so only a real `wrangler dev` shows what a reader and a browser get.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, inject, it } from "vitest";
import { ROOT } from "../../scripts/lib/dev-server.mjs";

const base = inject("e2eBaseUrl");
const filesOnDisk = path.join(ROOT, "src/http/assets");

describe("the files that ship with the Worker", () => {
	it.each([
		["/feed.css", "feed.css", /^text\/css\b/],
		["/icon.png", "icon.png", /^image\/png$/],
		["/favicon.ico", "favicon.ico", /^image\/(x-icon|vnd\.microsoft\.icon)$/],
	])("serves %s byte for byte, with its type, a day of caching, nosniff, HEAD and a 304 for its ETag", async (url, file, type) => {
		const response = await fetch(`${base}${url}`);
		expect(response.status).toBe(200);
		expect(response.headers.get("content-type")).toMatch(type);
		expect(Buffer.from(await response.arrayBuffer()).equals(readFileSync(path.join(filesOnDisk, file)))).toBe(true);
		expect(response.headers.get("cache-control")).toBe("public, max-age=86400");
		expect(response.headers.get("x-content-type-options")).toBe("nosniff");
		const etag = response.headers.get("etag");
		expect(etag).toMatch(/^(W\/)?"[^"]+"$/);
		const revalidated = await fetch(`${base}${url}`, { headers: { "If-None-Match": etag! } });
		expect(revalidated.status).toBe(304);
		await revalidated.arrayBuffer();
		const head = await fetch(`${base}${url}`, { method: "HEAD" });
		expect(head.status).toBe(200);
		expect((await head.arrayBuffer()).byteLength).toBe(0);
	});

	it("serves a stylesheet, in UTF-8, that styles both formats' elements and explains how to subscribe", async () => {
		const response = await fetch(`${base}/feed.css`);
		expect(response.headers.get("content-type")).toBe("text/css; charset=utf-8");
		const css = await response.text();
		for (const selector of ["rss::before", "atom|feed::before", "item > title", "atom|entry > atom|title", 'atom|link[rel="self"]::after']) expect(css).toContain(selector);
		expect(css).toContain("@namespace atom url(http://www.w3.org/2005/Atom);");
		expect(css).toMatch(/copy this page's address/);
		expect(css).toContain("“Add feed”");
	});

	it("does not serve the _headers file that configures them", async () => {
		const response = await fetch(`${base}/_headers`);
		expect(response.status).toBe(404);
		expect(await response.text()).not.toContain("Cache-Control");
	});
});
