import { env } from "cloudflare:workers";
import { readConfig, siteIdentity } from "../../src/config";
import { Catalog } from "../../src/storage/catalog";
import { Lease } from "../../src/storage/lease";
import { Media } from "../../src/storage/media";
import type { ByteRange, ListPage, ObjectStore, ReadResult } from "../../src/storage/object-store";
import { R2Store } from "../../src/storage/r2-store";
import { type SyncRun, SyncRuns } from "../../src/storage/sync-runs";
import type { ContentSettings, Post } from "../../src/content/post";
import { type PostRow, postColumns, unpackPost } from "../../src/storage/post-content";
import { type SyncDependencies, syncCatalog } from "../../src/jobs/sync-catalog";
import { type PublishDependencies, publishDocuments } from "../../src/jobs/publish-documents";
import { syncAndPublish } from "../../src/jobs/sync-and-publish";
import { DocumentBlobs } from "../../src/storage/document-blobs";
import { Documents } from "../../src/storage/documents";
import type { SiteIdentity } from "../../src/feeds/channels";
import { SyncJobs } from "../../src/storage/sync-job";
import { SubrequestMeter, meterBindings } from "../../src/storage/subrequest-meter";

const TABLES = ["posts", "broken_objects", "staged_objects", "sync_runs", "leases", "catalog_facts", "post_terms", "documents", "stale_documents", "post_sequence", "post_authors", "post_aliases", "media", "post_media", "sync_job", "sync_listing", "sync_gone", "sequence_candidates", "listing_agreement", "document_blobs"];

/** The site the publish step renders for in harness tests: the Worker's own settings, so both publish the same bytes. */
export function testSite() {
	return siteIdentity(readConfig(env));
}

/** Empties the catalog and the bucket; storage is per test file, so each test starts from nothing. */
export async function emptyCatalogAndBucket(extraTables: string[] = []): Promise<void> {
	await env.DB.batch([...TABLES, ...extraTables].map((table) => env.DB.prepare(`DELETE FROM ${table}`)));
	for (const bucket of [env.POSTS, env.DOCUMENTS]) {
		let cursor: string | undefined;
		do {
			const page = await bucket.list({ cursor });
			if (page.objects.length > 0) await bucket.delete(page.objects.map((object) => object.key));
			cursor = page.truncated ? page.cursor : undefined;
		} while (cursor);
	}
}

export const testContentSettings: ContentSettings = {
	siteUrl: "https://journal.example",
	timeZone: "UTC",
	defaultAuthor: { name: "Site Editors" },
	idAuthority: "journal.example,2026",
};

/** A finished run record with nothing read, for filling the sync history. */
export function finishedRun(run: Pick<SyncRun, "id" | "startedAt"> & Partial<SyncRun>): SyncRun {
	return { trigger: "test", status: "skipped", objectsListed: 0, objectsRead: 0, posts: 0, broken: 0, changes: 0, remaining: 0, ...run };
}

function delayed<V>(ms: number, call: () => Promise<V>): Promise<V> {
	return ms === 0 ? call() : new Promise((resolve) => setTimeout(resolve, ms)).then(call);
}

/** Counts the calls a sync makes, around a real store. */
export class CountingStore implements ObjectStore {
	reads = 0;
	lists = 0;
	failReadsAfter = Number.POSITIVE_INFINITY;
	failListsAfter = Number.POSITIVE_INFINITY;
	/** A slower store: each list or read waits this long first (workerd's clock moves on timers). */
	listDelayMs = 0;
	readDelayMs = 0;
	constructor(private readonly inner: ObjectStore) {}
	get description() {
		return this.inner.description;
	}
	list(options?: { prefix?: string; cursor?: string; limit?: number }): Promise<ListPage> {
		this.lists += 1;
		if (this.lists > this.failListsAfter) return Promise.reject(new Error("simulated crash while listing"));
		return delayed(this.listDelayMs, () => this.inner.list(options));
	}
	head(key: string) {
		return this.inner.head(key);
	}
	read(key: string, options?: { ifNoneMatch?: string; maxBytes?: number }): Promise<ReadResult> {
		this.reads += 1;
		if (this.reads > this.failReadsAfter) return Promise.reject(new Error("simulated crash while reading"));
		return delayed(this.readDelayMs, () => this.inner.read(key, options));
	}
	openMedia(key: string, range?: ByteRange) {
		return this.inner.openMedia(key, range);
	}
	put(key: string, bytes: Uint8Array, options?: { contentType?: string }) {
		return this.inner.put(key, bytes, options);
	}
	delete(key: string) {
		return this.inner.delete(key);
	}
}

/** A sync wired to the real local R2 and D1, with a clock the test controls. */
export function syncHarness(
	options: { now?: Date; settings?: ContentSettings; maxReads?: number; site?: Partial<SiteIdentity>; meter?: SubrequestMeter; documentBodies?: "d1" | "r2" } = {},
) {
	const site = { ...testSite(), ...options.site };
	const clock = { now: options.now ?? new Date("2026-06-01T12:00:00Z") };
	// With a meter, every D1 and R2 call of the sync and the publish goes through the counting wrappers.
	const bindings = options.meter ? meterBindings(env, options.meter) : env;
	const store = new CountingStore(new R2Store(bindings.POSTS));
	const catalog = new Catalog(bindings.DB, site.archivePageSize, site.itemCount);
	const runs = new SyncRuns(bindings.DB);
	const deps: SyncDependencies = {
		openStore: async () => store,
		catalog,
		media: new Media(bindings.DB),
		runs,
		lease: new Lease(bindings.DB, "sync"),
		content: options.settings ?? testContentSettings,
		jobs: new SyncJobs(bindings.DB),
		meter: options.meter,
		budget: { maxReads: options.maxReads ?? 5_000, maxSubrequests: 10_000, maxParseMs: 1_000_000, parseMsPerPost: 0.5 },
		now: () => clock.now,
	};
	const publishing: PublishDependencies = {
		catalog,
		// As the Worker under test is set (the r2-bodies project sets DOCUMENT_BODIES=r2), unless the test says.
		documents: new Documents(bindings.DB, {
			blobs: new DocumentBlobs(bindings.DB, bindings.DOCUMENTS),
			writeToBlobs: (options.documentBodies ?? env.DOCUMENT_BODIES ?? "d1") === "r2",
		}),
		lease: new Lease(bindings.DB, "publish"),
		site,
		media: new Media(bindings.DB),
		now: () => clock.now,
		maxRenders: 10_000,
	};
	return {
		clock,
		store,
		catalog,
		runs,
		deps,
		publishing,
		/** Only the sync, without publishing documents. */
		syncOnly: (trigger = "test") => syncCatalog(deps, trigger),
		publish: () => publishDocuments(publishing),
		put: (key: string, body: string | Uint8Array) => env.POSTS.put(key, body),
		remove: (key: string) => env.POSTS.delete(key),
		sync: (trigger = "test") => syncAndPublish(deps, publishing, trigger),
		visible: () => catalog.visiblePosts({ now: clock.now, limit: 100 }),
	};
}

/** The post the catalog holds for `key`, as the Worker reads it back (storage/post-content.ts), or undefined. */
export async function catalogPost(key: string): Promise<Post | undefined> {
	const row = await env.DB.prepare(`SELECT ${postColumns()} FROM posts WHERE key = ?1`).bind(key).first<PostRow>();
	return row === null ? undefined : unpackPost(row);
}
