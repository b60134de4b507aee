import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { SESSION_COOKIE, sessionKey, startSession } from "../../src/http/admin-page/session";
import { Deliveries } from "../../src/storage/deliveries";
import { HubSubscriptions } from "../../src/storage/hub-subscriptions";
import { buildPingEvent, messageId } from "../../src/webhooks/event";
import { parseSecret } from "../../src/webhooks/secret";
import { ADMIN_TOKEN, admin, request } from "../support/http";
import { emptyCatalogAndBucket } from "../support/state";

const ORIGIN = "http://127.0.0.1:8787";

beforeEach(() => emptyCatalogAndBucket(["attempts", "messages", "events", "subscriptions", "hub_subscriptions", "hub_verifications"]));

/** A browser's same-origin form post. */
function post(path: string, fields: Record<string, string | string[]>, cookie?: string, extraHeaders: Record<string, string> = {}): Promise<Response> {
	const body = new URLSearchParams();
	for (const [name, value] of Object.entries(fields)) for (const item of [value].flat()) body.append(name, item);
	const headers: Record<string, string> = { "Content-Type": "application/x-www-form-urlencoded", Origin: ORIGIN, "Sec-Fetch-Site": "same-origin", ...extraHeaders };
	if (cookie) headers.Cookie = cookie;
	return request(path, { method: "POST", body, headers, redirect: "manual" });
}

function get(path: string, cookie?: string): Promise<Response> {
	return request(path, { headers: cookie ? { Cookie: cookie } : {}, redirect: "manual" });
}

/** Signs in through the form; returns the Cookie header a browser would send next, and the page's CSRF token. */
async function signIn(): Promise<{ cookie: string; csrf: string }> {
	const response = await post("/admin/sign-in", { token: ADMIN_TOKEN });
	expect(response.status).toBe(303);
	const setCookie = response.headers.get("Set-Cookie") ?? "";
	const cookie = setCookie.split(";")[0]!;
	const page = await (await get("/admin", cookie)).text();
	return { cookie, csrf: csrfOf(page) };
}

function csrfOf(page: string): string {
	const token = /name="csrf" value="([^"]+)"/.exec(page)?.[1];
	if (!token) throw new Error("no CSRF field on the page");
	return token;
}

function expectSecurityHeaders(response: Response): void {
	const csp = response.headers.get("Content-Security-Policy") ?? "";
	expect(csp).toContain("frame-ancestors 'none'");
	expect(csp).toContain("default-src 'none'");
	expect(csp).toMatch(/script-src 'nonce-[A-Za-z0-9+/=]+'(;|$)/);
	expect(csp).not.toContain("unsafe-inline");
	expect(response.headers.get("Referrer-Policy")).toBe("no-referrer");
	expect(response.headers.get("X-Content-Type-Options")).toBe("nosniff");
	expect(response.headers.get("Cache-Control")).toBe("no-store");
}

describe("admin page sign-in", () => {
	it("sends a visitor without a session to the sign-in form, which is not shadowed by the document routes", async () => {
		const response = await get("/admin");
		expect(response.status).toBe(303);
		expect(response.headers.get("Location")).toBe("/admin/sign-in");
		const form = await get("/admin/sign-in");
		expect(form.status).toBe(200);
		expect(form.headers.get("Content-Type")).toMatch(/^text\/html/);
		const page = await form.text();
		expect(page).toMatch(/<form method="post" action="\/admin\/sign-in"/);
		expect(page).toMatch(/<label for="token">Admin token<\/label>/);
		expect(page).toMatch(/type="password"/);
	});

	it("signs in with the admin token posted in the form: an HttpOnly, Secure, SameSite=Strict cookie that is not the token", async () => {
		const response = await post("/admin/sign-in", { token: ADMIN_TOKEN });
		expect(response.status).toBe(303);
		expect(response.headers.get("Location")).toBe("/admin");
		const setCookie = response.headers.get("Set-Cookie") ?? "";
		expect(setCookie.startsWith(`${SESSION_COOKIE}=v1.`)).toBe(true);
		expect(setCookie).toMatch(/; HttpOnly/);
		expect(setCookie).toMatch(/; Secure/);
		expect(setCookie).toMatch(/; SameSite=Strict/);
		expect(setCookie).not.toContain(ADMIN_TOKEN);

		const overview = await get("/admin", setCookie.split(";")[0]);
		expect(overview.status).toBe(200);
		const page = await overview.text();
		expect(page).toContain("<h1>Overview</h1>");
		// The database's size against the plan's limit (GET /api/status `database`), in the Catalog card.
		expect(page).toMatch(/<dt>Database<\/dt><dd>[\d.]+ MB of 10 GB <span class="hint">\(D1, paid plan\)<\/span><\/dd>/);
	});

	it("refuses a wrong token, an empty one, and a token in the URL, without setting a cookie", async () => {
		for (const token of ["wrong-token", "", `${ADMIN_TOKEN}x`]) {
			const response = await post("/admin/sign-in", { token });
			expect(response.status, token).toBe(401);
			expect(response.headers.get("Set-Cookie")).toBeNull();
			expect(await response.text()).toContain("That is not the admin token");
		}
		const inUrl = await post(`/admin/sign-in?token=${ADMIN_TOKEN}`, {});
		expect(inUrl.status).toBe(401);
		expect(inUrl.headers.get("Set-Cookie")).toBeNull();
		expect((await get(`/admin?token=${ADMIN_TOKEN}`)).status).toBe(303);
	});

	it("refuses a sign-in posted from another origin, or with no origin at all", async () => {
		const crossSite = await post("/admin/sign-in", { token: ADMIN_TOKEN }, undefined, { Origin: "https://evil.example", "Sec-Fetch-Site": "cross-site" });
		expect(crossSite.status).toBe(403);
		expect(crossSite.headers.get("Set-Cookie")).toBeNull();
		const forgedSite = await post("/admin/sign-in", { token: ADMIN_TOKEN }, undefined, { Origin: "https://evil.example" });
		expect(forgedSite.status).toBe(403);
		const anonymous = await request("/admin/sign-in", {
			method: "POST",
			body: new URLSearchParams({ token: ADMIN_TOKEN }),
			headers: { "Content-Type": "application/x-www-form-urlencoded" },
			redirect: "manual",
		});
		expect(anonymous.status).toBe(403);
		const nullOriginCrossSite = await post("/admin/sign-in", { token: ADMIN_TOKEN }, undefined, { Origin: "null", "Sec-Fetch-Site": "cross-site" });
		expect(nullOriginCrossSite.status).toBe(403);
		const nullOriginAlone = await request("/admin/sign-in", {
			method: "POST",
			body: new URLSearchParams({ token: ADMIN_TOKEN }),
			headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: "null" },
			redirect: "manual",
		});
		expect(nullOriginAlone.status).toBe(403);
	});

	// Under Referrer-Policy: no-referrer, Chromium sends "Origin: null" with its own same-origin form posts.
	it("accepts the browser's own form post that carries Origin: null and Sec-Fetch-Site: same-origin", async () => {
		const response = await post("/admin/sign-in", { token: ADMIN_TOKEN }, undefined, { Origin: "null", "Sec-Fetch-Site": "same-origin" });
		expect(response.status).toBe(303);
	});

	it("treats tampered, expired and foreign session cookies as signed out", async () => {
		const { cookie } = await signIn();
		const tampered = cookie.replace(/.(?=.$)/, (character) => (character === "A" ? "B" : "A"));
		// The signature's last base64url character also carries 2 bits past its 32 bytes, which atob() ignores: the
		// same bytes written another way are refused too (one spelling per session).
		const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
		const respelled = cookie.replace(/.$/, (last) => alphabet[alphabet.indexOf(last) ^ 1]!);
		const expired = (await startSession(await sessionKey(ADMIN_TOKEN), new Date(Date.now() - 9 * 3600 * 1000))).value;
		const foreign = (await startSession(await sessionKey("another-deployment-token"), new Date())).value;
		for (const value of [tampered, respelled, `${SESSION_COOKIE}=${expired}`, `${SESSION_COOKIE}=${foreign}`, `${SESSION_COOKIE}=${ADMIN_TOKEN}`]) {
			const response = await get("/admin", value);
			expect(response.status, value).toBe(303);
			expect(response.headers.get("Location")).toBe("/admin/sign-in");
		}
	});

	it("signs out: the cookie is cleared", async () => {
		const { cookie, csrf } = await signIn();
		const response = await post("/admin/sign-out", { csrf }, cookie);
		expect(response.status).toBe(303);
		expect(response.headers.get("Location")).toBe("/admin/sign-in?signed-out");
		expect(response.headers.get("Set-Cookie")).toMatch(new RegExp(`^${SESSION_COOKIE}=; Path=/; Max-Age=0; HttpOnly; Secure; SameSite=Strict`));
	});
});

describe("admin page CSRF protection", () => {
	it("refuses a form post without this session's CSRF token, and changes nothing", async () => {
		const { cookie } = await signIn();
		const other = await signIn();
		for (const fields of [{}, { csrf: "" }, { csrf: other.csrf }, { csrf: "not-a-token" }] as Record<string, string>[]) {
			const response = await post("/admin/subscriptions", { ...fields, url: "https://hooks.example/in", eventTypes: "ping" }, cookie);
			expect(response.status, JSON.stringify(fields)).toBe(403);
			expect(await response.text()).toContain("security token");
		}
		expect((await env.DB.prepare("SELECT count(*) AS n FROM subscriptions").first<{ n: number }>())?.n).toBe(0);
	});

	it("refuses a post from another origin even with a valid token", async () => {
		const { cookie, csrf } = await signIn();
		const response = await post("/admin/subscriptions", { csrf, url: "https://hooks.example/in", eventTypes: "ping" }, cookie, {
			Origin: "https://evil.example",
			"Sec-Fetch-Site": "cross-site",
		});
		expect(response.status).toBe(403);
		expect((await env.DB.prepare("SELECT count(*) AS n FROM subscriptions").first<{ n: number }>())?.n).toBe(0);
	});

	it("refuses a post without a session, before reading what it asks for", async () => {
		const { csrf } = await signIn();
		const response = await post("/admin/subscriptions", { csrf, url: "https://hooks.example/in", eventTypes: "ping" });
		expect(response.status).toBe(401);
	});
});

describe("admin page security headers", () => {
	it("sets a nonce'd CSP, no framing, no referrer and nosniff on every admin answer, errors included", async () => {
		const { cookie } = await signIn();
		const responses = [
			await get("/admin/sign-in"),
			await get("/admin"),
			await get("/admin", cookie),
			await get("/admin/subscriptions/sub_missing", cookie),
			await get("/admin/no-such-page", cookie),
			await get("/admin?cursor=not-a-cursor", cookie),
			await post("/admin/sign-in", { token: "wrong" }),
			await post("/admin/sign-in", { token: ADMIN_TOKEN }, undefined, { Origin: "https://evil.example" }),
		];
		expect(responses.map((response) => response.status)).toEqual([200, 303, 200, 404, 404, 400, 401, 403]);
		for (const response of responses) expectSecurityHeaders(response);

		const page = await (await get("/admin", cookie)).text();
		const csp = (await get("/admin", cookie)).headers.get("Content-Security-Policy");
		const nonces = [...page.matchAll(/<(?:script|link rel="stylesheet" href="\/admin\/styles\.css") nonce="([^"]+)"/g)].map((match) => match[1]);
		expect(nonces).toHaveLength(2);
		expect(page).not.toMatch(/<style\b/);
		expect(page).not.toMatch(/<script(?![^>]*nonce=)/);
		expect(page).not.toMatch(/ style="/);
		expect(csp).not.toContain(nonces[0]);
	});
});

describe("admin page subscriptions", () => {
	it("creates a subscription from the form, shows its secret once, and the API sees the same subscription", async () => {
		const { cookie, csrf } = await signIn();
		const response = await post(
			"/admin/subscriptions",
			{ csrf, url: "https://hooks.example/in", description: "Planet", eventTypes: ["post.published", "ping"], tags: "postgres, sqlite", categories: "" },
			cookie,
		);
		expect(response.status).toBe(200);
		const page = await response.text();
		const secret = /id="signing-secret" type="text" readonly value="([^"]+)"/.exec(page)?.[1] ?? "";
		expect(parseSecret(secret).ok).toBe(true);
		expect(page).toContain('data-copy="signing-secret"');

		const list = (await (await admin("/api/subscriptions")).json()) as { subscriptions: { id: string; url: string; eventTypes: string[]; filters: unknown }[] };
		expect(list.subscriptions).toEqual([
			expect.objectContaining({ url: "https://hooks.example/in", eventTypes: ["post.published", "ping"], filters: { tags: ["postgres", "sqlite"], categories: [] } }),
		]);
		const id = list.subscriptions[0]!.id;
		const again = await (await get(`/admin/subscriptions/${id}`, cookie)).text();
		expect(again).not.toContain(secret);
		expect(again).toContain("postgres, sqlite");
		expect(await (await get("/admin", cookie)).text()).not.toContain(secret);
	});

	it("shows the API's validation messages next to the fields and keeps what was typed", async () => {
		const { cookie, csrf } = await signIn();
		const response = await post("/admin/subscriptions", { csrf, url: "http://hooks.example/in", description: "Kept", tags: "a, b" }, cookie);
		expect(response.status).toBe(400);
		const page = await response.text();
		expect(page).toMatch(/<p class="error" id="new-url-error">The URL must use https\.<\/p>/);
		expect(page).toMatch(/id="new-url"[^>]*aria-invalid="true"[^>]*aria-describedby="new-url-error"/);
		expect(page).toContain("Event types must name at least one event type.");
		expect(page).toContain('value="Kept"');
		expect((await env.DB.prepare("SELECT count(*) AS n FROM subscriptions").first<{ n: number }>())?.n).toBe(0);
	});

	it("pauses, resumes, edits filters, rotates the secret and deletes, through the same storage as the API", async () => {
		const created = (await (await admin("/api/subscriptions", { method: "POST", body: JSON.stringify({ url: "https://hooks.example/in" }) })).json()) as {
			subscription: { id: string };
			secret: string;
		};
		const id = created.subscription.id;
		const api = async () => (await (await admin(`/api/subscriptions/${id}`)).json()) as { enabled: boolean; filters: unknown; url: string };
		const { cookie, csrf } = await signIn();

		expect((await post(`/admin/subscriptions/${id}/pause`, { csrf }, cookie)).headers.get("Location")).toBe(`/admin/subscriptions/${id}?done=paused`);
		expect(await api()).toMatchObject({ enabled: false });
		expect(await (await get(`/admin/subscriptions/${id}?done=paused`, cookie)).text()).toContain("Paused: nothing is sent");
		expect((await post(`/admin/subscriptions/${id}/test`, { csrf }, cookie)).status).toBe(409);
		expect((await post(`/admin/subscriptions/${id}/resume`, { csrf }, cookie)).status).toBe(303);
		expect(await api()).toMatchObject({ enabled: true });

		const edit = await post(`/admin/subscriptions/${id}/edit`, { csrf, url: "https://hooks.example/v2", eventTypes: ["post.published"], tags: "rust", categories: "news" }, cookie);
		expect(edit.status).toBe(303);
		expect(await api()).toMatchObject({ url: "https://hooks.example/v2", filters: { tags: ["rust"], categories: ["news"] } });

		const rotated = await post(`/admin/subscriptions/${id}/rotate-secret`, { csrf }, cookie);
		const newSecret = /id="signing-secret" type="text" readonly value="([^"]+)"/.exec(await rotated.text())?.[1] ?? "";
		expect(parseSecret(newSecret).ok).toBe(true);
		expect(newSecret).not.toBe(created.secret);
		const stored = await env.DB.prepare("SELECT secret, previous_secret FROM subscriptions WHERE id = ?1").bind(id).first<{ secret: string; previous_secret: string }>();
		expect(stored).toEqual({ secret: newSecret, previous_secret: created.secret });

		expect((await post(`/admin/subscriptions/${id}/delete`, { csrf }, cookie)).headers.get("Location")).toBe("/admin?done=deleted");
		expect((await admin(`/api/subscriptions/${id}`)).status).toBe(404);
	});

	it("lists deliveries with every attempt, and refuses to redeliver one still in flight", async () => {
		const created = (await (await admin("/api/subscriptions", { method: "POST", body: JSON.stringify({ url: "https://hooks.example/in", enabled: false }) })).json()) as {
			subscription: { id: string };
		};
		const id = created.subscription.id;
		const deliveries = new Deliveries(env.DB);
		const event = buildPingEvent(new Date());
		const message = await messageId(event.id, id);
		await deliveries.write([deliveries.insertEvent(event, null), deliveries.insertMessage(message, event.id, id, new Date())]);
		await deliveries.recordAttempt(
			message,
			id,
			event.id,
			{ attemptNumber: 1, trigger: "scheduled", outcome: "retry", statusCode: 503, durationMs: 40, error: "HTTP 503", responseSnippet: "busy" },
			{ status: "pending", scheduleAttempts: 1 },
			new Date(),
		);

		const { cookie, csrf } = await signIn();
		const page = await (await get(`/admin/subscriptions/${id}`, cookie)).text();
		expect(page).toContain(`data-message-id="${message}"`);
		expect(page).toMatch(/Attempt 1: <span class="badge retry">retry<\/span> HTTP <strong>503<\/strong> in 40 ms/);
		expect(page).toContain("busy");
		expect(page).toContain("0 % of the last 1 attempt succeeded");

		const inFlight = await post(`/admin/deliveries/${message}/redeliver`, { csrf, back: `/admin/subscriptions/${id}` }, cookie);
		expect(inFlight.status).toBe(409);
		expectSecurityHeaders(inFlight);
		expect(await inFlight.text()).toContain("is still pending");
	});
});

describe("admin page overview", () => {
	it("charts the last syncs and lists broken posts with their reasons", async () => {
		await env.DB.prepare("INSERT INTO broken_objects (key, etag, reason, seen_at) VALUES ('bad.md', 'e1', 'date: not a date', '2026-12-01T00:00:00Z')").run();
		const { cookie, csrf } = await signIn();
		const before = await (await get("/admin", cookie)).text();
		expect(before).toContain("No sync has run yet.");
		expect(before).toContain("date: not a date");

		await env.POSTS.put("good.md", "---\ntitle: Good\ndate: 2026-01-01\n---\nHello\n");
		const sync = await post("/admin/sync", { csrf }, cookie);
		expect(sync.headers.get("Location")).toBe("/admin?done=sync-succeeded");
		const after = await (await get("/admin?done=sync-succeeded", cookie)).text();
		expect(after).toContain("Sync finished.");
		expect(after).toMatch(/<svg class="chart"[^>]*role="img"/);
		expect(after).toMatch(/<rect [^>]*fill="#0a6b2b"><title>[^<]+: succeeded, \d+ ms<\/title><\/rect>/);
		expect(after).toContain('<span class="badge succeeded">succeeded</span>');
	});

	it("lists the WebSub hub's subscribers and removes one, as DELETE /api/hub/subscriptions/{id} does", async () => {
		const hub = new HubSubscriptions(env.DB);
		const now = new Date();
		const request = { mode: "subscribe" as const, topic: `${ORIGIN}/atom.xml`, callback: "https://reader.example/cb", callbackHost: "reader.example", leaseSeconds: 3600 };
		const verification = await hub.verification(await hub.createVerification(request, `${ORIGIN}/atom.xml`, "challenge", now));
		await hub.settle(verification!, { status: "verified" }, now);
		const { cookie, csrf } = await signIn();

		const page = await (await get("/admin", cookie)).text();
		expect(page).toContain("https://reader.example/cb");
		expect(page).toContain('<span class="badge active">active</span>');
		const id = /action="\/admin\/hub\/subscriptions\/([^/"]+)\/remove"/.exec(page)?.[1] ?? "";

		const removed = await post(`/admin/hub/subscriptions/${id}/remove`, { csrf }, cookie);
		expect(removed.headers.get("Location")).toBe("/admin?done=hub-removed#hub-title");
		const listed = (await (await admin("/api/hub/subscriptions")).json()) as { subscriptions: { id: string; state: string; endedReason?: string }[] };
		expect(listed.subscriptions).toEqual([expect.objectContaining({ id, state: "ended", endedReason: "removed" })]);
		expect((await post(`/admin/hub/subscriptions/${id}/remove`, { csrf }, cookie)).headers.get("Location")).toBe("/admin?done=hub-gone#hub-title");
	});
});
