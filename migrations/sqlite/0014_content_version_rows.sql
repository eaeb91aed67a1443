-- Draft saves no longer move the content version (which empties every instance's page
-- cache): a new tag on a draft, or an unused tag dropped, changes nothing readers see.
-- Tags are only shown through a published article's `article_tags`, which keeps its
-- triggers. `IF EXISTS`: instances starting together on one file may both run this
-- (SQLite has no migration lock); the second then finds the migration recorded.
DROP TRIGGER IF EXISTS content_tags_insert;
DROP TRIGGER IF EXISTS content_tags_update;
DROP TRIGGER IF EXISTS content_tags_delete;
