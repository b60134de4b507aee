-- Pages of the bucket's listing that the catalog agrees with (docs/design.md, "Resumable sync"). A reconciliation
-- compares each listing page with the catalog's keys of the same range (0014). When a page shows no difference,
-- its range and a digest of its keys and etags are kept here; the next listing of the same range with the same
-- digest is known to agree without reading the catalog, so a reconciliation that finds nothing costs its R2
-- listing and no D1 work per page. The comparison reads about 5 rows per key (1,530 for 300 keys in
-- tests/jobs/listing-agreement.test.ts): at 10,000 posts and a cron every five minutes, 14.7 million rows a day,
-- past D1's Free allowance of 5 million rows read a day on its own.
--
-- A row stands only while no catalog row of its range has changed: the triggers below drop it when a post, a
-- broken object or a media row in (after_key, through_key] is inserted, deleted, or changes its key, etag or
-- type, whatever wrote it (a notification, a sync, a settings change that marks everything outdated).
CREATE TABLE listing_agreement (
	-- The page's range starts after this key ('' for the first page) ...
	after_key TEXT PRIMARY KEY,
	-- ... and ends at this key; NULL for the last page, whose range runs to the end of the bucket.
	through_key TEXT,
	digest TEXT NOT NULL
);

CREATE TRIGGER posts_insert_ends_agreement AFTER INSERT ON posts BEGIN
	DELETE FROM listing_agreement WHERE after_key < NEW.key AND (through_key IS NULL OR through_key >= NEW.key);
END;

CREATE TRIGGER posts_delete_ends_agreement AFTER DELETE ON posts BEGIN
	DELETE FROM listing_agreement WHERE after_key < OLD.key AND (through_key IS NULL OR through_key >= OLD.key);
END;

CREATE TRIGGER posts_update_ends_agreement AFTER UPDATE OF key, etag ON posts BEGIN
	DELETE FROM listing_agreement WHERE after_key < OLD.key AND (through_key IS NULL OR through_key >= OLD.key);
	DELETE FROM listing_agreement WHERE after_key < NEW.key AND (through_key IS NULL OR through_key >= NEW.key);
END;

CREATE TRIGGER broken_objects_insert_ends_agreement AFTER INSERT ON broken_objects BEGIN
	DELETE FROM listing_agreement WHERE after_key < NEW.key AND (through_key IS NULL OR through_key >= NEW.key);
END;

CREATE TRIGGER broken_objects_delete_ends_agreement AFTER DELETE ON broken_objects BEGIN
	DELETE FROM listing_agreement WHERE after_key < OLD.key AND (through_key IS NULL OR through_key >= OLD.key);
END;

CREATE TRIGGER broken_objects_update_ends_agreement AFTER UPDATE OF key, etag ON broken_objects BEGIN
	DELETE FROM listing_agreement WHERE after_key < OLD.key AND (through_key IS NULL OR through_key >= OLD.key);
	DELETE FROM listing_agreement WHERE after_key < NEW.key AND (through_key IS NULL OR through_key >= NEW.key);
END;

CREATE TRIGGER media_insert_ends_agreement AFTER INSERT ON media BEGIN
	DELETE FROM listing_agreement WHERE after_key < NEW.key AND (through_key IS NULL OR through_key >= NEW.key);
END;

CREATE TRIGGER media_delete_ends_agreement AFTER DELETE ON media BEGIN
	DELETE FROM listing_agreement WHERE after_key < OLD.key AND (through_key IS NULL OR through_key >= OLD.key);
END;

CREATE TRIGGER media_update_ends_agreement AFTER UPDATE OF key, etag, content_type ON media BEGIN
	DELETE FROM listing_agreement WHERE after_key < OLD.key AND (through_key IS NULL OR through_key >= OLD.key);
	DELETE FROM listing_agreement WHERE after_key < NEW.key AND (through_key IS NULL OR through_key >= NEW.key);
END;
