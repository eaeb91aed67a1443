-- Indexes the reader's pages need at 100,000 articles: articles by tag (tag pages,
-- related articles) and by author (author pages), newest first.
CREATE INDEX article_tags_tag ON article_tags(tag_id, article_id);
CREATE INDEX article_authors_user ON article_authors(user_id, article_id);
