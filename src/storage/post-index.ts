import type { ListedPost, Post } from "../content/post";
import type { TermCount } from "../feeds/pages/pages";
import { visibleAt } from "./post-visibility";
import { POST_COLUMN_NAMES, type PostRow, listedOf, postColumns, unpackListed, unpackPost } from "./post-content";

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

export interface LabelPostsOptions {
	now: Date;
	/** Posts listed (the label's page). */
	limit: number;
	/** How many of the newest come with their content (the label's feeds). */
	withContent: number;
}

/** A label's newest posts: `listed` for its page, and the first of them in full as `posts` for its feeds. */
export interface LabelPosts {
	display?: string;
	posts: Post[];
	listed: ListedPost[];
}

/** Reads through the term and author indexes: a label's newest visible posts, every label with its count. */
export class LabelIndexes {
	constructor(private readonly db: D1Database) {}

	/** Newest visible posts carrying one term (as tag or category), read through the term index. */
	termPosts(normalized: string, options: LabelPostsOptions): Promise<LabelPosts> {
		return this.posts(TERM_INDEX, normalized, options);
	}

	/** Newest visible posts crediting one author (normalised like terms), read through the author index. */
	authorPosts(normalized: string, options: LabelPostsOptions): Promise<LabelPosts> {
		return this.posts(AUTHOR_INDEX, normalized, options);
	}

	/** Every term of a visible post, with how many visible posts carry it. */
	termCounts(now: Date): Promise<TermCount[]> {
		return this.counts(TERM_INDEX, now);
	}

	/** Every author of a visible post, with how many visible posts credit them. */
	authorCounts(now: Date): Promise<TermCount[]> {
		return this.counts(AUTHOR_INDEX, now);
	}

	private async posts(index: PostIndex, normalized: string, options: LabelPostsOptions): Promise<LabelPosts> {
		const [posts, display] = await this.db.batch<PostRow & { label?: string }>([
			// The newest `limit`, numbered once they are chosen: only the first `withContent` carry their content.
			this.db
				.prepare(
					`SELECT ${POST_COLUMN_NAMES}, CASE WHEN place <= ?4 THEN content END AS content
					 FROM (SELECT *, row_number() OVER (ORDER BY published_at DESC, id) AS place
					       FROM (SELECT ${postColumns("p")} FROM posts p
					             WHERE p.key IN (SELECT post_key FROM ${index.table} WHERE normalized = ?3) AND ${visibleAt("?1", "p")}
					             ORDER BY p.published_at DESC, p.id LIMIT ?2))
					 ORDER BY place`,
				)
				.bind(options.now.toISOString(), options.limit, normalized, options.withContent),
			// The label as most posts write it, for titles ("PostgreSQL" rather than "postgresql").
			this.db
				.prepare(`SELECT ${index.label} AS label FROM ${index.table} WHERE normalized = ?1 GROUP BY ${index.label} ORDER BY count(*) DESC, ${index.label} LIMIT 1`)
				.bind(normalized),
		]);
		const rows = posts!.results;
		const full = rows.slice(0, options.withContent).map(unpackPost);
		const listed = [...full.map(listedOf), ...rows.slice(options.withContent).map(unpackListed)];
		return { display: display!.results[0]?.label, posts: full, listed };
	}

	/** From the label rows alone, by their copy of the post's visibility columns: one scan of the table, keyed by label (migrations/0016, 0020). */
	private async counts(index: PostIndex, now: Date): Promise<TermCount[]> {
		const rows = await this.db
			.prepare(
				`SELECT t.normalized, count(DISTINCT t.post_key) AS posts,
				 (SELECT ${index.label} FROM ${index.table} d WHERE d.normalized = t.normalized GROUP BY ${index.label} ORDER BY count(*) DESC, ${index.label} LIMIT 1) AS display
				 FROM ${index.table} t WHERE ${visibleAt("?1", "t")}
				 GROUP BY t.normalized ORDER BY t.normalized`,
			)
			.bind(now.toISOString())
			.all<{ normalized: string; posts: number; display: string }>();
		return rows.results;
	}
}
