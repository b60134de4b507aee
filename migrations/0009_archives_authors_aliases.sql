-- Feed archives, author feeds, expiring posts and old addresses (issue 10).

-- When a post stops being shown (Hugo's expiryDate), as an indexed column like published_at: every
-- visibility rule reads it. Filled from the stored post for rows written before the column existed.
ALTER TABLE posts ADD COLUMN expires_at TEXT;
UPDATE posts SET expires_at = json_extract(post, '$.expires') WHERE json_extract(post, '$.expires') IS NOT NULL;
CREATE INDEX posts_by_expiry ON posts (expires_at) WHERE expires_at IS NOT NULL;

-- A post's authors as rows, like post_terms: an author feed reads only its own rows through an index.
-- `normalized` is the matching and URL form (src/content/terms.ts normalizeTerm, as for terms).
CREATE TABLE post_authors (
	post_key TEXT NOT NULL,
	author TEXT NOT NULL,
	normalized TEXT NOT NULL,
	PRIMARY KEY (normalized, post_key)
);
CREATE INDEX post_authors_by_post ON post_authors (post_key);

-- The authors of staged posts, as JSON [[author, normalized], …], moved into post_authors at commit.
ALTER TABLE staged_objects ADD COLUMN authors TEXT;

-- Old addresses of posts (front matter `aliases` / `redirect_from`), site-relative paths: a request that
-- matches no document finds its redirect with one lookup through the primary key.
CREATE TABLE post_aliases (
	path TEXT NOT NULL,
	post_key TEXT NOT NULL,
	PRIMARY KEY (path, post_key)
);
CREATE INDEX post_aliases_by_post ON post_aliases (post_key);
