import { beforeEach, describe, expect, it } from "vitest";
import { parseXml, type XmlNode } from "../feeds/xml";
import { request } from "../support/http";
import { fencedPost } from "../support/posts";
import { emptyCatalogAndBucket, syncHarness } from "../support/state";

beforeEach(() => emptyCatalogAndBucket());

const SITE_URL = "http://127.0.0.1:8787";

function withAliases(aliases: string[], draft = false): string {
	return `---\ntitle: "Renamed"\nslug: "renamed"\ndate: "2026-01-05"\ndraft: ${draft}\naliases:\n${aliases.map((alias) => `  - "${alias}"`).join("\n")}\n---\n\nMoved here.\n`;
}

function outlines(node: XmlNode): XmlNode[] {
	return node.children.flatMap((child) => (child.local === "outline" ? [child, ...outlines(child)] : outlines(child)));
}

const alternates = (html: string) => [...html.matchAll(/<link rel="alternate" type="([^"]+)" title="[^"]*" href="([^"]+)">/g)].map((match) => new URL(match[2]!).pathname);

describe("aliases (front matter aliases / redirect_from)", () => {
	it("redirects each old address of a post to it with a 301, and stops when the post is hidden", async () => {
		const h = syncHarness();
		await h.put("renamed.md", withAliases(["/2010/old-post.html", "old-name", "/café/ancien"]));
		await h.sync();

		for (const path of ["/2010/old-post.html", "/posts/old-name", "/caf%C3%A9/ancien"]) {
			for (const method of ["GET", "HEAD"]) {
				const response = await request(path, { method, redirect: "manual" });
				expect(response.status, `${method} ${path}`).toBe(301);
				expect(response.headers.get("location")).toBe(`${SITE_URL}/posts/renamed`);
			}
		}
		expect((await request("/2010/other.html")).status).toBe(404);

		await h.put("renamed.md", withAliases(["/2010/old-post.html"], true));
		await h.sync();
		expect((await request("/2010/old-post.html", { redirect: "manual" })).status).toBe(404);
	});

	it("never shadows a document, the API, the hub or the admin area", async () => {
		const h = syncHarness();
		await h.put("other.md", fencedPost({ title: "Other", slug: "other", date: "2026-01-01", tags: ["x"] }));
		await h.put("renamed.md", withAliases(["/atom.xml", "/posts/other", "/tags/x", "/api/status", "/websub", "/admin/x"]));
		await h.sync();

		expect((await request("/atom.xml", { redirect: "manual" })).status).toBe(200);
		expect((await request("/posts/other", { redirect: "manual" })).status).toBe(200);
		expect((await request("/tags/x", { redirect: "manual" })).status).toBe(200);
		for (const path of ["/api/status", "/websub", "/admin/x"]) expect((await request(path, { redirect: "manual" })).status, path).not.toBe(301);
	});
});

describe("discovery for aggregators", () => {
	async function seed() {
		const h = syncHarness();
		await h.put("a.md", fencedPost({ title: "Alpha", slug: "alpha", date: "2026-01-01", tags: ["C++"], categories: ["Databases"], author: "Ada Lovelace" }));
		await h.put("b.md", fencedPost({ title: "Beta", slug: "beta", date: "2026-01-02", tags: ["rust"], author: "ada lovelace" }));
		await h.put("c.md", fencedPost({ title: "Gamma", slug: "gamma", date: "2026-01-03" }));
		await h.sync();
	}

	it("lists the site feed and every tag, category and author feed in /feeds.opml, and every one answers 200 with a feed", async () => {
		await seed();
		const response = await request("/feeds.opml");
		expect(response.status).toBe(200);
		expect(response.headers.get("content-type")).toBe("text/x-opml; charset=utf-8");
		const opml = parseXml(await response.text());
		expect(opml.local).toBe("opml");
		expect(opml.attributes.version).toBe("2.0");
		const feeds = outlines(opml).filter((outline) => outline.attributes.xmlUrl !== undefined);
		const paths = feeds.map((outline) => new URL(outline.attributes.xmlUrl!).pathname);
		expect(paths).toEqual(["/atom.xml", "/tags/c%2B%2B/atom.xml", "/tags/databases/atom.xml", "/tags/rust/atom.xml", "/authors/ada%20lovelace/atom.xml", "/authors/site%20editors/atom.xml"]);
		for (const outline of feeds) {
			expect(outline.attributes).toMatchObject({ type: "rss" });
			expect(outline.attributes.text).not.toBe("");
			const feed = await request(new URL(outline.attributes.xmlUrl!).pathname);
			expect(feed.status, outline.attributes.xmlUrl).toBe(200);
			expect(feed.headers.get("content-type")).toBe("application/atom+xml; charset=utf-8");
			parseXml(await feed.text());
			expect((await request(new URL(outline.attributes.htmlUrl!).pathname)).status).toBe(200);
		}
	});

	it("serves one feed per author, however the name is written in the posts or the URL", async () => {
		await seed();
		for (const path of ["/authors/ada%20lovelace/atom.xml", "/authors/Ada%20Lovelace/atom.xml"]) {
			const body = await (await request(path)).text();
			expect(body).toContain(">Alpha</title>");
			expect(body).toContain(">Beta</title>");
			expect(body).not.toContain(">Gamma</title>");
			expect(body).toContain(`<link rel="self" type="application/atom+xml" href="${SITE_URL}/authors/ada%20lovelace/atom.xml"/>`);
		}
		expect((await request("/authors/nobody/atom.xml")).status).toBe(404);
		const page = await (await request("/authors/ada%20lovelace")).text();
		expect(alternates(page).slice(0, 3)).toEqual(["/authors/ada%20lovelace/rss.xml", "/authors/ada%20lovelace/atom.xml", "/authors/ada%20lovelace/feed.json"]);
	});

	it("advertises on every HTML page the feeds relevant to it, its own first", async () => {
		await seed();
		const home = await (await request("/")).text();
		expect(alternates(home)).toEqual(["/rss.xml", "/atom.xml", "/feed.json"]);
		expect(home).toContain(`<link rel="outline" type="text/x-opml"`);
		const tag = alternates(await (await request("/tags/rust")).text());
		expect(tag).toEqual(["/tags/rust/rss.xml", "/tags/rust/atom.xml", "/tags/rust/feed.json", "/rss.xml", "/atom.xml", "/feed.json"]);
		const post = alternates(await (await request("/posts/alpha")).text()).filter((path) => path.endsWith("atom.xml"));
		expect(post).toEqual(["/authors/ada%20lovelace/atom.xml", "/tags/c%2B%2B/atom.xml", "/tags/databases/atom.xml", "/atom.xml"]);
		expect(alternates(await (await request("/tags")).text())).toEqual(["/rss.xml", "/atom.xml", "/feed.json"]);
		expect(alternates(await (await request("/archive/1")).text())).toEqual(["/rss.xml", "/atom.xml", "/feed.json"]);
	});
});
