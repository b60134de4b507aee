-- /tags counts every term and author of the visible posts (src/storage/post-index.ts `counts`). Joined with `posts`,
-- that read every post's row for its visibility (expires_at sits after the post's JSON, on overflow pages): 130 ms
-- natively at 10,000 posts and 39,000 term rows, the largest part of what publishing a new post costs. The label
-- rows now carry their post's visibility columns, written with them at each commit (posts and their label rows are
-- only ever written together, by the sync's commit), and one covering index per table answers the counts and the
-- most-used spelling in one scan: 18 ms.
ALTER TABLE post_terms ADD COLUMN draft INTEGER;
ALTER TABLE post_terms ADD COLUMN published_at TEXT;
ALTER TABLE post_terms ADD COLUMN expires_at TEXT;
UPDATE post_terms SET (draft, published_at, expires_at) = (SELECT draft, published_at, expires_at FROM posts WHERE posts.key = post_terms.post_key);
CREATE INDEX post_terms_visible ON post_terms (normalized, post_key, draft, published_at, expires_at, term);

ALTER TABLE post_authors ADD COLUMN draft INTEGER;
ALTER TABLE post_authors ADD COLUMN published_at TEXT;
ALTER TABLE post_authors ADD COLUMN expires_at TEXT;
UPDATE post_authors SET (draft, published_at, expires_at) = (SELECT draft, published_at, expires_at FROM posts WHERE posts.key = post_authors.post_key);
CREATE INDEX post_authors_visible ON post_authors (normalized, post_key, draft, published_at, expires_at, author);
