import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { readConfig, siteIdentity } from "../../src/config";
import { pingExternalHubs } from "../../src/jobs/hub-publish-ping";
import type { StoredDocument } from "../../src/storage/documents";
import { callbackPath, callbackUrl, subscriberReceived } from "./support";

const feed = (path: string, contentType: string): StoredDocument => ({ path, contentType, cacheControl: "", body: "", etag: '"x"', lastModified: "2026-01-01T00:00:00.000Z" });

describe("WEBSUB_PUBLISH_TO", () => {
	it("pings each external hub with hub.mode=publish, hub.url and hub.topic for every changed feed, and not for pages", async () => {
		const hubPath = callbackPath();
		const problems = await pingExternalHubs([callbackUrl(hubPath)], "https://blog.example", [
			feed("/atom.xml", "application/atom+xml; charset=utf-8"),
			feed("/tags/db/feed.json", "application/feed+json; charset=utf-8"),
			feed("/posts/one", "text/html; charset=utf-8"),
		]);
		expect(problems).toEqual([]);
		const pings = (await subscriberReceived(hubPath)).map((request) => Object.fromEntries(new URLSearchParams(request.body)));
		expect(pings).toEqual([
			{ "hub.mode": "publish", "hub.url": "https://blog.example/atom.xml", "hub.topic": "https://blog.example/atom.xml" },
			{ "hub.mode": "publish", "hub.url": "https://blog.example/tags/db/feed.json", "hub.topic": "https://blog.example/tags/db/feed.json" },
		]);
	});

	it("reports a hub that refuses or cannot be reached, without throwing", async () => {
		const problems = await pingExternalHubs([callbackUrl(callbackPath("fail")), "http://127.0.0.1:1/hub"], "https://blog.example", [feed("/atom.xml", "application/atom+xml; charset=utf-8")]);
		expect(problems).toEqual([expect.stringContaining("answered 500"), expect.stringContaining("unreachable")]);
	});

	it("advertises the external hubs after Pressroom's own, and refuses a hub URL the policy refuses", () => {
		const config = readConfig({ ...env, WEBSUB_PUBLISH_TO: "https://hub.example/ https://other.example/hub" });
		expect(siteIdentity(config).hubs).toEqual([`${config.site.url}/websub`, "https://hub.example/", "https://other.example/hub"]);
		expect(() => readConfig({ ...env, DEV_MODE: "false", WEBSUB_PUBLISH_TO: "http://169.254.169.254/" })).toThrow(/WEBSUB_PUBLISH_TO/);
	});
});
