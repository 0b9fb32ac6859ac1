-- The same step as db/migration/sqlite/V2: a transfer exists only while its sender does, so a transfer racing
-- the sender's deletion either fails or goes with the sender, never stays under a deleted name that someone may
-- register again. Transfers of senders already deleted (left by that race before this version) are dropped: the
-- deletion meant to remove them.
DELETE FROM transfers t WHERE NOT EXISTS (SELECT 1 FROM users u WHERE u.username = t.from_user);

ALTER TABLE transfers
    ADD CONSTRAINT transfers_sender_exists FOREIGN KEY (from_user) REFERENCES users (username) ON DELETE CASCADE;
