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
