//! The embedded SQLite store: WAL, `synchronous=FULL`, foreign keys, and writes in
//! `BEGIN IMMEDIATE` transactions so concurrent writers queue instead of failing.

use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use std::str::FromStr;
use std::time::Duration;

pub struct SqliteStore {
    pub(crate) pool: SqlitePool,
}

impl SqliteStore {
    pub async fn connect(url: &str) -> std::result::Result<Self, String> {
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
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .acquire_timeout(Duration::from_secs(5))
            .connect_with(opts)
            .await
            .map_err(|e| format!("cannot open the SQLite database at {url}: {e}"))?;
        Ok(SqliteStore { pool })
    }

    /// SQLite has no migration lock: when another process applies the same migration at
    /// the same moment, ours fails on the existing table; trying again finds it recorded.
    async fn run_migrations(&self) -> super::Result<()> {
        let mut attempt = 0;
        loop {
            match sqlx::migrate!("./migrations/sqlite").run(&self.pool).await {
                Ok(()) => return Ok(()),
                Err(_) if attempt < 5 => {
                    attempt += 1;
                    tokio::time::sleep(Duration::from_millis(100 * attempt)).await;
                }
                Err(e) => return Err(e.into()),
            }
        }
    }

    /// Nothing to do: SQLite picks the next id from the largest one present.
    async fn after_import(_conn: &mut sqlx::SqliteConnection) -> super::Result<()> {
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

super::common::impl_store!(SqliteStore, sqlx::Sqlite, "BEGIN IMMEDIATE");
