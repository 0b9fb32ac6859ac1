-- The same history as db/migration/sqlite (V1 there is V1 here), in PostgreSQL's types: bytea for the record,
-- an identity column for the order SQLite gets from its integer primary key.

-- Users: the OPAQUE registration record is all the server keeps per user (no password, no password hash).
CREATE TABLE users (
    username   TEXT   NOT NULL PRIMARY KEY,
    record     BYTEA  NOT NULL CHECK (octet_length(record) = 192),
    created_at BIGINT NOT NULL
);

-- Transfers: seq orders them; (session_hash, nonce) identifies the signed request that authorized each one,
-- and its uniqueness makes a replayed request unable to book twice, whichever instance it reaches and even
-- if Redis lost the nonce.
CREATE TABLE transfers (
    seq          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id           TEXT   NOT NULL UNIQUE,
    from_user    TEXT   NOT NULL,
    to_user      TEXT   NOT NULL,
    amount_cents BIGINT NOT NULL CHECK (amount_cents > 0),
    session_hash TEXT   NOT NULL,
    nonce        TEXT   NOT NULL,
    created_at   BIGINT NOT NULL,
    UNIQUE (session_hash, nonce)
);

CREATE INDEX transfers_by_sender ON transfers (from_user, seq);
