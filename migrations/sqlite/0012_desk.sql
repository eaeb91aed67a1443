-- The staff desk at 100,000 articles: when each article last changed state (the review
-- queue lists the longest waiting first), an index for each order the desk sorts by,
-- and who has which article open in the editor.
ALTER TABLE articles ADD COLUMN status_changed_at TEXT;
CREATE INDEX articles_updated ON articles(updated_at, id);
CREATE INDEX articles_status_updated ON articles(status, updated_at, id);
CREATE INDEX articles_published_at ON articles(published_at, id);

-- One row per person and article, refreshed by the open editor every few seconds; a
-- row not refreshed for a minute means the editor was closed.
CREATE TABLE editor_presence (
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    since      TEXT NOT NULL,
    seen_at    TEXT NOT NULL,
    PRIMARY KEY (article_id, user_id)
);
