-- Posts whose webhook announcement may be due: every post id a commit inserts, deletes or changes, kept by
-- triggers. The announcer (src/storage/announcements.ts) reads these few rows, plus the posts whose publication
-- time or expiry the clock has passed since `announce_clock.checked_through`, instead of comparing every post
-- with every announcement after each commit (three full scans, 80 ms of a one-post notification at 10,000
-- posts). `seq` orders the marks: the announcer drops only the rows it has read, so a post marked again while
-- it works stays pending. AUTOINCREMENT keeps a re-marked post from reusing the number it had.
CREATE TABLE announcement_candidates (
	seq INTEGER PRIMARY KEY AUTOINCREMENT,
	post_id TEXT NOT NULL UNIQUE
);

-- The instant up to which the announcer has looked at the clock; NULL until it first runs.
CREATE TABLE announce_clock (
	id INTEGER PRIMARY KEY CHECK (id = 1),
	checked_through TEXT
);

INSERT INTO announce_clock (id, checked_through) VALUES (1, NULL);

-- Everything is a candidate once, so the first announcement after this migration sees what a full scan saw.
INSERT OR IGNORE INTO announcement_candidates (post_id) SELECT id FROM posts UNION SELECT post_id FROM announcements;

CREATE TRIGGER posts_announce_in AFTER INSERT ON posts BEGIN
	DELETE FROM announcement_candidates WHERE post_id = NEW.id;
	INSERT INTO announcement_candidates (post_id) VALUES (NEW.id);
END;

CREATE TRIGGER posts_announce_out AFTER DELETE ON posts BEGIN
	DELETE FROM announcement_candidates WHERE post_id = OLD.id;
	INSERT INTO announcement_candidates (post_id) VALUES (OLD.id);
END;

CREATE TRIGGER posts_announce_changed AFTER UPDATE OF id, draft, published_at, updated_at, expires_at ON posts BEGIN
	DELETE FROM announcement_candidates WHERE post_id IN (OLD.id, NEW.id);
	INSERT INTO announcement_candidates (post_id) VALUES (OLD.id);
	INSERT OR IGNORE INTO announcement_candidates (post_id) VALUES (NEW.id);
END;
