//! The embedded SQLite store: WAL, `synchronous=FULL`, foreign keys, and writes in
//! `BEGIN IMMEDIATE` transactions so concurrent writers queue instead of failing.

// Each `shared/` file is deliberately a module of both `sqlite` and `postgres`: the store
// code both backends share, compiled once against each backend's types.
#![allow(clippy::duplicate_mod)]

use super::common::SearchRow;
use super::SEARCH_WINDOW;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use std::str::FromStr;
use std::time::Duration;

/// What one pass of a search asks for (see `ranked_hits`).
#[derive(Clone, Copy)]
struct Page {
    /// Candidates found per tier, and in all.
    asked: i64,
    /// Hits returned, after the first `offset`.
    limit: i64,
    offset: i64,
    /// Whether candidates are checked to be published while they are found.
    checked: bool,
}

/// `column` is one of the ids bound as `$1` (see [`ids_value`]): a JSON array, read by
/// `json_each`, so a statement about any set of articles has one text and stays
/// prepared, rather than one statement per set of ids. (`_count` matters to PostgreSQL's
/// plans only.)
fn in_ids(column: &str, _count: usize) -> String {
    format!("{column} IN (SELECT value FROM json_each($1))")
}

/// The value bound for [`in_ids`]: the ids as a JSON array.
fn ids_value(ids: &[i64]) -> String {
    let list: Vec<String> = ids.iter().map(i64::to_string).collect();
    format!("[{}]", list.join(","))
}

/// SQLite has no lateral joins: related articles need the tag ids first.
const LATERAL_JOINS: bool = false;

/// Search's ranking, best first, as FTS5 column filters: every word in the headline;
/// every word in the headline, dek or takeaways; every word anywhere (headline, dek,
/// body, takeaways, FAQ). Newest first within a tier.
const SEARCH_TIERS: [&str; 3] = ["{title} : ", "{title dek takeaways} : ", ""];

// The shared store code is written against these aliases.
type Db = sqlx::Sqlite;
type Conn = sqlx::SqliteConnection;
type Backend = SqliteStore;

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

pub struct SqliteStore {
    pub(crate) pool: SqlitePool,
}

/// Whether a migration failed because another process was applying the same one.
fn lost_migration_race(e: &sqlx::migrate::MigrateError) -> bool {
    use sqlx::migrate::MigrateError;
    let db_error = match e {
        MigrateError::Execute(sqlx::Error::Database(d))
        | MigrateError::ExecuteMigration(sqlx::Error::Database(d), _) => d,
        _ => return false,
    };
    let message = db_error.message();
    message.contains("already exists")
        || message.contains("duplicate column name")
        || message.contains("database is locked")
        || message.contains("UNIQUE constraint failed: _sqlx_migrations")
}

/// Whether a connection coming back to the pool can take a new transaction. After a
/// write fails on a full disk or an I/O error, SQLite may roll the transaction back by
/// itself; sqlx's own ROLLBACK then fails and it goes on counting the transaction as
/// open, so every later write on that connection would be refused ("non-zero
/// transaction depth", a 500) until a restart. Such a connection is closed instead.
async fn still_usable(conn: &mut sqlx::SqliteConnection) -> sqlx::Result<bool> {
    use sqlx::Connection;
    match conn.begin_with("BEGIN").await {
        Ok(tx) => Ok(tx.rollback().await.is_ok()),
        Err(_) => Ok(false),
    }
}

/// Turns off SQLite's count of the memory it holds, once per process, before its first
/// connection. Counting takes one process-wide lock on every allocation SQLite makes, and
/// the pool's connections each run on a thread of their own: under eight readers the
/// threads spent more time waiting on that lock and being woken than reading.
fn without_memory_statistics() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        // SAFETY: the option takes one int. SQLite accepts it only before the library
        // initialises (at its first connection, which every connection of Gazette's
        // waits behind here); afterwards it returns SQLITE_MISUSE and changes nothing.
        unsafe {
            libsqlite3_sys::sqlite3_config(libsqlite3_sys::SQLITE_CONFIG_MEMSTATUS, 0);
        }
    });
}

impl SqliteStore {
    pub async fn connect(url: &str) -> std::result::Result<Self, String> {
        without_memory_statistics();
        let opts = SqliteConnectOptions::from_str(url)
            .map_err(|_| format!("DATABASE_URL '{url}' is not a valid SQLite URL"))?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .busy_timeout(Duration::from_secs(5))
            .foreign_keys(true);
        if let Some(dir) = opts.get_filename().parent() {
            if !dir.as_os_str().is_empty() {
                std::fs::create_dir_all(dir).map_err(|e| {
                    format!("cannot create the database folder {}: {e}", dir.display())
                })?;
            }
        }
        // Switching a new file to WAL takes a lock that SQLite reports as busy at once (no
        // busy timeout) when another process is opening the same file: try again briefly.
        let mut attempt = 0;
        loop {
            let result = SqlitePoolOptions::new()
                .max_connections(8)
                .acquire_timeout(Duration::from_secs(5))
                .after_release(|conn, _| Box::pin(still_usable(conn)))
                .connect_with(opts.clone())
                .await;
            match result {
                Ok(pool) => return Ok(SqliteStore { pool }),
                Err(sqlx::Error::Database(e)) if e.message().contains("locked") && attempt < 50 => {
                    attempt += 1;
                    tokio::time::sleep(Duration::from_millis(20 * attempt.min(10))).await;
                }
                Err(e) => return Err(format!("cannot open the SQLite database at {url}: {e}")),
            }
        }
    }

    /// SQLite has no migration lock: when another process applies the same migration at
    /// the same moment, ours fails on the table it just created, on its record of the
    /// migration, or on its lock; trying again finds the migration recorded. Only those
    /// errors are retried: any other migration failure is reported at once.
    async fn run_migrations(&self) -> super::Result<()> {
        let mut attempt = 0;
        loop {
            match sqlx::migrate!("./migrations/sqlite").run(&self.pool).await {
                Ok(()) => return Ok(()),
                // Each retry gets past at least one migration the other process applied.
                Err(e) if attempt < 30 && lost_migration_race(&e) => {
                    attempt += 1;
                    tokio::time::sleep(Duration::from_millis(50 * attempt.min(10))).await;
                }
                Err(e) => return Err(e.into()),
            }
        }
    }

    /// Starts a write transaction with `BEGIN IMMEDIATE`, which takes the write lock at
    /// once, so concurrent writers wait on the busy timeout instead of failing.
    async fn begin_write(&self) -> super::Result<sqlx::Transaction<'static, Db>> {
        Ok(self.pool.begin_with("BEGIN IMMEDIATE").await?)
    }

    /// Starts a read transaction: in WAL mode it sees one snapshot of the database from
    /// its first read to its end, for reading a whole site in batches.
    async fn begin_snapshot(&self) -> super::Result<sqlx::Transaction<'static, Db>> {
        Ok(self.pool.begin().await?)
    }

    /// Nothing to do: SQLite picks the next id from the largest one present.
    async fn after_import(_conn: &mut Conn) -> super::Result<()> {
        Ok(())
    }

    /// Replaces article `id`'s entry in the full-text index.
    async fn index_search(
        conn: &mut Conn,
        id: i64,
        [title, dek, body, takeaways, faq]: [&str; 5],
    ) -> super::Result<()> {
        sqlx::query("DELETE FROM article_search WHERE rowid = $1")
            .bind(id)
            .execute(&mut *conn)
            .await?;
        sqlx::query(
            "INSERT INTO article_search (rowid, title, dek, body, takeaways, faq) \
             VALUES ($1, $2, $3, $4, $5, $6)",
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

    /// FTS5 search: every term must match (each is quoted, so no query syntax gets
    /// through), among the [`SEARCH_WINDOW`] newest matching articles; ranked in the
    /// tiers of [`SEARCH_TIERS`], newest first within each. Steps of a fraction of a
    /// millisecond each instead of one query: ranking every match of a common word took
    /// seconds at 100,000 articles, and even within the window `bm25()` read the whole
    /// index entry of every word for its statistics (2–3 ms a word); the rows shown
    /// come back with the text their snippets are cut from (see `snippet.rs`).
    async fn search_rows(
        &self,
        terms: &[String],
        limit: i64,
        offset: i64,
    ) -> super::Result<Vec<SearchRow>> {
        let pool = &self.pool;
        let query = Self::search_words(terms);
        // The index holds drafts too. Finding hits first and asking about status
        // afterwards saves reading a whole article row (past its text, on overflow
        // pages) per candidate: twice the rows needed up to the page's end are found,
        // and only when drafts crowd out the published ones is each candidate checked
        // while finding.
        let page = Page {
            asked: (offset + limit) * 2,
            limit,
            offset,
            checked: false,
        };
        let (rows, full) = Self::ranked_hits(pool, &query, page).await?;
        if (rows.len() as i64) < limit && full {
            let page = Page {
                asked: offset + limit,
                checked: true,
                ..page
            };
            return Ok(Self::ranked_hits(pool, &query, page).await?.0);
        }
        Ok(rows)
    }

    /// The best `page.limit` published matches of `query` after the first `page.offset`,
    /// with their text, from up to `page.asked` candidates found in the tiers among the
    /// newest [`SEARCH_WINDOW`] matches; and whether any tier had more candidates than
    /// that (or nothing was found, when that can't be told). With `page.checked`, only
    /// published articles are candidates; CROSS JOIN then keeps SQLite reading the
    /// index's matches and looking each article up (left to choose, it walked every
    /// published article and asked the index about each).
    ///
    /// One statement: the driver hands each statement and its rows between threads, a
    /// wake-up each, and six small statements cost more in hand-overs than in finding.
    /// The window and the tiers are worked out once each (MATERIALIZED); only the
    /// candidates kept have their status read, from the index of ids, statuses and
    /// publication times (in the row they lie past the body's overflow pages; left to
    /// choose, given the status, SQLite walked every published article through the
    /// status index, 12 ms at 100,000), and only the hits shown have their text read.
    async fn ranked_hits(
        pool: &SqlitePool,
        query: &str,
        page: Page,
    ) -> super::Result<(Vec<SearchRow>, bool)> {
        use sqlx::{FromRow, Row};
        let (join, check) = if page.checked {
            (
                "CROSS JOIN articles p INDEXED BY articles_search_status \
                 ON p.id = article_search.rowid",
                "AND p.status = 'published'",
            )
        } else {
            ("", "")
        };
        let tier = |param: usize| {
            format!(
                "AS MATERIALIZED (SELECT article_search.rowid AS id FROM article_search {join} \
                 WHERE article_search MATCH ${param} \
                 AND article_search.rowid >= (SELECT oldest FROM w) {check} \
                 ORDER BY article_search.rowid DESC LIMIT $5)"
            )
        };
        let sql = format!(
            "WITH w(oldest) AS MATERIALIZED (SELECT MIN(id) FROM (SELECT rowid AS id \
             FROM article_search WHERE article_search MATCH $1 \
             ORDER BY rowid DESC LIMIT {SEARCH_WINDOW})), \
             t0 {}, t1 {}, t2 {}, \
             c AS MATERIALIZED (SELECT id, MIN(tier) AS tier FROM (SELECT id, 0 AS tier FROM t0 \
               UNION ALL SELECT id, 1 FROM t1 UNION ALL SELECT id, 2 FROM t2) \
               GROUP BY id ORDER BY MIN(tier), id DESC LIMIT $5), \
             h AS MATERIALIZED (SELECT a.id, c.tier, a.published_at FROM c \
               CROSS JOIN articles a INDEXED BY articles_search_status ON a.id = c.id \
               WHERE a.status = 'published' \
               ORDER BY c.tier, a.published_at DESC, a.id DESC LIMIT $6 OFFSET $7) \
             SELECT a.id, a.slug, a.title, a.dek, a.status, a.published_at, a.updated_at, \
             a.version, s.dek AS search_dek, s.body AS search_body, \
             s.takeaways AS search_takeaways, s.faq AS search_faq, \
             (SELECT COUNT(*) FROM t0) = $5 OR (SELECT COUNT(*) FROM t1) = $5 \
             OR (SELECT COUNT(*) FROM t2) = $5 AS full \
             FROM h CROSS JOIN articles a NOT INDEXED ON a.id = h.id \
             CROSS JOIN article_search s ON s.rowid = a.id \
             ORDER BY h.tier, h.published_at DESC, h.id DESC",
            tier(2),
            tier(3),
            tier(4)
        );
        let [first, second, third] = SEARCH_TIERS.map(|columns| format!("{columns}({query})"));
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(query)
            .bind(first)
            .bind(second)
            .bind(third)
            .bind(page.asked)
            .bind(page.limit)
            .bind(page.offset)
            .fetch_all(pool)
            .await?;
        let full = match rows.first() {
            Some(row) => row.try_get::<bool, _>("full")?,
            None => true,
        };
        let hits = rows
            .iter()
            .map(SearchRow::from_row)
            .collect::<std::result::Result<Vec<_>, _>>()?;
        Ok((hits, full))
    }

    /// Closes the pool.
    async fn close_pools(&self) {
        self.pool.close().await;
    }

    /// Nothing: SQLite's triggers update one counter row per status in place.
    async fn fold_status_counts(_pool: &SqlitePool) -> super::Result<()> {
        Ok(())
    }

    /// Nothing: SQLite keeps no statistics unless told to, and Gazette's queries are
    /// written and measured for the plans it chooses without them.
    async fn analyze(_pool: &SqlitePool) -> super::Result<()> {
        Ok(())
    }

    /// Writes a consistent copy of the whole database to `path` (`VACUUM INTO`).
    pub async fn backup(&self, path: &str) -> super::Result<()> {
        sqlx::query("VACUUM INTO $1")
            .bind(path)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}

impl SqliteStore {
    /// Search words as an FTS5 query that every word must match: each word quoted, so
    /// no FTS5 syntax gets through.
    fn search_words(terms: &[String]) -> String {
        terms
            .iter()
            .map(|t| format!("\"{}\"", t.replace('"', "")))
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// The desk's search condition (the headline or text holds every word of `$param`):
    /// as a check of one article `a`, and as the list of every matching article's id.
    fn desk_match(param: usize) -> (String, String) {
        (
            format!(
                "SELECT 1 FROM article_search WHERE article_search MATCH ${param} \
                 AND rowid = a.id"
            ),
            format!("SELECT rowid FROM article_search WHERE article_search MATCH ${param}"),
        )
    }

    /// How many articles match the desk's search `words`, counting up to `limit`.
    async fn desk_match_count(pool: &SqlitePool, words: &str, limit: i64) -> super::Result<i64> {
        Ok(sqlx::query_scalar(
            "SELECT COUNT(*) FROM (SELECT 1 FROM article_search \
             WHERE article_search MATCH $1 LIMIT $2) x",
        )
        .bind(words)
        .bind(limit)
        .fetch_one(pool)
        .await?)
    }
}
