-- Users: the OPAQUE registration record is all the server keeps per user (no password, no password hash).
CREATE TABLE users (
    username   TEXT    NOT NULL PRIMARY KEY,
    record     BLOB    NOT NULL CHECK (length(record) = 192),
    created_at INTEGER NOT NULL
);

-- Transfers: seq orders them; (session_hash, nonce) identifies the signed request that authorized each one,
-- and its uniqueness makes a replayed request unable to book twice even if the nonce cache were lost.
CREATE TABLE transfers (
    seq          INTEGER NOT NULL PRIMARY KEY,
    id           TEXT    NOT NULL UNIQUE,
    from_user    TEXT    NOT NULL,
    to_user      TEXT    NOT NULL,
    amount_cents INTEGER NOT NULL CHECK (amount_cents > 0),
    session_hash TEXT    NOT NULL,
    nonce        TEXT    NOT NULL,
    created_at   INTEGER NOT NULL,
    UNIQUE (session_hash, nonce)
);

CREATE INDEX transfers_by_sender ON transfers (from_user, seq);
