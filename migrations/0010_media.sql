-- Media beside posts: objects in the bucket that are not posts (images, audio, video, PDF, CSV…). The sync
-- records them from the listing alone (no read); /media/{key} serves them, and the publish step takes an
-- enclosure's length and type from here.
CREATE TABLE media (
	key TEXT PRIMARY KEY,
	etag TEXT NOT NULL,
	size INTEGER NOT NULL,
	content_type TEXT NOT NULL,
	-- ISO date, whole seconds: the object's own modification time, for Last-Modified.
	last_modified TEXT NOT NULL
);

-- Which media each post links, embeds or encloses (keys relative to the storage prefix, whether or not the
-- object exists): a media change marks the documents of exactly these posts stale, and /api/status names
-- the missing ones.
CREATE TABLE post_media (
	post_key TEXT NOT NULL,
	media_key TEXT NOT NULL,
	PRIMARY KEY (media_key, post_key)
);
CREATE INDEX post_media_by_post ON post_media (post_key);

