-- Users, sessions, articles with their structured parts, tags, authors and revisions.
CREATE TABLE users (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email         TEXT NOT NULL,
    name          TEXT NOT NULL,
    slug          TEXT NOT NULL UNIQUE,
    role          TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'editor', 'author')),
    password_hash TEXT NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL
);

CREATE TABLE sessions (
    token_hash   TEXT PRIMARY KEY,
    user_id      BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at   TIMESTAMPTZ NOT NULL,
    last_seen_at TIMESTAMPTZ NOT NULL,
    expires_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE setup_tokens (
    token_hash TEXT PRIMARY KEY,
    created_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE articles (
    id                   BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
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
    published_at         TIMESTAMPTZ,
    created_at           TIMESTAMPTZ NOT NULL,
    updated_at           TIMESTAMPTZ NOT NULL,
    version              BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX articles_published ON articles(status, published_at);

CREATE TABLE takeaways (
    article_id BIGINT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    position   BIGINT NOT NULL,
    text       TEXT NOT NULL,
    PRIMARY KEY (article_id, position)
);

CREATE TABLE faq_items (
    article_id  BIGINT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    position    BIGINT NOT NULL,
    anchor      TEXT NOT NULL,
    question    TEXT NOT NULL,
    answer_md   TEXT NOT NULL,
    answer_html TEXT NOT NULL,
    PRIMARY KEY (article_id, position)
);

CREATE TABLE tags (
    id   BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL
);

CREATE TABLE article_tags (
    article_id BIGINT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    tag_id     BIGINT NOT NULL REFERENCES tags(id),
    position   BIGINT NOT NULL,
    PRIMARY KEY (article_id, tag_id)
);

CREATE TABLE article_authors (
    article_id BIGINT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    user_id    BIGINT NOT NULL REFERENCES users(id),
    position   BIGINT NOT NULL,
    PRIMARY KEY (article_id, user_id)
);

CREATE TABLE revisions (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    article_id BIGINT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    version    BIGINT NOT NULL,
    snapshot   TEXT NOT NULL,
    user_id    BIGINT REFERENCES users(id),
    created_at TIMESTAMPTZ NOT NULL,
    UNIQUE (article_id, version)
);
CREATE UNIQUE INDEX users_email_lower ON users (lower(email));
