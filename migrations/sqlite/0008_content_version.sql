-- The content version: a counter bumped by the database itself on every change readers
-- can see (a published article or its parts, corrections, tags, bylines, settings),
-- whichever process made it. Every instance polls it and empties its page cache when it
-- moves, so readers see a change within a second of its commit.
CREATE TABLE content_version (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    version INTEGER NOT NULL
);
INSERT INTO content_version (id, version) VALUES (1, 1);

CREATE TRIGGER content_articles_insert AFTER INSERT ON articles
WHEN NEW.status = 'published'
BEGIN UPDATE content_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER content_articles_update AFTER UPDATE ON articles
WHEN NEW.status = 'published' OR OLD.status = 'published'
BEGIN UPDATE content_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER content_articles_delete AFTER DELETE ON articles
WHEN OLD.status = 'published'
BEGIN UPDATE content_version SET version = version + 1 WHERE id = 1; END;

CREATE TRIGGER content_takeaways_insert AFTER INSERT ON takeaways
WHEN EXISTS (SELECT 1 FROM articles WHERE id = NEW.article_id AND status = 'published')
BEGIN UPDATE content_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER content_takeaways_update AFTER UPDATE ON takeaways
WHEN EXISTS (SELECT 1 FROM articles WHERE id = NEW.article_id AND status = 'published') OR EXISTS (SELECT 1 FROM articles WHERE id = OLD.article_id AND status = 'published')
BEGIN UPDATE content_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER content_takeaways_delete AFTER DELETE ON takeaways
WHEN EXISTS (SELECT 1 FROM articles WHERE id = OLD.article_id AND status = 'published')
BEGIN UPDATE content_version SET version = version + 1 WHERE id = 1; END;

CREATE TRIGGER content_faq_items_insert AFTER INSERT ON faq_items
WHEN EXISTS (SELECT 1 FROM articles WHERE id = NEW.article_id AND status = 'published')
BEGIN UPDATE content_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER content_faq_items_update AFTER UPDATE ON faq_items
WHEN EXISTS (SELECT 1 FROM articles WHERE id = NEW.article_id AND status = 'published') OR EXISTS (SELECT 1 FROM articles WHERE id = OLD.article_id AND status = 'published')
BEGIN UPDATE content_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER content_faq_items_delete AFTER DELETE ON faq_items
WHEN EXISTS (SELECT 1 FROM articles WHERE id = OLD.article_id AND status = 'published')
BEGIN UPDATE content_version SET version = version + 1 WHERE id = 1; END;

CREATE TRIGGER content_article_tags_insert AFTER INSERT ON article_tags
WHEN EXISTS (SELECT 1 FROM articles WHERE id = NEW.article_id AND status = 'published')
BEGIN UPDATE content_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER content_article_tags_update AFTER UPDATE ON article_tags
WHEN EXISTS (SELECT 1 FROM articles WHERE id = NEW.article_id AND status = 'published') OR EXISTS (SELECT 1 FROM articles WHERE id = OLD.article_id AND status = 'published')
BEGIN UPDATE content_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER content_article_tags_delete AFTER DELETE ON article_tags
WHEN EXISTS (SELECT 1 FROM articles WHERE id = OLD.article_id AND status = 'published')
BEGIN UPDATE content_version SET version = version + 1 WHERE id = 1; END;

CREATE TRIGGER content_article_authors_insert AFTER INSERT ON article_authors
WHEN EXISTS (SELECT 1 FROM articles WHERE id = NEW.article_id AND status = 'published')
BEGIN UPDATE content_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER content_article_authors_update AFTER UPDATE ON article_authors
WHEN EXISTS (SELECT 1 FROM articles WHERE id = NEW.article_id AND status = 'published') OR EXISTS (SELECT 1 FROM articles WHERE id = OLD.article_id AND status = 'published')
BEGIN UPDATE content_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER content_article_authors_delete AFTER DELETE ON article_authors
WHEN EXISTS (SELECT 1 FROM articles WHERE id = OLD.article_id AND status = 'published')
BEGIN UPDATE content_version SET version = version + 1 WHERE id = 1; END;

CREATE TRIGGER content_corrections_insert AFTER INSERT ON corrections
BEGIN UPDATE content_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER content_corrections_update AFTER UPDATE ON corrections
BEGIN UPDATE content_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER content_corrections_delete AFTER DELETE ON corrections
BEGIN UPDATE content_version SET version = version + 1 WHERE id = 1; END;

CREATE TRIGGER content_tags_insert AFTER INSERT ON tags
BEGIN UPDATE content_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER content_tags_update AFTER UPDATE ON tags
BEGIN UPDATE content_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER content_tags_delete AFTER DELETE ON tags
BEGIN UPDATE content_version SET version = version + 1 WHERE id = 1; END;

CREATE TRIGGER content_settings_insert AFTER INSERT ON settings
BEGIN UPDATE content_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER content_settings_update AFTER UPDATE ON settings
BEGIN UPDATE content_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER content_settings_delete AFTER DELETE ON settings
BEGIN UPDATE content_version SET version = version + 1 WHERE id = 1; END;

CREATE TRIGGER content_users_update AFTER UPDATE OF name, slug, bio, active ON users
BEGIN UPDATE content_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER content_users_delete AFTER DELETE ON users
BEGIN UPDATE content_version SET version = version + 1 WHERE id = 1; END;
