-- Each article's status and publication time by id, apart from its row: search checks
-- both for a few hundred candidates, and in the row they come after the body, so every
-- check read the body's overflow pages (more pages than a connection's cache holds).
CREATE INDEX articles_search_status ON articles(id, status, published_at);
