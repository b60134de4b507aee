import { beforeEach, describe, expect, it } from "vitest";
import { request } from "../support/http";
import { fencedPost } from "../support/posts";
import { emptyCatalogAndBucket, syncHarness } from "../support/state";

beforeEach(() => emptyCatalogAndBucket());

const expiring = (expiryDate: string) => `---\ntitle: "Flash sale"\nslug: "flash-sale"\ndate: "2026-01-01T00:00:00Z"\nexpiryDate: "${expiryDate}"\n---\n\nGone soon.\n`;

describe("an expired post on the first request after its expiry", () => {
	it("is gone from the feeds and its page answers 404, with no sync in between", async () => {
		// Published while the post was visible: an hour before the Worker's clock, expiring half an hour before it.
		const now = Date.now();
		const h = syncHarness({ now: new Date(now - 3_600_000) });
		await h.put("keep.md", fencedPost({ title: "Evergreen", slug: "evergreen", date: "2026-01-01" }));
		await h.put("sale.md", expiring(new Date(now - 1_800_000).toISOString()));
		await h.sync();

		// The Worker's own request path sees next_visibility_change in the past and publishes before answering.
		const feed = await (await request("/atom.xml")).text();
		expect(feed).toContain(">Evergreen</title>");
		expect(feed).not.toContain("Flash sale");
		expect((await request("/posts/flash-sale")).status).toBe(404);
		expect(await (await request("/archive/1")).text()).not.toContain("Flash sale");
	});
});
