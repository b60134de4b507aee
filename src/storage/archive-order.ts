import type { Post } from "../content/post";
import { type DocumentRef, archiveRef } from "../feeds/document-paths";
import { Documents } from "./documents";
import { readFact, writeFact } from "./facts";
import { visibleAt } from "./post-visibility";
import { type PostRow, postColumns, unpackPost } from "./post-content";

/** Posts with their archive place (post_sequence). */
export interface SequencedPost {
	post: Post;
	seq: number;
}

/** The archive page of a sequence number `seq` (an SQL expression), as a ref. */
export const archiveRefOf = (seq: string, pageSize: number) => `'archive:' || ((${seq} - 1) / ${pageSize} + 1)`;

/** Where the feed archives end: posts with archive places up to it are in /archive/{n}/ feeds, later ones in the site feeds. */
export const ARCHIVE_BOUNDARY_FACT = "feed_archive_boundary";

/**
 * The archive order (post_sequence): the order in which posts became visible, cut into pages of a fixed size,
 * so a new post only ever lands on the last page and a deletion leaves a hole (docs/serving.md, "Feed archives").
 */
export class ArchiveOrder {
	constructor(
		private readonly db: D1Database,
		readonly pageSize: number,
	) {}

	/**
	 * Gives every visible post that has none its place in the archive order (the order of becoming visible;
	 * among posts that appear together, by date), and marks stale the archive pages that gained a post and
	 * the page before them (its "newer" link), in one transaction. Only the sequence candidates are read
	 * (addCandidates), not every visible post; a candidate is dropped once it has a place, once its post is gone
	 * or is a draft: a post comes back or stops being a draft only through a commit, which adds it again.
	 */
	assignSequence(now: Date): D1PreparedStatement[] {
		const documents = new Documents(this.db);
		return [
			this.db.prepare(
				`INSERT INTO catalog_facts (name, value) SELECT 'sequence_before', coalesce(max(seq), 0) FROM post_sequence WHERE true
				 ON CONFLICT (name) DO UPDATE SET value = excluded.value`,
			),
			// CROSS JOIN: walk the candidates and look each post up by id, never the visible posts.
			this.db
				.prepare(
					`INSERT INTO post_sequence (post_id, seq)
					 SELECT p.id, (SELECT coalesce(max(seq), 0) FROM post_sequence) + row_number() OVER (ORDER BY p.published_at, p.id)
					 FROM sequence_candidates c CROSS JOIN posts p ON p.id = c.post_id
					 WHERE ${visibleAt("?1", "p")} AND p.id NOT IN (SELECT post_id FROM post_sequence)`,
				)
				.bind(now.toISOString()),
			this.db.prepare(
				`DELETE FROM sequence_candidates WHERE post_id IN (SELECT post_id FROM post_sequence)
				 OR NOT EXISTS (SELECT 1 FROM posts p WHERE p.id = sequence_candidates.post_id AND p.draft = 0)`,
			),
			documents.markStaleWhere(
				`SELECT DISTINCT ${archiveRefOf("seq", this.pageSize)} AS ref FROM post_sequence
				 WHERE seq >= (SELECT CAST(value AS INTEGER) FROM catalog_facts WHERE name = 'sequence_before')
				 AND (SELECT max(seq) FROM post_sequence) > (SELECT CAST(value AS INTEGER) FROM catalog_facts WHERE name = 'sequence_before')`,
				now,
			),
		];
	}

	/**
	 * Records the posts `postIds` yields (an SQL select of non-draft post ids, with `params`) that have no archive
	 * place yet as sequence candidates. Written in the transaction that inserts those posts, so every non-draft
	 * post without a place is a candidate and the next assignSequence finds it.
	 */
	addCandidates(postIds: string, ...params: unknown[]): D1PreparedStatement {
		return this.db
			.prepare(`INSERT OR IGNORE INTO sequence_candidates (post_id) SELECT id FROM (${postIds}) WHERE id NOT IN (SELECT post_id FROM post_sequence)`)
			.bind(...params);
	}

	/** The highest archive place given so far (0 before any post was visible). */
	async sequenceLength(): Promise<number> {
		const row = await this.db.prepare("SELECT coalesce(max(seq), 0) AS seq FROM post_sequence").first<{ seq: number }>();
		return row?.seq ?? 0;
	}

	/**
	 * Visible posts whose archive place is in (from, to], newest place first, with their places. CROSS JOIN keeps
	 * SQLite walking the sequence range first (https://www.sqlite.org/optoverview.html#crossjoin): left to itself it
	 * scans every visible post through posts_by_published, reading each post's JSON.
	 */
	async postsInSequence(from: number, to: number, now: Date): Promise<SequencedPost[]> {
		const rows = await this.db
			.prepare(
				`SELECT ${postColumns("p")}, s.seq FROM post_sequence s CROSS JOIN posts p ON p.id = s.post_id
				 WHERE s.seq > ?2 AND s.seq <= ?3 AND ${visibleAt("?1", "p")} ORDER BY s.seq DESC LIMIT ?4`,
			)
			.bind(now.toISOString(), from, to, to - from)
			.all<PostRow & { seq: number }>();
		return rows.results.map((row) => ({ post: unpackPost(row), seq: row.seq }));
	}

	/** The newest `limit` visible posts with archive places after `after`, newest place first: the site feeds' candidates (CROSS JOIN as above). */
	async postsAfterSequence(after: number, limit: number, now: Date): Promise<SequencedPost[]> {
		const rows = await this.db
			.prepare(
				`SELECT ${postColumns("p")}, s.seq FROM post_sequence s CROSS JOIN posts p ON p.id = s.post_id
				 WHERE s.seq > ?2 AND ${visibleAt("?1", "p")} ORDER BY s.seq DESC LIMIT ?3`,
			)
			.bind(now.toISOString(), after, limit)
			.all<PostRow & { seq: number }>();
		return rows.results.map((row) => ({ post: unpackPost(row), seq: row.seq }));
	}

	/** The last archive place in the feed archives (0: none yet); see docs/serving.md, "Feed archives". */
	async archiveBoundary(): Promise<number> {
		return Number((await readFact(this.db, ARCHIVE_BOUNDARY_FACT)) ?? 0);
	}

	/**
	 * Moves the feed archives' end forward to `boundary`, and marks stale the archive pages that gain posts
	 * and the one before them (its `next-archive` link); written with the site feeds that no longer hold them.
	 */
	moveArchiveBoundary(from: number, to: number, now: Date): D1PreparedStatement[] {
		const size = this.pageSize;
		const pages: DocumentRef[] = [];
		for (let page = Math.max(1, Math.ceil(from / size)); page <= Math.ceil(to / size); page += 1) pages.push(archiveRef(page));
		return [writeFact(this.db, ARCHIVE_BOUNDARY_FACT, String(to)), new Documents(this.db).markStale(pages, now)];
	}

	/** Forgets where the feed archives end: after a change of settings the site feeds decide it again. */
	resetArchiveBoundary(): D1PreparedStatement {
		return this.db.prepare("DELETE FROM catalog_facts WHERE name = ?1").bind(ARCHIVE_BOUNDARY_FACT);
	}
}
