import { ARCHIVE_BOUNDARY_FACT, archiveRefOf } from "./archive-order";
import { POST_INDEXES, type PostIndex } from "./post-index";
import { visibleAt } from "./post-visibility";

/**
 * Commits of at most this many staged objects (a notification's, a reconciliation that found a few edits) are
 * marked list by list; a bigger one marks every list of its posts, as the per-row checks would read more rows
 * than the renders they save (a bulk edit of 10,000 posts would test each against each of its lists).
 */
const PRECISE_UP_TO = 20;
const FEW_STAGED = `(SELECT count(*) FROM staged_objects WHERE run_id = ?2) <= ${PRECISE_UP_TO}`;

/**
 * Which documents a sync commit marks stale for its staged objects (run ?2; ?1 is now, ?3 is 1 when the commit
 * also deletes): as SQL selects of one column, `ref`, read before the commit replaces the rows (the old terms,
 * slug and archive page) and after it from the staged rows (the new ones). A post's own page and archive page are
 * always marked. The lists (site feeds, home, term and author documents) are marked unless the staged post is
 * an edit of its text that lies outside the list: most edits of an old post then re-render two refs, not ten.
 */
export interface ListWindows {
	/** Posts per archive page (ARCHIVE_PAGE_SIZE). */
	archivePageSize: number;
	/** Posts the home page lists (HTML_LIST_LENGTH). */
	home: number;
	/** Posts a term's or an author's documents hold: its page's list or its feeds' FEED_ITEM_COUNT, the larger. */
	label: number;
}

/**
 * The staged row `s` is a post the catalog has with the same draft flag, date, expiry, terms and authors: an
 * edit of its text, which moves it in no list and changes no count.
 */
export function sameListing(s: string): string {
	return `(${s}.reason IS NULL
	AND EXISTS (SELECT 1 FROM posts p WHERE p.key = ${s}.key AND p.draft = ${s}.draft AND p.published_at = ${s}.published_at AND p.expires_at IS json_extract(${s}.post, '$.expires'))
	AND (SELECT count(*) FROM json_each(${s}.terms)) = (SELECT count(*) FROM post_terms t WHERE t.post_key = ${s}.key)
	AND NOT EXISTS (SELECT 1 FROM json_each(${s}.terms) j WHERE NOT EXISTS (SELECT 1 FROM post_terms t WHERE t.post_key = ${s}.key
		AND t.kind = json_extract(j.value, '$[0]') AND t.term = json_extract(j.value, '$[1]') AND t.normalized = json_extract(j.value, '$[2]')))
	AND (SELECT count(*) FROM json_each(${s}.authors)) = (SELECT count(*) FROM post_authors a WHERE a.post_key = ${s}.key)
	AND NOT EXISTS (SELECT 1 FROM json_each(${s}.authors) j WHERE NOT EXISTS (SELECT 1 FROM post_authors a WHERE a.post_key = ${s}.key
		AND a.author = json_extract(j.value, '$[0]') AND a.normalized = json_extract(j.value, '$[1]'))))`;
}

/**
 * Older than the `size`-th newest visible post of the list `among` selects (a condition on posts p2): outside it.
 * With fewer posts than that, the edge is NULL: coalesce makes that "inside", so the list is marked (a NULL
 * would make the NOT around it NULL too, and the row would be left out). Walks
 * posts_by_published from the newest, as the list's own query does, and stops at the edge.
 */
function olderThanList(s: string, size: number, among = "true"): string {
	return `coalesce(${s}.published_at < (SELECT p2.published_at FROM posts p2 WHERE ${among} AND ${visibleAt("?1", "p2")}
		ORDER BY p2.published_at DESC LIMIT 1 OFFSET ${size - 1}), 0)`;
}

function labelRefs(index: PostIndex, windows: ListWindows): string[] {
	const outside = (normalized: string) =>
		// EXISTS through the index's primary key: a correlated IN (…) would list the label's every post for each p2.
		`${FEW_STAGED} AND ${sameListing("s")} AND ${olderThanList("s", windows.label, `EXISTS (SELECT 1 FROM ${index.table} x WHERE x.normalized = ${normalized} AND x.post_key = p2.key)`)}`;
	const fromJson = `json_extract(j.value, '$[${index.normalizedAt}]')`;
	return [
		// Before: the labels the catalog's row has.
		`SELECT '${index.refPrefix}' || t.normalized AS ref FROM staged_objects s JOIN ${index.table} t ON t.post_key = s.key
		 WHERE s.run_id = ?2 AND NOT (${outside("t.normalized")})`,
		// After: the staged row's.
		`SELECT '${index.refPrefix}' || ${fromJson} AS ref FROM staged_objects s, json_each(s.${index.staged}) j
		 WHERE s.run_id = ?2 AND s.reason IS NULL AND NOT (${outside(fromJson)})`,
	];
}

/** A post's own page and its archive page, for the posts `affectedKeys` selects (an SQL list source), as they stand now. */
export function pageRefsOf(affectedKeys: string, archivePageSize: number): string[] {
	return [
		`SELECT 'post:' || slug AS ref FROM posts WHERE key IN (${affectedKeys})`,
		`SELECT ${archiveRefOf("s.seq", archivePageSize)} AS ref FROM posts p JOIN post_sequence s ON s.post_id = p.id WHERE p.key IN (${affectedKeys})`,
	];
}

/**
 * Every select that marks documents for a commit of staged objects: `ofPosts` (labels, post pages, archive
 * pages) take ?1 and ?2, `siteWide` (/tags, home, the site feeds) ?3 as well.
 */
export function stagedRefsToMark(windows: ListWindows): { ofPosts: string[]; siteWide: string[] } {
	const seq = "(SELECT q.seq FROM post_sequence q WHERE q.post_id = s.id)";
	// Where the feed archives end: the site feeds hold only posts after it.
	const boundary = `(SELECT CAST(value AS INTEGER) FROM catalog_facts WHERE name = '${ARCHIVE_BOUNDARY_FACT}')`;
	const anyStaged = (outside: string) => `EXISTS (SELECT 1 FROM staged_objects s WHERE s.run_id = ?2 AND NOT (${outside}))`;
	const ofPosts = [
		...POST_INDEXES.flatMap((index) => labelRefs(index, windows)),
		...pageRefsOf("SELECT key FROM staged_objects WHERE run_id = ?2", windows.archivePageSize),
		"SELECT 'post:' || slug AS ref FROM staged_objects WHERE run_id = ?2 AND reason IS NULL",
		`SELECT ${archiveRefOf("q.seq", windows.archivePageSize)} AS ref FROM staged_objects s JOIN post_sequence q ON q.post_id = s.id WHERE s.run_id = ?2 AND s.reason IS NULL`,
	];
	const siteWide = [
		// /tags lists terms and authors with their counts: an edit of the text changes none.
		`SELECT 'tags' AS ref WHERE ?3 OR ${anyStaged(sameListing("s"))}`,
		`SELECT 'home' AS ref WHERE ?3 OR ${anyStaged(`${FEW_STAGED} AND ${sameListing("s")} AND ${olderThanList("s", windows.home)}`)}`,
		// The site feeds hold posts after the feed archives' end; the archive page of an older one is marked above.
		`SELECT 'site' AS ref WHERE ?3 OR ${anyStaged(`${FEW_STAGED} AND ${sameListing("s")} AND coalesce(${seq} <= ${boundary}, 0)`)}`,
	];
	return { ofPosts, siteWide };
}
