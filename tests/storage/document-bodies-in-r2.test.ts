import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { publishDocuments } from "../../src/jobs/publish-documents";
import { DocumentBlobs, UNREFERENCED_BLOB_GRACE_MS } from "../../src/storage/document-blobs";
import { Documents, MissingDocumentBody, type StoredDocument } from "../../src/storage/documents";
import { SubrequestMeter, meterBindings } from "../../src/storage/subrequest-meter";
import { fencedPost } from "../support/posts";
import { emptyCatalogAndBucket, syncHarness } from "../support/state";

beforeEach(() => emptyCatalogAndBucket());

const T0 = new Date("2026-06-01T12:00:00Z");
const minutes = (n: number) => new Date(T0.getTime() + n * 60_000);

/** Posts with text of one, two, three and four UTF-8 bytes a character, so every byte range is tested off by some. */
async function putSite(count = 12): Promise<void> {
	for (let index = 0; index < count; index++) {
		const body = `Post ${index}: café, naïve, 日本語, 🎉 ${"x".repeat(index * 37)}\n\nSecond paragraph ${"é".repeat(index)}.\n`;
		await env.POSTS.put(`posts/${String(index).padStart(2, "0")}.md`, fencedPost({ title: `Post ${index} ✓`, date: `2026-01-${String(index + 1).padStart(2, "0")}`, tags: [index % 2 ? "odd" : "even", "all"] }, body));
	}
}

/** Every published document as the serving path reads it. */
async function everyDocument(documents: Documents): Promise<Map<string, { etag: string; body: string; contentType: string }>> {
	const paths = (await env.DB.prepare("SELECT path FROM documents ORDER BY path").all<{ path: string }>()).results.map((row) => row.path);
	const read = new Map<string, { etag: string; body: string; contentType: string }>();
	for (const path of paths) {
		const { document } = await documents.get(path);
		read.set(path, { etag: document!.etag, body: document!.body, contentType: document!.contentType });
	}
	return read;
}

const document = (path: string, body: string): StoredDocument => ({ path, body, contentType: "text/plain", cacheControl: "no-cache", etag: `"${body.length}-${path}"`, lastModified: T0.toISOString() });
const objectKeys = async () => (await env.DOCUMENTS.list()).objects.map((object) => object.key).sort();

describe("document bodies in R2 (DOCUMENT_BODIES=r2)", () => {
	it("serve every document with the same bytes and ETag as bodies in D1, while D1's rows keep no body", async () => {
		await putSite();
		const inD1 = syncHarness({ now: T0, site: { archivePageSize: 4 } });
		await inD1.sync();
		const servedFromD1 = await everyDocument(inD1.publishing.documents);
		expect(servedFromD1.size).toBeGreaterThan(20);

		await emptyCatalogAndBucket();
		await putSite();
		const inR2 = syncHarness({ now: T0, site: { archivePageSize: 4 }, documentBodies: "r2" });
		await inR2.sync();

		expect(await everyDocument(inR2.publishing.documents)).toEqual(servedFromD1);
		const rows = await env.DB.prepare("SELECT path, body, body_blob, body_length FROM documents").all<{ path: string; body: string; body_blob: string | null; body_length: number }>();
		for (const row of rows.results) {
			expect(row.body, row.path).toBe("");
			expect(row.body_blob, row.path).not.toBeNull();
			expect(row.body_length, row.path).toBe(new TextEncoder().encode(servedFromD1.get(row.path)!.body).length);
		}
		// One object per ref that is not a post page (its documents change together), and one for all post pages.
		const refs = await env.DB.prepare("SELECT count(DISTINCT ref) AS n FROM documents WHERE ref NOT LIKE 'post:%'").first<{ n: number }>();
		expect(await objectKeys()).toHaveLength(refs!.n + 1);
		const postPageObjects = await env.DB.prepare("SELECT count(DISTINCT body_blob) AS n FROM documents WHERE ref LIKE 'post:%'").first<{ n: number }>();
		expect(postPageObjects!.n).toBe(1);
	});

	it("delete an object once no row names it and it is older than the grace period, and keep every object a row names", async () => {
		const documents = new Documents(env.DB, { blobs: new DocumentBlobs(env.DB, env.DOCUMENTS), writeToBlobs: true });
		const publish = (ref: "post:a" | "post:b", bodies: string[], at: Date) =>
			documents.publish([{ stale: { ref, mark: 0 }, write: bodies.map((body, index) => document(`/${ref}/${index}`, body)), keep: [] }], `v-${at.toISOString()}`, at);

		await publish("post:a", ["first of a", "second of a"], T0);
		const [ofA] = await objectKeys();
		await publish("post:b", ["only of b"], minutes(1));
		const ofB = (await objectKeys()).find((key) => key !== ofA);
		await publish("post:a", ["first of a, edited", "second of a, edited"], minutes(2));
		// a's first object is named by no row, but is younger than the grace period: a publish may still be committing it.
		expect(await objectKeys()).toHaveLength(3);

		await publish("post:b", ["only of b, edited"], new Date(minutes(2).getTime() + UNREFERENCED_BLOB_GRACE_MS));
		// Both replaced objects are past the grace period now; the two that rows name stay.
		const left = await objectKeys();
		expect(left).toHaveLength(2);
		expect(left).not.toContain(ofA);
		expect(left).not.toContain(ofB);
		expect((await env.DB.prepare("SELECT count(*) AS n FROM document_blobs").first<{ n: number }>())!.n).toBe(2);
		expect((await documents.get("/post:a/0")).document!.body).toBe("first of a, edited");
		expect((await documents.get("/post:b/0")).document!.body).toBe("only of b, edited");
	});

	it("read a row again when its object was deleted by a publish between reading the row and reading the body", async () => {
		const blobs = new DocumentBlobs(env.DB, env.DOCUMENTS);
		const writer = new Documents(env.DB, { blobs, writeToBlobs: true });
		const publishPage = (body: string, at: Date) => writer.publish([{ stale: { ref: "home", mark: 0 }, write: [document("/", body)], keep: [] }], `v-${at.toISOString()}`, at);
		await publishPage("old page", T0);

		// The reader's bucket: its first read of a body lets a newer publish commit and delete the object first.
		let raced = false;
		const racingBucket = new Proxy(env.DOCUMENTS, {
			get(target, property) {
				if (property !== "get") return Reflect.get(target, property, target);
				return async (key: string, options?: R2GetOptions) => {
					if (!raced) {
						raced = true;
						await publishPage("new page", minutes(60));
						expect(await objectKeys()).not.toContain(key);
					}
					return target.get(key, options);
				};
			},
		});
		const reader = new Documents(env.DB, { blobs: new DocumentBlobs(env.DB, racingBucket), writeToBlobs: true });

		expect((await reader.get("/")).document!.body).toBe("new page");
		expect(raced).toBe(true);
	});

	it("fail with a clear error, naming the path, when a row's object is missing", async () => {
		const documents = new Documents(env.DB, { blobs: new DocumentBlobs(env.DB, env.DOCUMENTS), writeToBlobs: true });
		await documents.publish([{ stale: { ref: "home", mark: 0 }, write: [document("/", "page")], keep: [] }], "v1", T0);
		await env.DOCUMENTS.delete(await objectKeys());

		const failure = documents.get("/");
		await expect(failure).rejects.toBeInstanceOf(MissingDocumentBody);
		await expect(failure).rejects.toThrow("the body of / is missing from the DOCUMENTS bucket");
		// Without the bucket bound, a row that names an object says so rather than serving an empty body.
		await expect(new Documents(env.DB).get("/")).rejects.toThrow("DOCUMENTS bucket, which is not bound");
	});

	it("keep serving the last publish and leave the refs stale when the put fails, and collect the object it registered later", async () => {
		await putSite(3);
		const h = syncHarness({ now: T0, documentBodies: "r2" });
		await h.sync();
		const before = await everyDocument(h.publishing.documents);

		await env.POSTS.put("posts/00.md", fencedPost({ title: "Post 0, edited", date: "2026-01-01" }, "Edited.\n"));
		h.clock.now = minutes(1);
		await h.syncOnly();
		const failingBucket = new Proxy(env.DOCUMENTS, {
			get: (target, property) => (property === "put" ? () => Promise.reject(new Error("simulated R2 outage")) : Reflect.get(target, property, target)),
		});
		const failing = { ...h.publishing, documents: new Documents(env.DB, { blobs: new DocumentBlobs(env.DB, failingBucket), writeToBlobs: true }) };
		const report = await publishDocuments(failing);

		expect(report.status).toBe("failed");
		expect(report.error).toContain("simulated R2 outage");
		expect(await everyDocument(h.publishing.documents)).toEqual(before);
		expect(await h.publishing.documents.staleCount()).toBeGreaterThan(0);
		const registrations = async () => (await env.DB.prepare("SELECT count(*) AS n FROM document_blobs").first<{ n: number }>())!.n;
		// The failed publish registered its objects before the puts: known, though never written.
		expect(await registrations()).toBeGreaterThan((await objectKeys()).length);

		// The next publish, past the grace period, publishes the edit and forgets the registration of the failed put.
		h.clock.now = new Date(minutes(1).getTime() + UNREFERENCED_BLOB_GRACE_MS + 1);
		expect((await publishDocuments(h.publishing)).status).toBe("published");
		expect((await h.publishing.documents.get("/atom.xml")).document!.body).toContain("Post 0, edited");
		expect(await registrations()).toBe((await objectKeys()).length);
	});

	// Ten imports and publishes, one per budget: seconds on a quiet machine, more on a busy one.
	it("count the bucket's calls in the publish's subrequest budget and stay within it, whatever the budget", async () => {
		const rendered: number[] = [];
		for (const room of [20, 21, 22, 23, 24, 25, 26, 28, 30, 34]) {
			await emptyCatalogAndBucket();
			await putSite(12);
			const meter = new SubrequestMeter();
			const h = syncHarness({ now: T0, site: { itemCount: 5, archivePageSize: 1 }, meter, documentBodies: "r2" });
			await h.sync();
			// Every post edited, and post pages alone left stale: refs whose own loads cost nothing, so the round's
			// fixed charge is all that covers the bucket's calls.
			for (let index = 0; index < 12; index++) await env.POSTS.put(`posts/${String(index).padStart(2, "0")}.md`, fencedPost({ title: `Post ${index} ✓`, date: `2026-01-${String(index + 1).padStart(2, "0")}` }, `Edited ${index}.\n`));
			await h.syncOnly();
			await env.DB.prepare("DELETE FROM stale_documents WHERE ref NOT LIKE 'post:%'").run();
			const db = meterBindings(env, meter).DB;
			// What the Worker's own hooks spend per round (src/index.ts): hub topics, and the outbox's select, send and mark.
			h.publishing.distribute = async () => {
				await db.prepare("SELECT 1").first();
				return new Map();
			};
			h.publishing.onPublished = async () => {
				for (let call = 0; call < 3; call++) await db.prepare("SELECT 1").first();
			};
			const maxSubrequests = meter.used + room;
			h.publishing.subrequestBudget = { meter, maxSubrequests };

			const report = await publishDocuments(h.publishing);

			expect(report.status, `room ${room}`).toBe("published");
			expect(meter.used, `room ${room}: ${report.refs.join(", ")}`).toBeLessThanOrEqual(maxSubrequests);
			if (report.rendered > 0) expect(meter.byBinding.DOCUMENTS, `room ${room}`).toBeGreaterThan(0);
			rendered.push(report.rendered);
		}
		// The smaller budgets leave no room for a round; the others render every post page (a round is one query for all).
		expect(rendered.filter((count) => count === 12).length).toBeGreaterThan(3);
	}, 30_000);

	it("move every body into the bucket when DOCUMENT_BODIES becomes r2, with its ETag and date, as no new version", async () => {
		await putSite(6);
		const inD1 = syncHarness({ now: T0, site: { archivePageSize: 2 } });
		await inD1.sync();
		const before = (await env.DB.prepare("SELECT path, etag, last_modified FROM documents ORDER BY path").all()).results;
		const served = await everyDocument(inD1.publishing.documents);

		const published: string[] = [];
		const inR2 = syncHarness({ now: minutes(5), site: { archivePageSize: 2 }, documentBodies: "r2" });
		inR2.publishing.onPublished = async (documents) => {
			published.push(...documents.map((document) => document.path));
		};
		const report = await publishDocuments(inR2.publishing);

		expect(report.status).toBe("published");
		expect(report.written).toBe(0);
		expect(published).toEqual([]);
		expect((await env.DB.prepare("SELECT path, etag, last_modified FROM documents ORDER BY path").all()).results).toEqual(before);
		const left = await env.DB.prepare("SELECT count(*) AS n FROM documents WHERE body_blob IS NULL OR body <> ''").first<{ n: number }>();
		expect(left!.n).toBe(0);
		expect(await everyDocument(inR2.publishing.documents)).toEqual(served);
	});
});
