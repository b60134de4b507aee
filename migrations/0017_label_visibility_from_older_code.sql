-- 0016's label visibility columns are written by the commit of the code that came with it. During a deploy (the
-- migration applied before the new code runs) or after a rollback, older code inserts label rows without them, and
-- /tags would leave those posts out until they changed again. The commit writes a post's row before its label rows,
-- so a label row that arrives without its columns takes them from its post: the schema stays right for either code.
CREATE TRIGGER post_terms_visibility_from_post AFTER INSERT ON post_terms WHEN NEW.draft IS NULL BEGIN
	UPDATE post_terms SET (draft, published_at, expires_at) = (SELECT draft, published_at, expires_at FROM posts WHERE key = NEW.post_key)
	WHERE rowid = NEW.rowid;
END;

CREATE TRIGGER post_authors_visibility_from_post AFTER INSERT ON post_authors WHEN NEW.draft IS NULL BEGIN
	UPDATE post_authors SET (draft, published_at, expires_at) = (SELECT draft, published_at, expires_at FROM posts WHERE key = NEW.post_key)
	WHERE rowid = NEW.rowid;
END;

-- Rows older code wrote between 0016 and now.
UPDATE post_terms SET (draft, published_at, expires_at) = (SELECT draft, published_at, expires_at FROM posts WHERE posts.key = post_terms.post_key) WHERE draft IS NULL;
UPDATE post_authors SET (draft, published_at, expires_at) = (SELECT draft, published_at, expires_at FROM posts WHERE posts.key = post_authors.post_key) WHERE draft IS NULL;
