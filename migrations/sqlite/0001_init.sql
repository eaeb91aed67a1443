-- Users, sessions, articles with their structured parts, tags, authors and revisions.
CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    email         TEXT NOT NULL UNIQUE COLLATE NOCASE,
    name          TEXT NOT NULL,
    slug          TEXT NOT NULL UNIQUE,
    role          TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'editor', 'author')),
    password_hash TEXT NOT NULL,
    created_at    TEXT NOT NULL
);

CREATE TABLE sessions (
    token_hash   TEXT PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at   TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    expires_at   TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE setup_tokens (
    token_hash TEXT PRIMARY KEY,
    created_at TEXT NOT NULL
);

CREATE TABLE articles (
    id                   INTEGER PRIMARY KEY,
    slug                 TEXT NOT NULL UNIQUE,
    title                TEXT NOT NULL,
    dek                  TEXT NOT NULL DEFAULT '',
    body_md              TEXT NOT NULL DEFAULT '',
    body_html            TEXT NOT NULL DEFAULT '',
    analysis_md          TEXT NOT NULL DEFAULT '',
    analysis_html        TEXT NOT NULL DEFAULT '',
    disclosure_level     TEXT,
    disclosure_statement TEXT,
    disclosure_tool      TEXT,
    disclosure_reviewer  TEXT,
    status               TEXT NOT NULL DEFAULT 'draft',
    published_at         TEXT,
    created_at           TEXT NOT NULL,
    updated_at           TEXT NOT NULL,
    version              INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX articles_published ON articles(status, published_at);

CREATE TABLE takeaways (
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    text       TEXT NOT NULL,
    PRIMARY KEY (article_id, position)
);

CREATE TABLE faq_items (
    article_id  INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    anchor      TEXT NOT NULL,
    question    TEXT NOT NULL,
    answer_md   TEXT NOT NULL,
    answer_html TEXT NOT NULL,
    PRIMARY KEY (article_id, position)
);

CREATE TABLE tags (
    id   INTEGER PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL
);

CREATE TABLE article_tags (
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    tag_id     INTEGER NOT NULL REFERENCES tags(id),
    position   INTEGER NOT NULL,
    PRIMARY KEY (article_id, tag_id)
);

CREATE TABLE article_authors (
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    user_id    INTEGER NOT NULL REFERENCES users(id),
    position   INTEGER NOT NULL,
    PRIMARY KEY (article_id, user_id)
);

CREATE TABLE revisions (
    id         INTEGER PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    version    INTEGER NOT NULL,
    snapshot   TEXT NOT NULL,
    user_id    INTEGER REFERENCES users(id),
    created_at TEXT NOT NULL,
    UNIQUE (article_id, version)
);
