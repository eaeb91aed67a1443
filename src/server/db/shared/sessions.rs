//! Login sessions: creating, resolving to their user, listing and ending them.

use super::Backend;
use crate::model::{SessionInfo, User};
use crate::server::db::common::{now, SessionUserRow};
use crate::server::db::{Result, SessionStore, SESSION_IDLE_HOURS};
use chrono::{DateTime, Utc};

#[async_trait::async_trait]
impl SessionStore for Backend {
    async fn create_session(
        &self,
        user_id: i64,
        token_hash: &str,
        expires_at: DateTime<Utc>,
    ) -> Result<()> {
        let now = now();
        sqlx::query(
            "INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, expires_at) \
             VALUES ($1, $2, $3, $3, $4)",
        )
        .bind(token_hash)
        .bind(user_id)
        .bind(now)
        .bind(expires_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn session_user(&self, token_hash: &str) -> Result<Option<User>> {
        let at = now();
        let row: Option<SessionUserRow> = sqlx::query_as(
            "SELECT u.id, u.email, u.name, u.slug, u.role, s.last_seen_at, \
             (u.totp_secret IS NULL AND EXISTS (SELECT 1 FROM settings \
              WHERE key = 'require_two_factor' AND value = 'on')) AS needs_two_factor \
             FROM sessions s JOIN users u ON u.id = s.user_id \
             WHERE s.token_hash = $1 AND s.expires_at > $2 AND s.last_seen_at > $3 \
             AND u.active = TRUE",
        )
        .bind(token_hash)
        .bind(at)
        .bind(at - chrono::Duration::hours(SESSION_IDLE_HOURS))
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        // Reads are free; the last-seen time is written at most once a minute.
        if row.last_seen_at < at - chrono::Duration::minutes(1) {
            sqlx::query("UPDATE sessions SET last_seen_at = $2 WHERE token_hash = $1")
                .bind(token_hash)
                .bind(at)
                .execute(&self.pool)
                .await?;
        }
        Ok(Some(User {
            needs_two_factor: row.needs_two_factor,
            ..row.user.into()
        }))
    }

    async fn delete_session(&self, token_hash: &str) -> Result<()> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn list_sessions(&self, user_id: i64) -> Result<Vec<SessionInfo>> {
        let idle = now() - chrono::Duration::hours(SESSION_IDLE_HOURS);
        let rows: Vec<(String, DateTime<Utc>, DateTime<Utc>)> = sqlx::query_as(
            "SELECT token_hash, created_at, last_seen_at FROM sessions \
             WHERE user_id = $1 AND expires_at > $2 AND last_seen_at > $3 \
             ORDER BY created_at DESC",
        )
        .bind(user_id)
        .bind(now())
        .bind(idle)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(key, created_at, last_seen_at)| SessionInfo {
                key,
                created_at,
                last_seen_at,
                current: false,
            })
            .collect())
    }

    async fn delete_session_of(&self, user_id: i64, token_hash: &str) -> Result<()> {
        sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND token_hash = $2")
            .bind(user_id)
            .bind(token_hash)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn delete_sessions_of(&self, user_id: i64, keep: Option<&str>) -> Result<()> {
        sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND ($2 IS NULL OR token_hash <> $2)")
            .bind(user_id)
            .bind(keep)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}
