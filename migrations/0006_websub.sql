-- Pressroom as its own WebSub hub (W3C WebSub, https://www.w3.org/TR/websub/): subscribers of a topic (one of
-- our feed URLs) and the intent verifications of their requests. Content deliveries are ordinary messages of the
-- webhook outbox (events, messages, attempts), on the same queue with the same retry schedule and log.

CREATE TABLE hub_subscriptions (
	id TEXT PRIMARY KEY,
	-- The feed's canonical self URL, exactly as advertised in its Link rel="self".
	topic TEXT NOT NULL,
	callback TEXT NOT NULL,
	-- Signs deliveries with X-Hub-Signature when given (under 200 bytes).
	secret TEXT,
	lease_seconds INTEGER NOT NULL,
	state TEXT NOT NULL CHECK (state IN ('active', 'ended')),
	expires_at TEXT NOT NULL,
	-- 'unsubscribed', 'expired', 'gone' (410), 'failing' (retries exhausted), 'removed' (admin)
	ended_reason TEXT,
	last_delivery_at TEXT,
	last_delivery_status TEXT,
	created_at TEXT NOT NULL,
	updated_at TEXT NOT NULL,
	UNIQUE (topic, callback)
);
CREATE INDEX hub_subscriptions_by_topic ON hub_subscriptions (topic, state, expires_at);

-- One per subscribe or unsubscribe request: verified asynchronously through the queue.
CREATE TABLE hub_verifications (
	id TEXT PRIMARY KEY,
	mode TEXT NOT NULL CHECK (mode IN ('subscribe', 'unsubscribe')),
	topic TEXT NOT NULL,
	callback TEXT NOT NULL,
	-- The callback's host, for the per-host rate limit on requests.
	callback_host TEXT NOT NULL,
	secret TEXT,
	lease_seconds INTEGER NOT NULL,
	challenge TEXT NOT NULL,
	status TEXT NOT NULL CHECK (status IN ('pending', 'verified', 'refused', 'failed')),
	attempts INTEGER NOT NULL DEFAULT 0,
	last_error TEXT,
	created_at TEXT NOT NULL,
	updated_at TEXT NOT NULL
);
CREATE INDEX hub_verifications_by_host ON hub_verifications (callback_host, created_at);
CREATE INDEX hub_verifications_pending ON hub_verifications (status, created_at);
