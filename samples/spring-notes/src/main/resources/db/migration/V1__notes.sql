-- The sample's own table, in the application's database (SQLite by default, or PostgreSQL). opaque-pop keeps its
-- users elsewhere: in its own SQLite file, or its own schema of the same PostgreSQL database.
CREATE TABLE notes (
    id         VARCHAR(36)   PRIMARY KEY,
    owner      VARCHAR(64)   NOT NULL,
    text       VARCHAR(2000) NOT NULL,
    created_at BIGINT        NOT NULL
);
CREATE INDEX notes_owner ON notes (owner, created_at);
