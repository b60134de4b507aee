-- D1 on the Workers Free plan holds 500 MB; at 100,000 posts the catalog took 7.7 KB a post (docs/design.md, Budgets).
--
-- 1. A post's row no longer repeats the fields its columns hold, and keeps its JSON and content as DEFLATE BLOBs
--    (src/storage/post-content.ts): a row of the bench's size falls from 2.7 KB to 1.8 KB, and SQLite's 4 KB pages
--    then hold two rows, not one. Staged rows keep their JSON text for the commit's SQL, and the packed fields
--    beside it; the commit copies `fields` into `posts.post` (rows staged by older code have none).
ALTER TABLE staged_objects ADD COLUMN fields BLOB;

-- 2. The label tables as WITHOUT ROWID tables keyed for their scans (https://www.sqlite.org/withoutrowid.html):
--    the primary key's b-tree is the table, and it covers the counts and label queries that
--    post_terms_visible / post_authors_visible (0016) covered, so the table, its primary-key index and the
--    covering index (three copies of every row, each with the 64-character object key) become one.
CREATE TABLE post_terms_keyed (
	post_key TEXT NOT NULL,
	kind TEXT NOT NULL CHECK (kind IN ('tag', 'category')),
	term TEXT NOT NULL,
	normalized TEXT NOT NULL,
	draft INTEGER,
	published_at TEXT,
	expires_at TEXT,
	PRIMARY KEY (normalized, post_key, kind)
) WITHOUT ROWID;
INSERT INTO post_terms_keyed (post_key, kind, term, normalized, draft, published_at, expires_at)
SELECT post_key, kind, term, normalized, draft, published_at, expires_at FROM post_terms;
DROP TABLE post_terms;
ALTER TABLE post_terms_keyed RENAME TO post_terms;
CREATE INDEX post_terms_by_post ON post_terms (post_key);

CREATE TABLE post_authors_keyed (
	post_key TEXT NOT NULL,
	author TEXT NOT NULL,
	normalized TEXT NOT NULL,
	draft INTEGER,
	published_at TEXT,
	expires_at TEXT,
	PRIMARY KEY (normalized, post_key)
) WITHOUT ROWID;
INSERT INTO post_authors_keyed (post_key, author, normalized, draft, published_at, expires_at)
SELECT post_key, author, normalized, draft, published_at, expires_at FROM post_authors;
DROP TABLE post_authors;
ALTER TABLE post_authors_keyed RENAME TO post_authors;
CREATE INDEX post_authors_by_post ON post_authors (post_key);

-- 0017's triggers went with the old tables; without a rowid they find the new row by its primary key.
CREATE TRIGGER post_terms_visibility_from_post AFTER INSERT ON post_terms WHEN NEW.draft IS NULL BEGIN
	UPDATE post_terms SET (draft, published_at, expires_at) = (SELECT draft, published_at, expires_at FROM posts WHERE key = NEW.post_key)
	WHERE normalized = NEW.normalized AND post_key = NEW.post_key AND kind = NEW.kind;
END;

CREATE TRIGGER post_authors_visibility_from_post AFTER INSERT ON post_authors WHEN NEW.draft IS NULL BEGIN
	UPDATE post_authors SET (draft, published_at, expires_at) = (SELECT draft, published_at, expires_at FROM posts WHERE key = NEW.post_key)
	WHERE normalized = NEW.normalized AND post_key = NEW.post_key;
END;

-- 3. The record of announced posts, keyed by post id: its primary-key index was a second copy of every row.
CREATE TABLE announcements_keyed (
	post_id TEXT PRIMARY KEY,
	version TEXT NOT NULL,
	announced_at TEXT NOT NULL
) WITHOUT ROWID;
INSERT INTO announcements_keyed (post_id, version, announced_at) SELECT post_id, version, announced_at FROM announcements;
DROP TABLE announcements;
ALTER TABLE announcements_keyed RENAME TO announcements;
