-- Draft saves no longer move the content version (which empties every instance's page
-- cache). Statement triggers fire even when a statement changes no row: the tag upsert
-- (`ON CONFLICT DO NOTHING`) on every save, and the address and byline bookkeeping.
-- Tags themselves are never shown on their own (only through a published article's
-- `article_tags`, which keeps its trigger), so they need none; the others now fire
-- for each row actually changed.
DROP TRIGGER IF EXISTS content_tags ON tags;
DROP TRIGGER IF EXISTS content_slug_redirects ON slug_redirects;
DROP TRIGGER IF EXISTS content_bylines ON bylines;
CREATE TRIGGER content_slug_redirects AFTER INSERT OR UPDATE OR DELETE ON slug_redirects
FOR EACH ROW EXECUTE FUNCTION bump_content_version();
CREATE TRIGGER content_bylines AFTER UPDATE OR DELETE ON bylines
FOR EACH ROW EXECUTE FUNCTION bump_content_version();
