-- Author biographies, and the full-text index over published article text.
ALTER TABLE users ADD COLUMN bio TEXT NOT NULL DEFAULT '';

CREATE VIRTUAL TABLE article_search USING fts5(
    title, dek, body, takeaways, faq,
    tokenize = 'porter unicode61 remove_diacritics 2'
);
