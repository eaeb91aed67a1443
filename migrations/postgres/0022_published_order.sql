-- Published articles in the reader's order, publication time then id, in one index: a
-- deep page of the home page (and the neighbours of an article) then come from the
-- index alone, without fetching the row of every article passed over or sorting ties.
-- It replaces the index on (status, published_at), which it extends.
CREATE INDEX articles_published_order ON articles(status, published_at, id);
DROP INDEX articles_published;
