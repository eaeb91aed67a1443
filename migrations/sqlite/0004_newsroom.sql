-- Scheduling, substantive-change time, and the append-only corrections log.
ALTER TABLE articles ADD COLUMN scheduled_at TEXT;
ALTER TABLE articles ADD COLUMN modified_at TEXT;
CREATE INDEX articles_scheduled ON articles(status, scheduled_at);

CREATE TABLE corrections (
    id         INTEGER PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    note       TEXT NOT NULL,
    user_id    INTEGER REFERENCES users(id),
    created_at TEXT NOT NULL
);
CREATE INDEX corrections_article ON corrections(article_id, created_at);
CREATE INDEX corrections_created ON corrections(created_at);
