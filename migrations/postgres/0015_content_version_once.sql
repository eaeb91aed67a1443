-- One content-version bump per transaction. Every change in a transaction bumped the
-- counter row again, and PostgreSQL keeps each of those row versions until the
-- transaction ends, so every bump walked all the earlier ones: a `gazette import` or
-- `gazette copy` of 20,000 articles (about 400,000 bumps in one transaction) took time
-- quadratic in its size (in one transaction, 5,000 updates of one row take 0.4 s,
-- 20,000 take 4.4 s). A transaction-local setting now remembers that this transaction
-- has bumped already; readers see a transaction's changes only when it commits, so one
-- bump covers them all. (SQLite updates the row in place: no such cost there.)
CREATE FUNCTION bump_content_version_once() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('gazette.content_bumped', true) IS DISTINCT FROM 'yes' THEN
        UPDATE content_version SET version = version + 1 WHERE id = 1;
        PERFORM set_config('gazette.content_bumped', 'yes', true);
    END IF;
END $$;

CREATE OR REPLACE FUNCTION bump_content_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM bump_content_version_once();
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION bump_content_version_if_published() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF (TG_OP <> 'DELETE' AND EXISTS (
            SELECT 1 FROM articles WHERE id = NEW.article_id AND status = 'published'))
       OR (TG_OP <> 'INSERT' AND EXISTS (
            SELECT 1 FROM articles WHERE id = OLD.article_id AND status = 'published')) THEN
        PERFORM bump_content_version_once();
    END IF;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION bump_content_version_if_media_published() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM article_media am JOIN articles a ON a.id = am.article_id
               WHERE am.media_id = NEW.id AND a.status = 'published') THEN
        PERFORM bump_content_version_once();
    END IF;
    RETURN NULL;
END $$;
