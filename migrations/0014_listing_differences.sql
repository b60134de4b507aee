-- The sync job's listing keeps only what differs from the catalog (docs/design.md, "Resumable sync"). Each page
-- is compared with the catalog's keys in the same key range as it is recorded: sync_listing receives the listed
-- objects that are new or changed, sync_gone the catalog's keys (posts, broken objects, media) that the range no
-- longer lists. A reconciliation that finds one change writes a few rows instead of one per key, 10,000 rows for
-- a 10,000-post bucket, against D1's Free allowance of 100,000 rows written a day. Deletions are still applied
-- only once the listing is complete.
CREATE TABLE sync_gone (
	key TEXT PRIMARY KEY
);

-- The last key of the pages recorded so far: the next page's range starts after it.
ALTER TABLE sync_job ADD COLUMN listed_through TEXT;

-- A job in progress listed its earlier pages without ranges: it starts again (the catalog is untouched by this).
DELETE FROM sync_listing;
DELETE FROM sync_job;
