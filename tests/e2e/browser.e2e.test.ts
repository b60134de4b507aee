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
		const console: string[] = [];
		page.on("console", (message) => console.push(message.text()));
		try {
			const response = await page.goto(`${base}${feedPath}`, { waitUntil: "load" });
			expect(response?.status()).toBe(200);
			// caret "initial": Playwright otherwise injects an HTML style element, which an XML document never settles with.
			await page.screenshot({ path: path.join(OUTPUT, `feed-in-browser-${name.toLowerCase()}.png`), caret: "initial", timeout: 15_000 });
			// Evaluated in the page (strings: the test's own types have no DOM).
			// XML elements have no innerText: the selection's text is what is laid out, without the hidden elements.
			const text = await page.evaluate<string>("(() => { const s = getSelection(); s.selectAllChildren(document.documentElement); const t = s.toString(); s.removeAllRanges(); return t; })()");
			const rendered = await page.evaluate<{ rootDisplay: string; explanation: string }>(
				"({ rootDisplay: getComputedStyle(document.documentElement).display, explanation: getComputedStyle(document.documentElement, '::before').content })",
			);
			// The stylesheet applied: Chromium's XML tree viewer would show this sentence and the markup instead.
			expect(await page.content()).not.toContain("This XML file does not appear to have any style information");
			expect(rendered.rootDisplay).toBe("block");
			expect(rendered.explanation).toContain("This is a web feed");
			expect(rendered.explanation).toContain("paste it into your feed reader");
			// Chromium announces its XSLT deprecation on the console and in a banner; CSS draws neither.
			expect(text).not.toMatch(/XSLT|deprecat/i);
			expect(console.filter((line) => /XSLT|deprecat/i.test(line))).toEqual([]);
			const titles = await entryTitles();
			expect(titles.length).toBeGreaterThan(0);
			for (const title of titles) expect(text, title).toContain(title);
			// The feed's address is drawn from its rel="self" link (generated content, which a selection leaves out).
			const self = await page.evaluate<{ href: string | null; display: string; after: string }[]>(
				"[...document.getElementsByTagNameNS('http://www.w3.org/2005/Atom', 'link')].filter((l) => l.getAttribute('rel') === 'self').map((l) => ({ href: l.getAttribute('href'), display: getComputedStyle(l).display, after: getComputedStyle(l, '::after').content }))",
			);
			expect(self).toHaveLength(1);
			expect(self[0]).toMatchObject({ href: `${base}${feedPath}`, display: "block" });
			expect(self[0]!.after).not.toBe("none");
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
