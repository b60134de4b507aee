import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { Documents } from "../../src/storage/documents";
import { fencedPost } from "../support/posts";
import { uniquePath } from "../support/receiver";
import { resetWebhookState, webhookHarness } from "./harness";

beforeEach(() => resetWebhookState());

/** Hugo front matter with an expiry date (https://gohugo.io/methods/page/expirydate/). */
const expiring = (expiryDate: string) => `---\ntitle: "Limited offer"\nslug: "limited-offer"\ndate: "2026-05-01T00:00:00Z"\ntags: ["offers"]\nexpiryDate: "${expiryDate}"\n---\n\nGone soon.\n`;

async function paths(): Promise<string[]> {
	const rows = await env.DB.prepare("SELECT path, body FROM documents ORDER BY path").all<{ path: string; body: string }>();
	return rows.results.filter((row) => row.body.includes("Limited offer")).map((row) => row.path);
}

describe("a post with an expiry date (Hugo expiryDate)", () => {
	it("disappears from every document when its time comes, without a sync, and the next sync sends post.deleted", async () => {
		const h = webhookHarness({ now: new Date("2026-06-01T12:00:00Z") });
		await h.put("keep.md", fencedPost({ title: "Evergreen", date: "2026-04-01" }));
		await h.sync();
		await h.subscribe(uniquePath());
		await h.put("offer.md", expiring("2026-06-01T13:00:00Z"));
		await h.sync();
		expect(await paths()).toEqual(expect.arrayContaining(["/atom.xml", "/posts/limited-offer", "/tags/offers/atom.xml", "/archive/1"]));
		expect((await new Documents(env.DB).health()).nextScheduledPost).toBe("2026-06-01T13:00:00.000Z");
		const published = await env.DB.prepare("SELECT type FROM events ORDER BY created_at").all<{ type: string }>();
		expect(published.results.map((row) => row.type)).toEqual(["post.published"]);

		// A minute after the expiry: the publish step alone (as the first request after it does) hides it.
		h.clock.now = new Date("2026-06-01T13:01:00Z");
		const publish = await h.publish();
		expect(publish.refs).toEqual(expect.arrayContaining(["post:limited-offer", "term:offers", "archive:1", "site"]));
		expect(await paths()).toEqual([]);
		expect((await new Documents(env.DB).health()).nextScheduledPost).toBeUndefined();

		await h.sync();
		const events = await env.DB.prepare("SELECT type FROM events ORDER BY created_at, type").all<{ type: string }>();
		expect(events.results.map((row) => row.type)).toEqual(["post.published", "post.deleted"]);
		expect(h.queued.sent).toHaveLength(2);

		// Once: a later sync finds nothing more to announce.
		h.clock.now = new Date("2026-06-01T13:10:00Z");
		await h.sync();
		expect((await env.DB.prepare("SELECT count(*) AS n FROM events").first<{ n: number }>())!.n).toBe(2);
	});
});
