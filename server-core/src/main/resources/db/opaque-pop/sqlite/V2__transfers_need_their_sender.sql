-- A transfer exists only while its sender does: the foreign key makes a transfer racing the sender's deletion
-- either fail (the sender is gone) or go with the sender (ON DELETE CASCADE), never stay under a deleted name
-- that someone may register again. SQLite cannot add a constraint to a table, so the table is rebuilt.
-- Transfers of senders already deleted (left by that race before this version) are dropped with it: the
-- deletion meant to remove them.
CREATE TABLE transfers_with_sender (
    seq          INTEGER NOT NULL PRIMARY KEY,
    id           TEXT    NOT NULL UNIQUE,
    from_user    TEXT    NOT NULL REFERENCES users (username) ON DELETE CASCADE,
    to_user      TEXT    NOT NULL,
    amount_cents INTEGER NOT NULL CHECK (amount_cents > 0),
    session_hash TEXT    NOT NULL,
    nonce        TEXT    NOT NULL,
    created_at   INTEGER NOT NULL,
    UNIQUE (session_hash, nonce)
);

INSERT INTO transfers_with_sender (seq, id, from_user, to_user, amount_cents, session_hash, nonce, created_at)
SELECT seq, id, from_user, to_user, amount_cents, session_hash, nonce, created_at
FROM transfers
WHERE from_user IN (SELECT username FROM users);

DROP TABLE transfers;
ALTER TABLE transfers_with_sender RENAME TO transfers;
CREATE INDEX transfers_by_sender ON transfers (from_user, seq);
