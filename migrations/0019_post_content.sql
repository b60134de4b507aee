-- A post's content HTML apart from its JSON, DEFLATE-compressed and base64-encoded (src/storage/post-content.ts): the
-- content is three quarters of a parsed post's bytes, and with document bodies in R2 (0018) the parsed posts are
-- half of what is left in D1. NULL: a row written before this migration, whose JSON still holds `contentHtml`;
-- such a row is read as before, and packed the next time its object changes.
ALTER TABLE posts ADD COLUMN content TEXT;
ALTER TABLE staged_objects ADD COLUMN content TEXT;
