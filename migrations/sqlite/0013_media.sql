-- Pictures: each uploaded file once (content-addressed by the SHA-256 of its bytes), its
-- processed variants (every width of the ladder in WebP and JPEG, and the social crops),
-- which articles use it, and each article's lead image with its own alt, caption and
-- credit. Kept in the database so every instance serves them with no shared file system.
CREATE TABLE media (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    hash        TEXT NOT NULL UNIQUE,
    width       INTEGER NOT NULL,
    height      INTEGER NOT NULL,
    format      TEXT NOT NULL,
    original    BLOB NOT NULL,
    alt         TEXT NOT NULL DEFAULT '',
    caption     TEXT NOT NULL DEFAULT '',
    credit      TEXT NOT NULL DEFAULT '',
    focus_x     INTEGER NOT NULL DEFAULT 50,
    focus_y     INTEGER NOT NULL DEFAULT 50,
    uploaded_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
    created_at  TEXT NOT NULL
);

CREATE TABLE media_variants (
    media_id     INTEGER NOT NULL REFERENCES media(id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    content_type TEXT NOT NULL,
    width        INTEGER NOT NULL,
    height       INTEGER NOT NULL,
    bytes        BLOB NOT NULL,
    PRIMARY KEY (media_id, name)
);

CREATE TABLE article_media (
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    media_id   INTEGER NOT NULL REFERENCES media(id),
    PRIMARY KEY (article_id, media_id)
);
CREATE INDEX article_media_media ON article_media(media_id);

ALTER TABLE articles ADD COLUMN lead_media_id INTEGER REFERENCES media(id);
ALTER TABLE articles ADD COLUMN lead_alt TEXT NOT NULL DEFAULT '';
ALTER TABLE articles ADD COLUMN lead_caption TEXT NOT NULL DEFAULT '';
ALTER TABLE articles ADD COLUMN lead_credit TEXT NOT NULL DEFAULT '';

-- A new focal point gives new crops (new addresses) on the pages that use the picture.
CREATE TRIGGER content_media_update AFTER UPDATE ON media
WHEN EXISTS (SELECT 1 FROM article_media am JOIN articles a ON a.id = am.article_id
             WHERE am.media_id = NEW.id AND a.status = 'published')
BEGIN UPDATE content_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER content_article_media_insert AFTER INSERT ON article_media
WHEN EXISTS (SELECT 1 FROM articles WHERE id = NEW.article_id AND status = 'published')
BEGIN UPDATE content_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER content_article_media_delete AFTER DELETE ON article_media
WHEN EXISTS (SELECT 1 FROM articles WHERE id = OLD.article_id AND status = 'published')
BEGIN UPDATE content_version SET version = version + 1 WHERE id = 1; END;
