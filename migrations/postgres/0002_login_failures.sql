-- Failed logins, counted per account and per client address across all instances.
CREATE TABLE login_failures (
    key TEXT NOT NULL,
    at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX login_failures_key_at ON login_failures(key, at);
