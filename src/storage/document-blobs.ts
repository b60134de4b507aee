import type { DocumentRef } from "../feeds/document-paths";
import type { StoredDocument } from "./documents";

/** A body's place in a blob: UTF-8 bytes from `offset`, `length` of them. */
export interface BodyRange {
	offset: number;
	length: number;
}

/** Where a publish put its bodies: one object, and each body's range in it, in the order given. */
export interface WrittenBlob {
	key: string;
	ranges: BodyRange[];
}

/**
 * How long an unreferenced blob is kept before it is deleted: longer than the publish lease (5 min), so a blob that a
 * publish registered and has not committed yet is never taken from under it, even by a publish that took over an
 * expired lease. A publish that failed after its put leaves its blob for this long.
 */
export const UNREFERENCED_BLOB_GRACE_MS = 10 * 60 * 1000;
/** R2's delete takes at most 1,000 keys a call (developers.cloudflare.com/r2/api/workers/workers-api-reference/#bucket-method-definitions). */
const DELETE_KEYS = 1000;

/**
 * Document bodies in the DOCUMENTS bucket (DOCUMENT_BODIES=r2; migrations/0018_document_bodies.sql), so that D1 keeps
 * only their rows. A publish batch writes each ref's documents back to back into an object of their own (they change
 * together), and its post pages into one more (a post page rarely changes), all registered in D1 before the puts;
 * readers fetch a body's byte range. An object is deleted once no document row names it, after a grace period, so
 * what a superseded body costs is bounded by the bodies of its ref or batch that are still served.
 */
export class DocumentBlobs {
	constructor(
		private readonly db: D1Database,
		private readonly bucket: R2Bucket,
	) {}

	/**
	 * Subrequests a publish batch adds to the D1 batch it always makes, before the puts of its refs' objects
	 * (documents.ts `extraSubrequestsOf`): the registration, and the put of its post pages' object.
	 */
	static readonly SUBREQUESTS_PER_BATCH = 2;
	/** Subrequests of a collection that finds something: the bucket's delete and the rows' delete. */
	static readonly SUBREQUESTS_TO_COLLECT = 2;

	/**
	 * Registers one new object per group of bodies (one statement), then writes each group's bodies into its object
	 * back to back (one put each, at once). Returns, per group, the object and each body's range, in order.
	 */
	async write(groups: readonly (readonly string[])[], now: Date): Promise<WrittenBlob[]> {
		const written = groups.map((bodies) => ({ key: `${now.toISOString()}/${crypto.randomUUID()}`, ...pack(bodies) }));
		await this.db
			.prepare("INSERT INTO document_blobs (key, created_at) SELECT value, ?2 FROM json_each(?1)")
			.bind(JSON.stringify(written.map((blob) => blob.key)), now.toISOString())
			.run();
		await Promise.all(written.map((blob) => this.bucket.put(blob.key, blob.bytes)));
		return written.map(({ key, ranges }) => ({ key, ranges }));
	}

	/** A body's text; undefined when its object is gone (collected after a newer publish replaced the row read). */
	async read(key: string, range: BodyRange): Promise<string | undefined> {
		// R2 refuses a range of no bytes; an empty body needs no read.
		if (range.length === 0) return "";
		const object = await this.bucket.get(key, { range });
		return object === null ? undefined : await object.text();
	}

	/** For the end of a publish's batch: the objects no row names that are older than the grace period, at most 1,000. */
	unreferenced(now: Date): D1PreparedStatement {
		return this.db
			.prepare(
				`SELECT key FROM document_blobs b WHERE created_at < ?1 AND NOT EXISTS (SELECT 1 FROM documents d WHERE d.body_blob = b.key) ORDER BY created_at LIMIT ${DELETE_KEYS}`,
			)
			.bind(new Date(now.getTime() - UNREFERENCED_BLOB_GRACE_MS).toISOString());
	}

	/** Deletes these objects, then their registrations: a failure between the two leaves registrations, deleted again later. */
	async collect(keys: readonly string[]): Promise<void> {
		if (keys.length === 0) return;
		await this.bucket.delete([...keys]);
		await this.db.prepare("DELETE FROM document_blobs WHERE key IN (SELECT value FROM json_each(?1))").bind(JSON.stringify(keys)).run();
	}
}

/** Bodies back to back as UTF-8, and each one's range. A UTF-16 unit is at most 3 UTF-8 bytes: one buffer of the bound, filled natively. */
function pack(bodies: readonly string[]): { bytes: Uint8Array; ranges: BodyRange[] } {
	const buffer = new Uint8Array(bodies.reduce((sum, body) => sum + body.length * 3, 0));
	const encoder = new TextEncoder();
	const ranges: BodyRange[] = [];
	let offset = 0;
	for (const body of bodies) {
		const { written } = encoder.encodeInto(body, buffer.subarray(offset));
		ranges.push({ offset, length: written });
		offset += written;
	}
	return { bytes: buffer.subarray(0, offset), ranges };
}

/** A document row as a publish writes it, with where its body went when it is in the bucket. */
export type WrittenRow = { ref: DocumentRef; document: StoredDocument; blob?: { key: string; offset: number; length: number } };

/**
 * Writes the bodies of `rows` into the DOCUMENTS bucket and says where each went: one object per ref, whose documents
 * are rendered and replaced together, and one for all post pages, each its own ref and rarely replaced. A superseded
 * body then lives on only beside bodies of its own ref, or beside other post pages.
 */
export async function inBlobs(blobs: DocumentBlobs, rows: readonly WrittenRow[], now: Date): Promise<WrittenRow[]> {
	const groups = new Map<string, WrittenRow[]>();
	for (const row of rows) {
		const group = row.ref.startsWith("post:") ? "post pages" : row.ref;
		groups.set(group, [...(groups.get(group) ?? []), row]);
	}
	const members = [...groups.values()];
	const written = await blobs.write(members.map((group) => group.map((row) => row.document.body)), now);
	// Rows go by group: every path belongs to one ref, so the upserts' order does not matter.
	return members.flatMap((group, at) => group.map((row, index) => ({ ...row, blob: { key: written[at]!.key, ...written[at]!.ranges[index]! } })));
}
