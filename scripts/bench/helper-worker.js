// A second Worker in the benchmark's Miniflare instance, bound to the same local R2 bucket and D1 database as
// Pressroom (same ids, so the same storage). It is not part of the app and never runs while figures are taken.
//   POST /seed       {objects: [{key, text, contentType}], concurrency}: puts them from inside workerd, so
//                    seeding does not pay a Node <-> workerd proxy round trip per object.
//   POST /calibrate  {}: the simulators' own per-call costs, timed inside workerd (Date.now() advances on I/O).
//   POST /put-and-notify {key, text, contentType}: puts one object, then sends the R2 event notification R2 would
//                    (the documented body) to the pressroom-r2-events queue; answers when both are done.
//   POST /d1-storage {}: the database's size as D1 reports it (meta.size_after, what the plan's limit is checked
//                    against), the bytes of the documents' bodies by kind (in D1 rows, or named in the DOCUMENTS
//                    bucket), the posts' JSON, and what the DOCUMENTS bucket holds in all.
export default {
	async fetch(request, env) {
		const { pathname } = new URL(request.url);
		if (request.method === "POST" && pathname === "/seed") {
			const { objects, concurrency = 32 } = await request.json();
			const started = Date.now();
			let next = 0;
			await Promise.all(
				Array.from({ length: Math.min(concurrency, objects.length) }, async () => {
					while (next < objects.length) {
						const object = objects[next++];
						await env.POSTS.put(object.key, object.text, { httpMetadata: { contentType: object.contentType } });
					}
				}),
			);
			return Response.json({ stored: objects.length, ms: Date.now() - started });
		}
		if (request.method === "POST" && pathname === "/put-and-notify") {
			const { key, text, contentType } = await request.json();
			const object = await env.POSTS.put(key, text, { httpMetadata: { contentType } });
			const body = { account: "bench", action: "PutObject", bucket: "pressroom-posts", object: { key, size: object.size, eTag: object.etag }, eventTime: new Date().toISOString() };
			await env.R2_EVENTS.send(body);
			return Response.json({ etag: object.etag, sentAt: Date.now() });
		}
		if (request.method === "POST" && pathname === "/d1-storage") {
			// CAST AS BLOB: length() of TEXT counts characters, the limit counts bytes.
			const documents = await env.DB.prepare(
				`SELECT substr(ref, 1, instr(ref || ':', ':') - 1) AS kind, count(*) AS documents, sum(length(CAST(body AS BLOB))) AS bytes,
				 coalesce(sum(body_length), 0) AS r2Bytes FROM documents GROUP BY kind ORDER BY bytes + r2Bytes DESC`,
			).all();
			// The JSON and the packed content (migrations/0019), in bytes.
			const posts = await env.DB.prepare("SELECT count(*) AS posts, coalesce(sum(length(CAST(post AS BLOB)) + coalesce(length(content), 0)), 0) AS bytes FROM posts").first();
			const bucket = { objects: 0, bytes: 0 };
			let cursor;
			do {
				const page = await env.DOCUMENTS.list({ cursor });
				for (const object of page.objects) {
					bucket.objects += 1;
					bucket.bytes += object.size;
				}
				cursor = page.truncated ? page.cursor : undefined;
			} while (cursor);
			return Response.json({ databaseBytes: documents.meta.size_after, documents: documents.results, posts, documentsBucket: bucket });
		}
		if (request.method === "POST" && pathname === "/calibrate") {
			const rounds = 50;
			const time = async (work) => {
				const started = Date.now();
				for (let i = 0; i < rounds; i++) await work(i);
				return (Date.now() - started) / rounds;
			};
			const text = "x".repeat(3000);
			const result = {
				rounds,
				d1Select1Ms: await time(() => env.DB.prepare("SELECT 1").first()),
				r2Put3KbMs: await time((i) => env.CALIBRATION.put(`c/${i}`, text)),
				r2Get3KbMs: await time(async (i) => (await env.CALIBRATION.get(`c/${i}`)).text()),
				r2HeadMs: await time((i) => env.CALIBRATION.head(`c/${i}`)),
			};
			const started = Date.now();
			const page = await env.POSTS.list({ limit: 1000 });
			result.r2ListPostsPageMs = Date.now() - started;
			result.r2ListPostsPageKeys = page.objects.length;
			return Response.json(result);
		}
		return new Response("not found", { status: 404 });
	},
};
