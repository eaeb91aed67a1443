-- Old article addresses and byline-only authors.
--
-- `slug_redirects`: every address a published article had before its slug was changed.
-- Each answers 301 to the article's current address (the article, not the next slug,
-- is stored, so a chain of renames is always one hop) and is never given to another
-- article.
CREATE TABLE slug_redirects (
    old_slug   TEXT PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    created_at TEXT NOT NULL
);
CREATE INDEX slug_redirects_article ON slug_redirects(article_id);

-- Bylines without a login (wire services, freelancers, "Staff"). Their slugs share the
-- `/authors/{slug}` namespace with staff accounts. Once linked to a staff account
-- (`user_id`), their articles are credited to that account and the old author page
-- answers 301 to the account's.
CREATE TABLE bylines (
    id         INTEGER PRIMARY KEY,
    slug       TEXT NOT NULL UNIQUE,
    name       TEXT NOT NULL,
    bio        TEXT NOT NULL DEFAULT '',
    user_id    INTEGER UNIQUE REFERENCES users(id),
    created_at TEXT NOT NULL
);

-- An article's byline-only authors; `position` counts together with
-- `article_authors.position`, so staff and byline-only authors keep one order.
CREATE TABLE article_bylines (
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    byline_id  INTEGER NOT NULL REFERENCES bylines(id),
    position   INTEGER NOT NULL,
    PRIMARY KEY (article_id, byline_id)
);
CREATE INDEX article_bylines_byline ON article_bylines(byline_id, article_id);

CREATE TRIGGER content_slug_redirects_insert AFTER INSERT ON slug_redirects
BEGIN UPDATE content_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER content_slug_redirects_update AFTER UPDATE ON slug_redirects
BEGIN UPDATE content_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER content_slug_redirects_delete AFTER DELETE ON slug_redirects
BEGIN UPDATE content_version SET version = version + 1 WHERE id = 1; END;

CREATE TRIGGER content_bylines_update AFTER UPDATE ON bylines
BEGIN UPDATE content_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER content_bylines_delete AFTER DELETE ON bylines
BEGIN UPDATE content_version SET version = version + 1 WHERE id = 1; END;

CREATE TRIGGER content_article_bylines_insert AFTER INSERT ON article_bylines
WHEN EXISTS (SELECT 1 FROM articles WHERE id = NEW.article_id AND status = 'published')
BEGIN UPDATE content_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER content_article_bylines_update AFTER UPDATE ON article_bylines
WHEN EXISTS (SELECT 1 FROM articles WHERE id = NEW.article_id AND status = 'published') OR EXISTS (SELECT 1 FROM articles WHERE id = OLD.article_id AND status = 'published')
BEGIN UPDATE content_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER content_article_bylines_delete AFTER DELETE ON article_bylines
WHEN EXISTS (SELECT 1 FROM articles WHERE id = OLD.article_id AND status = 'published')
BEGIN UPDATE content_version SET version = version + 1 WHERE id = 1; END;
