-- What a subscription's deliveries look like: 'standard-webhooks' (signed {type, timestamp, data}, as before),
-- or a chat service's incoming-webhook JSON, 'slack' or 'discord' (unsigned: for those the URL is the secret).
ALTER TABLE subscriptions ADD COLUMN format TEXT NOT NULL DEFAULT 'standard-webhooks' CHECK (format IN ('standard-webhooks', 'slack', 'discord'));
