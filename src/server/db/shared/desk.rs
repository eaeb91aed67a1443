//! The staff desk's queries: one page of articles under any mix of filters, counted by
//! status, in keyset order (each order has an index, so a page costs the same at the
//! end of 100,000 articles as at the start); and who has which article open.

use super::{Backend, Db};
use crate::model::{ArticleStatus, Author, DeskRow, DeskSort, EditorPresence, Tag};
use crate::server::db::common::{walk_or_collect, SlugFilter, SlugNameRow, MANY_MATCHES};
use crate::server::db::{DeskOrder, DeskQuery, DeskStore, Result};
use chrono::{DateTime, Utc};

/// A value bound to one `$n` of a desk query.
enum Arg {
    Text(String),
    Int(i64),
    Time(DateTime<Utc>),
}

#[derive(sqlx::FromRow)]
struct DeskRowSql {
    id: i64,
    slug: String,
    title: String,
    status: String,
    updated_at: DateTime<Utc>,
    published_at: Option<DateTime<Utc>>,
    scheduled_at: Option<DateTime<Utc>>,
    sort_at: DateTime<Utc>,
}

#[derive(sqlx::FromRow)]
struct PresenceRow {
    name: String,
    since: DateTime<Utc>,
}

/// The time an order sorts by, the condition for having it, and whether newest first.
fn order_key(order: DeskOrder) -> (&'static str, &'static str, bool) {
    match order {
        DeskOrder::Sort(DeskSort::Updated) => ("a.updated_at", "", true),
        DeskOrder::Sort(DeskSort::Published) => {
            ("a.published_at", "a.published_at IS NOT NULL", true)
        }
        DeskOrder::Sort(DeskSort::Scheduled) => (
            "a.scheduled_at",
            "a.status = 'scheduled' AND a.scheduled_at IS NOT NULL",
            false,
        ),
        // Articles that entered review before the column existed count from their last change.
        DeskOrder::Review => (
            "COALESCE(a.status_changed_at, a.updated_at)",
            "a.status = 'in_review'",
            false,
        ),
    }
}

/// How many of the newest rows the other filters leave a first try of the search words
/// checks. Checking one article reads its search document (about 7.5 µs on PostgreSQL),
/// so a word in most articles fills a page after a few dozen, where counting its
/// matches first read 1,001 documents (7.5–8.6 ms at 100,000 articles).
const WORDS_WINDOW: i64 = 500;

/// How a desk query checks the search words.
#[derive(Clone, Copy, Default, PartialEq)]
enum Words {
    /// On each of the newest [`WORDS_WINDOW`] rows the other filters leave (a first try).
    #[default]
    Window,
    /// On each row, newest first: the words match many articles.
    Walk,
    /// Against the list of every matching article.
    Collect,
}

/// How a desk query checks its costlier filters (see [`MANY_MATCHES`]).
#[derive(Clone, Copy, Default)]
struct Plan {
    /// The byline or author filter matches many articles.
    many_by_author: bool,
    words: Words,
    /// The tag filter matches many articles.
    many_by_tag: bool,
    /// A filter matches no article at all, so neither does the query.
    nothing: bool,
}

/// Adds a value and returns its `$n`.
fn next(arg: Arg, args: &mut Vec<Arg>) -> usize {
    args.push(arg);
    args.len()
}

/// What a desk query asks for: its rows, or (for a first try of the search words) how
/// many rows the other filters leave in the window, up to [`WORDS_WINDOW`].
#[derive(Clone, Copy, PartialEq)]
enum Ask {
    Rows,
    WindowSize,
}

/// The SQL of a desk query and the values of its `$n`, in order.
fn desk_sql(q: &DeskQuery<'_>, plan: Plan, ask: Ask) -> (String, Vec<Arg>) {
    let (key, having, newest_first) = order_key(q.order);
    let mut conditions: Vec<String> = Vec::new();
    let mut args: Vec<Arg> = Vec::new();
    if !having.is_empty() {
        conditions.push(having.into());
    }
    if let Some(status) = q.status {
        let n = next(Arg::Text(status.as_str().into()), &mut args);
        conditions.push(format!("a.status = ${n}"));
    }
    if let Some(user) = q.byline {
        let n = next(Arg::Int(user), &mut args);
        conditions.push(walk_or_collect(
            plan.many_by_author,
            &format!("SELECT 1 FROM article_authors WHERE article_id = a.id AND user_id = ${n}"),
            &format!("SELECT article_id FROM article_authors WHERE user_id = ${n}"),
        ));
    }
    for (filter, slug, walk) in [
        (SlugFilter::Author, q.author_slug, plan.many_by_author),
        (SlugFilter::Tag, q.tag_slug, plan.many_by_tag),
    ] {
        if let Some(slug) = slug {
            let n = next(Arg::Text(slug.into()), &mut args);
            conditions.push(walk_or_collect(walk, &filter.check(n), &filter.ids(n)));
        }
    }
    if let Some(from) = q.from {
        let n = next(Arg::Time(from), &mut args);
        conditions.push(format!("{key} >= ${n}"));
    }
    if let Some(until) = q.until {
        let n = next(Arg::Time(until), &mut args);
        conditions.push(format!("{key} < ${n}"));
    }
    // In a first try the words are checked outside the window of rows (see below), and
    // the window's size is asked without them.
    let mut window_check = None;
    if !q.terms.is_empty() && ask == Ask::Rows {
        let n = next(Arg::Text(Backend::search_words(q.terms)), &mut args);
        let (row, list) = Backend::desk_match(n);
        match plan.words {
            Words::Window => window_check = Some(format!("EXISTS ({row})")),
            words => conditions.push(walk_or_collect(words == Words::Walk, &row, &list)),
        }
    }
    let backwards = matches!(q.cursor, Some((_, true)));
    // Walking backwards reverses the order; the caller gets the rows turned back.
    let descending = newest_first != backwards;
    if let Some((cursor, _)) = q.cursor {
        let t = next(Arg::Time(cursor.at), &mut args);
        let i = next(Arg::Int(cursor.id), &mut args);
        let cmp = if descending { "<" } else { ">" };
        // A row-value comparison, which both databases answer from the order's index.
        conditions.push(format!("({key}, a.id) {cmp} (${t}, ${i})"));
    }
    let dir = if descending { "DESC" } else { "ASC" };
    let condition = if conditions.is_empty() {
        String::new()
    } else {
        format!(" WHERE {}", conditions.join(" AND "))
    };
    let order = format!("ORDER BY {key} {dir}, a.id {dir}");
    if ask == Ask::WindowSize {
        let sql = format!(
            "SELECT COUNT(*) FROM (SELECT 1 FROM articles a{condition} {order} \
             LIMIT {WORDS_WINDOW}) x"
        );
        return (sql, args);
    }
    let n = next(Arg::Int(q.limit), &mut args);
    let columns = "a.id, a.slug, a.title, a.status, a.updated_at, a.published_at, a.scheduled_at";
    let sql = match window_check {
        // The window carries what the outer query and its order read.
        Some(check) => format!(
            "SELECT {columns}, {key} AS sort_at FROM (SELECT {columns}, a.status_changed_at \
             FROM articles a{condition} {order} LIMIT {WORDS_WINDOW}) a \
             WHERE {check} {order} LIMIT ${n}"
        ),
        None => format!(
            "SELECT {columns}, {key} AS sort_at FROM articles a{condition} {order} LIMIT ${n}"
        ),
    };
    (sql, args)
}

impl Backend {
    /// Whether the author and tag filters match more than [`MANY_MATCHES`] articles
    /// (counting stops there, so asking costs at most that many index entries). The
    /// search words are planned later, only if a first try needs it (`desk_page_rows`).
    async fn desk_plan(&self, q: &DeskQuery<'_>) -> Result<Plan> {
        let mut plan = Plan::default();
        let many = |n: i64| n > MANY_MATCHES;
        let mut counts = Vec::new();
        if let Some(user) = q.byline {
            let n: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM (SELECT 1 FROM article_authors WHERE user_id = $1 \
                 LIMIT $2) x",
            )
            .bind(user)
            .bind(MANY_MATCHES + 1)
            .fetch_one(&self.pool)
            .await?;
            plan.many_by_author = many(n);
            counts.push(n);
        }
        if let Some(slug) = q.author_slug {
            let n = self.slug_matches(SlugFilter::Author, slug).await?;
            plan.many_by_author = plan.many_by_author || many(n);
            counts.push(n);
        }
        if let Some(slug) = q.tag_slug {
            let n = self.slug_matches(SlugFilter::Tag, slug).await?;
            plan.many_by_tag = many(n);
            counts.push(n);
        }
        plan.nothing = counts.contains(&0);
        Ok(plan)
    }

    /// How the search words are checked once a first try over the window left the page
    /// short: by counting their matches (see [`MANY_MATCHES`]); `None` if there are none.
    async fn words_plan(&self, q: &DeskQuery<'_>) -> Result<Option<Words>> {
        let words = Backend::search_words(q.terms);
        let n = Backend::desk_match_count(&self.pool, &words, MANY_MATCHES + 1).await?;
        Ok(match n {
            0 => None,
            n if n > MANY_MATCHES => Some(Words::Walk),
            _ => Some(Words::Collect),
        })
    }

    /// One desk query's rows (or the window's size, as a single row).
    async fn desk_query<T>(&self, q: &DeskQuery<'_>, plan: Plan, ask: Ask) -> Result<Vec<T>>
    where
        T: for<'r> sqlx::FromRow<'r, <Db as sqlx::Database>::Row> + Send + Unpin,
    {
        let (sql, args) = desk_sql(q, plan, ask);
        let mut query = sqlx::query_as::<Db, T>(sqlx::AssertSqlSafe(sql));
        for arg in args {
            query = match arg {
                Arg::Text(v) => query.bind(v),
                Arg::Int(v) => query.bind(v),
                Arg::Time(v) => query.bind(v),
            };
        }
        Ok(query.fetch_all(&self.pool).await?)
    }

    /// The page's rows. Search words are first checked on the newest rows of a window
    /// (enough when they are common); only when that leaves the page short and the window
    /// did not hold every row the other filters allow is the full plan needed.
    async fn desk_page_rows(&self, q: &DeskQuery<'_>, mut plan: Plan) -> Result<Vec<DeskRowSql>> {
        let rows: Vec<DeskRowSql> = self.desk_query(q, plan, Ask::Rows).await?;
        if q.terms.is_empty() || rows.len() as i64 >= q.limit {
            return Ok(rows);
        }
        let size: Vec<(i64,)> = self.desk_query(q, plan, Ask::WindowSize).await?;
        if size.first().is_some_and(|(n,)| *n < WORDS_WINDOW) {
            return Ok(rows);
        }
        match self.words_plan(q).await? {
            None => Ok(Vec::new()),
            Some(words) => {
                plan.words = words;
                self.desk_query(q, plan, Ask::Rows).await
            }
        }
    }
}

#[async_trait::async_trait]
impl DeskStore for Backend {
    async fn desk_rows(&self, q: &DeskQuery<'_>) -> Result<Vec<DeskRow>> {
        let plan = self.desk_plan(q).await?;
        if plan.nothing {
            return Ok(Vec::new());
        }
        let mut rows = self.desk_page_rows(q, plan).await?;
        if matches!(q.cursor, Some((_, true))) {
            rows.reverse();
        }
        let mut bylines = std::collections::HashMap::<i64, Vec<String>>::new();
        if !rows.is_empty() {
            let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
            let sql = format!(
                "SELECT article_id, name FROM (\
                 SELECT aa.article_id, u.name, aa.position FROM article_authors aa \
                 JOIN users u ON u.id = aa.user_id WHERE {} \
                 UNION ALL SELECT ab.article_id, b.name, ab.position FROM article_bylines ab \
                 JOIN bylines b ON b.id = ab.byline_id WHERE {}) x \
                 ORDER BY article_id, position",
                super::in_ids("aa.article_id", ids.len()),
                super::in_ids("ab.article_id", ids.len())
            );
            let names: Vec<(i64, String)> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(super::ids_value(&ids))
                .fetch_all(&self.pool)
                .await?;
            for (id, name) in names {
                bylines.entry(id).or_default().push(name);
            }
        }
        Ok(rows
            .into_iter()
            .map(|r| DeskRow {
                authors: bylines.remove(&r.id).unwrap_or_default(),
                id: r.id,
                slug: r.slug,
                title: r.title,
                status: ArticleStatus::parse(&r.status).unwrap_or_default(),
                updated_at: r.updated_at,
                published_at: r.published_at,
                scheduled_at: r.scheduled_at,
                sort_at: r.sort_at,
            })
            .collect())
    }

    async fn desk_counts(&self, byline: Option<i64>) -> Result<Vec<(ArticleStatus, i64)>> {
        let rows: Vec<(String, i64)> = match byline {
            None => self.kept_status_counts().await?,
            Some(user) => {
                // Each byline row carries its article's status (migration 0016).
                sqlx::query_as(
                    "SELECT status, COUNT(*) FROM article_authors WHERE user_id = $1 \
                     GROUP BY status",
                )
                .bind(user)
                .fetch_all(&self.pool)
                .await?
            }
        };
        Ok(ArticleStatus::ALL
            .into_iter()
            .map(|status| {
                let n = rows
                    .iter()
                    .find(|(s, _)| s == status.as_str())
                    .map_or(0, |(_, n)| *n);
                (status, n)
            })
            .collect())
    }

    async fn desk_authors(&self) -> Result<Vec<Author>> {
        let rows: Vec<SlugNameRow> = sqlx::query_as(
            "SELECT slug, name FROM (\
             SELECT u.slug, u.name FROM users u WHERE EXISTS \
             (SELECT 1 FROM article_authors aa WHERE aa.user_id = u.id) \
             UNION ALL SELECT b.slug, b.name FROM bylines b WHERE EXISTS \
             (SELECT 1 FROM article_bylines ab WHERE ab.byline_id = b.id)) x \
             ORDER BY name, slug",
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|r| Author {
                slug: r.slug,
                name: r.name,
            })
            .collect())
    }

    async fn desk_tags(&self, limit: i64) -> Result<Vec<Tag>> {
        let rows: Vec<SlugNameRow> =
            sqlx::query_as("SELECT slug, name FROM tags ORDER BY name, id LIMIT $1")
                .bind(limit)
                .fetch_all(&self.pool)
                .await?;
        Ok(rows
            .into_iter()
            .map(|r| Tag {
                slug: r.slug,
                name: r.name,
            })
            .collect())
    }

    async fn touch_presence(
        &self,
        article_id: i64,
        user_id: i64,
        at: DateTime<Utc>,
        expiry: chrono::Duration,
    ) -> Result<Vec<EditorPresence>> {
        let stale = at - expiry;
        let mut tx = self.begin_write().await?;
        sqlx::query("DELETE FROM editor_presence WHERE seen_at < $1")
            .bind(stale)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO editor_presence (article_id, user_id, since, seen_at) \
             VALUES ($1, $2, $3, $3) ON CONFLICT (article_id, user_id) \
             DO UPDATE SET seen_at = excluded.seen_at",
        )
        .bind(article_id)
        .bind(user_id)
        .bind(at)
        .execute(&mut *tx)
        .await?;
        let others: Vec<PresenceRow> = sqlx::query_as(
            "SELECT u.name, p.since FROM editor_presence p JOIN users u ON u.id = p.user_id \
             WHERE p.article_id = $1 AND p.user_id <> $2 ORDER BY p.since, u.id",
        )
        .bind(article_id)
        .bind(user_id)
        .fetch_all(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(others
            .into_iter()
            .map(|p| EditorPresence {
                name: p.name,
                since: p.since,
            })
            .collect())
    }

    async fn leave_presence(&self, article_id: i64, user_id: i64) -> Result<()> {
        sqlx::query("DELETE FROM editor_presence WHERE article_id = $1 AND user_id = $2")
            .bind(article_id)
            .bind(user_id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}
