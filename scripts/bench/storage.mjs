/**
 * What the catalog and the published documents take in D1 at the end of a bench run, against the database size
 * limit of each Workers plan (developers.cloudflare.com/d1/platform/limits: 500 MB on Free, 10 GB on Paid; D1
 * refuses writes beyond it). The size is D1's own `meta.size_after`, the figure the limit is checked against.
 */
import { fmt, int, table } from "./stats.mjs";

/** src/config.ts D1_DATABASE_LIMIT_BYTES: decimal units, the smaller reading of "500 MB". */
export const D1_LIMIT_BYTES = { free: 500_000_000, paid: 10_000_000_000 };

const MB = 1_000_000;

/**
 * `bytes`: bodies in D1 rows; `r2Bytes`: bodies the rows name in the DOCUMENTS bucket (DOCUMENT_BODIES=r2), whose
 * objects (`documentsBucket`, superseded bodies not yet collected included) count against R2's 10 GB, not D1's limit.
 * @param {{ databaseBytes: number, documents: { kind: string, documents: number, bytes: number, r2Bytes?: number }[], posts: { posts: number, bytes: number }, documentsBucket?: { objects: number, bytes: number } }} storage
 */
export function summarizeStorage(storage) {
	const posts = storage.posts.posts;
	const documentBytes = storage.documents.reduce((sum, row) => sum + row.bytes, 0);
	const documentR2Bytes = storage.documents.reduce((sum, row) => sum + (row.r2Bytes ?? 0), 0);
	const perPost = posts > 0 ? storage.databaseBytes / posts : 0;
	return {
		...storage,
		documentBytes,
		documentR2Bytes,
		perPostBytes: perPost,
		postsThatFit: Object.fromEntries(Object.entries(D1_LIMIT_BYTES).map(([plan, limit]) => [plan, perPost > 0 ? Math.floor(limit / perPost) : undefined])),
	};
}

/** The storage table; `plan` adds the check that the database is within that plan's limit. */
export function storageReport(summary, { plan } = {}) {
	const limit = plan ? D1_LIMIT_BYTES[plan] : undefined;
	const ok = limit === undefined || summary.databaseBytes <= limit;
	const share = (bytes) => (summary.databaseBytes > 0 ? `${fmt((100 * bytes) / summary.databaseBytes, 0)}%` : "");
	const rows = [
		["D1 database (meta.size_after)", `${fmt(summary.databaseBytes / MB, 1)} MB`, limit === undefined ? "" : `≤ ${fmt(limit / MB, 0)} MB (${plan}) ${ok ? "✓" : "✗"}`],
		["per post in the catalog", `${fmt(summary.perPostBytes / 1000, 1)} KB`, `${int(summary.posts.posts)} posts`],
		["document bodies in D1 rows", `${fmt(summary.documentBytes / MB, 1)} MB`, share(summary.documentBytes)],
		...summary.documents.map((row) => [`  ${row.kind} (${int(row.documents)} documents)`, `${fmt(row.bytes / MB, 1)} MB`, share(row.bytes)]),
		...(summary.documentR2Bytes > 0
			? [
					["document bodies in the DOCUMENTS bucket (not in D1)", `${fmt(summary.documentR2Bytes / MB, 1)} MB`, "named by D1 rows"],
					["  the bucket's objects in all", `${fmt((summary.documentsBucket?.bytes ?? 0) / MB, 1)} MB`, `${int(summary.documentsBucket?.objects ?? 0)} objects (R2 Free: 10 GB)`],
				]
			: []),
		["parsed posts (JSON and packed content)", `${fmt(summary.posts.bytes / MB, 1)} MB`, share(summary.posts.bytes)],
		["the rest: indexes, labels, sequence, runs, outbox", `${fmt((summary.databaseBytes - summary.documentBytes - summary.posts.bytes) / MB, 1)} MB`, share(summary.databaseBytes - summary.documentBytes - summary.posts.bytes)],
		...Object.entries(summary.postsThatFit).map(([name, fit]) => [`posts of this size that fit the ${name} plan's ${fmt(D1_LIMIT_BYTES[name] / MB, 0)} MB`, fit === undefined ? "-" : `about ${int(fit)}`, "at this run's bytes per post"]),
	];
	return { ok, text: table("D1 storage at the end of the run (the plan's database size limit: D1 refuses writes beyond it)", ["figure", "value", "limit / share"], rows) };
}
