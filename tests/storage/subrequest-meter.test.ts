import { env } from "cloudflare:workers";
import { expect, it } from "vitest";
import { SubrequestMeter, meterBindings } from "../../src/storage/subrequest-meter";

it("counts one subrequest per D1 query or batch and per R2 call, and passes results through", async () => {
	const meter = new SubrequestMeter();
	const bindings = meterBindings(env, meter);

	const prepared = bindings.DB.prepare("SELECT ?1 AS n");
	const first = await prepared.bind(1).first<{ n: number }>();
	const batch = await bindings.DB.batch([prepared.bind(2), prepared.bind(3), bindings.DB.prepare("SELECT 4 AS n")]);
	await bindings.POSTS.put("meter/a.md", "a");
	const got = await bindings.POSTS.get("meter/a.md");
	const listed = await bindings.POSTS.list({ prefix: "meter/" });
	await bindings.POSTS.delete("meter/a.md");

	expect(first).toEqual({ n: 1 });
	expect(batch.map((result) => result.results[0])).toEqual([{ n: 2 }, { n: 3 }, { n: 4 }]);
	expect(await got!.text()).toBe("a");
	expect(listed.objects.map((object) => object.key)).toEqual(["meter/a.md"]);
	expect(meter.byBinding).toEqual({ DB: 2, POSTS: 4 });
	expect(meter.used).toBe(6);
});
