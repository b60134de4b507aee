/** The admin API and the cron entry point, against the running dev server. */
import { describe, expect, inject, it } from "vitest";
import { request } from "./support/site";

const base = inject("e2eBaseUrl");
const token = inject("e2eAdminToken");

describe("admin API and cron", () => {
	it("ran the sync started by the suite's POST /api/sync (with the bearer token)", () => {
		const sync = inject("e2eSync");
		expect(sync.status, sync.body).toBeGreaterThanOrEqual(200);
		expect(sync.status, sync.body).toBeLessThan(300);
	});

	it("refuses GET /api/status without the token, and with a wrong one", async () => {
		expect((await request(`${base}/api/status`)).status).toBe(401);
		expect((await request(`${base}/api/status`, { headers: { authorization: "Bearer not-the-token" } })).status).toBe(401);
	});

	it("answers GET /api/status with the token as JSON", async () => {
		const status = await request(`${base}/api/status`, { headers: { authorization: `Bearer ${token}` } });
		expect(status.status, status.body).toBe(200);
		expect(status.headers.get("content-type")).toMatch(/^application\/json\b/);
		expect(() => JSON.parse(status.body)).not.toThrow();
	});

	it("runs the scheduled handler when wrangler's cron endpoint is called", async () => {
		const cron = await request(`${base}/cdn-cgi/handler/scheduled?cron=${encodeURIComponent("*/5 * * * *")}`);
		expect(cron.status, cron.body).toBe(200);
	});
});
