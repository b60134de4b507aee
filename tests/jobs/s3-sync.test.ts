import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { syncAndPublish } from "../../src/jobs/sync-and-publish";
import { S3Store } from "../../src/storage/s3-store";
import type { FaultMode } from "../support/fault-proxy";
import { admin, request } from "../support/http";
import { fencedPost } from "../support/posts";
import { emptyCatalogAndBucket, syncHarness } from "../support/state";
import { type FaultProxyHandle, openFaultProxy, s3rverSettings } from "../storage/s3-test-stores";

beforeEach(() => emptyCatalogAndBucket());

const encode = (text: string) => new TextEncoder().encode(text);

/** A sync whose store is S3 (s3rver on 127.0.0.1, behind `proxy` when given); the feeds read the same D1 catalog. */
function s3SyncHarness(proxy?: FaultProxyHandle, timeoutMs = 8_000) {
	const settings = s3rverSettings(proxy ? { endpoint: proxy.endpoint } : {});
	const direct = new S3Store({ ...settings, endpoint: s3rverSettings().endpoint });
	const viaProxy = new S3Store(settings, { timeoutMs });
	const h = syncHarness({ now: new Date() });
	h.deps.openStore = async () => viaProxy;
	return {
		...h,
		/** Writes straight to s3rver, so a test can change the bucket while the proxy is failing. */
		upload: (key: string, text: string) => direct.put(key, encode(text)),
		remove: (key: string) => direct.delete(key),
		sync: () => syncAndPublish(h.deps, h.publishing, "test"),
	};
}

async function atomEntries(): Promise<{ body: string; etag: string | null; ids: string[]; titles: string[] }> {
	const response = await request("/atom.xml");
	expect(response.status).toBe(200);
	const body = await response.text();
	return {
		body,
		etag: response.headers.get("ETag"),
		ids: [...body.matchAll(/<entry>\s*<id>([^<]+)<\/id>/g)].map((match) => match[1]!),
		titles: [...body.matchAll(/<entry>[\s\S]*?<title type="text">([^<]+)<\/title>/g)].map((match) => match[1]!),
	};
}

describe("the full path on an S3-compatible store", () => {
	it("uploads → sync → /atom.xml lists them → an edited post keeps its id", async () => {
		const h = s3SyncHarness();
		await h.upload("2026/first post.md", fencedPost({ title: "First over S3", date: "2026-01-01" }));
		await h.upload("2026/second+post.md", fencedPost({ title: "Second over S3", date: "2026-01-02" }));

		expect(await h.sync()).toMatchObject({ status: "succeeded", objectsListed: 2, objectsRead: 2, posts: 2 });
		const before = await atomEntries();
		expect(before.titles).toEqual(["Second over S3", "First over S3"]);

		await h.upload("2026/first post.md", fencedPost({ title: "First, edited", slug: "first-edited", date: "2026-01-01" }, "New body."));
		expect(await h.sync()).toMatchObject({ status: "succeeded", objectsRead: 1 });
		const after = await atomEntries();

		expect(after.titles).toEqual(["Second over S3", "First, edited"]);
		expect(after.ids).toEqual(before.ids);
	});
});

describe("store faults during a sync", () => {
	let proxy: FaultProxyHandle;
	beforeEach(async () => {
		proxy = await openFaultProxy();
	});
	afterEach(async () => {
		await proxy.setFault("pass");
		await proxy.close();
	});

	const FAULTS: [FaultMode, RegExp][] = [
		["unreachable", /unreachable|connect|refused|network/i],
		["forbidden", /403|forbidden|denied/i],
		["no-such-bucket", /bucket/i],
		["internal-error", /500|server|internal/i],
		["unavailable", /503|unavailable|server/i],
		["hang", /time|timeout/i],
		["truncated-xml", /listing|XML|malformed|response/i],
		["malformed-xml", /listing|XML|malformed|response/i],
	];

	it.each(FAULTS)("on %s: the sync fails with a clear error, the last good feed is served, and the next sync recovers", async (mode, reason) => {
		// A 503 is retried by the SDK with backoff: give it room, except where waiting is the fault.
		const h = s3SyncHarness(proxy, mode === "hang" ? 1_500 : 8_000);
		await h.upload("a.md", fencedPost({ title: "Alpha", date: "2026-01-01" }));
		await h.upload("b.md", fencedPost({ title: "Beta", date: "2026-01-02" }));
		expect((await h.sync()).status).toBe("succeeded");
		const good = await atomEntries();

		await h.upload("c.md", fencedPost({ title: "Gamma", date: "2026-01-03" }));
		await h.remove("a.md");
		await proxy.setFault(mode);
		const failed = await h.sync();

		expect(failed.status).toBe("failed");
		expect(failed.error).toMatch(reason);
		expect(failed.error).not.toMatch(/\n\s+at /);
		const during = await atomEntries();
		expect(during.body).toBe(good.body);
		expect(during.etag).toBe(good.etag);
		const status = (await (await admin("/api/status")).json()) as { lastSync: { status: string; error: string }; lastSuccessfulSync: { status: string } };
		expect(status.lastSync).toMatchObject({ status: "failed", error: failed.error });
		expect(status.lastSuccessfulSync.status).toBe("succeeded");

		await proxy.setFault("pass");
		expect((await h.sync()).status).toBe("succeeded");
		expect((await atomEntries()).titles).toEqual(["Gamma", "Beta"]);
	}, 30_000);
});
