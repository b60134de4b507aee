import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { createApp } from "../../src/http/app";
import { request } from "../support/http";

/**
 * Every /api route, with a concrete path to call it on. The first test checks this list against the routes
 * the app actually registers, so a new admin route cannot be added without being checked here.
 */
const API_ROUTES: { method: string; route: string; path: string; body?: unknown }[] = [
	{ method: "GET", route: "/api/status", path: "/api/status" },
	{ method: "POST", route: "/api/sync", path: "/api/sync" },
	{ method: "POST", route: "/api/subscriptions", path: "/api/subscriptions", body: { url: "https://hooks.example/in" } },
	{ method: "GET", route: "/api/subscriptions", path: "/api/subscriptions" },
	{ method: "GET", route: "/api/subscriptions/:id", path: "/api/subscriptions/sub_x" },
	{ method: "PATCH", route: "/api/subscriptions/:id", path: "/api/subscriptions/sub_x", body: { enabled: false } },
	{ method: "DELETE", route: "/api/subscriptions/:id", path: "/api/subscriptions/sub_x" },
	{ method: "POST", route: "/api/subscriptions/:id/rotate-secret", path: "/api/subscriptions/sub_x/rotate-secret" },
	{ method: "POST", route: "/api/subscriptions/:id/test", path: "/api/subscriptions/sub_x/test" },
	{ method: "GET", route: "/api/subscriptions/:id/deliveries", path: "/api/subscriptions/sub_x/deliveries" },
	{ method: "POST", route: "/api/deliveries/:messageId/redeliver", path: "/api/deliveries/msg_x/redeliver" },
	{ method: "GET", route: "/api/hub/subscriptions", path: "/api/hub/subscriptions" },
	{ method: "DELETE", route: "/api/hub/subscriptions/:id", path: "/api/hub/subscriptions/hubsub_x" },
];

/** RFC 6750 §3.1: a missing or wrong token is 401; a malformed Authorization header is 400 (invalid_request). */
const CREDENTIALS: [string, Record<string, string>, number][] = [
	["no token", {}, 401],
	["a wrong token", { Authorization: "Bearer wrong-admin-token" }, 401],
	["the right token under another scheme", { Authorization: "Basic test-admin-token" }, 400],
];

/** What the route table records, without the middleware patterns ("/*", "/api/*"). */
function registeredApiRoutes(): string[] {
	const unused = () => {
		throw new Error("only the route table is read");
	};
	const app = createApp(unused, unused);
	return app.routes.filter((r) => r.path.startsWith("/api/") && !r.path.includes("*")).map((r) => `${r.method} ${r.path}`);
}

beforeEach(async () => {
	await env.DB.prepare("DELETE FROM subscriptions").run();
});

describe("admin API authentication", () => {
	it("lists every registered /api route in this test", () => {
		const registered = registeredApiRoutes();
		expect(registered.length).toBeGreaterThan(0);
		expect([...new Set(registered)].sort()).toEqual(API_ROUTES.map((r) => `${r.method} ${r.route}`).sort());
	});

	describe.each(CREDENTIALS)("with %s", (_case, headers, status) => {
		it.each(API_ROUTES.map((r) => [`${r.method} ${r.path}`, r] as const))(`%s is refused with a JSON ${status}`, async (_name, route) => {
			const init: RequestInit = { method: route.method, headers: { ...headers } };
			if (route.body !== undefined) {
				init.body = JSON.stringify(route.body);
				init.headers = { ...headers, "Content-Type": "application/json" };
			}
			const response = await request(route.path, init);
			expect(response.status).toBe(status);
			expect(response.headers.get("WWW-Authenticate")).toMatch(/^Bearer/);
			expect(await response.json()).toMatchObject({ error: "unauthorized" });
		});
	});

	it("changes nothing when refused", async () => {
		await request("/api/subscriptions", {
			method: "POST",
			headers: { Authorization: "Bearer wrong-admin-token", "Content-Type": "application/json" },
			body: JSON.stringify({ url: "https://hooks.example/in" }),
		});
		expect(await env.DB.prepare("SELECT COUNT(*) AS n FROM subscriptions").first("n")).toBe(0);
	});
});
