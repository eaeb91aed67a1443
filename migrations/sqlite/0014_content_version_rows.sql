-- Draft saves no longer move the content version (which empties every instance's page
-- cache): a new tag on a draft, or an unused tag dropped, changes nothing readers see.
-- Tags are only shown through a published article's `article_tags`, which keeps its
-- triggers.
DROP TRIGGER content_tags_insert;
DROP TRIGGER content_tags_update;
DROP TRIGGER content_tags_delete;
