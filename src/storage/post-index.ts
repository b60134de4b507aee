
/**
 * The per-post indexes the catalog keeps beside `posts` (terms, authors), described once so that the sync
 * commit, the clock-driven visibility check and the full re-render mark the same documents for both.
 */
export interface PostIndex {
	table: "post_terms" | "post_authors";
	/** The column holding the label as a post wrote it. */
	label: "term" | "author";
	/** The documents of one normalised label: `term:<normalized>`, `author:<normalized>`. */
	refPrefix: "term:" | "author:";
	/** The staged_objects column holding the rows as JSON arrays, and the position of `normalized` in each. */
	staged: "terms" | "authors";
	normalizedAt: number;
}

export const TERM_INDEX: PostIndex = { table: "post_terms", label: "term", refPrefix: "term:", staged: "terms", normalizedAt: 2 };
export const AUTHOR_INDEX: PostIndex = { table: "post_authors", label: "author", refPrefix: "author:", staged: "authors", normalizedAt: 1 };
export const POST_INDEXES = [TERM_INDEX, AUTHOR_INDEX] as const;

/** The refs of the indexed labels of the posts `affectedKeys` selects (an SQL list source), as they stand now. */
export function indexRefsOf(affectedKeys: string): string[] {
	return POST_INDEXES.map((index) => `SELECT '${index.refPrefix}' || normalized AS ref FROM ${index.table} WHERE post_key IN (${affectedKeys})`);
}

/** The same for a run's staged posts, as they will stand after the commit (?2 is the run id). */
export function stagedIndexRefs(): string[] {
	return POST_INDEXES.map(
		(index) =>
			`SELECT '${index.refPrefix}' || json_extract(j.value, '$[${index.normalizedAt}]') AS ref FROM staged_objects s, json_each(s.${index.staged}) j
			 WHERE s.run_id = ?2 AND s.reason IS NULL`,
	);
}
