/**
 * RFC 5005 feed archives and /feeds.opml as real clients read them. This file starts its own `wrangler dev`
 * (the shared one serves content/, whose 8 posts fit in one feed) with a generated folder of 11 posts,
 * FEED_ITEM_COUNT=3 and ARCHIVE_PAGE_SIZE=3: 3 posts in the subscription feeds, the other 8 on archive
 * pages 1 (3 posts), 2 (3) and 3 (2).
 */
import type { ChildProcess } from "node:child_process";
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyMigrations, freePort, newToken, pushPosts, startWranglerDev, stopProcessGroup, waitForHttp } from "../../scripts/lib/dev-server.mjs";
import { request } from "./support/site";
import { atomEvents, rssEvents } from "../feeds/validator-rules";
import { feedStructure, feedparser, xmllint } from "./support/tools";

const POSTS = 11;
const titleOf = (n: number) => `Archived post ${String(n).padStart(2, "0")}`;
/** Newest first: the order of becoming visible is the date order here. */
const allTitles = Array.from({ length: POSTS }, (_, index) => titleOf(POSTS - index));

let child: ChildProcess | undefined;
let stateDir = "";
let base = "";

beforeAll(async () => {
	stateDir = mkdtempSync(path.join(os.tmpdir(), "pressroom-e2e-archives-"));
	const contentDir = path.join(stateDir, "content");
	mkdirSync(contentDir);
	for (let n = 1; n <= POSTS; n += 1) {
		const day = String(n).padStart(2, "0");
		writeFileSync(path.join(contentDir, `post-${day}.md`), `---\ntitle: "${titleOf(n)}"\ndate: "2026-02-${day}T09:00:00Z"\ntags: ["archives"]\nauthor: "Ada Lovelace"\n---\n\nBody of post ${n}.\n`);
	}
	const persistTo = path.join(stateDir, "state");
	await applyMigrations({ persistTo });
	const pushed = await pushPosts({ contentDir, persistTo, withoutPrefix: true });
	if (pushed.code !== 0) throw new Error(`posts-push failed: ${pushed.output}`);
	const port = await freePort();
	base = `http://127.0.0.1:${port}`;
	const token = newToken();
	const envFile = path.join(stateDir, "e2e.env");
	writeFileSync(envFile, `ADMIN_TOKEN=${token}\n`, { mode: 0o600 });
	const logFile = path.join(stateDir, "wrangler.log");
	const out = openSync(logFile, "w");
	({ child } = startWranglerDev({
		port,
		inspectorPort: await freePort(),
		persistTo,
		vars: { SITE_URL: base, DEV_MODE: "true", FEED_ITEM_COUNT: "3", ARCHIVE_PAGE_SIZE: "3" },
		envFile,
		detached: true,
		stdio: ["ignore", out, out],
		interactive: false,
	}));
	closeSync(out);
	await waitForHttp(`${base}/`, {
		child,
		timeoutMs: 120_000,
		abortIf: () => (readFileSync(logFile, "utf8").includes("Build failed") ? readFileSync(logFile, "utf8") : undefined),
	});
	const sync = await fetch(`${base}/api/sync`, { method: "POST", headers: { authorization: `Bearer ${token}` } });
	expect(sync.status).toBe(200);
}, 180_000);

afterAll(async () => {
	if (child) await stopProcessGroup(child);
	if (stateDir) rmSync(stateDir, { recursive: true, force: true });
});

/** feedparser from the subscription feed along rel="prev-archive" to the oldest page. */
function walk(start: string): { titles: string[]; pages: string[] } {
	const titles: string[] = [];
	const pages: string[] = [];
	let next: string | undefined = `${base}${start}`;
	while (next !== undefined) {
		const d = feedparser(next);
		expect(d.bozo_exception, next).toBeNull();
		expect(d.status).toBe(200);
		pages.push(new URL(next).pathname);
		titles.push(...d.entries.map((entry) => entry.title ?? ""));
		next = d.feed.links.find((link) => link.rel === "prev-archive")?.href;
		expect(pages.length).toBeLessThan(20);
	}
	return { titles, pages };
}

describe("feed archives (RFC 5005) read by feedparser", () => {
	it.each(["/atom.xml", "/rss.xml"])("walks from %s to the oldest archive page and counts every visible post once, newest first", (start) => {
		const { titles, pages } = walk(start);
		expect(titles).toEqual(allTitles);
		expect(pages).toHaveLength(4);
		expect(pages.slice(1)).toEqual(["/archive/3", "/archive/2", "/archive/1"].map((page) => `${page}${start}`));
	});

	it.each(["/archive/2/atom.xml", "/archive/2/rss.xml"])("passes xmllint and feedparser on the archive page %s, which links its neighbours and the current feed", async (page) => {
		const response = await request(`${base}${page}`);
		expect(response.status).toBe(200);
		expect(response.headers.get("cache-control")).toBe("public, max-age=86400");
		expect(xmllint(response.body)).toEqual({ ok: true, errors: "" });
		expect(response.body).toContain("<fh:archive/>");
		// The W3C validator's text and id rules (tests/feeds/validator-rules.ts).
		expect(page.endsWith("rss.xml") ? rssEvents(response.body) : atomEvents(response.body)).toEqual([]);
		expect(feedStructure(response.body).self_links.map((link) => link.href)).toEqual([`${base}${page}`]);
		const d = feedparser(`${base}${page}`);
		expect(d.bozo).toBe(0);
		const rels = Object.fromEntries(d.feed.links.map((link) => [link.rel, new URL(link.href ?? "").pathname]));
		const file = path.basename(page);
		expect(rels).toMatchObject({ current: `/${file}`, "prev-archive": `/archive/1/${file}`, "next-archive": `/archive/3/${file}` });
		expect(d.entries.map((entry) => entry.title)).toEqual([titleOf(6), titleOf(5), titleOf(4)]);
	});

	it("pages JSON Feed through next_url", async () => {
		const titles: string[] = [];
		let next: string | undefined = `${base}/feed.json`;
		while (next !== undefined) {
			const feed = JSON.parse((await request(next)).body) as { items: { title: string }[]; next_url?: string };
			titles.push(...feed.items.map((item) => item.title));
			next = feed.next_url;
		}
		expect(titles).toEqual(allTitles);
	});
});

describe("/feeds.opml", () => {
	it("parses as OPML 2.0, and every feed in it answers 200 with a feed feedparser reads cleanly", async () => {
		const response = await request(`${base}/feeds.opml`);
		expect(response.status).toBe(200);
		expect(xmllint(response.body)).toEqual({ ok: true, errors: "" });
		expect(response.body).toContain('<opml version="2.0">');
		const urls = [...response.body.matchAll(/xmlUrl="([^"]+)"/g)].map((match) => match[1]!.replaceAll("&amp;", "&"));
		expect(urls.map((url) => new URL(url).pathname)).toEqual(["/atom.xml", "/tags/archives/atom.xml", "/authors/ada%20lovelace/atom.xml"]);
		for (const url of urls) {
			const d = feedparser(url);
			expect(d.status, url).toBe(200);
			expect(d.bozo_exception, url).toBeNull();
			expect(d.version).toBe("atom10");
			expect(d.entries.length).toBeGreaterThan(0);
		}
	});
});
