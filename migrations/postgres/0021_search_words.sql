-- Search ranks the newest few hundred articles holding a common word, and for each one
-- whose headline, dek and takeaways lack some of the words it asked whether the whole
-- document held them: that read the full document vector (every word with its
-- positions and weights, several KB, out of line in TOAST) for most candidates. This
-- vector holds each word of the article once, without positions or weights, and stays
-- in the row (STORAGE MAIN), compressed with LZ4 where the server has it: the rows
-- computed now by this transaction's default, later ones by the column's setting.
DO $$
BEGIN
    SET LOCAL default_toast_compression = 'lz4';
EXCEPTION WHEN invalid_parameter_value OR undefined_object THEN
    RAISE NOTICE 'LZ4 compression is not available; the search words are compressed with pglz';
END
$$;
ALTER TABLE article_search
    ADD COLUMN words TSVECTOR GENERATED ALWAYS AS (strip(
        to_tsvector('english', title) || to_tsvector('english', dek) ||
        to_tsvector('english', takeaways) || to_tsvector('english', faq) ||
        to_tsvector('english', body)
    )) STORED,
    ALTER COLUMN words SET STORAGE MAIN;
DO $$
BEGIN
    ALTER TABLE article_search ALTER COLUMN words SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported OR syntax_error THEN
    NULL;
END
$$;
