-- What a subscription's deliveries look like: 'standard-webhooks' (signed {type, timestamp, data}, as before),
-- or a chat service's incoming-webhook JSON, 'slack' or 'discord' (unsigned: for those the URL is the secret).
ALTER TABLE subscriptions ADD COLUMN format TEXT NOT NULL DEFAULT 'standard-webhooks' CHECK (format IN ('standard-webhooks', 'slack', 'discord'));

-- The next moment (Unix ms) a message may go to this subscription, for services with a rate per webhook (Slack:
-- about one message a second): each send reserves the next free slot (src/webhooks/chat-pacing.ts).
ALTER TABLE subscriptions ADD COLUMN next_send_at_ms INTEGER;
