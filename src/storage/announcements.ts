import type { Post } from "../content/post";
import { expiredAt, visibleAt } from "./post-visibility";
import { type PostRow, postColumns, unpackPost } from "./post-content";

/** Changes to announce: posts newly visible, visible posts whose `updated` moved, announced posts now gone. */
export interface PendingAnnouncements {
	published: Post[];
	updated: Post[];
	deleted: string[];
	/** How many events each of these posts has had so far; absent means none. */
	eventCounts: Map<string, number>;
	/** The last candidate mark read, for {@link Announcements.settle}. */
	through: number;
}

/**
 * Which visible posts have been announced (post.published sent, or taken as the baseline), and at which
 * version. Comparing it with the catalog is how the sync notices a post becoming visible, including a
 * future-dated post whose time has come or a draft turned public, with no timer of its own.
 *
 * Only candidates are compared (migrations/0013): the posts a commit touched, kept by triggers, and those whose
 * publication time or expiry lies between the last look at the clock and now (either way, should the clock step
 * back). So one change costs a few index reads, not a scan of every post and every announcement.
 */
export class Announcements {
	constructor(private readonly db: D1Database) {}

	/**
	 * The changes due now. Candidates with nothing due are dropped in the same transaction; each due one is
	 * dropped by {@link settle} with the record of its event, so a crash in between leaves it pending.
	 */
	async pending(now: Date): Promise<PendingAnnouncements> {
		const nowIso = now.toISOString();
		const [, , last, published, updated, deleted] = await this.db.batch<Partial<PostRow> & { post_id: string; events: number | null; seq?: number | null }>([
			this.markClockCandidates(nowIso),
			this.advanceClock(nowIso),
			this.db.prepare("SELECT max(seq) AS seq FROM announcement_candidates"),
			this.db
				.prepare(
					`SELECT ${postColumns("p")}, p.id AS post_id, c.events FROM announcement_candidates k CROSS JOIN posts p ON p.id = k.post_id
					 LEFT JOIN announcements a ON a.post_id = p.id LEFT JOIN post_event_counts c ON c.post_id = p.id
					 WHERE ${visibleAt("?1", "p")} AND a.post_id IS NULL ORDER BY p.published_at, p.id`,
				)
				.bind(nowIso),
			this.db
				.prepare(
					`SELECT ${postColumns("p")}, p.id AS post_id, c.events FROM announcement_candidates k CROSS JOIN posts p ON p.id = k.post_id
					 JOIN announcements a ON a.post_id = p.id LEFT JOIN post_event_counts c ON c.post_id = p.id
					 WHERE ${visibleAt("?1", "p")} AND p.updated_at != a.version ORDER BY p.updated_at, p.id`,
				)
				.bind(nowIso),
			// Announced posts gone for good: removed from the bucket, or past their expiry. A post made a draft
			// again stays announced (tests/webhook-flow/events.test.ts), so flipping it back is no new post.published.
			this.db
				.prepare(
					`SELECT a.post_id, c.events FROM announcement_candidates k CROSS JOIN announcements a ON a.post_id = k.post_id
					 LEFT JOIN posts p ON p.id = a.post_id LEFT JOIN post_event_counts c ON c.post_id = a.post_id
					 WHERE p.id IS NULL OR ${expiredAt("?1", "p")} ORDER BY k.seq`,
				)
				.bind(nowIso),
			this.db
				.prepare(
					`DELETE FROM announcement_candidates WHERE post_id IN (SELECT k.post_id FROM announcement_candidates k
					 LEFT JOIN posts p ON p.id = k.post_id LEFT JOIN announcements a ON a.post_id = k.post_id
					 WHERE NOT ((p.id IS NOT NULL AND ${visibleAt("?1", "p")} AND (a.post_id IS NULL OR p.updated_at != a.version))
					 OR (a.post_id IS NOT NULL AND (p.id IS NULL OR ${expiredAt("?1", "p")}))))`,
				)
				.bind(nowIso),
		]);
		const eventCounts = new Map<string, number>();
		for (const row of [...published!.results, ...updated!.results, ...deleted!.results]) if (row.events) eventCounts.set(row.post_id, row.events);
		const posts = (rows: Partial<PostRow>[]) => rows.map((row) => unpackPost(row as PostRow));
		return {
			published: posts(published!.results),
			updated: posts(updated!.results),
			deleted: deleted!.results.map((row) => row.post_id),
			eventCounts,
			through: last!.results[0]?.seq ?? 0,
		};
	}

	/** Drops a candidate `pending` returned, with the record of its event; marked again since, it stays. */
	settle(postId: string, through: number): D1PreparedStatement {
		return this.db.prepare("DELETE FROM announcement_candidates WHERE post_id = ?1 AND seq <= ?2").bind(postId, through);
	}

	/** Records that a post has had `events` events; written with the change it counts, so a re-run counts it once. */
	countEvents(postId: string, events: number): D1PreparedStatement {
		return this.db
			.prepare("INSERT INTO post_event_counts (post_id, events) VALUES (?1, ?2) ON CONFLICT (post_id) DO UPDATE SET events = excluded.events")
			.bind(postId, events);
	}

	/**
	 * While the catalog has never been complete, every visible post counts as announced at its current version
	 * and nothing gone is pending: committed with the catalog, so a crash cannot leave posts to announce later.
	 * Runs after the commit's own statements, whose triggers have marked the posts it touched.
	 */
	baseline(now: Date): D1PreparedStatement[] {
		const nowIso = now.toISOString();
		return [
			this.markClockCandidates(nowIso),
			this.db
				.prepare(
					`DELETE FROM announcements WHERE post_id IN (SELECT k.post_id FROM announcement_candidates k LEFT JOIN posts p ON p.id = k.post_id
					 WHERE p.id IS NULL OR ${expiredAt("?1", "p")})`,
				)
				.bind(nowIso),
			this.db
				.prepare(
					`INSERT INTO announcements (post_id, version, announced_at)
					 SELECT p.id, p.updated_at, ?1 FROM announcement_candidates k CROSS JOIN posts p ON p.id = k.post_id WHERE ${visibleAt("?1", "p")}
					 ON CONFLICT (post_id) DO UPDATE SET version = excluded.version`,
				)
				.bind(nowIso),
			this.db.prepare("DELETE FROM announcement_candidates"),
			this.advanceClock(nowIso),
		];
	}

	/**
	 * Marks the posts whose visibility the clock alone changed since the last look: their time came, or their
	 * expiry (drafts too, since an announced post made a draft can still expire). Read through posts_by_published
	 * and posts_by_expiry; between the bounds in either order, so a clock stepping back is handled too.
	 */
	private markClockCandidates(nowIso: string): D1PreparedStatement {
		const from = "(SELECT min(coalesce(checked_through, ''), ?1) FROM announce_clock)";
		const to = "(SELECT max(coalesce(checked_through, ''), ?1) FROM announce_clock)";
		return this.db
			.prepare(
				`INSERT OR IGNORE INTO announcement_candidates (post_id)
				 SELECT id FROM posts WHERE draft = 0 AND published_at > ${from} AND published_at <= ${to}
				 UNION SELECT id FROM posts WHERE expires_at > ${from} AND expires_at <= ${to}`,
			)
			.bind(nowIso);
	}

	private advanceClock(nowIso: string): D1PreparedStatement {
		return this.db.prepare("UPDATE announce_clock SET checked_through = ?1 WHERE id = 1").bind(nowIso);
	}

	/** Records a post as announced at `version` (its `updated`); a later change of version is a post.updated. */
	announce(postId: string, version: string, now: Date): D1PreparedStatement {
		return this.db
			.prepare(
				`INSERT INTO announcements (post_id, version, announced_at) VALUES (?1, ?2, ?3)
				 ON CONFLICT (post_id) DO UPDATE SET version = excluded.version`,
			)
			.bind(postId, version, now.toISOString());
	}

	forget(postId: string): D1PreparedStatement {
		return this.db.prepare("DELETE FROM announcements WHERE post_id = ?1").bind(postId);
	}
}
