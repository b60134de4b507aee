/**
 * The one rule for "a reader sees this post now", as SQL over a `posts` row: not a draft, its publication
 * date reached, and its expiry (Hugo's expiryDate) not reached. Feeds, pages, the archive order, the webhook
 * announcer and the alias lookup all use it, so a post is never in a feed and "deleted" for webhooks at once.
 * `now` is the SQL parameter holding the ISO instant; `row` the table alias, if any.
 */
export function visibleAt(now: string, row = ""): string {
	const column = (name: string) => (row === "" ? name : `${row}.${name}`);
	return `${column("draft")} = 0 AND ${column("published_at")} <= ${now} AND (${column("expires_at")} IS NULL OR ${column("expires_at")} > ${now})`;
}

/**
 * The keys of non-draft posts whose visibility changes by the clock alone in (after, upTo]: their time came, or
 * their expiry. Two selects, so each range is read through its own index (posts_by_published, posts_by_expiry)
 * instead of every post being tested on every publish (the unary + keeps SQLite from preferring the draft column).
 */
export function keysWithVisibilityChangedIn(after: string, upTo: string): string {
	return `SELECT key FROM posts WHERE draft = 0 AND published_at > ${after} AND published_at <= ${upTo}
		UNION SELECT key FROM posts WHERE +draft = 0 AND expires_at > ${after} AND expires_at <= ${upTo}`;
}

/** Past its expiry: gone for readers and, once announced, a post.deleted for webhooks. */
export function expiredAt(now: string, row = ""): string {
	const column = row === "" ? "expires_at" : `${row}.expires_at`;
	return `(${column} IS NOT NULL AND ${column} <= ${now})`;
}
