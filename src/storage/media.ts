/** A media object as the last sync listed it. */
export interface MediaObject {
	key: string;
	etag: string;
	size: number;
	contentType: string;
	/** ISO date, whole seconds. */
	lastModified: string;
}

/** A post that links, embeds or encloses objects the bucket does not hold as media. */
export interface MissingMedia {
	post: string;
	slug: string;
	missing: { key: string; reason: string }[];
}

/** D1 caps a statement at 100 KB: changed keys go by JSON arrays of at most this many. */
const KEYS_PER_STATEMENT = 400;
const UPSERT_BATCH = 50;
/** Posts listed in /api/status; a site with more broken links has a bigger problem than this list. */
const MISSING_LIMIT = 1_000;

/** The media table (migrations/0010_media.sql): written by the sync from the listing (and from notified keys), read by /media/{key} and the publish step. */
export class Media {
	constructor(private readonly db: D1Database) {}

	/** Every recorded media object's etag and type, keyed by storage key. */
	async known(): Promise<Map<string, { etag: string; contentType: string }>> {
		const rows = await this.db.prepare("SELECT key, etag, content_type FROM media").all<{ key: string; etag: string; content_type: string }>();
		return new Map(rows.results.map((row) => [row.key, { etag: row.etag, contentType: row.content_type }]));
	}

	async count(): Promise<number> {
		return (await this.db.prepare("SELECT count(*) AS n FROM media").first<{ n: number }>())?.n ?? 0;
	}

	/** One object, for serving: by primary key, so an object that is not recorded media (a post, a draft) is never served here. */
	async find(key: string): Promise<MediaObject | undefined> {
		const row = await this.db
			.prepare("SELECT key, etag, size, content_type, last_modified FROM media WHERE key = ?1")
			.bind(key)
			.first<{ key: string; etag: string; size: number; content_type: string; last_modified: string }>();
		return row ? { key: row.key, etag: row.etag, size: row.size, contentType: row.content_type, lastModified: row.last_modified } : undefined;
	}

	/** Etag, size and type of the given keys that are recorded media: for enclosures, and to compare a notified key. */
	async metadataOf(keys: readonly string[]): Promise<Map<string, { etag: string; size: number; contentType: string }>> {
		if (keys.length === 0) return new Map();
		const rows = await this.db
			.prepare("SELECT key, etag, size, content_type FROM media WHERE key IN (SELECT value FROM json_each(?1))")
			.bind(JSON.stringify([...new Set(keys)]))
			.all<{ key: string; etag: string; size: number; content_type: string }>();
		return new Map(rows.results.map((row) => [row.key, { etag: row.etag, size: row.size, contentType: row.content_type }]));
	}

	/**
	 * The statements that record a sync's media changes, to commit with the catalog: the rows, and a stale mark
	 * on the documents of every post that references a changed, new or deleted object (an enclosure's length
	 * and type are in the feeds), through `markPostsStale` (the catalog's own "documents of these posts").
	 */
	commitStatements(
		upserts: readonly MediaObject[],
		deletedKeys: readonly string[],
		markPostsStale: (postKeysSelect: string, keysJson: string) => D1PreparedStatement[],
	): D1PreparedStatement[] {
		const statements: D1PreparedStatement[] = [];
		const upsert = this.db.prepare(
			`INSERT INTO media (key, etag, size, content_type, last_modified) VALUES (?1, ?2, ?3, ?4, ?5)
			 ON CONFLICT (key) DO UPDATE SET etag = excluded.etag, size = excluded.size, content_type = excluded.content_type, last_modified = excluded.last_modified`,
		);
		for (let start = 0; start < upserts.length; start += UPSERT_BATCH) {
			for (const object of upserts.slice(start, start + UPSERT_BATCH)) {
				statements.push(upsert.bind(object.key, object.etag, object.size, object.contentType, object.lastModified));
			}
		}
		const changed = [...upserts.map((object) => object.key), ...deletedKeys];
		for (let start = 0; start < changed.length; start += KEYS_PER_STATEMENT) {
			const keys = JSON.stringify(changed.slice(start, start + KEYS_PER_STATEMENT));
			statements.push(...markPostsStale("SELECT post_key FROM post_media WHERE media_key IN (SELECT value FROM json_each(?2))", keys));
		}
		for (let start = 0; start < deletedKeys.length; start += KEYS_PER_STATEMENT) {
			const keys = JSON.stringify(deletedKeys.slice(start, start + KEYS_PER_STATEMENT));
			statements.push(this.db.prepare("DELETE FROM media WHERE key IN (SELECT value FROM json_each(?1))").bind(keys));
		}
		return statements;
	}

	/**
	 * Notified media keys are recorded as the bucket holds them now, which is newer than what a running sync job
	 * listed of them: the job's rows for them go, so its end (fromCompleteListing) cannot write an older state back,
	 * put back a deleted file or remove one uploaded again.
	 */
	supersedeListing(keys: readonly string[]): D1PreparedStatement[] {
		const statements: D1PreparedStatement[] = [];
		for (let start = 0; start < keys.length; start += KEYS_PER_STATEMENT) {
			const json = JSON.stringify(keys.slice(start, start + KEYS_PER_STATEMENT));
			for (const table of ["sync_listing", "sync_gone"]) statements.push(this.db.prepare(`DELETE FROM ${table} WHERE key IN (SELECT value FROM json_each(?1))`).bind(json));
		}
		return statements;
	}

	/**
	 * The media changes a complete listing of the sync job shows (sync_listing rows with a media type), to commit
	 * with the catalog: stale marks on the posts that reference a new, changed or removed object, then the rows.
	 */
	fromCompleteListing(markPostsStale: (postKeysSelect: string) => D1PreparedStatement[]): D1PreparedStatement[] {
		// sync_listing holds only what differs from the catalog (migrations/0014): media new or changed, and keys
		// without an extension whose etag moved (an earlier read found them media at another etag); sync_gone, the
		// keys no longer listed.
		const dropped = "SELECT key FROM sync_gone UNION SELECT key FROM sync_listing WHERE media_type IS NULL";
		const changed = `SELECT l.key FROM sync_listing l LEFT JOIN media m ON m.key = l.key
			WHERE l.media_type IS NOT NULL AND (m.key IS NULL OR m.etag IS NOT l.etag OR m.content_type IS NOT l.media_type)
			UNION SELECT key FROM media WHERE key IN (${dropped})`;
		return [
			...markPostsStale(`SELECT post_key FROM post_media WHERE media_key IN (${changed})`),
			this.db.prepare(
				`INSERT INTO media (key, etag, size, content_type, last_modified)
				 SELECT key, etag, size, media_type, last_modified FROM sync_listing WHERE media_type IS NOT NULL AND true
				 ON CONFLICT (key) DO UPDATE SET etag = excluded.etag, size = excluded.size, content_type = excluded.content_type, last_modified = excluded.last_modified
				 WHERE media.etag IS NOT excluded.etag OR media.content_type IS NOT excluded.content_type`,
			),
			this.db.prepare(`DELETE FROM media WHERE key IN (${dropped})`),
		];
	}

	/** Posts whose media references name no recorded media object, with why, for /api/status. */
	async missing(): Promise<MissingMedia[]> {
		const rows = await this.db
			.prepare(
				`SELECT p.key AS post, p.slug, r.media_key AS missing, EXISTS (SELECT 1 FROM posts q WHERE q.key = r.media_key) AS is_post
				 FROM post_media r JOIN posts p ON p.key = r.post_key
				 WHERE NOT EXISTS (SELECT 1 FROM media m WHERE m.key = r.media_key)
				 ORDER BY p.key, r.media_key LIMIT ?1`,
			)
			.bind(MISSING_LIMIT)
			.all<{ post: string; slug: string; missing: string; is_post: number }>();
		const byPost = new Map<string, MissingMedia>();
		for (const row of rows.results) {
			const entry = byPost.get(row.post) ?? { post: row.post, slug: row.slug, missing: [] };
			entry.missing.push({
				key: row.missing,
				reason: row.is_post ? "is a post, not media: link to its permalink (/posts/{slug})" : "no such object in the bucket",
			});
			byPost.set(row.post, entry);
		}
		return [...byPost.values()];
	}
}
