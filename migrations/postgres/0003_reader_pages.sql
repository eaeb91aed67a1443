-- Author biographies, and the full-text index over published article text.
ALTER TABLE users ADD COLUMN bio TEXT NOT NULL DEFAULT '';

CREATE TABLE article_search (
    article_id BIGINT PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
    title      TEXT NOT NULL,
    dek        TEXT NOT NULL,
    body       TEXT NOT NULL,
    takeaways  TEXT NOT NULL,
    faq        TEXT NOT NULL,
    doc        TSVECTOR GENERATED ALWAYS AS (
        setweight(to_tsvector('english', title), 'A') ||
        setweight(to_tsvector('english', dek), 'B') ||
        setweight(to_tsvector('english', takeaways), 'B') ||
        setweight(to_tsvector('english', faq), 'C') ||
        setweight(to_tsvector('english', body), 'D')
    ) STORED
);
CREATE INDEX article_search_doc ON article_search USING GIN (doc);
