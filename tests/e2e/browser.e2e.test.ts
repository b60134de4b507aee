/**
 * A feed opened in a browser: Debian's chromium (never a downloaded browser) driven by playwright-core opens
 * /rss.xml and /atom.xml as a person would, and must show a readable page made by the feed stylesheet: the
 * explanation, the feed's address, every entry title, and no raw XML tree or XSLT deprecation banner.
 * Screenshots go to tests/e2e/output/ (gitignored). Skipped with a message when /usr/bin/chromium is absent.
 */
import { existsSync, mkdirSync } from "node:fs";
import path from "node:path";
import { type Browser, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { FEEDS, request } from "./support/site";

const base = inject("e2eBaseUrl");
const CHROMIUM = "/usr/bin/chromium";
const OUTPUT = path.resolve(import.meta.dirname, "output");
/** Offline and quiet: no sign-in, no updates, no background traffic, nothing but the dev server. */
const ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

let browser: Browser | undefined;

beforeAll(async () => {
	if (!existsSync(CHROMIUM)) return;
	mkdirSync(OUTPUT, { recursive: true });
	browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
});
afterAll(async () => browser?.close());

/** Entry titles as the feed gives them, read from the JSON Feed (same posts, same order). */
async function entryTitles(): Promise<string[]> {
	const json = JSON.parse((await request(`${base}${FEEDS.json.path}`)).body) as { items: { title: string }[] };
	return json.items.map((item) => item.title);
}

describe.skipIf(!existsSync(CHROMIUM))("a feed opened in a browser", () => {
	it.each([
		["RSS", FEEDS.rss.path],
		["Atom", FEEDS.atom.path],
	])("renders %s as a readable page with every entry title, the feed address and no raw XML", async (name, feedPath) => {
		const page = await browser!.newPage({ viewport: { width: 1000, height: 1400 } });
		try {
			const response = await page.goto(`${base}${feedPath}`, { waitUntil: "load" });
			expect(response?.status()).toBe(200);
			await page.screenshot({ path: path.join(OUTPUT, `feed-in-browser-${name.toLowerCase()}.png`), fullPage: true });
			const text = await page.evaluate(() => document.documentElement.innerText ?? "");
			const rendered = await page.evaluate(() => {
				const root = document.documentElement;
				return { rootDisplay: getComputedStyle(root).display, explanation: getComputedStyle(root, "::before").content };
			});
			// The stylesheet applied: Chromium's XML tree viewer would show this sentence and the markup instead.
			expect(await page.content()).not.toContain("This XML file does not appear to have any style information");
			expect(rendered.rootDisplay).toBe("block");
			expect(rendered.explanation).toContain("This is a web feed");
			expect(rendered.explanation).toContain("paste it into your feed reader");
			// An XSLT deprecation banner, or any other infobar, would be part of the page text or an extra element.
			expect(text).not.toMatch(/XSLT|deprecat/i);
			const titles = await entryTitles();
			expect(titles.length).toBeGreaterThan(0);
			for (const title of titles) expect(text, title).toContain(title);
			expect(text).toContain(`${base}${feedPath}`);
			// Raw XML would show tags or the HTML of the content as text.
			expect(text).not.toMatch(/<\/?(item|entry|channel|title|p)\b/);
		} finally {
			await page.close();
		}
	});

	it("leaves the feed bytes a reader gets as they are: the same document, only with the stylesheet instruction", async () => {
		const rss = await request(`${base}${FEEDS.rss.path}`);
		expect(rss.body.split("\n")[1]).toBe(`<?xml-stylesheet type="text/css" href="${base}/feed.css"?>`);
		const css = await request(`${base}/feed.css`);
		expect(css.status).toBe(200);
		expect(css.headers.get("content-type")).toBe("text/css; charset=utf-8");
	});
});
