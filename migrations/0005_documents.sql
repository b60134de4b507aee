-- Publish once, serve bytes: every document a reader can fetch (feeds, tag feeds, HTML pages) is rendered
-- when the catalog changes and stored here with its exact bytes and validators; a request reads one row.

-- A post's tags and categories as rows, so a tag feed reads only its own rows through an index instead of
-- scanning every post's JSON. `normalized` is the matching and URL form (see src/content/terms.ts).
CREATE TABLE post_terms (
	post_key TEXT NOT NULL,
	kind TEXT NOT NULL CHECK (kind IN ('tag', 'category')),
	term TEXT NOT NULL,
	normalized TEXT NOT NULL,
	PRIMARY KEY (normalized, post_key, kind)
);
CREATE INDEX post_terms_by_post ON post_terms (post_key);

-- The terms of staged posts, as JSON [[kind, term, normalized], …], moved into post_terms at commit.
ALTER TABLE staged_objects ADD COLUMN terms TEXT;

-- Rendered documents, keyed by their canonical request path.
CREATE TABLE documents (
	path TEXT PRIMARY KEY,
	content_type TEXT NOT NULL,
	cache_control TEXT NOT NULL,
	body TEXT NOT NULL,
	-- Strong ETag of the exact bytes, computed once at publish.
	etag TEXT NOT NULL,
	-- When these bytes were first published (HTTP date precision is one second).
	last_modified TEXT NOT NULL,
	-- The logical document that produced it (e.g. "term:c%2B%2B"), so a re-render can drop paths it no longer makes.
	ref TEXT NOT NULL
);
CREATE INDEX documents_by_ref ON documents (ref);

-- Logical documents that must be rendered again, written in the same transaction as the catalog change
-- that made them stale: a crash or a failed publish leaves them here for the next publish.
CREATE TABLE stale_documents (
	ref TEXT PRIMARY KEY,
	since TEXT NOT NULL,
	-- Bumped each time the ref is marked again, so a publish that rendered an older mark does not clear a newer one.
	mark INTEGER NOT NULL DEFAULT 1
);

-- The order in which posts became visible: page n of the HTML archive holds sequence numbers
-- ((n-1)·size, n·size], so a new post never shifts older pages and a deletion leaves a hole.
CREATE TABLE post_sequence (
	post_id TEXT PRIMARY KEY,
	seq INTEGER NOT NULL UNIQUE
);
