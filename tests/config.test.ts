import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { ConfigError, readConfig, readDeliveryConfig } from "../src/config";

describe("readDeliveryConfig", () => {
	it("needs none of the site settings", () => {
		const { config, problems } = readDeliveryConfig({ ...env, SITE_URL: "not a url", SITE_TITLE: "", ID_AUTHORITY: "?" });
		expect(problems).toEqual([]);
		expect(config).toEqual({ webhooks: { timeoutMs: 15_000, disableAfterHours: 120 }, devMode: false });
	});

	it("reports a bad delivery value and delivers with its default, while readConfig refuses it", () => {
		const broken = { ...env, WEBHOOK_TIMEOUT_MS: "fast" };
		const { config, problems } = readDeliveryConfig(broken);
		expect(config.webhooks.timeoutMs).toBe(15_000);
		expect(problems).toEqual(['WEBHOOK_TIMEOUT_MS must be a whole number from 100 to 60000, got "fast"']);
		expect(() => readConfig(broken)).toThrowError(ConfigError);
	});
});

describe("PLAN and the sync budgets", () => {
	it("defaults to the Paid plan's budgets", () => {
		const config = readConfig(env);
		expect(config.plan).toBe("paid");
		expect(config.syncBudget).toEqual({ maxReads: 5_000, maxSubrequests: 9_000, maxParseMs: 20_000, parseMsPerPost: 0.5 });
		expect(config.publishMaxRenders).toBe(10_000);
	});

	it("gives the Free plan's budgets for PLAN=free, each overridable on its own", () => {
		const config = readConfig({ ...env, PLAN: "Free", SYNC_MAX_PARSE_MS: "6", SYNC_PARSE_MS_PER_POST: "0.25" });
		expect(config.plan).toBe("free");
		expect(config.syncBudget).toEqual({ maxReads: 50, maxSubrequests: 24, maxParseMs: 6, parseMsPerPost: 0.25 });
		expect(config.publishMaxSubrequests).toBe(48);
	});

	it("refuses an unknown plan and a budget too small to make progress, naming the setting", () => {
		expect(() => readConfig({ ...env, PLAN: "enterprise" })).toThrowError(/PLAN must be "free" or "paid", got "enterprise"/);
		expect(() => readConfig({ ...env, SYNC_MAX_SUBREQUESTS: "5" })).toThrowError(/SYNC_MAX_SUBREQUESTS must be a whole number from 16/);
		expect(() => readConfig({ ...env, SYNC_PARSE_MS_PER_POST: "0" })).toThrowError(/SYNC_PARSE_MS_PER_POST must be a number/);
	});
});

describe("DOCUMENT_BODIES", () => {
	it("keeps bodies in D1 on the Paid plan and in the DOCUMENTS bucket on the Free plan, either overridable", () => {
		expect(readConfig(env).documentBodies).toBe("d1");
		expect(readConfig({ ...env, PLAN: "free" }).documentBodies).toBe("r2");
		expect(readConfig({ ...env, PLAN: "free", DOCUMENT_BODIES: "D1" }).documentBodies).toBe("d1");
		expect(readConfig({ ...env, DOCUMENT_BODIES: " r2 " }).documentBodies).toBe("r2");
	});

	it("refuses an unknown value, and R2 bodies without the DOCUMENTS binding, saying what to do", () => {
		expect(() => readConfig({ ...env, DOCUMENT_BODIES: "kv" })).toThrowError(/DOCUMENT_BODIES must be "d1" or "r2", got "kv"/);
		const unbound = { ...env, DOCUMENTS: undefined } as unknown as Cloudflare.Env;
		expect(() => readConfig({ ...unbound, DOCUMENT_BODIES: "r2" })).toThrowError(/DOCUMENT_BODIES=r2: bind an R2 bucket as DOCUMENTS \(docs\/deploy.md\), or set DOCUMENT_BODIES=d1/);
		expect(() => readConfig({ ...unbound, PLAN: "free" })).toThrowError(/PLAN=free keeps document bodies in R2 by default: bind an R2 bucket as DOCUMENTS/);
		expect(readConfig({ ...unbound, PLAN: "free", DOCUMENT_BODIES: "d1" }).documentBodies).toBe("d1");
	});
});
