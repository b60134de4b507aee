-- The catalog's sizes, kept by triggers. Every sync invocation and every notification records them on its run
-- (and /api/status shows them): counting would read every row each time, 100,000 rows an invocation for a
-- 100,000-post catalog, against D1's Free allowance of 5 million rows read a day. Posts and broken objects are
-- only ever inserted and deleted (never replaced: a REPLACE would not fire the delete trigger).
CREATE TABLE catalog_counts (
	id INTEGER PRIMARY KEY CHECK (id = 1),
	posts INTEGER NOT NULL,
	broken INTEGER NOT NULL
);

INSERT INTO catalog_counts (id, posts, broken) VALUES (1, (SELECT count(*) FROM posts), (SELECT count(*) FROM broken_objects));

CREATE TRIGGER posts_counted_in AFTER INSERT ON posts BEGIN
	UPDATE catalog_counts SET posts = posts + 1 WHERE id = 1;
END;

CREATE TRIGGER posts_counted_out AFTER DELETE ON posts BEGIN
	UPDATE catalog_counts SET posts = posts - 1 WHERE id = 1;
END;

CREATE TRIGGER broken_counted_in AFTER INSERT ON broken_objects BEGIN
	UPDATE catalog_counts SET broken = broken + 1 WHERE id = 1;
END;

CREATE TRIGGER broken_counted_out AFTER DELETE ON broken_objects BEGIN
	UPDATE catalog_counts SET broken = broken - 1 WHERE id = 1;
END;
