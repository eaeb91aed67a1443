-- Who did what, when and from where: logins, failures, publishing, corrections, accounts.
CREATE TABLE audit_log (
    id       INTEGER PRIMARY KEY,
    at       TEXT NOT NULL,
    actor    TEXT,
    action   TEXT NOT NULL,
    subject  TEXT NOT NULL DEFAULT '',
    address  TEXT
);
CREATE INDEX audit_log_at ON audit_log(at);
