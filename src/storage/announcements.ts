import type { Post } from "../content/post";
import { expiredAt, visibleAt } from "./post-visibility";

/** Changes to announce: posts newly visible, visible posts whose `updated` moved, announced posts now gone. */
export interface PendingAnnouncements {
	published: Post[];
	updated: Post[];
	deleted: string[];
	/** How many events each of these posts has had so far; absent means none. */
	eventCounts: Map<string, number>;
}

/**
 * Which visible posts have been announced (post.published sent, or taken as the baseline), and at which
 * version. Comparing it with the catalog is how the sync notices a post becoming visible, including a
 * future-dated post whose time has come or a draft turned public, without watching the clock.
 */
export class Announcements {
	constructor(private readonly db: D1Database) {}

	async pending(now: Date): Promise<PendingAnnouncements> {
		const nowIso = now.toISOString();
		const [published, updated, deleted] = await this.db.batch<{ post?: string; post_id: string; events: number | null }>([
			this.db
				.prepare(
					`SELECT p.post, p.id AS post_id, c.events FROM posts p LEFT JOIN announcements a ON a.post_id = p.id
					 LEFT JOIN post_event_counts c ON c.post_id = p.id
					 WHERE ${visibleAt("?1", "p")} AND a.post_id IS NULL ORDER BY p.published_at, p.id`,
				)
				.bind(nowIso),
			this.db
				.prepare(
					`SELECT p.post, p.id AS post_id, c.events FROM posts p JOIN announcements a ON a.post_id = p.id
					 LEFT JOIN post_event_counts c ON c.post_id = p.id
					 WHERE ${visibleAt("?1", "p")} AND p.updated_at != a.version ORDER BY p.updated_at, p.id`,
				)
				.bind(nowIso),
			// Announced posts gone for good: removed from the bucket, or past their expiry. A post made a draft
			// again stays announced (tests/webhook-flow/events.test.ts), so flipping it back is no new post.published.
			this.db
				.prepare(
					`SELECT a.post_id, c.events FROM announcements a LEFT JOIN posts p ON p.id = a.post_id
					 LEFT JOIN post_event_counts c ON c.post_id = a.post_id WHERE p.id IS NULL OR ${expiredAt("?1", "p")}`,
				)
				.bind(nowIso),
		]);
		const eventCounts = new Map<string, number>();
		for (const row of [...published!.results, ...updated!.results, ...deleted!.results]) if (row.events) eventCounts.set(row.post_id, row.events);
		const posts = (rows: { post?: string }[]) => rows.map((row) => JSON.parse(row.post!) as Post);
		return { published: posts(published!.results), updated: posts(updated!.results), deleted: deleted!.results.map((row) => row.post_id), eventCounts };
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
	 */
	baseline(now: Date): D1PreparedStatement[] {
		return [
			this.db.prepare(`DELETE FROM announcements WHERE post_id NOT IN (SELECT id FROM posts WHERE NOT ${expiredAt("?1")})`).bind(now.toISOString()),
			this.db
				.prepare(
					`INSERT INTO announcements (post_id, version, announced_at)
					 SELECT id, updated_at, ?1 FROM posts WHERE ${visibleAt("?1")}
					 ON CONFLICT (post_id) DO UPDATE SET version = excluded.version`,
				)
				.bind(now.toISOString()),
		];
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
