-- Search reads the text of every hit it shows (30 bodies and FAQs) to cut its snippets,
-- and decompressing them with PostgreSQL's own pglz was a fifth of that read. LZ4
-- decompresses several times faster. Values written from now on are compressed with it;
-- older ones stay as they are until their article is saved again. A server built
-- without LZ4 (or older than PostgreSQL 14) keeps pglz.
DO $$
BEGIN
    ALTER TABLE article_search
        ALTER COLUMN body SET COMPRESSION lz4,
        ALTER COLUMN faq SET COMPRESSION lz4,
        ALTER COLUMN takeaways SET COMPRESSION lz4;
    ALTER TABLE articles
        ALTER COLUMN body_md SET COMPRESSION lz4,
        ALTER COLUMN body_html SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported OR syntax_error THEN
    RAISE NOTICE 'LZ4 compression is not available; text stays compressed with pglz';
END
$$;
