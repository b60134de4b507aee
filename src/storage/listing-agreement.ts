import { mediaTypeByExtension } from "../shared";
import type { ObjectSummary } from "./object-store";

/**
 * Bump when what a listing page is compared on changes (the columns of sync-job.ts `DIFFERS`): every kept agreement
 * then stops matching, and the next reconciliation compares every page again. The media type each key's extension
 * gives is in the digest itself, so a change of that table needs no bump.
 */
const DIGEST_REVISION = "1";

/** A listing page's range of keys: after `afterKey` ('' for the first page), through `throughKey` (null: to the end). */
export interface ListingRange {
	afterKey: string;
	throughKey: string | null;
}

interface AgreementRow {
	after_key: string;
	through_key: string | null;
	digest: string;
}

/**
 * The listing pages the catalog agrees with, and the digest that proves a new listing of a page is the same
 * (migrations/0015_listing_agreement.sql, whose triggers drop a page's row when the catalog changes in its range).
 * A page is all of the bucket's keys in its range, since stores list in key order: the same range with the same keys
 * and etags is the same bucket there, so a catalog that agreed with it still does.
 */
export class ListingAgreement {
	private constructor(private readonly pages: ReadonlyMap<string, { throughKey: string | null; digest: string }>) {}

	static readonly none = new ListingAgreement(new Map());

	/** The kept agreements, read in the same batch as the job's own row. */
	static query(db: D1Database): D1PreparedStatement {
		return db.prepare("SELECT after_key, through_key, digest FROM listing_agreement");
	}

	/** What `query` returned. */
	static fromResult(result: D1Result): ListingAgreement {
		return new ListingAgreement(new Map((result.results as AgreementRow[]).map((row) => [row.after_key, { throughKey: row.through_key, digest: row.digest }])));
	}

	/** Whether the catalog is known to agree with this page: the same range, listed with the same keys and etags. */
	agreesWith(range: ListingRange, digest: string): boolean {
		const kept = this.pages.get(range.afterKey);
		return kept !== undefined && kept.throughKey === range.throughKey && kept.digest === digest;
	}

	/**
	 * Keeps the page's agreement if, once the page's statements before it in the same batch have run, the page showed
	 * no difference: no listed object written to sync_listing and no catalog key of its range to sync_gone.
	 */
	static keepIfNoDifference(db: D1Database, range: ListingRange, digest: string): D1PreparedStatement {
		return ListingAgreement.keepWhen(db, range, digest, `NOT EXISTS (SELECT 1 FROM sync_listing WHERE ${inRange("key")}) AND NOT EXISTS (SELECT 1 FROM sync_gone WHERE ${inRange("key")})`);
	}

	/**
	 * Keeps the agreement of a page that showed differences, once the job's last commit, earlier in the same batch,
	 * has settled them all: no listed object (`l`) of its range still differs (`differs`), is media still recorded
	 * as a post, or is a key still in the catalog that the range no longer lists. Only for a page listed by the same
	 * invocation: under the sync lease, every catalog change in its range since its listing is then that commit's.
	 */
	static keepIfSettled(db: D1Database, range: ListingRange, digest: string, differs: string): D1PreparedStatement {
		const inCatalog = (key: string) => `(EXISTS (SELECT 1 FROM posts WHERE key = ${key}) OR EXISTS (SELECT 1 FROM broken_objects WHERE key = ${key}))`;
		return ListingAgreement.keepWhen(
			db,
			range,
			digest,
			`NOT EXISTS (SELECT 1 FROM sync_listing l WHERE ${inRange("l.key")} AND ((${differs}) OR (l.media_type IS NOT NULL AND ${inCatalog("l.key")})))
			 AND NOT EXISTS (SELECT 1 FROM sync_gone g WHERE ${inRange("g.key")} AND (${inCatalog("g.key")} OR EXISTS (SELECT 1 FROM media WHERE key = g.key)))`,
		);
	}

	private static keepWhen(db: D1Database, range: ListingRange, digest: string, condition: string): D1PreparedStatement {
		return db
			.prepare(`INSERT OR REPLACE INTO listing_agreement (after_key, through_key, digest) SELECT ?1, ?2, ?3 WHERE ${condition}`)
			.bind(range.afterKey, range.throughKey, digest);
	}
}

/** `column` in the range (?1, ?2]; ?2 NULL: to the end. */
const inRange = (column: string) => `${column} > ?1 AND (?2 IS NULL OR ${column} <= ?2)`;

/** SHA-256 of the page's keys, etags and media types in key order, with the range it closes. */
export async function pageDigest(range: ListingRange, sorted: readonly Pick<ObjectSummary, "key" | "etag">[]): Promise<string> {
	const text = JSON.stringify([DIGEST_REVISION, range.afterKey, range.throughKey, sorted.map((object) => [object.key, object.etag, mediaTypeByExtension(object.key) ?? null])]);
	const hash = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
	return btoa(String.fromCharCode(...hash));
}
