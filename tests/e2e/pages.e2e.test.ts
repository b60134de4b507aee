/** The HTML side: the home page and every entry link a feed hands out resolve, and advertise all three feeds. */
import { describe, expect, inject, it } from "vitest";
import { FEEDS, linkElements, request } from "./support/site";

const base = inject("e2eBaseUrl");

/** Every entry link the three feeds give, read straight from the documents. */
async function entryLinks(): Promise<string[]> {
	const links = new Set<string>();
	const json = JSON.parse((await request(`${base}${FEEDS.json.path}`)).body) as { items?: { url?: string }[] };
	for (const item of json.items ?? []) if (item.url) links.add(item.url);
	const rss = (await request(`${base}${FEEDS.rss.path}`)).body;
	for (const match of rss.matchAll(/<item\b[\s\S]*?<link>([^<]+)<\/link>/g)) links.add(decodeXml(match[1] ?? ""));
	const atom = (await request(`${base}${FEEDS.atom.path}`)).body;
	for (const entry of atom.matchAll(/<entry\b[\s\S]*?<\/entry>/g)) {
		for (const link of entry[0].matchAll(/<link\b([^>]*)\/?>/g)) {
			const attributes = link[1] ?? "";
			const rel = /\brel="([^"]*)"/.exec(attributes)?.[1] ?? "alternate";
			const href = /\bhref="([^"]*)"/.exec(attributes)?.[1];
			if (rel === "alternate" && href) links.add(decodeXml(href));
		}
	}
	return [...links].sort();
}

function decodeXml(text: string): string {
	return text
		.trim()
		.replace(/&lt;/g, "<")
		.replace(/&gt;/g, ">")
		.replace(/&quot;/g, '"')
		.replace(/&apos;/g, "'")
		.replace(/&amp;/g, "&");
}

function expectHtmlWithFeedLinks(page: { url: string; status: number; headers: Headers; body: string }): void {
	expect(page.status, page.url).toBe(200);
	expect(page.headers.get("content-type"), page.url).toMatch(/^text\/html\b/);
	const alternates = linkElements(page.body).filter((link) => (link.rel ?? "").toLowerCase().split(/\s+/).includes("alternate"));
	for (const type of ["application/rss+xml", "application/atom+xml", "application/feed+json"]) {
		const link = alternates.find((candidate) => candidate.type === type);
		expect(link, `${page.url}: <link rel="alternate" type="${type}">`).toBeDefined();
		expect(link?.href, `${page.url}: href of ${type}`).toMatch(/\S/);
	}
}

describe("HTML pages", () => {
	it("serves / as HTML that links all three feeds with rel=alternate", async () => {
		expectHtmlWithFeedLinks(await request(`${base}/`));
	});

	it("answers HEAD / with 200 and no body", async () => {
		const head = await request(`${base}/`, { method: "HEAD" });
		expect(head.status).toBe(200);
		expect(head.headers.get("content-type")).toMatch(/^text\/html\b/);
		expect(head.body).toBe("");
	});

	it("resolves every entry link in the feeds to an HTML page that links all three feeds", async () => {
		const links = await entryLinks();
		expect(links.length, "the feeds hand out entry links").toBeGreaterThan(0);
		for (const link of links) {
			expect(link.startsWith(`${base}/`), `${link} is on the server under test`).toBe(true);
			expectHtmlWithFeedLinks(await request(link));
		}
	});

	it("answers 404 for a post that does not exist", async () => {
		const missing = await request(`${base}/posts/no-such-post-${Date.now()}`);
		expect(missing.status).toBe(404);
	});
});
