-- Search ranks its matches in tiers (every word in the headline; every word in the
-- headline, dek or takeaways; anywhere), newest first within each. Telling the tiers
-- apart from the whole document meant reading it out of TOAST a second time for every
-- candidate; this small vector of the headline (weight A) and the dek and takeaways
-- stays in the row.
ALTER TABLE article_search ADD COLUMN head TSVECTOR GENERATED ALWAYS AS (
    setweight(to_tsvector('english', title), 'A') ||
    to_tsvector('english', dek || ' ' || takeaways)
) STORED;
