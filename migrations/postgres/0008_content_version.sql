-- The content version: a counter bumped by the database itself on every change readers
-- can see (a published article or its parts, corrections, tags, bylines, settings),
-- whichever process made it. Every instance polls it and empties its page cache when it
-- moves, so readers see a change within a second of its commit.
CREATE TABLE content_version (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    version BIGINT NOT NULL
);
INSERT INTO content_version (id, version) VALUES (1, 1);

CREATE FUNCTION bump_content_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE content_version SET version = version + 1 WHERE id = 1;
    RETURN NULL;
END $$;

-- For the parts of an article: only when the article they belong to is published.
CREATE FUNCTION bump_content_version_if_published() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF (TG_OP <> 'DELETE' AND EXISTS (
            SELECT 1 FROM articles WHERE id = NEW.article_id AND status = 'published'))
       OR (TG_OP <> 'INSERT' AND EXISTS (
            SELECT 1 FROM articles WHERE id = OLD.article_id AND status = 'published')) THEN
        UPDATE content_version SET version = version + 1 WHERE id = 1;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER content_articles_insert AFTER INSERT ON articles
FOR EACH ROW WHEN (NEW.status = 'published') EXECUTE FUNCTION bump_content_version();
CREATE TRIGGER content_articles_update AFTER UPDATE ON articles
FOR EACH ROW WHEN (NEW.status = 'published' OR OLD.status = 'published')
EXECUTE FUNCTION bump_content_version();
CREATE TRIGGER content_articles_delete AFTER DELETE ON articles
FOR EACH ROW WHEN (OLD.status = 'published') EXECUTE FUNCTION bump_content_version();
CREATE TRIGGER content_takeaways AFTER INSERT OR UPDATE OR DELETE ON takeaways
FOR EACH ROW EXECUTE FUNCTION bump_content_version_if_published();
CREATE TRIGGER content_faq_items AFTER INSERT OR UPDATE OR DELETE ON faq_items
FOR EACH ROW EXECUTE FUNCTION bump_content_version_if_published();
CREATE TRIGGER content_article_tags AFTER INSERT OR UPDATE OR DELETE ON article_tags
FOR EACH ROW EXECUTE FUNCTION bump_content_version_if_published();
CREATE TRIGGER content_article_authors AFTER INSERT OR UPDATE OR DELETE ON article_authors
FOR EACH ROW EXECUTE FUNCTION bump_content_version_if_published();
CREATE TRIGGER content_corrections AFTER INSERT OR UPDATE OR DELETE ON corrections
FOR EACH STATEMENT EXECUTE FUNCTION bump_content_version();
CREATE TRIGGER content_tags AFTER INSERT OR UPDATE OR DELETE ON tags
FOR EACH STATEMENT EXECUTE FUNCTION bump_content_version();
CREATE TRIGGER content_settings AFTER INSERT OR UPDATE OR DELETE ON settings
FOR EACH STATEMENT EXECUTE FUNCTION bump_content_version();
CREATE TRIGGER content_users_update AFTER UPDATE OF name, slug, bio, active ON users
FOR EACH ROW EXECUTE FUNCTION bump_content_version();
CREATE TRIGGER content_users_delete AFTER DELETE ON users
FOR EACH STATEMENT EXECUTE FUNCTION bump_content_version();
