/**
 * The admin page in a real browser: Debian's chromium (apt-get install chromium) driven by playwright-core,
 * against the suite's wrangler dev (DEV_MODE, so the receiver below on 127.0.0.1 is allowed). Screenshots
 * go to tests/e2e/output/ (gitignored); their file names are printed.
 */
import { mkdirSync } from "node:fs";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";

const base = inject("e2eBaseUrl");
const token = inject("e2eAdminToken");
const CHROMIUM = "/usr/bin/chromium";
// page.evaluate() gets its browser-side code as strings below: this project's TypeScript has no DOM types.
const OUTPUT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "output");

interface Received {
	path: string;
	headers: IncomingHttpHeaders;
	body: string;
}

/** A webhook receiver on 127.0.0.1: answers 200 and keeps what it got. */
async function startReceiver(): Promise<{ server: Server; url: string; received: Received[] }> {
	const received: Received[] = [];
	const server = createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on("data", (chunk: Buffer) => chunks.push(chunk));
		req.on("end", () => {
			received.push({ path: req.url ?? "", headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
			res.writeHead(200, { "content-type": "text/plain" }).end("thanks");
		});
	});
	await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
	return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received };
}

async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 30_000): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = await probe();
		if (value !== undefined) return value;
		if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
		await new Promise((resolve) => setTimeout(resolve, 250));
	}
}

describe("admin page in chromium", () => {
	let browser: Browser;
	let context: BrowserContext;
	let page: Page;
	let receiver: Awaited<ReturnType<typeof startReceiver>>;
	const screenshots: string[] = [];
	/** What the browser refused under the page's CSP: the nonce'd style and script must be all there is. */
	const cspViolations: string[] = [];

	async function screenshot(name: string): Promise<void> {
		const file = path.join(OUTPUT, `admin-${name}.png`);
		await page.screenshot({ path: file, fullPage: true });
		screenshots.push(file);
	}

	beforeAll(async () => {
		mkdirSync(OUTPUT, { recursive: true });
		receiver = await startReceiver();
		browser = await chromium.launch({
			executablePath: CHROMIUM,
			args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
		});
		context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
		await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: base });
		page = await context.newPage();
		page.setDefaultTimeout(10_000);
		page.on("console", (message) => {
			if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
		});
	});

	afterAll(async () => {
		await browser?.close();
		await new Promise((resolve) => receiver?.server.close(resolve));
		console.log(`[e2e] admin page screenshots:\n${screenshots.map((file) => `  ${file}`).join("\n")}`);
	});

	it("refuses a wrong token, with the security headers on the sign-in page", async () => {
		const response = await page.goto(`${base}/admin`);
		expect(page.url()).toBe(`${base}/admin/sign-in`);
		const headers = response!.headers();
		expect(headers["content-security-policy"]).toMatch(/default-src 'none'; script-src 'nonce-[^']+'; style-src 'nonce-[^']+';.*frame-ancestors 'none'/);
		expect(headers["referrer-policy"]).toBe("no-referrer");
		expect(headers["x-content-type-options"]).toBe("nosniff");

		await page.getByLabel("Admin token").fill("not-the-admin-token");
		await page.getByRole("button", { name: "Sign in" }).click();
		await page.getByRole("alert").filter({ hasText: "That is not the admin token" }).waitFor();
		expect(await context.cookies()).toEqual([]);
		await screenshot("sign-in-refused");
	});

	it("signs in with the token: the browser keeps a Secure, HttpOnly, SameSite=Strict cookie on http://127.0.0.1", async () => {
		await page.getByLabel("Admin token").fill(token);
		await page.getByLabel("Admin token").press("Enter");
		await page.waitForURL(`${base}/admin`);
		await page.getByRole("heading", { name: "Overview", level: 1 }).waitFor();
		const cookies = await context.cookies(base);
		expect(cookies).toEqual([expect.objectContaining({ name: "__Host-pressroom-admin", httpOnly: true, secure: true, sameSite: "Strict", path: "/" })]);
		expect(cookies[0]!.value).not.toContain(token);
		expect(await page.getByRole("img", { name: "Sync durations" }).count()).toBe(1);
		await screenshot("overview-desktop");
	});

	let secret = "";

	it("creates a subscription and shows its secret once, with a working copy button", async () => {
		await page.getByLabel("Endpoint URL").fill(`${receiver.url}/hook`);
		await page.getByLabel("Description").fill("E2E receiver");
		await page.getByLabel("Only posts with these tags").fill("postgres, replication");
		await page.getByRole("button", { name: "Create subscription" }).click();
		await page.getByRole("status").filter({ hasText: "Subscription created" }).waitFor();
		secret = await page.getByLabel("Secret (whsec_…)").inputValue();
		expect(secret).toMatch(/^whsec_[A-Za-z0-9+/=]+$/);

		await page.getByRole("button", { name: "Copy" }).click();
		await page.getByText("Copied to the clipboard.").waitFor();
		expect(await page.evaluate("navigator.clipboard.readText()")).toBe(secret);
		await screenshot("subscription-created");
	});

	it("sends a test ping that the receiver gets and verifies, then shows the delivery and its attempt", async () => {
		await page.getByRole("button", { name: "Send test ping" }).click();
		await page.waitForURL(/\?done=ping-sent$/);
		const subscriptionUrl = page.url().replace(/\?.*$/, "");

		const delivery = await until("the ping at the receiver", () => receiver.received.find((request) => request.path === "/hook"));
		const payload = new Webhook(secret).verify(delivery.body, delivery.headers as Record<string, string>) as { type: string };
		expect(payload.type).toBe("ping");
		const webhookId = String(delivery.headers["webhook-id"]);

		const attempt = await until("the attempt on the page", async () => {
			await page.goto(subscriptionUrl);
			const item = page.locator(`li.delivery[data-message-id="${webhookId}"] li.attempt`);
			return (await item.count()) > 0 ? item.first().innerText() : undefined;
		});
		expect(attempt).toMatch(/Attempt 1: succeeded HTTP 200 in \d+ ms/);
		await page.getByText("100 % of the last 1 attempt succeeded", { exact: true }).waitFor();
		await screenshot("subscription-delivered");

		await page.getByRole("button", { name: "Redeliver" }).click();
		await page.waitForURL(/\?done=redelivered$/);
		await until("the redelivery at the receiver", () => (receiver.received.filter((r) => r.headers["webhook-id"] === webhookId).length === 2 ? true : undefined));
		const attempts = await until("both attempts on the page", async () => {
			await page.goto(subscriptionUrl);
			const items = page.locator(`li.delivery[data-message-id="${webhookId}"] li.attempt`);
			return (await items.count()) === 2 ? items.allInnerTexts() : undefined;
		});
		expect(attempts[1]).toMatch(/^Attempt 2 \(redelivery\): succeeded HTTP 200/);
	});

	it("fits a phone's width without sideways scrolling", async () => {
		await page.setViewportSize({ width: 390, height: 844 });
		const fits = () => page.evaluate("document.documentElement.scrollWidth <= window.innerWidth");
		expect(await fits()).toBe(true);
		await screenshot("subscription-phone");
		await page.goto(`${base}/admin`);
		expect(await fits()).toBe(true);
		await screenshot("overview-phone");
		await page.setViewportSize({ width: 1280, height: 900 });
	});

	it("applies its stylesheet, a static file the asset server revalidates on every use", async () => {
		await page.goto(`${base}/admin`);
		// The header's panel colour and the hidden skip link both come from /admin/styles.css.
		expect(await page.evaluate("getComputedStyle(document.querySelector('header.top')).backgroundColor")).toBe("rgb(245, 245, 248)");
		expect(await page.evaluate("getComputedStyle(document.querySelector('a.skip')).position")).toBe("absolute");
		const stylesheet = await fetch(`${base}/admin/styles.css`);
		expect(stylesheet.status).toBe(200);
		expect(stylesheet.headers.get("content-type")).toBe("text/css; charset=utf-8");
		expect(stylesheet.headers.get("cache-control")).toBe("public, max-age=0, must-revalidate");
		expect(await stylesheet.text()).toContain("--panel: #f5f5f8");
	});

	it("can be used from the keyboard: the skip link comes first and reaches the content", async () => {
		await page.goto(`${base}/admin`);
		await page.keyboard.press("Tab");
		expect(await page.evaluate("document.activeElement?.textContent")).toBe("Skip to content");
		await page.keyboard.press("Enter");
		expect(await page.evaluate("document.activeElement?.id")).toBe("main");
	});

	it("signs out: the cookie is gone and /admin asks to sign in again", async () => {
		await page.getByRole("button", { name: "Sign out" }).click();
		await page.waitForURL(`${base}/admin/sign-in?signed-out`);
		await page.getByText("You are signed out.").waitFor();
		expect(await context.cookies(base)).toEqual([]);
		await page.goto(`${base}/admin`);
		expect(page.url()).toBe(`${base}/admin/sign-in`);
		await screenshot("signed-out");
	});

	it("ran every page without a Content Security Policy violation", () => {
		expect(cspViolations).toEqual([]);
	});
});
