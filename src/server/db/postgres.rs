//! The PostgreSQL store for sites running several instances on one database.
//! Pool acquires and statements time out, so a lost database yields 503s, not hangs.

use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use std::str::FromStr;
use std::time::Duration;

pub struct PgStore {
    pub(crate) pool: PgPool,
}

impl PgStore {
    pub async fn connect(url: &str) -> std::result::Result<Self, String> {
        let opts = PgConnectOptions::from_str(url)
            .map_err(|_| "DATABASE_URL is not a valid PostgreSQL URL".to_string())?
            .options([("statement_timeout", "10s")]);
        let host = opts.get_host().to_string();
        let port = opts.get_port();
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(Duration::from_secs(5))
            .connect_with(opts)
            .await
            .map_err(|e| format!("cannot connect to PostgreSQL at {host}:{port}: {e}"))?;
        Ok(PgStore { pool })
    }

    async fn run_migrations(&self) -> super::Result<()> {
        // sqlx takes a PostgreSQL advisory lock here, so instances starting together don't race.
        sqlx::migrate!("./migrations/postgres")
            .run(&self.pool)
            .await?;
        Ok(())
    }
}

impl PgStore {
    /// Moves each identity sequence past the ids a copy brought in.
    async fn after_import(conn: &mut sqlx::PgConnection) -> super::Result<()> {
        for table in ["users", "articles", "tags", "revisions"] {
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

super::common::impl_store!(PgStore, sqlx::Postgres, "BEGIN");
