-- A tag's public pages and feed list its published articles newest first. Walking every
-- published article and checking its tags, or collecting a tag's articles and sorting
-- them, read hundreds to thousands of rows for a page at 100,000 articles. Each tag row
-- now carries its article's publication time while the article is published (NULL
-- otherwise), kept equal by the triggers below, so a page is a range of one index.
ALTER TABLE article_tags ADD COLUMN published_at TIMESTAMPTZ;
UPDATE article_tags t SET published_at = a.published_at
    FROM articles a WHERE a.id = t.article_id AND a.status = 'published';
CREATE INDEX article_tags_listing ON article_tags(tag_id, published_at DESC, article_id DESC)
    WHERE published_at IS NOT NULL;

CREATE FUNCTION article_tags_published() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.published_at := (
        SELECT published_at FROM articles WHERE id = NEW.article_id AND status = 'published'
    );
    RETURN NEW;
END $$;
CREATE TRIGGER article_tags_published BEFORE INSERT ON article_tags
    FOR EACH ROW EXECUTE FUNCTION article_tags_published();

CREATE FUNCTION articles_published_to_tags() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE article_tags
    SET published_at = CASE WHEN NEW.status = 'published' THEN NEW.published_at END
    WHERE article_id = NEW.id;
    RETURN NULL;
END $$;
CREATE TRIGGER articles_published_to_tags AFTER UPDATE OF status, published_at ON articles
    FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status
        OR OLD.published_at IS DISTINCT FROM NEW.published_at)
    EXECUTE FUNCTION articles_published_to_tags();
