-- Deactivating staff, and one-time invitations.
ALTER TABLE users ADD COLUMN active BOOLEAN NOT NULL DEFAULT TRUE;

CREATE TABLE invites (
    token_hash TEXT PRIMARY KEY,
    email      TEXT NOT NULL,
    name       TEXT NOT NULL,
    role       TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
