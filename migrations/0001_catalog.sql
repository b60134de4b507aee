-- The catalog: what the last successful sync found in the bucket. Feed requests read only these tables.

-- One row per object that parsed into a post. `post` is the whole Post as JSON; the other columns index it.
CREATE TABLE posts (
	key TEXT PRIMARY KEY,
	etag TEXT NOT NULL,
	id TEXT NOT NULL UNIQUE,
	slug TEXT NOT NULL UNIQUE,
	published_at TEXT NOT NULL,
	updated_at TEXT NOT NULL,
	draft INTEGER NOT NULL DEFAULT 0,
	post TEXT NOT NULL,
	-- When this row last changed in the catalog (sync time), for Last-Modified.
	changed_at TEXT NOT NULL
);
CREATE INDEX posts_by_published ON posts (draft, published_at DESC);

-- Objects that could not become posts, with the reason; re-read only when their etag changes.
CREATE TABLE broken_objects (
	key TEXT PRIMARY KEY,
	etag TEXT NOT NULL,
	reason TEXT NOT NULL,
	seen_at TEXT NOT NULL
);

-- Parsed objects of a sync in progress; moved into posts/broken_objects in one transaction at the end,
-- so a crash mid-sync leaves the catalog as the last sync left it.
CREATE TABLE staged_objects (
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
	PRIMARY KEY (run_id, key)
);

-- One row per sync attempt, successful or not, for /api/status.
CREATE TABLE sync_runs (
	id TEXT PRIMARY KEY,
	trigger TEXT NOT NULL,
	started_at TEXT NOT NULL,
	finished_at TEXT,
	duration_ms INTEGER,
	-- 'partial': committed what its read budget allowed; the next sync carries on with the rest.
	status TEXT NOT NULL CHECK (status IN ('running', 'succeeded', 'partial', 'failed', 'skipped')),
	objects_listed INTEGER NOT NULL DEFAULT 0,
	objects_read INTEGER NOT NULL DEFAULT 0,
	posts INTEGER NOT NULL DEFAULT 0,
	broken INTEGER NOT NULL DEFAULT 0,
	changes INTEGER NOT NULL DEFAULT 0,
	-- New or changed objects left for the next sync by the read budget.
	remaining INTEGER NOT NULL DEFAULT 0,
	error TEXT
);
CREATE INDEX sync_runs_by_start ON sync_runs (started_at DESC);

-- Mutual exclusion between syncs (cron and POST /api/sync): a lease that expires if its holder dies.
CREATE TABLE leases (
	name TEXT PRIMARY KEY,
	holder TEXT NOT NULL,
	expires_at INTEGER NOT NULL
);

-- Small facts about the catalog as a whole (e.g. when a post last left it, the settings it was parsed with).
CREATE TABLE catalog_facts (
	name TEXT PRIMARY KEY,
	value TEXT NOT NULL
);
