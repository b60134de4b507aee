-- A sync that spans invocations (docs/design.md, "Resumable sync"): each invocation does a bounded amount of
-- work and records where it stopped, so the next one continues. At most one job at a time (id = 1).
CREATE TABLE sync_job (
	id INTEGER PRIMARY KEY CHECK (id = 1),
	job_id TEXT NOT NULL,
	started_at TEXT NOT NULL,
	-- 'listing': pages of the bucket are being recorded in sync_listing, from `cursor` on;
	-- 'deleting': the listing is complete, the next commit drops what it no longer has;
	-- 'reading': new and changed objects are read in key order, after `read_after`.
	phase TEXT NOT NULL CHECK (phase IN ('listing', 'deleting', 'reading')),
	cursor TEXT,
	read_after TEXT NOT NULL DEFAULT '',
	listed INTEGER NOT NULL DEFAULT 0,
	-- Objects found new or changed when the listing completed, and how many of them have been handled since.
	outdated INTEGER NOT NULL DEFAULT 0,
	handled INTEGER NOT NULL DEFAULT 0
);

-- The complete listing of the job in progress: what the bucket held, key by key.
CREATE TABLE sync_listing (
	key TEXT PRIMARY KEY,
	etag TEXT NOT NULL,
	size INTEGER NOT NULL,
	-- Set for media (known by the key's extension): they go to the media table, never read as posts.
	media_type TEXT,
	last_modified TEXT
);

-- What one invocation of the sync spent, for /api/status and the plan bench.
ALTER TABLE sync_runs ADD COLUMN subrequests INTEGER;
ALTER TABLE sync_runs ADD COLUMN parse_ms REAL;
