-- D1 counts a row written for every b-tree an INSERT touches: a table keyed by TEXT is a rowid table plus the
-- index of its key, so each insert writes two rows where a WITHOUT ROWID table writes one
-- (https://www.sqlite.org/withoutrowid.html; https://developers.cloudflare.com/d1/platform/pricing/). A first import
-- inserts every object into the listing, the staged rows and the sequence tables, about 45 rows a post against the
-- Free plan's 100,000 a day (docs/design.md, Budgets). These tables are keyed by what their queries look up, their
-- rows are small or short-lived, and nothing reads their rowids; each is rebuilt with every row it holds, so a job
-- in progress carries on. Large long-lived rows (posts, documents) stay in rowid tables: a WITHOUT ROWID b-tree
-- keeps whole rows in its interior pages.

CREATE TABLE sync_listing_keyed (
	key TEXT PRIMARY KEY,
	etag TEXT NOT NULL,
	size INTEGER NOT NULL,
	-- Set for media (known by the key's extension): they go to the media table, never read as posts.
	media_type TEXT,
	last_modified TEXT
) WITHOUT ROWID;
INSERT INTO sync_listing_keyed (key, etag, size, media_type, last_modified) SELECT key, etag, size, media_type, last_modified FROM sync_listing;
DROP TABLE sync_listing;
ALTER TABLE sync_listing_keyed RENAME TO sync_listing;

CREATE TABLE sync_gone_keyed (
	key TEXT PRIMARY KEY
) WITHOUT ROWID;
INSERT INTO sync_gone_keyed (key) SELECT key FROM sync_gone;
DROP TABLE sync_gone;
ALTER TABLE sync_gone_keyed RENAME TO sync_gone;

-- Parsed objects of a sync in progress (0001, with the columns 0005, 0009, 0019 and 0020 added).
CREATE TABLE staged_objects_keyed (
	run_id TEXT NOT NULL,
	key TEXT NOT NULL,
	etag TEXT NOT NULL,
	id TEXT,
	slug TEXT,
	published_at TEXT,
	updated_at TEXT,
	draft INTEGER,
	post TEXT,
	reason TEXT,
	terms TEXT,
	authors TEXT,
	content TEXT,
	fields BLOB,
	PRIMARY KEY (run_id, key)
) WITHOUT ROWID;
INSERT INTO staged_objects_keyed (run_id, key, etag, id, slug, published_at, updated_at, draft, post, reason, terms, authors, content, fields)
SELECT run_id, key, etag, id, slug, published_at, updated_at, draft, post, reason, terms, authors, content, fields FROM staged_objects;
DROP TABLE staged_objects;
ALTER TABLE staged_objects_keyed RENAME TO staged_objects;

CREATE TABLE sequence_candidates_keyed (
	post_id TEXT PRIMARY KEY
) WITHOUT ROWID;
INSERT INTO sequence_candidates_keyed (post_id) SELECT post_id FROM sequence_candidates;
DROP TABLE sequence_candidates;
ALTER TABLE sequence_candidates_keyed RENAME TO sequence_candidates;

-- The archive order (0005): the table keyed by post, and the index of its places; three b-trees become two.
CREATE TABLE post_sequence_keyed (
	post_id TEXT PRIMARY KEY,
	seq INTEGER NOT NULL UNIQUE
) WITHOUT ROWID;
INSERT INTO post_sequence_keyed (post_id, seq) SELECT post_id, seq FROM post_sequence;
DROP TABLE post_sequence;
ALTER TABLE post_sequence_keyed RENAME TO post_sequence;

CREATE TABLE post_aliases_keyed (
	path TEXT NOT NULL,
	post_key TEXT NOT NULL,
	PRIMARY KEY (path, post_key)
) WITHOUT ROWID;
INSERT INTO post_aliases_keyed (path, post_key) SELECT path, post_key FROM post_aliases;
DROP TABLE post_aliases;
ALTER TABLE post_aliases_keyed RENAME TO post_aliases;
CREATE INDEX post_aliases_by_post ON post_aliases (post_key);

CREATE TABLE post_media_keyed (
	post_key TEXT NOT NULL,
	media_key TEXT NOT NULL,
	PRIMARY KEY (media_key, post_key)
) WITHOUT ROWID;
INSERT INTO post_media_keyed (post_key, media_key) SELECT post_key, media_key FROM post_media;
DROP TABLE post_media;
ALTER TABLE post_media_keyed RENAME TO post_media;
CREATE INDEX post_media_by_post ON post_media (post_key);
