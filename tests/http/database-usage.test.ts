import { describe, expect, it } from "vitest";
import { DATABASE_WARNING_SHARE, databaseUsage, formatBytes } from "../../src/http/admin/status";

describe("the D1 database's size against the plan's limit", () => {
	it("warns from 80% of the Free plan's 500 MB, and says what happens at the limit and what allows more", () => {
		const below = databaseUsage(399_000_000, "free");
		const near = databaseUsage(DATABASE_WARNING_SHARE * 500_000_000, "free");
		const over = databaseUsage(612_000_000, "free");

		expect(below).toEqual({ plan: "free", bytes: 399_000_000, limitBytes: 500_000_000 });
		expect(near.warning).toMatch(/^The D1 database is at 80% of the Free plan's 500 MB: beyond it D1 refuses writes/);
		expect(near.warning).toContain("The Paid plan allows 10 GB (PLAN=paid)");
		expect(over.warning).toContain("at 122% of");
	});

	it("warns on the Paid plan against its 10 GB, with no plan to move to", () => {
		expect(databaseUsage(7_900_000_000, "paid").warning).toBeUndefined();
		const near = databaseUsage(9_100_000_000, "paid");
		expect(near.warning).toMatch(/at 91% of the Paid plan's 10 GB/);
		expect(near.warning).not.toContain("PLAN=paid");
	});

	it("leaves the size unknown, with no warning, when D1 does not report it", () => {
		expect(databaseUsage(undefined, "free")).toEqual({ plan: "free", limitBytes: 500_000_000 });
	});

	it("writes sizes in the decimal units the limits use", () => {
		expect([formatBytes(97_738_752), formatBytes(500_000_000), formatBytes(3_240_000_000)]).toEqual(["97.7 MB", "500 MB", "3.2 GB"]);
	});
});
