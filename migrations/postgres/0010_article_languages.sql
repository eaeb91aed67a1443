-- Articles per language: an article may be in another language than the site's
-- (BCP 47 tag; NULL means the site's), and translations of one article share a group
-- named after the original's id. Site settings live in `settings` (0007) under `site.*`
-- keys, whose triggers (0008) already bump the content version.
ALTER TABLE articles ADD COLUMN language TEXT;
ALTER TABLE articles ADD COLUMN translation_group BIGINT REFERENCES articles(id) ON DELETE SET NULL;
CREATE INDEX articles_translation_group ON articles(translation_group)
    WHERE translation_group IS NOT NULL;
