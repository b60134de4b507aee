import { describe, expect, it } from "vitest";
import { successSeries, successSparkline, syncDurationChart } from "../../src/http/admin-page/views/charts";
import type { AttemptRecord, Delivery } from "../../src/storage/deliveries";
import type { SyncRun } from "../../src/storage/sync-runs";

function delivery(id: string, attempts: [outcome: string, at: string][]): Delivery {
	const attemptLog: AttemptRecord[] = attempts.map(([outcome, createdAt], index) => ({ attemptNumber: index + 1, trigger: "scheduled", outcome, durationMs: 10, createdAt }));
	return { messageId: id, eventId: "evt", eventType: "ping", subscriptionId: "sub_x", status: "succeeded", attempts: attempts.length, createdAt: "", updatedAt: "", attemptLog };
}

function run(startedAt: string, status: SyncRun["status"], durationMs: number): SyncRun {
	return { id: startedAt, trigger: "api", status, startedAt, durationMs, objectsListed: 0, objectsRead: 0, posts: 0, broken: 0, changes: 0, remaining: 0 };
}

describe("admin page charts", () => {
	it("computes the success rate over a sliding window of attempts in time order, whatever the delivery order", () => {
		const series = successSeries([
			delivery("new", [["succeeded", "2026-12-01T10:03:00Z"]]),
			delivery("old", [
				["retry", "2026-12-01T10:00:00Z"],
				["succeeded", "2026-12-01T10:01:00Z"],
			]),
		]);
		expect(series).toMatchObject({ attempts: 3, succeeded: 2 });
		expect(series.points.map((point) => Number(point.toFixed(3)))).toEqual([0, 0.5, 0.667]);
		expect(successSparkline(series, "s").toString()).toContain("67 % of the last 3 attempts succeeded");
		expect(successSparkline(successSeries([]), "s").toString()).toContain("No delivery attempts yet.");
	});

	it("draws one bar per sync, oldest first, as tall as its duration and coloured by status", () => {
		const chart = syncDurationChart([run("2026-12-01T10:10:00Z", "failed", 50), run("2026-12-01T10:05:00Z", "succeeded", 100)]).toString();
		const bars = [...chart.matchAll(/<rect x="[\d.]+" y="([\d.]+)" width="[\d.]+" height="([\d.]+)" fill="(#[0-9a-f]+)"><title>([^<]+)<\/title>/g)].map((m) => ({
			height: Number(m[2]),
			fill: m[3],
			title: m[4],
		}));
		expect(bars).toEqual([
			{ height: 100, fill: "#0a6b2b", title: "2026-12-01T10:05:00Z: succeeded, 100 ms" },
			{ height: 50, fill: "#a50e0e", title: "2026-12-01T10:10:00Z: failed, 50 ms" },
		]);
		expect(chart).toContain("2 syncs, oldest to newest: 1 succeeded, 1 failed; the longest took 100 ms.");
	});
});
