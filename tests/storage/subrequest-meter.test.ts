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

it("adds up the D1 rows written that run(), all() and batch() report, index entries included", async () => {
	const meter = new SubrequestMeter();
	const bindings = meterBindings(env, meter);
	await env.DB.exec("CREATE TABLE IF NOT EXISTS meter_rows (k TEXT PRIMARY KEY, v TEXT)");
	await env.DB.exec("DELETE FROM meter_rows");

	await bindings.DB.prepare("INSERT INTO meter_rows VALUES ('a', '1'), ('b', '2')").run();
	const afterRun = meter.rowsWritten;
	await bindings.DB.batch([bindings.DB.prepare("INSERT INTO meter_rows VALUES ('c', '3')"), bindings.DB.prepare("DELETE FROM meter_rows WHERE k = 'a'")]);
	const afterBatch = meter.rowsWritten;
	await bindings.DB.prepare("SELECT * FROM meter_rows").all();
	await env.DB.exec("DROP TABLE meter_rows");

	// As the local D1 counts them: each inserted row twice (the table and its primary key's index), the delete once.
	expect(afterRun).toBe(4);
	expect(afterBatch - afterRun).toBe(3);
	// Reads add nothing.
	expect(meter.rowsWritten).toBe(afterBatch);
});
