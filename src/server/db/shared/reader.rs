//! What readers see: listings of published articles, tag and author pages, neighbours
//! and related articles, feeds, search and the corrections page. Every summary listing
//! (the newsroom's too) runs through [`Backend::summaries`] or, where no card is shown,
//! its card-less half.

use super::articles::{load_many, Texts};
use super::{Backend, Db};
use crate::model::{
    Article, ArticleSummary, AuthorProfile, Correction, CorrectionEntry, SearchHit, SearchResults,
    Tag,
};
use crate::server::db::common::{
    highlight, CorrectionRow, Listing, SlugFilter, SlugNameRow, SummaryRow, MANY_MATCHES,
    SUMMARY_SELECT,
};

/// Newest articles per tag considered for "related" (see `related_published`).
const RELATED_PER_TAG: i64 = 200;
use crate::server::db::{ReaderStore, Result};
use chrono::{DateTime, Utc};

impl Backend {
    /// The summaries `listing` names, one page of them when `page` is `(limit, offset)`,
    /// without the cards' parts.
    async fn bare_summaries(
        &self,
        listing: Listing<'_>,
        page: Option<(i64, i64)>,
    ) -> Result<Vec<ArticleSummary>> {
        let walk = match listing.slug_filter() {
            Some((filter, slug)) => self.slug_matches(filter, slug).await? > MANY_MATCHES,
            None => false,
        };
        let sql = listing.sql(page, walk);
        let ids_first = listing.ids_first(page);
        // A deep page's statement holds its page numbers: made for the one request rather
        // than kept, so pages read by crawlers don't push the common statements out of
        // each connection's cache.
        let query =
            sqlx::query_as::<Db, SummaryRow>(sqlx::AssertSqlSafe(sql)).persistent(!ids_first);
        let query = match listing {
            Listing::Staff { author_id } => query.bind(author_id),
            Listing::Published => query,
            Listing::Tag(slug) | Listing::Author(slug) => query.bind(slug),
            Listing::Since(at) => query.bind(at),
            Listing::Newer(at, id) | Listing::Older(at, id) => query.bind(at).bind(id),
        };
        let query = match page {
            Some((limit, offset)) if !listing.page_in_text(page) => query.bind(limit).bind(offset),
            _ => query,
        };
        let rows = query.fetch_all(&self.pool).await?;
        Ok(rows.into_iter().map(Into::into).collect())
    }

    /// A listing's summaries with what readers' cards show (lead image, bylines, tags)
    /// where a reader's listing needs them; the desk and the news sitemap show none.
    pub(super) async fn summaries(
        &self,
        listing: Listing<'_>,
        page: Option<(i64, i64)>,
    ) -> Result<Vec<ArticleSummary>> {
        let cards = !matches!(listing, Listing::Staff { .. } | Listing::Since(_));
        let mut summaries = self.bare_summaries(listing, page).await?;
        if cards {
            super::media::fill_cards(&self.pool, &mut summaries).await?;
        }
        Ok(summaries)
    }

    /// How many articles each status holds, as kept by the triggers of migration 0017
    /// (summed: on PostgreSQL a status can have several rows until they are folded).
    pub(super) async fn kept_status_counts(&self) -> Result<Vec<(String, i64)>> {
        Ok(sqlx::query_as(
            "SELECT status, CAST(SUM(n) AS BIGINT) FROM article_status_counts GROUP BY status",
        )
        .fetch_all(&self.pool)
        .await?)
    }

    /// How many articles match a tag or author `slug`, counted up to one more than
    /// [`MANY_MATCHES`] (so asking costs at most that many index entries).
    pub(super) async fn slug_matches(&self, filter: SlugFilter, slug: &str) -> Result<i64> {
        Ok(sqlx::query_scalar(sqlx::AssertSqlSafe(filter.count_sql()))
            .bind(slug)
            .bind(MANY_MATCHES + 1)
            .fetch_one(&self.pool)
            .await?)
    }
}

#[async_trait::async_trait]
impl ReaderStore for Backend {
    async fn count_published(&self) -> Result<i64> {
        let counts = self.kept_status_counts().await?;
        let published = crate::model::ArticleStatus::Published.as_str();
        Ok(counts
            .into_iter()
            .find(|(status, _)| status == published)
            .map_or(0, |(_, n)| n))
    }

    async fn list_published(&self, limit: i64, offset: i64) -> Result<Vec<ArticleSummary>> {
        self.summaries(Listing::Published, Some((limit, offset)))
            .await
    }

    async fn list_corrections(&self, limit: i64) -> Result<Vec<CorrectionEntry>> {
        let rows: Vec<CorrectionRow> = sqlx::query_as(
            // CROSS JOIN keeps SQLite walking the corrections (few, newest first) rather
            // than every published article.
            "SELECT a.id, a.slug, a.title, a.dek, a.status, a.published_at, a.updated_at, \
             a.version, c.note, c.created_at AS corrected_at FROM corrections c \
             CROSS JOIN articles a WHERE a.id = c.article_id AND a.status = 'published' \
             ORDER BY c.created_at DESC, c.id DESC LIMIT $1",
        )
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|r| CorrectionEntry {
                article: r.article.into(),
                correction: Correction {
                    note: r.note,
                    at: r.corrected_at,
                },
            })
            .collect())
    }

    /// The published articles sharing the most tags with `id`, newest first among
    /// equals. Only the newest [`RELATED_PER_TAG`] published articles of each tag are
    /// candidates: a section tag can hold a tenth of a big site, and counting shared tags
    /// over all of it took a third of a second at 100,000 articles. The candidates come
    /// from the tag rows' publication-time index alone (migration 0018), one range per
    /// tag, ranked by the database and read with their summaries in the same statement.
    /// PostgreSQL finds the article's tags in that statement too (a lateral join); SQLite
    /// has no lateral joins, so it asks for the tag ids first and writes one range each.
    async fn related_published(&self, id: i64, limit: i64) -> Result<Vec<ArticleSummary>> {
        if limit <= 0 {
            return Ok(Vec::new());
        }
        // The limits are numbers in the text: as parameters, PostgreSQL planned the
        // statement again for every article page (0.3–0.5 ms).
        let range = format!(
            "SELECT article_id, published_at FROM article_tags x \
             WHERE x.tag_id = {{tag}} AND x.published_at IS NOT NULL AND x.article_id <> $1 \
             ORDER BY x.published_at DESC, x.article_id DESC LIMIT {RELATED_PER_TAG}"
        );
        let candidates = if super::LATERAL_JOINS {
            format!(
                "SELECT c.article_id, c.published_at FROM article_tags me CROSS JOIN LATERAL \
                 ({}) c WHERE me.article_id = $1",
                range.replace("{tag}", "me.tag_id")
            )
        } else {
            let tags: Vec<(i64,)> =
                sqlx::query_as("SELECT tag_id FROM article_tags WHERE article_id = $1")
                    .bind(id)
                    .fetch_all(&self.pool)
                    .await?;
            if tags.is_empty() {
                return Ok(Vec::new());
            }
            // The tag ids are integers the database just gave us, so they are written inline.
            tags.iter()
                .map(|(tag,)| {
                    let range = range.replace("{tag}", &tag.to_string());
                    format!("SELECT * FROM ({range}) t{tag}")
                })
                .collect::<Vec<_>>()
                .join(" UNION ALL ")
        };
        let sql = format!(
            "{SUMMARY_SELECT} JOIN (SELECT article_id, COUNT(*) AS shared, \
             MAX(published_at) AS latest FROM ({candidates}) c GROUP BY article_id \
             ORDER BY shared DESC, latest DESC, article_id DESC LIMIT {limit}) r \
             ON r.article_id = a.id ORDER BY r.shared DESC, r.latest DESC, a.id DESC"
        );
        let rows: Vec<SummaryRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(id)
            .fetch_all(&self.pool)
            .await?;
        Ok(rows
            .into_iter()
            .map(ArticleSummary::from)
            .filter(|a| a.status == crate::model::ArticleStatus::Published)
            .collect())
    }

    async fn neighbours(
        &self,
        article: &Article,
    ) -> Result<(Option<ArticleSummary>, Option<ArticleSummary>)> {
        let Some(at) = article.published_at else {
            return Ok((None, None));
        };
        // Both in one statement (they take the same two parameters), and without the
        // cards' images and bylines: the page shows only their headlines.
        let sql = format!(
            "SELECT * FROM ({} LIMIT 1) n UNION ALL SELECT * FROM ({} LIMIT 1) o",
            Listing::Newer(at, article.id).sql(None, false),
            Listing::Older(at, article.id).sql(None, false)
        );
        let rows: Vec<SummaryRow> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(at)
            .bind(article.id)
            .fetch_all(&self.pool)
            .await?;
        let (mut newer, mut older) = (None, None);
        for summary in rows.into_iter().map(ArticleSummary::from) {
            if (summary.published_at, summary.id) > (Some(at), article.id) {
                newer = Some(summary);
            } else {
                older = Some(summary);
            }
        }
        Ok((newer, older))
    }

    async fn tag_by_slug(&self, slug: &str) -> Result<Option<Tag>> {
        // A tag only drafts use is not public yet.
        let row: Option<SlugNameRow> = sqlx::query_as(
            "SELECT t.slug, t.name FROM tags t WHERE t.slug = $1 AND EXISTS (\
             SELECT 1 FROM article_tags x WHERE x.tag_id = t.id AND x.published_at IS NOT NULL)",
        )
        .bind(slug)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(|r| Tag {
            slug: r.slug,
            name: r.name,
        }))
    }

    async fn list_published_by_tag(
        &self,
        tag_slug: &str,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<ArticleSummary>> {
        self.summaries(Listing::Tag(tag_slug), Some((limit, offset)))
            .await
    }

    async fn author_by_slug(&self, slug: &str) -> Result<Option<AuthorProfile>> {
        // Only people with a published byline have a public page: a staff account is not
        // an author until something of theirs is out.
        // Byline-only authors likewise, until they are linked to a staff account.
        // Staff bylines carry their article's status (migration 0016); a byline-only
        // author's articles are checked one by one, stopping at the first published
        // (a join hashed every byline first: 4 ms for a writer of 20,000 articles).
        let row: Option<(String, String, String)> = sqlx::query_as(
            "SELECT u.slug, u.name, u.bio FROM users u WHERE u.slug = $1 AND EXISTS (\
             SELECT 1 FROM article_authors x WHERE x.user_id = u.id AND x.status = 'published') \
             UNION ALL SELECT b.slug, b.name, b.bio FROM bylines b \
             WHERE b.slug = $1 AND b.user_id IS NULL AND EXISTS (\
             SELECT 1 FROM article_bylines x WHERE x.byline_id = b.id \
             AND (SELECT a.status FROM articles a WHERE a.id = x.article_id) = 'published')",
        )
        .bind(slug)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(|(slug, name, bio)| AuthorProfile { slug, name, bio }))
    }

    async fn list_published_by_author(
        &self,
        author_slug: &str,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<ArticleSummary>> {
        self.summaries(Listing::Author(author_slug), Some((limit, offset)))
            .await
    }

    async fn published_since(
        &self,
        since: DateTime<Utc>,
        limit: i64,
    ) -> Result<Vec<ArticleSummary>> {
        self.summaries(Listing::Since(since), Some((limit, 0)))
            .await
    }

    async fn latest_published_full(
        &self,
        tag_slug: Option<&str>,
        limit: i64,
    ) -> Result<Vec<Article>> {
        let listing = match tag_slug {
            Some(tag) => Listing::Tag(tag),
            None => Listing::Published,
        };
        // The full articles bring their own images, bylines and tags.
        let list = self.bare_summaries(listing, Some((limit, 0))).await?;
        let ids: Vec<i64> = list.iter().map(|s| s.id).collect();
        let mut conn = self.pool.acquire().await?;
        load_many(&mut conn, &ids, Texts::Html).await
    }

    async fn search(&self, terms: &[String], limit: i64, offset: i64) -> Result<SearchResults> {
        if terms.is_empty() {
            return Ok(SearchResults {
                hits: Vec::new(),
                more: false,
            });
        }
        // One hit more than shown tells whether another page follows; only the hits
        // shown get a snippet.
        let mut rows = self.search_rows(terms, limit + 1, offset).await?;
        let more = rows.len() as i64 > limit;
        rows.truncate(limit.max(0) as usize);
        let stems = crate::server::db::snippet::Terms::new(terms);
        let hits = rows
            .into_iter()
            .map(|row| SearchHit {
                snippet_html: highlight(&row.snippet(&stems)),
                article: row.summary.into(),
            })
            .collect();
        Ok(SearchResults { hits, more })
    }
}
