/** The admin API and the cron entry point, against the running dev server. */
import { describe, expect, inject, it } from "vitest";
import { request } from "./support/site";

const base = inject("e2eBaseUrl");

interface SyncRunShape {
	trigger: string;
	status: string;
	startedAt: string;
	objectsListed: number;
	posts: number;
	broken: number;
	changes: number;
	remaining: number;
}
const token = inject("e2eAdminToken");

describe("admin API and cron", () => {
	it("ran the sync started by the suite's POST /api/sync (with the bearer token)", () => {
		const sync = inject("e2eSync");
		expect(sync.status, sync.body).toBe(200);
		const { sync: run } = JSON.parse(sync.body) as { sync: SyncRunShape };
		expect(run).toMatchObject({ trigger: "api", status: "succeeded", remaining: 0 });
		expect(run.posts).toBeGreaterThan(0);
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

	it("runs a sync from the scheduled handler when wrangler's cron endpoint is called, and reports it in /api/status", async () => {
		const cronExpression = "*/5 * * * *";
		const before = new Date();
		const cron = await request(`${base}/cdn-cgi/handler/scheduled?cron=${encodeURIComponent(cronExpression)}`);
		expect(cron.status, cron.body).toBe(200);

		// The run the cron started: named after its cron expression and started after the call was made.
		let status: { lastSync: SyncRunShape | null; catalog: { posts: number; broken: number; media: number } } | undefined;
		let run: SyncRunShape | undefined;
		for (let i = 0; i < 50 && !run; i++) {
			if (i > 0) await new Promise((resolve) => setTimeout(resolve, 200));
			const response = await request(`${base}/api/status`, { headers: { authorization: `Bearer ${token}` } });
			status = JSON.parse(response.body);
			run = status?.lastSync?.trigger === `cron ${cronExpression}` && Date.parse(status.lastSync.startedAt) >= before.getTime() - 1000 ? status.lastSync : undefined;
		}
		expect(run, JSON.stringify(status?.lastSync)).toBeDefined();
		// It listed the whole bucket the suite seeded and found nothing new since the suite's own sync.
		expect(run).toMatchObject({ status: "succeeded", changes: 0, remaining: 0, posts: status!.catalog.posts, broken: status!.catalog.broken });
		expect(run!.objectsListed).toBe(status!.catalog.posts + status!.catalog.broken + status!.catalog.media);
		expect(status!.catalog.posts).toBeGreaterThan(0);
	});
});
