import { env } from "cloudflare:workers";
import { expect, it } from "vitest";

it("runs inside workerd with the catalog schema applied", async () => {
	const tables = await env.DB.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'posts'").all();
	expect(tables.results).toHaveLength(1);
	expect(navigator.userAgent).toBe("Cloudflare-Workers");
});
