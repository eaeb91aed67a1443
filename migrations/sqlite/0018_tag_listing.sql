-- A tag's public pages and feed list its published articles newest first. Walking every
-- published article and checking its tags, or collecting a tag's articles and sorting
-- them, read hundreds to thousands of rows for a page at 100,000 articles. Each tag row
-- now carries its article's publication time while the article is published (NULL
-- otherwise), kept equal by the triggers below, so a page is a range of one index.
ALTER TABLE article_tags ADD COLUMN published_at TEXT;
UPDATE article_tags SET published_at = (
    SELECT published_at FROM articles
    WHERE id = article_tags.article_id AND status = 'published'
);
CREATE INDEX article_tags_listing ON article_tags(tag_id, published_at DESC, article_id DESC)
    WHERE published_at IS NOT NULL;

CREATE TRIGGER article_tags_published_insert AFTER INSERT ON article_tags
BEGIN
    UPDATE article_tags SET published_at = (
        SELECT published_at FROM articles WHERE id = NEW.article_id AND status = 'published'
    )
    WHERE article_id = NEW.article_id AND tag_id = NEW.tag_id;
END;

CREATE TRIGGER articles_published_to_tags AFTER UPDATE OF status, published_at ON articles
WHEN NEW.status IS NOT OLD.status OR NEW.published_at IS NOT OLD.published_at
BEGIN
    UPDATE article_tags
    SET published_at = CASE WHEN NEW.status = 'published' THEN NEW.published_at END
    WHERE article_id = NEW.id;
END;
