-- Webhooks, named after the delivery domain (Svix): subscriptions (endpoints), events, messages
-- (one event for one subscription = one webhook-id) and attempts (one HTTP POST each).

CREATE TABLE subscriptions (
	id TEXT PRIMARY KEY,
	url TEXT NOT NULL,
	description TEXT NOT NULL DEFAULT '',
	event_types TEXT NOT NULL,
	filter_tags TEXT NOT NULL DEFAULT '[]',
	filter_categories TEXT NOT NULL DEFAULT '[]',
	enabled INTEGER NOT NULL DEFAULT 1,
	disabled_reason TEXT,
	secret TEXT NOT NULL,
	-- During a rotation both secrets sign, until previous_secret_expires_at.
	previous_secret TEXT,
	previous_secret_expires_at TEXT,
	-- First failed attempt since the last success: a subscription failing for too long is disabled.
	failing_since TEXT,
	last_success_at TEXT,
	created_at TEXT NOT NULL,
	updated_at TEXT NOT NULL
);
CREATE INDEX subscriptions_by_created ON subscriptions (created_at, id);

-- Posts already announced with post.published; the first sync of a bucket fills it without events.
CREATE TABLE announcements (
	post_id TEXT PRIMARY KEY,
	version TEXT NOT NULL,
	announced_at TEXT NOT NULL
);

-- Events are written in the same transaction as the messages they fan out to (an outbox).
CREATE TABLE events (
	id TEXT PRIMARY KEY,
	type TEXT NOT NULL,
	post_id TEXT,
	payload TEXT NOT NULL,
	created_at TEXT NOT NULL
);

CREATE TABLE messages (
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
CREATE INDEX messages_to_enqueue ON messages (enqueued_at) WHERE enqueued_at IS NULL;
CREATE INDEX messages_by_subscription ON messages (subscription_id, created_at DESC);

CREATE TABLE attempts (
	id INTEGER PRIMARY KEY AUTOINCREMENT,
	message_id TEXT NOT NULL,
	subscription_id TEXT NOT NULL,
	event_id TEXT NOT NULL,
	attempt_number INTEGER NOT NULL,
	outcome TEXT NOT NULL,
	status_code INTEGER,
	duration_ms INTEGER NOT NULL,
	error TEXT,
	response_snippet TEXT,
	created_at TEXT NOT NULL
);
CREATE INDEX attempts_by_subscription ON attempts (subscription_id, id DESC);
CREATE INDEX attempts_by_message ON attempts (message_id, id);
