/** The sample post that shows a diagram and links a spreadsheet: every link in it answers, and its media is real. */
import { describe, expect, inject, it } from "vitest";
import { request } from "./support/site";

const base = inject("e2eBaseUrl");

describe("media beside the sample posts", () => {
	it("answers 200 for every link and image of the replication topology walkthrough", async () => {
		const page = await request(`${base}/posts/replication-topology-walkthrough`);
		expect(page.status).toBe(200);
		const urls = [...page.body.matchAll(/(?:href|src)="([^"]+)"/g)].map((match) => match[1]!.replaceAll("&amp;", "&")).filter((url) => url.startsWith(base));
		const media = urls.filter((url) => url.startsWith(`${base}/media/`));
		expect(media.sort()).toEqual([`${base}/media/2026/lag-measurements.csv`, `${base}/media/2026/topology-overview.png`]);
		for (const url of new Set(urls)) {
			const response = await request(url.replace(/#.*$/, ""));
			expect(response.status, url).toBe(200);
		}
		const image = await fetch(`${base}/media/2026/topology-overview.png`);
		expect(image.headers.get("content-type")).toBe("image/png");
		expect([...new Uint8Array(await image.arrayBuffer()).slice(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
		const csv = await request(`${base}/media/2026/lag-measurements.csv`);
		expect(csv.headers.get("content-type")).toBe("text/csv; charset=utf-8");
		expect(csv.body.split("\n")[0]).toBe("measured_at,from,to,lag_ms");
	});

	it("serves the lead image as the post's RSS enclosure with its real length, and a part of it on request", async () => {
		const rss = (await request(`${base}/rss.xml`)).body;
		const enclosure = /<enclosure url="([^"]+topology-overview\.png)" length="(\d+)" type="image\/png"\/>/.exec(rss);
		expect(enclosure).not.toBeNull();
		const whole = await fetch(enclosure![1]!);
		expect((await whole.arrayBuffer()).byteLength).toBe(Number(enclosure![2]));
		const part = await fetch(enclosure![1]!, { headers: { Range: "bytes=0-7" } });
		expect(part.status).toBe(206);
		expect((await part.arrayBuffer()).byteLength).toBe(8);
	});

	it("serves the default icon and favicon the feeds name", async () => {
		const json = JSON.parse((await request(`${base}/feed.json`)).body) as { icon: string; favicon: string };
		expect(json.icon).toBe(`${base}/icon.png`);
		expect(json.favicon).toBe(`${base}/favicon.ico`);
		for (const url of [json.icon, json.favicon]) expect((await request(url)).status, url).toBe(200);
	});
});
