-- How many articles each status holds, kept as articles change: the desk shows the
-- counts on every view, and the sitemap index needs the number published. Counting
-- them read an index entry per article (several milliseconds at 100,000 articles).
-- SQLite has one writer at a time, so a counter row per status is updated in place.
CREATE TABLE article_status_counts (
    status TEXT PRIMARY KEY,
    n      INTEGER NOT NULL
);
INSERT INTO article_status_counts (status, n)
    SELECT status, COUNT(*) FROM articles GROUP BY status;

CREATE TRIGGER article_status_counts_insert AFTER INSERT ON articles
BEGIN
    INSERT INTO article_status_counts (status, n) VALUES (NEW.status, 1)
        ON CONFLICT (status) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER article_status_counts_delete AFTER DELETE ON articles
BEGIN
    UPDATE article_status_counts SET n = n - 1 WHERE status = OLD.status;
END;

CREATE TRIGGER article_status_counts_update AFTER UPDATE OF status ON articles
WHEN NEW.status <> OLD.status
BEGIN
    UPDATE article_status_counts SET n = n - 1 WHERE status = OLD.status;
    INSERT INTO article_status_counts (status, n) VALUES (NEW.status, 1)
        ON CONFLICT (status) DO UPDATE SET n = n + 1;
END;
