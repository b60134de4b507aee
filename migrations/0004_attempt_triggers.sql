-- Redeliveries in the delivery log. Each attempt records what made it, as Svix's MessageAttemptTriggerType:
-- 'scheduled' (the first try and the schedule's retries) or 'manual' (an operator's redeliver). Attempt
-- numbers now count every attempt of a message, across redeliveries; the retry schedule's position, which a
-- redelivery restarts, is kept apart in messages.schedule_attempts.

ALTER TABLE attempts ADD COLUMN trigger TEXT NOT NULL DEFAULT 'scheduled' CHECK (trigger IN ('scheduled', 'manual'));

-- Attempts since the schedule last (re)started: the first delivery, or the last redeliver.
ALTER TABLE messages ADD COLUMN schedule_attempts INTEGER NOT NULL DEFAULT 0;
-- What the next attempt will be: 'manual' from a redeliver until that attempt is made.
ALTER TABLE messages ADD COLUMN next_trigger TEXT NOT NULL DEFAULT 'scheduled' CHECK (next_trigger IN ('scheduled', 'manual'));

-- Before this migration a redeliver reset messages.attempts to 0 and numbered its attempts from 1 again:
-- an attempt numbered 1 that is not the message's first was made by a redeliver.
UPDATE attempts SET trigger = 'manual'
WHERE attempt_number = 1 AND id > (SELECT MIN(earlier.id) FROM attempts earlier WHERE earlier.message_id = attempts.message_id);
UPDATE attempts SET attempt_number = (SELECT COUNT(*) FROM attempts earlier WHERE earlier.message_id = attempts.message_id AND earlier.id <= attempts.id);
UPDATE messages SET
	schedule_attempts = attempts,
	attempts = MAX(attempts, (SELECT COUNT(*) FROM attempts a WHERE a.message_id = messages.id));
