-- Posts that may still need a place in the archive order (post_sequence): every non-draft post without one.
-- The sync commit adds its new posts here in the same transaction that inserts them, and the publish step
-- gives places to the visible ones and drops the rows it no longer needs, so a publish reads these few rows
-- instead of every visible post. A scheduled post stays here until its time comes.
CREATE TABLE sequence_candidates (
	post_id TEXT PRIMARY KEY
);

INSERT INTO sequence_candidates (post_id)
SELECT id FROM posts WHERE draft = 0 AND id NOT IN (SELECT post_id FROM post_sequence);
