//! Articles as the newsroom works on them: loading one with all its parts, creating,
//! editing, moving through the workflow, scheduled publication and corrections.

use super::bylines::set_bylines;
use super::redirects::{change_slug, slug_retired};
use super::revisions::write_revision;
use super::{Backend, Conn, Db};
use crate::error::AppError;
use crate::model::{Article, ArticleStatus, ArticleSummary, User};
use crate::server::db::common::{
    assemble, now, ArticleRow, FaqRow, KeyArg, Listing, SlugNameRow, ARTICLE_SELECT,
    ARTICLE_SELECT_HTML,
};
use crate::server::db::{ArticleStore, Content, ImportItem, Result};
use crate::server::render::html_text;
use chrono::{DateTime, Utc};
use sqlx::{AssertSqlSafe, Row};

#[async_trait::async_trait]
impl ArticleStore for Backend {
    async fn list_articles(&self, author_id: Option<i64>) -> Result<Vec<ArticleSummary>> {
        self.summaries(Listing::Staff { author_id }, None).await
    }

    async fn count_articles(&self) -> Result<i64> {
        let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM articles")
            .fetch_one(&self.pool)
            .await?;
        Ok(n)
    }

    async fn slug_taken(&self, slug: &str) -> Result<bool> {
        // An old address of a renamed article counts: it still leads there.
        let row: Option<(i64,)> = sqlx::query_as(
            "SELECT id FROM articles WHERE slug = $1 \
             UNION ALL SELECT article_id FROM slug_redirects WHERE old_slug = $1",
        )
        .bind(slug)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.is_some())
    }

    async fn article_by_slug(&self, slug: &str) -> Result<Option<Article>> {
        let mut conn = self.pool.acquire().await?;
        load(&mut conn, KeyArg::Slug(slug)).await
    }

    async fn article_by_id(&self, id: i64) -> Result<Option<Article>> {
        let mut conn = self.pool.acquire().await?;
        load(&mut conn, KeyArg::Id(id)).await
    }

    async fn create_article(
        &self,
        slug: &str,
        c: &Content,
        by: Option<&User>,
        published_at: Option<DateTime<Utc>>,
    ) -> Result<Article> {
        let mut tx = self.begin_write().await?;
        let article = insert(&mut tx, slug, c, by, published_at).await?;
        tx.commit().await?;
        Ok(article)
    }

    async fn update_article(
        &self,
        id: i64,
        base_version: i64,
        c: &Content,
        by: Option<&User>,
    ) -> Result<Article> {
        let mut tx = self.begin_write().await?;
        let article = update(&mut tx, id, base_version, c, by).await?;
        tx.commit().await?;
        Ok(article)
    }

    async fn set_status(
        &self,
        id: i64,
        base_version: i64,
        to: ArticleStatus,
        scheduled_at: Option<DateTime<Utc>>,
        by: Option<&User>,
    ) -> Result<Article> {
        let mut tx = self.begin_write().await?;
        let article = set_status(&mut tx, id, base_version, to, scheduled_at, by).await?;
        tx.commit().await?;
        Ok(article)
    }

    async fn import_articles(&self, items: &[ImportItem]) -> Result<Vec<Article>> {
        let mut tx = self.begin_write().await?;
        let mut stored = Vec::with_capacity(items.len());
        for item in items {
            let article = match load(&mut tx, KeyArg::Slug(&item.slug)).await? {
                Some(existing) => {
                    let saved =
                        update(&mut tx, existing.id, existing.version, &item.content, None).await?;
                    match item.published_at {
                        Some(_) if saved.status != ArticleStatus::Published => {
                            set_status(
                                &mut tx,
                                saved.id,
                                saved.version,
                                ArticleStatus::Published,
                                None,
                                None,
                            )
                            .await?
                        }
                        _ => saved,
                    }
                }
                None => insert(&mut tx, &item.slug, &item.content, None, item.published_at).await?,
            };
            stored.push(article);
        }
        tx.commit().await?;
        Ok(stored)
    }

    async fn publish_due(&self, at: DateTime<Utc>) -> Result<Vec<Article>> {
        let mut tx = self.begin_write().await?;
        let due: Vec<(i64,)> = sqlx::query_as(
            "SELECT id FROM articles WHERE status = 'scheduled' AND scheduled_at <= $1 \
             ORDER BY scheduled_at",
        )
        .bind(at)
        .fetch_all(&mut *tx)
        .await?;
        let mut published = Vec::with_capacity(due.len());
        for (id,) in due {
            // The status test makes this exactly-once when instances race for a row.
            let changed = sqlx::query(
                "UPDATE articles SET status = 'published', \
                 published_at = COALESCE(published_at, scheduled_at), \
                 updated_at = $2, status_changed_at = $2, version = version + 1 WHERE id = $1 AND status = 'scheduled'",
            )
            .bind(id)
            .bind(now())
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if changed == 1 {
                published.push(write_revision(&mut tx, id, None, false).await?);
            }
        }
        tx.commit().await?;
        Ok(published)
    }

    async fn add_correction(
        &self,
        id: i64,
        note: &str,
        substantive: bool,
        by: &User,
    ) -> Result<Article> {
        let now = now();
        let mut tx = self.begin_write().await?;
        let status: Option<(String,)> = sqlx::query_as("SELECT status FROM articles WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
        match status {
            None => return Err(AppError::NotFound),
            Some((s,)) if s != "published" => {
                return Err(AppError::Validation(
                    "Corrections are added to published articles.".into(),
                ))
            }
            Some(_) => {}
        }
        sqlx::query(
            "INSERT INTO corrections (article_id, note, user_id, created_at) \
             VALUES ($1, $2, $3, $4)",
        )
        .bind(id)
        .bind(note)
        .bind(by.id)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "UPDATE articles SET updated_at = $2, modified_at = COALESCE($3, modified_at) \
             WHERE id = $1",
        )
        .bind(id)
        .bind(now)
        .bind(substantive.then_some(now))
        .execute(&mut *tx)
        .await?;
        let article = load(&mut tx, KeyArg::Id(id))
            .await?
            .ok_or(AppError::NotFound)?;
        tx.commit().await?;
        Ok(article)
    }
}

/// Creates an article inside the caller's transaction (published now when
/// `published_at` is given), with its first revision.
async fn insert(
    tx: &mut Conn,
    slug: &str,
    c: &Content,
    by: Option<&User>,
    published_at: Option<DateTime<Utc>>,
) -> Result<Article> {
    let now = now();
    let status = if published_at.is_some() {
        "published"
    } else {
        "draft"
    };
    if slug_retired(tx, slug, None).await? {
        return Err(AppError::Conflict(format!(
            "The address /articles/{slug} was another article's and still leads to it."
        )));
    }
    let insert = sqlx::query(
        "INSERT INTO articles (slug, title, dek, body_md, body_html, analysis_md, \
             analysis_html, disclosure_level, disclosure_statement, disclosure_tool, \
             disclosure_reviewer, status, published_at, created_at, updated_at, \
             status_changed_at, version) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14, $14, 1) \
             RETURNING id",
    )
    .bind(slug);
    let row = bind_content(insert, c)
        .bind(status)
        .bind(published_at)
        .bind(now)
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| match AppError::from(e) {
            AppError::Conflict(_) => AppError::Conflict(format!(
                "An article with the address '{slug}' already exists."
            )),
            other => other,
        })?;
    let id: i64 = row.try_get(0)?;
    write_parts(tx, id, c).await?;
    match (&c.bylines, by) {
        (Some(names), _) => set_bylines(tx, id, names).await?,
        (None, Some(user)) => {
            sqlx::query(
                "INSERT INTO article_authors (article_id, user_id, position) \
                     VALUES ($1, $2, 0)",
            )
            .bind(id)
            .bind(user.id)
            .execute(&mut *tx)
            .await?;
        }
        (None, None) => {}
    }
    write_revision(tx, id, by, false).await
}

/// Replaces article `id`'s content inside the caller's transaction, if it is still at
/// `base_version`.
async fn update(
    tx: &mut Conn,
    id: i64,
    base_version: i64,
    c: &Content,
    by: Option<&User>,
) -> Result<Article> {
    let update = sqlx::query(
        "UPDATE articles SET title = $3, dek = $4, body_md = $5, body_html = $6, \
             analysis_md = $7, analysis_html = $8, disclosure_level = $9, \
             disclosure_statement = $10, disclosure_tool = $11, disclosure_reviewer = $12, \
             updated_at = $13, modified_at = COALESCE($14, modified_at), \
             version = version + 1 WHERE id = $1 AND version = $2",
    )
    .bind(id)
    .bind(base_version);
    let changed = bind_content(update, c)
        .bind(now())
        .bind(c.substantive.then(now))
        .execute(&mut *tx)
        .await?
        .rows_affected();
    if changed == 0 {
        return Err(conflict_or_missing(tx, id).await);
    }
    if let Some(slug) = &c.slug {
        // A refused address returns before the commit: nothing of the save is kept.
        change_slug(tx, id, slug).await?;
    }
    write_parts(tx, id, c).await?;
    if let Some(names) = &c.bylines {
        set_bylines(tx, id, names).await?;
    } else if let Some(user) = by {
        sqlx::query(
            "INSERT INTO article_authors (article_id, user_id, position) \
                 SELECT $1, $2, (SELECT COUNT(*) FROM article_authors WHERE article_id = $1) \
                 + (SELECT COUNT(*) FROM article_bylines WHERE article_id = $1) \
                 ON CONFLICT DO NOTHING",
        )
        .bind(id)
        .bind(user.id)
        .execute(&mut *tx)
        .await?;
    }
    write_revision(tx, id, by, c.autosave).await
}

/// Moves article `id` to `to` inside the caller's transaction, if it is still at
/// `base_version`.
async fn set_status(
    tx: &mut Conn,
    id: i64,
    base_version: i64,
    to: ArticleStatus,
    scheduled_at: Option<DateTime<Utc>>,
    by: Option<&User>,
) -> Result<Article> {
    let now = now();
    let changed = sqlx::query(
        "UPDATE articles SET status = $3, scheduled_at = $4, \
             status_changed_at = CASE WHEN status = $3 THEN status_changed_at ELSE $5 END, \
             published_at = CASE WHEN $3 = 'published' THEN COALESCE(published_at, $5) \
             ELSE published_at END, \
             updated_at = $5, version = version + 1 WHERE id = $1 AND version = $2",
    )
    .bind(id)
    .bind(base_version)
    .bind(to.as_str())
    .bind(scheduled_at)
    .bind(now)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if changed == 0 {
        return Err(conflict_or_missing(tx, id).await);
    }
    write_revision(tx, id, by, false).await
}

/// Loads an article with all its parts.
pub(super) async fn load(conn: &mut Conn, key: KeyArg<'_>) -> Result<Option<Article>> {
    let row = match key {
        KeyArg::Id(id) => {
            sqlx::query_as::<_, ArticleRow>(AssertSqlSafe(format!("{ARTICLE_SELECT}id = $1")))
                .bind(id)
                .fetch_optional(&mut *conn)
                .await?
        }
        KeyArg::Slug(slug) => {
            sqlx::query_as::<_, ArticleRow>(AssertSqlSafe(format!("{ARTICLE_SELECT}slug = $1")))
                .bind(slug)
                .fetch_optional(&mut *conn)
                .await?
        }
    };
    let Some(row) = row else { return Ok(None) };
    Ok(with_parts(conn, vec![row], Texts::All).await?.pop())
}

/// Which of an article's texts a load brings.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Texts {
    /// The Markdown sources and their HTML.
    All,
    /// The HTML alone; the sources (body, analysis, FAQ answers) are left empty.
    Html,
}

/// Loads the articles with the given ids, in that order, with all their parts: three
/// queries at most whatever the number of articles (a feed of twenty is not 140 round trips).
/// Ids with no article are skipped.
pub(super) async fn load_many(conn: &mut Conn, ids: &[i64], texts: Texts) -> Result<Vec<Article>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let select = match texts {
        Texts::All => ARTICLE_SELECT,
        Texts::Html => ARTICLE_SELECT_HTML,
    };
    let mut rows: Vec<ArticleRow> = sqlx::query_as(AssertSqlSafe(format!(
        "{select}{}",
        super::in_ids("id", ids.len())
    )))
    .bind(super::ids_value(ids))
    .fetch_all(&mut *conn)
    .await?;
    rows.sort_by_key(|r| ids.iter().position(|id| *id == r.id));
    with_parts(conn, rows, texts).await
}

/// Takes the rows that belong to `id` off the front of `rows` (sorted by article id).
fn take_for<T, I>(rows: &mut std::iter::Peekable<I>, id: i64) -> Vec<T>
where
    I: Iterator<Item = (i64, T)>,
{
    let mut out = Vec::new();
    while let Some((_, part)) = rows.next_if(|(owner, _)| *owner == id) {
        out.push(part);
    }
    out
}

/// What kind of part a row of [`parts_sql`] holds.
const TAKEAWAY: i64 = 0;
const FAQ: i64 = 1;
const TAG: i64 = 2;
const BYLINE: i64 = 3;
const CORRECTION: i64 = 4;

/// Every part of the `count` articles whose ids are `$1` (takeaways, FAQ, tags, bylines,
/// corrections) in one statement, each kind's columns in the same four text slots and a
/// time: an article page is one round trip for all its parts, not five. The empty
/// strings and the typed NULL keep each slot one type on PostgreSQL. Unordered: sorting them in the database
/// made SQLite copy every row, FAQ answers and all, into a temporary tree (0.53 instead
/// of 0.27 ms for a feed's twenty articles), so [`with_parts`] sorts them.
fn parts_sql(count: usize, texts: Texts) -> String {
    let answer_md = match texts {
        Texts::All => "answer_md",
        Texts::Html => "''",
    };
    let of = |column| super::in_ids(column, count);
    let (own, joined) = (of("article_id"), of("x.article_id"));
    format!(
        "SELECT article_id, CAST({TAKEAWAY} AS BIGINT) AS kind, position AS pos, text AS a, \
         '' AS b, '' AS c, '' AS d, CAST(NULL AS TIMESTAMPTZ) AS at FROM takeaways \
         WHERE {own} \
         UNION ALL SELECT article_id, {FAQ}, position, anchor, question, {answer_md}, \
         answer_html, NULL FROM faq_items WHERE {own} \
         UNION ALL SELECT x.article_id, {TAG}, x.position, t.slug, t.name, '', '', NULL \
         FROM tags t JOIN article_tags x ON x.tag_id = t.id WHERE {joined} \
         UNION ALL SELECT x.article_id, {BYLINE}, x.position, u.slug, u.name, '', '', NULL \
         FROM users u JOIN article_authors x ON x.user_id = u.id \
         WHERE {joined} \
         UNION ALL SELECT x.article_id, {BYLINE}, x.position, b.slug, b.name, '', '', NULL \
         FROM bylines b JOIN article_bylines x ON x.byline_id = b.id \
         WHERE {joined} \
         UNION ALL SELECT article_id, {CORRECTION}, id, note, '', '', '', created_at \
         FROM corrections WHERE {own}"
    )
}

/// One row of [`parts_sql`].
#[derive(sqlx::FromRow)]
struct PartRow {
    article_id: i64,
    kind: i64,
    pos: i64,
    a: String,
    b: String,
    c: String,
    d: String,
    at: Option<DateTime<Utc>>,
}

/// Fetches the parts of the given article rows (takeaways, FAQ, tags, bylines,
/// corrections in one statement, then the lead pictures) and assembles them.
async fn with_parts(
    conn: &mut Conn,
    mut rows: Vec<ArticleRow>,
    texts: Texts,
) -> Result<Vec<Article>> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let mut parts: Vec<PartRow> = sqlx::query_as(AssertSqlSafe(parts_sql(ids.len(), texts)))
        .bind(super::ids_value(&ids))
        .fetch_all(&mut *conn)
        .await?;
    // By article, kind, then place (corrections: time, then id).
    parts.sort_unstable_by_key(|p| (p.article_id, p.kind, p.at, p.pos));
    let (mut takeaways, mut faq, mut tags, mut authors, mut corrections) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for p in parts {
        let id = p.article_id;
        match (p.kind, p.at) {
            (TAKEAWAY, _) => takeaways.push((id, p.a)),
            (FAQ, _) => faq.push((
                id,
                FaqRow {
                    anchor: p.a,
                    question: p.b,
                    answer_md: p.c,
                    answer_html: p.d,
                },
            )),
            (TAG, _) => tags.push((
                id,
                SlugNameRow {
                    slug: p.a,
                    name: p.b,
                },
            )),
            (BYLINE, _) => authors.push((
                id,
                SlugNameRow {
                    slug: p.a,
                    name: p.b,
                },
            )),
            (CORRECTION, Some(at)) => corrections.push((id, (p.a, at))),
            _ => {}
        }
    }
    let lead_ids: Vec<i64> = rows.iter().filter_map(|r| r.lead_media_id).collect();
    let pictures = super::media::media_refs_in(&mut *conn, &lead_ids).await?;

    let order = ids;
    rows.sort_by_key(|r| r.id);
    let mut takeaways = takeaways.into_iter().peekable();
    let mut faq = faq.into_iter().peekable();
    let mut tags = tags.into_iter().peekable();
    let mut authors = authors.into_iter().peekable();
    let mut corrections = corrections.into_iter().peekable();
    let mut out: Vec<Article> = rows
        .into_iter()
        .map(|row| {
            let id = row.id;
            let lead = row
                .lead_media_id
                .and_then(|m| pictures.iter().find(|p| p.id == m).cloned());
            assemble(
                row,
                take_for(&mut takeaways, id),
                take_for(&mut faq, id),
                take_for(&mut tags, id),
                take_for(&mut authors, id),
                take_for(&mut corrections, id),
                lead,
            )
        })
        .collect();
    out.sort_by_key(|a| order.iter().position(|id| *id == a.id));
    Ok(out)
}

/// Replaces the structured parts (takeaways, FAQ, tags) of article `id` and its
/// full-text index entry.
pub(super) async fn write_parts(conn: &mut Conn, id: i64, c: &Content) -> Result<()> {
    let old_tags: Vec<(i64,)> =
        sqlx::query_as("SELECT tag_id FROM article_tags WHERE article_id = $1")
            .bind(id)
            .fetch_all(&mut *conn)
            .await?;
    for table in [
        "DELETE FROM takeaways WHERE article_id = $1",
        "DELETE FROM faq_items WHERE article_id = $1",
        "DELETE FROM article_tags WHERE article_id = $1",
        "DELETE FROM article_media WHERE article_id = $1",
    ] {
        sqlx::query(table).bind(id).execute(&mut *conn).await?;
    }
    let lead = c.lead_image.as_ref();
    sqlx::query(
        "UPDATE articles SET lead_media_id = $2, lead_alt = $3, lead_caption = $4, \
         lead_credit = $5 WHERE id = $1",
    )
    .bind(id)
    .bind(lead.map(|l| l.media_id))
    .bind(lead.map_or("", |l| l.alt.as_str()))
    .bind(lead.map_or("", |l| l.caption.as_str()))
    .bind(lead.map_or("", |l| l.credit.as_str()))
    .execute(&mut *conn)
    .await?;
    let mut media_ids: Vec<i64> = lead.map(|l| l.media_id).into_iter().collect();
    media_ids.extend(&c.media_ids);
    media_ids.sort_unstable();
    media_ids.dedup();
    for media_id in media_ids {
        sqlx::query("INSERT INTO article_media (article_id, media_id) VALUES ($1, $2)")
            .bind(id)
            .bind(media_id)
            .execute(&mut *conn)
            .await?;
    }
    for (pos, text) in c.takeaways.iter().enumerate() {
        sqlx::query("INSERT INTO takeaways (article_id, position, text) VALUES ($1, $2, $3)")
            .bind(id)
            .bind(pos as i64)
            .bind(text)
            .execute(&mut *conn)
            .await?;
    }
    for (pos, f) in c.faq.iter().enumerate() {
        sqlx::query(
            "INSERT INTO faq_items (article_id, position, anchor, question, answer_md, \
             answer_html) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(id)
        .bind(pos as i64)
        .bind(&f.anchor)
        .bind(&f.question)
        .bind(&f.answer.markdown)
        .bind(&f.answer.html)
        .execute(&mut *conn)
        .await?;
    }
    let faq_text = c
        .faq
        .iter()
        .map(|f| format!("{}\n{}", f.question, html_text(&f.answer.html)))
        .collect::<Vec<_>>()
        .join("\n");
    Backend::index_search(
        conn,
        id,
        [
            &c.title,
            &c.dek,
            &format!(
                "{}\n\n{}",
                html_text(&c.body.html),
                html_text(&c.analysis.html)
            ),
            &c.takeaways.join("\n"),
            &faq_text,
        ],
    )
    .await?;
    for (pos, tag) in c.tags.iter().enumerate() {
        sqlx::query("INSERT INTO tags (slug, name) VALUES ($1, $2) ON CONFLICT (slug) DO NOTHING")
            .bind(&tag.slug)
            .bind(&tag.name)
            .execute(&mut *conn)
            .await?;
        sqlx::query(
            "INSERT INTO article_tags (article_id, tag_id, position) \
             SELECT $1, id, $2 FROM tags WHERE slug = $3 ON CONFLICT DO NOTHING",
        )
        .bind(id)
        .bind(pos as i64)
        .bind(&tag.slug)
        .execute(&mut *conn)
        .await?;
    }
    // A tag the article dropped goes when no other article uses it.
    for (tag_id,) in old_tags {
        sqlx::query(
            "DELETE FROM tags WHERE id = $1 \
             AND NOT EXISTS (SELECT 1 FROM article_tags WHERE tag_id = $1)",
        )
        .bind(tag_id)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Whether a failed versioned write means "changed meanwhile" or "no such article".
async fn conflict_or_missing(conn: &mut Conn, id: i64) -> AppError {
    match sqlx::query_as::<_, (i64,)>("SELECT version FROM articles WHERE id = $1")
        .bind(id)
        .fetch_optional(&mut *conn)
        .await
    {
        Ok(Some(_)) => AppError::stale_version(),
        Ok(None) => AppError::NotFound,
        Err(e) => e.into(),
    }
}

/// A query of this backend with its arguments.
type Query<'q> = sqlx::query::Query<'q, Db, <Db as sqlx::Database>::Arguments>;

/// Binds the content columns an article's INSERT and UPDATE both write, in this order:
/// title, dek, body (Markdown, HTML), analysis (Markdown, HTML), and the AI disclosure's
/// level, statement, tool and reviewer. One list, so the two statements can't drift.
fn bind_content<'q>(query: Query<'q>, c: &'q Content) -> Query<'q> {
    let (level, statement, tool, reviewer) = disclosure_parts(c);
    query
        .bind(&c.title)
        .bind(&c.dek)
        .bind(&c.body.markdown)
        .bind(&c.body.html)
        .bind(&c.analysis.markdown)
        .bind(&c.analysis.html)
        .bind(level)
        .bind(statement)
        .bind(tool)
        .bind(reviewer)
}

/// The AI disclosure's columns: level, statement, tool, reviewer.
fn disclosure_parts(
    c: &Content,
) -> (
    Option<&'static str>,
    Option<&str>,
    Option<&str>,
    Option<&str>,
) {
    match &c.disclosure {
        Some(d) => (
            Some(d.level.as_str()),
            Some(d.statement.as_str()),
            d.tool.as_deref(),
            d.reviewer.as_deref(),
        ),
        None => (None, None, None, None),
    }
}
