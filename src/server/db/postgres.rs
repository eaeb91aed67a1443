//! The PostgreSQL store for sites running several instances on one database.
//! Pool acquires and statements time out, so a lost database yields 503s, not hangs.

// Each `shared/` file is deliberately a module of both `sqlite` and `postgres`: the store
// code both backends share, compiled once against each backend's types.
#![allow(clippy::duplicate_mod)]

use super::common::SearchRow;
use super::SEARCH_WINDOW;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use std::str::FromStr;
use std::time::{Duration, Instant};

// The shared store code is written against these aliases.
type Db = sqlx::Postgres;
type Conn = sqlx::PgConnection;
type Backend = PgStore;

/// `column` is one of the `count` ids bound as `$1` (see [`ids_value`]). As one array,
/// a statement about any set of articles has one text: PostgreSQL plans it once per
/// connection and keeps it, where ids written into the text made each new set (each
/// article page read) a statement of its own, parsed and planned again (2.3 ms for an
/// article's parts) and crowding the common ones out of the connection's cache. One id
/// is compared as one value: matched with `ANY`, PostgreSQL would expect ten, judge
/// its kept plan too dear for one, and plan every page again (0.5 ms).
fn in_ids(column: &str, count: usize) -> String {
    if count == 1 {
        format!("{column} = ($1::BIGINT[])[1]")
    } else {
        format!("{column} = ANY($1)")
    }
}

/// The value bound for [`in_ids`].
fn ids_value(ids: &[i64]) -> Vec<i64> {
    ids.to_vec()
}

/// PostgreSQL joins a subquery to each row before it (`LATERAL`): related articles are
/// ranked from the article's own tags in one statement.
const LATERAL_JOINS: bool = true;

/// The share of documents the search words are expected to match together (the product
/// of each word's share among the column statistics' most common words; NULL without
/// statistics), from which search walks articles newest first without counting.
const SEARCH_WORDS_SHARE: &str = "SELECT exp(sum(ln(\
     COALESCE(st.f[array_position(st.e, w.w)], 1e-9)))) \
     FROM (SELECT unnest(tsvector_to_array(to_tsvector('english', $1))) AS w) w, \
     (SELECT most_common_elems::text::text[] AS e, most_common_elem_freqs AS f \
      FROM pg_stats WHERE schemaname = current_schema() \
      AND tablename = 'article_search' AND attname = 'doc') st";

/// From this expected share on, search walks without counting: at most a few times
/// [`SEARCH_WINDOW`] articles are read to find the window's matches.
const SEARCH_WALK_SHARE: f64 = 0.3;

/// How long a search's choice between walking and counting is kept for its words: the
/// column statistics behind it change only when the table is analysed.
const SEARCH_PLAN_TTL: Duration = Duration::from_secs(60);

/// Searches one instance runs at once (on connections of their own): a burst of searches
/// queues for these, and leaves the other connections to every other page.
const SEARCH_CONNECTIONS: u32 = 4;

/// The longest a search statement may run.
const SEARCH_TIMEOUT: &str = "3s";

#[path = "shared/accounts.rs"]
mod accounts;
#[path = "shared/articles.rs"]
mod articles;
#[path = "shared/bylines.rs"]
mod bylines;
#[path = "shared/copy.rs"]
mod copy;
#[path = "shared/desk.rs"]
mod desk;
#[path = "shared/maintenance.rs"]
mod maintenance;
#[path = "shared/media.rs"]
mod media;
#[path = "shared/reader.rs"]
mod reader;
#[path = "shared/redirects.rs"]
mod redirects;
#[path = "shared/revisions.rs"]
mod revisions;
#[path = "shared/sessions.rs"]
mod sessions;
#[path = "shared/site.rs"]
mod site;
#[path = "shared/two_factor.rs"]
mod two_factor;

pub struct PgStore {
    pub(crate) pool: PgPool,
    /// Search's connections, whose statements time out sooner (see [`SEARCH_TIMEOUT`]).
    search_pool: PgPool,
    /// Per search words: whether to walk (see `search_rows`), and when that was decided.
    search_plans: quick_cache::sync::Cache<String, (bool, Instant)>,
}

impl PgStore {
    pub async fn connect(url: &str) -> std::result::Result<Self, String> {
        let opts = PgConnectOptions::from_str(url)
            .map_err(|_| "DATABASE_URL is not a valid PostgreSQL URL".to_string())?
            .options([("statement_timeout", "10s")]);
        let host = opts.get_host().to_string();
        let port = opts.get_port();
        let search_pool = PgPoolOptions::new()
            .max_connections(SEARCH_CONNECTIONS)
            .acquire_timeout(Duration::from_secs(5))
            .connect_lazy_with(
                opts.clone()
                    .options([("statement_timeout", SEARCH_TIMEOUT)]),
            );
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(Duration::from_secs(5))
            .connect_with(opts)
            .await
            .map_err(|e| format!("cannot connect to PostgreSQL at {host}:{port}: {e}"))?;
        Ok(PgStore {
            pool,
            search_pool,
            search_plans: quick_cache::sync::Cache::new(1024),
        })
    }

    /// Closes both pools.
    async fn close_pools(&self) {
        self.search_pool.close().await;
        self.pool.close().await;
    }

    async fn run_migrations(&self) -> super::Result<()> {
        // sqlx takes a PostgreSQL advisory lock here, so instances starting together don't
        // race. The statements run on a connection of their own without the requests'
        // time limit: a migration that rewrites the search table took 2 min 20 s at
        // 100,000 articles, and an instance starting meanwhile waits that long for the lock.
        let options = (*self.pool.connect_options())
            .clone()
            .options([("statement_timeout", "0")]);
        let pool = PgPoolOptions::new()
            .max_connections(1)
            .acquire_timeout(Duration::from_secs(5))
            .connect_with(options)
            .await?;
        let migrated = sqlx::migrate!("./migrations/postgres").run(&pool).await;
        pool.close().await;
        migrated?;
        Ok(())
    }
}

impl PgStore {
    /// Starts a write transaction (a plain `BEGIN`: PostgreSQL locks rows as they are
    /// written).
    async fn begin_write(&self) -> super::Result<sqlx::Transaction<'static, Db>> {
        Ok(self.pool.begin_with("BEGIN").await?)
    }

    /// Starts a read-only transaction that sees one snapshot of the database throughout,
    /// for reading a whole site in batches.
    async fn begin_snapshot(&self) -> super::Result<sqlx::Transaction<'static, Db>> {
        Ok(self
            .pool
            .begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            .await?)
    }

    /// Replaces article `id`'s entry in the full-text index.
    async fn index_search(
        conn: &mut Conn,
        id: i64,
        [title, dek, body, takeaways, faq]: [&str; 5],
    ) -> super::Result<()> {
        sqlx::query(
            "INSERT INTO article_search (article_id, title, dek, body, takeaways, faq) \
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (article_id) DO UPDATE SET \
             title = EXCLUDED.title, dek = EXCLUDED.dek, body = EXCLUDED.body, \
             takeaways = EXCLUDED.takeaways, faq = EXCLUDED.faq",
        )
        .bind(id)
        .bind(title)
        .bind(dek)
        .bind(body)
        .bind(takeaways)
        .bind(faq)
        .execute(&mut *conn)
        .await?;
        Ok(())
    }

    /// PostgreSQL full-text search: every term must match (`plainto_tsquery` takes no
    /// query syntax), cut to `limit` before any snippet is built. Ranked in tiers as on
    /// SQLite: every word in the headline, then every word in the headline, dek or
    /// takeaways (both read from the small `head` vector), then the rest; newest first
    /// within each.
    ///
    /// Only a bounded set of candidates is ranked: every match when there are at most
    /// [`SEARCH_WINDOW`], otherwise the newest [`SEARCH_WINDOW`] published matches,
    /// found by walking articles newest first and checking each. Ranking all of a
    /// common word's matches read every document holding it (410 ms for 99,999 of
    /// 100,000 articles).
    async fn search_rows(
        &self,
        terms: &[String],
        limit: i64,
        offset: i64,
    ) -> super::Result<Vec<SearchRow>> {
        let words = Self::search_words(terms);
        // One statement on search's own connections (which time out after a few
        // seconds, whatever the words), once the choice to walk is known.
        let walk = self.search_walks(&words).await?;
        // The tier of an article (NULL when it doesn't match): from the small `head`
        // vector when it can tell, else from the article's `words` (each word once,
        // kept in the row), never from the whole document out of TOAST.
        let tier = "CASE WHEN NOT s.head @@ q.q THEN CASE WHEN s.words @@ q.q THEN 2 END \
                    WHEN ts_filter(s.head, '{a}') @@ q.q THEN 0 ELSE 1 END";
        let candidates = if walk {
            // A subquery per row (OFFSET 0 keeps it one), so the planner can't turn the
            // check into reading every match first (it can't tell how many the words
            // match); LATERAL has it evaluated once per row, not once to filter and
            // again for the output.
            format!(
                "SELECT a.id, a.published_at, m.tier FROM articles a, q, LATERAL \
                 (SELECT {tier} AS tier FROM article_search s \
                  WHERE s.article_id = a.id OFFSET 0) m \
                 WHERE a.status = 'published' AND m.tier IS NOT NULL \
                 ORDER BY a.published_at DESC, a.id DESC LIMIT {SEARCH_WINDOW}"
            )
        } else {
            format!(
                "SELECT a.id, a.published_at, {tier} AS tier \
                 FROM article_search s JOIN articles a ON a.id = s.article_id, q \
                 WHERE s.doc @@ q.q AND a.status = 'published'"
            )
        };
        // The query is made once (MATERIALIZED: inlined, it cost a fifth of the walk),
        // and the limits and offset are numbers in the text, not parameters: with them as
        // parameters, the plan kept for the statement read the candidates in a worse
        // order, so PostgreSQL planned every search again (0.35 ms).
        let sql = format!(
            "WITH q AS MATERIALIZED (SELECT plainto_tsquery('english', $1) AS q), \
             candidates AS MATERIALIZED ({candidates}), \
             hits AS (SELECT id, published_at, tier FROM candidates \
               ORDER BY tier, published_at DESC, id DESC LIMIT {limit} OFFSET {offset}) \
             SELECT a.id, a.slug, a.title, a.dek, a.status, a.published_at, a.updated_at, a.version, \
             s.dek AS search_dek, s.body AS search_body, s.takeaways AS search_takeaways, \
             s.faq AS search_faq \
             FROM hits JOIN articles a ON a.id = hits.id \
             JOIN article_search s ON s.article_id = hits.id \
             ORDER BY hits.tier, hits.published_at DESC, hits.id DESC"
        );
        Ok(sqlx::query_as::<_, SearchRow>(sqlx::AssertSqlSafe(sql))
            .bind(&words)
            .fetch_all(&self.search_pool)
            .await?)
    }

    /// Whether searching `words` walks articles newest first rather than counting their
    /// matches. Walking pays when the words are common: the column statistics say so for
    /// words among its most common ones; otherwise the matches are counted (the index's
    /// list of a common word's matches took 3.7 ms to build). Kept for a minute per
    /// words, so a popular search asks nothing before its one statement.
    async fn search_walks(&self, words: &str) -> super::Result<bool> {
        if let Some((walk, at)) = self.search_plans.get(words) {
            if at.elapsed() < SEARCH_PLAN_TTL {
                return Ok(walk);
            }
        }
        let share: Option<f64> = sqlx::query_scalar(SEARCH_WORDS_SHARE)
            .bind(words)
            .fetch_one(&self.search_pool)
            .await?;
        let walk = share.is_some_and(|share| share >= SEARCH_WALK_SHARE) || {
            let matches: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM (SELECT 1 FROM article_search \
                 WHERE doc @@ plainto_tsquery('english', $1) LIMIT $2) x",
            )
            .bind(words)
            .bind(SEARCH_WINDOW + 1)
            .fetch_one(&self.search_pool)
            .await?;
            matches > SEARCH_WINDOW
        };
        self.search_plans
            .insert(words.to_string(), (walk, Instant::now()));
        Ok(walk)
    }

    /// Folds the status counts' +1/-1 rows (see the `status_counts` migration) into one
    /// row per status once there are more than a few dozen, in one statement: rows a
    /// concurrent transaction adds meanwhile are not in its snapshot and stay, and of two
    /// instances folding at once each folds only the rows it deleted.
    async fn fold_status_counts(pool: &PgPool) -> super::Result<()> {
        sqlx::query(
            "WITH gone AS (DELETE FROM article_status_counts WHERE \
             (SELECT COUNT(*) FROM (SELECT 1 FROM article_status_counts LIMIT 33) x) > 32 \
             RETURNING status, n) \
             INSERT INTO article_status_counts (status, n) \
             SELECT status, SUM(n) FROM gone GROUP BY status",
        )
        .execute(pool)
        .await?;
        Ok(())
    }

    /// `VACUUM (ANALYZE)`: autovacuum would get to it (if it is on), but only after a
    /// while. Until then a freshly filled table is planned as if it were empty (an
    /// article page took 786 ms instead of 25 ms right after importing 100,000
    /// articles), and counting reads the whole table instead of an index (126 ms).
    async fn analyze(pool: &PgPool) -> super::Result<()> {
        sqlx::query("VACUUM (ANALYZE)").execute(pool).await?;
        Ok(())
    }

    /// Moves each identity sequence past the ids a copy brought in.
    async fn after_import(conn: &mut Conn) -> super::Result<()> {
        for table in ["users", "articles", "tags", "revisions", "bylines", "media"] {
            let sql = format!(
                "SELECT setval(pg_get_serial_sequence('{table}', 'id'), \
                 GREATEST((SELECT MAX(id) FROM {table}), 1))"
            );
            sqlx::query(sqlx::AssertSqlSafe(sql))
                .execute(&mut *conn)
                .await?;
        }
        Ok(())
    }
}

impl PgStore {
    /// Search words (the readers' or the desk's) as bound to a query: `plainto_tsquery`
    /// reads no query syntax.
    fn search_words(terms: &[String]) -> String {
        terms.join(" ")
    }

    /// The desk's search condition (the headline or text holds every word of `$param`):
    /// as a check of one article `a`, and as the list of every matching article's id.
    fn desk_match(param: usize) -> (String, String) {
        (
            format!(
                "SELECT 1 FROM article_search s WHERE s.article_id = a.id \
                 AND s.doc @@ plainto_tsquery('english', ${param})"
            ),
            format!(
                "SELECT article_id FROM article_search \
                 WHERE doc @@ plainto_tsquery('english', ${param})"
            ),
        )
    }

    /// How many articles match the desk's search `words`, counting up to `limit`.
    async fn desk_match_count(pool: &PgPool, words: &str, limit: i64) -> super::Result<i64> {
        Ok(sqlx::query_scalar(
            "SELECT COUNT(*) FROM (SELECT 1 FROM article_search \
             WHERE doc @@ plainto_tsquery('english', $1) LIMIT $2) x",
        )
        .bind(words)
        .bind(limit)
        .fetch_one(pool)
        .await?)
    }
}
