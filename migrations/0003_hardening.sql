-- Migrations are append-only from here on: a landed file is never edited again
-- (tests/storage/fixtures/landed-migrations.sha256 holds each file's sha256; tests/storage/migrations.test.ts checks it).
--
-- 1. Two landed files were edited in place after release, so a database migrated with the first release's files
--    differs from one migrated from scratch: its sync_runs lacks `remaining` and refuses status 'partial' (0001),
--    and its messages accept status 'sending' (0002). Both tables are rebuilt here to the one schema below, so
--    every database ends the same whichever version of 0001/0002 it ran. Rows are kept.

CREATE TABLE sync_runs_rebuilt (
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
-- `remaining` exists only in databases that ran the edited 0001. The NATURAL LEFT JOIN makes this one statement
-- work on both: where the column exists it is the join column and keeps its value; where it does not, the join
-- has no common column and `remaining` is the constant 0.
INSERT INTO sync_runs_rebuilt (id, trigger, started_at, finished_at, duration_ms, status, objects_listed, objects_read, posts, broken, changes, remaining, error)
SELECT id, trigger, started_at, finished_at, duration_ms, status, objects_listed, objects_read, posts, broken, changes, remaining, error
FROM sync_runs NATURAL LEFT JOIN (SELECT 0 AS remaining);
DROP TABLE sync_runs;
ALTER TABLE sync_runs_rebuilt RENAME TO sync_runs;
CREATE INDEX sync_runs_by_start ON sync_runs (started_at DESC);

CREATE TABLE messages_rebuilt (
	id TEXT PRIMARY KEY,
	event_id TEXT NOT NULL REFERENCES events (id),
	subscription_id TEXT NOT NULL,
	status TEXT NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed')),
	attempts INTEGER NOT NULL DEFAULT 0,
	-- Null until handed to the queue; a crash before this is set means the next sync enqueues it again.
	enqueued_at TEXT,
	next_attempt_at TEXT,
	last_error TEXT,
	created_at TEXT NOT NULL,
	updated_at TEXT NOT NULL
);
-- 'sending' was never written, but a message caught in it would be pending: the cron's sweep re-enqueues it.
INSERT INTO messages_rebuilt (id, event_id, subscription_id, status, attempts, enqueued_at, next_attempt_at, last_error, created_at, updated_at)
SELECT id, event_id, subscription_id, CASE status WHEN 'sending' THEN 'pending' ELSE status END, attempts, enqueued_at, next_attempt_at, last_error, created_at, updated_at
FROM messages;
DROP TABLE messages;
ALTER TABLE messages_rebuilt RENAME TO messages;
CREATE INDEX messages_to_enqueue ON messages (enqueued_at) WHERE enqueued_at IS NULL;
CREATE INDEX messages_by_subscription ON messages (subscription_id, created_at DESC);
-- The cron's sweep reads only pending messages, oldest first (src/storage/deliveries.ts `stranded`).
CREATE INDEX messages_pending ON messages (created_at, id) WHERE status = 'pending';

-- 2. The webhook baseline is a stored fact, written once by the sync that first completes the catalog (it used to be
--    derived from sync_runs, which keeps only 1,000 rows). A database that already had such a sync gets it here, once.
--    A post event also proves it (events are sent only after the baseline), for when the outage pruned every succeeded run.
INSERT OR IGNORE INTO catalog_facts (name, value)
SELECT 'first_caught_up_at', coalesce(
	(SELECT min(finished_at) FROM sync_runs WHERE status = 'succeeded'),
	(SELECT min(created_at) FROM events WHERE type != 'ping')
)
WHERE EXISTS (SELECT 1 FROM sync_runs WHERE status = 'succeeded') OR EXISTS (SELECT 1 FROM events WHERE type != 'ping');

-- 3. How many events each post has had, kept after the post is gone: the count is part of each event id, so
--    delete → restore → delete are three events with three ids, while a re-run of the same sync repeats its ids.
CREATE TABLE post_event_counts (
	post_id TEXT PRIMARY KEY,
	events INTEGER NOT NULL
);
