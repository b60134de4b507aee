import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { publishDocuments } from "../../src/jobs/publish-documents";
import { DocumentBlobs, UNREFERENCED_BLOB_GRACE_MS } from "../../src/storage/document-blobs";
import { Documents, MissingDocumentBody, type StoredDocument } from "../../src/storage/documents";
import { SubrequestMeter } from "../../src/storage/subrequest-meter";
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
		// One publish batch, one object: as many puts as the D1 batches were.
		expect(await objectKeys()).toHaveLength(1);
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
		const registered = await env.DB.prepare("SELECT count(*) AS n FROM document_blobs").first<{ n: number }>();
		expect(registered!.n).toBe(2);

		// The next publish, past the grace period, publishes the edit and forgets the registration of the failed put.
		h.clock.now = new Date(minutes(1).getTime() + UNREFERENCED_BLOB_GRACE_MS + 1);
		expect((await publishDocuments(h.publishing)).status).toBe("published");
		expect((await h.publishing.documents.get("/atom.xml")).document!.body).toContain("Post 0, edited");
		expect((await env.DB.prepare("SELECT count(*) AS n FROM document_blobs").first<{ n: number }>())!.n).toBe(2);
		expect(await objectKeys()).toHaveLength(2);
	});

	it("count the bucket's calls in the publish's subrequest budget and stay within it", async () => {
		await putSite(12);
		const meter = new SubrequestMeter();
		const h = syncHarness({ now: T0, site: { itemCount: 5, archivePageSize: 1 }, meter, documentBodies: "r2" });
		await h.syncOnly();
		const maxSubrequests = meter.used + 30;
		h.publishing.subrequestBudget = { meter, maxSubrequests };

		const report = await publishDocuments(h.publishing);

		expect(report.rendered).toBeGreaterThan(0);
		expect(report.remaining).toBeGreaterThan(0);
		expect(meter.used).toBeLessThanOrEqual(maxSubrequests);
		expect(meter.byBinding.DOCUMENTS).toBeGreaterThan(0);
	});
});
