//! Two-factor sign-in: TOTP enrolment and replay protection, recovery codes, and the
//! challenges that carry a login from its password step to its second step.

use super::{Backend, Conn};
use crate::error::AppError;
use crate::server::db::common::now;
use crate::server::db::{Result, TwoFactor, TwoFactorStore};
use chrono::{DateTime, Utc};

#[async_trait::async_trait]
impl TwoFactorStore for Backend {
    async fn two_factor(&self, user_id: i64) -> Result<TwoFactor> {
        let row: Option<(Option<String>, Option<String>, Option<DateTime<Utc>>, i64)> =
            sqlx::query_as(
                "SELECT totp_secret, totp_pending, totp_enabled_at, \
                 (SELECT COUNT(*) FROM recovery_codes WHERE user_id = $1) FROM users WHERE id = $1",
            )
            .bind(user_id)
            .fetch_optional(&self.pool)
            .await?;
        let (secret, pending, enabled_at, recovery_codes_left) = row.ok_or(AppError::NotFound)?;
        Ok(TwoFactor {
            secret,
            pending,
            enabled_at,
            recovery_codes_left,
        })
    }

    async fn set_totp_pending(&self, user_id: i64, secret: Option<&str>) -> Result<()> {
        sqlx::query("UPDATE users SET totp_pending = $2 WHERE id = $1")
            .bind(user_id)
            .bind(secret)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn enable_totp(
        &self,
        user_id: i64,
        secret: &str,
        step: i64,
        code_hashes: &[String],
    ) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let changed = sqlx::query(
            "UPDATE users SET totp_secret = totp_pending, totp_pending = NULL, \
             totp_last_step = $3, totp_enabled_at = $4 \
             WHERE id = $1 AND totp_pending = $2 AND totp_secret IS NULL",
        )
        .bind(user_id)
        .bind(secret)
        .bind(step)
        .bind(now())
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if changed == 0 {
            return Err(AppError::Conflict(
                "That set-up was replaced or cancelled. Start again.".into(),
            ));
        }
        write_recovery_codes(&mut tx, user_id, code_hashes).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn disable_totp(&self, user_id: i64) -> Result<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "UPDATE users SET totp_secret = NULL, totp_pending = NULL, totp_enabled_at = NULL \
             WHERE id = $1",
        )
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
        write_recovery_codes(&mut tx, user_id, &[]).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn use_totp_step(&self, user_id: i64, step: i64) -> Result<bool> {
        let changed = sqlx::query(
            "UPDATE users SET totp_last_step = $2 WHERE id = $1 AND totp_last_step < $2",
        )
        .bind(user_id)
        .bind(step)
        .execute(&self.pool)
        .await?
        .rows_affected();
        Ok(changed == 1)
    }

    async fn recovery_codes(&self, user_id: i64) -> Result<Vec<String>> {
        Ok(
            sqlx::query_scalar("SELECT code_hash FROM recovery_codes WHERE user_id = $1")
                .bind(user_id)
                .fetch_all(&self.pool)
                .await?,
        )
    }

    async fn use_recovery_code(&self, user_id: i64, code_hash: &str) -> Result<bool> {
        let changed =
            sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1 AND code_hash = $2")
                .bind(user_id)
                .bind(code_hash)
                .execute(&self.pool)
                .await?
                .rows_affected();
        Ok(changed == 1)
    }

    async fn replace_recovery_codes(&self, user_id: i64, code_hashes: &[String]) -> Result<()> {
        let mut tx = self.begin_write().await?;
        write_recovery_codes(&mut tx, user_id, code_hashes).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn create_login_challenge(
        &self,
        token_hash: &str,
        user_id: i64,
        expires_at: DateTime<Utc>,
    ) -> Result<()> {
        sqlx::query("DELETE FROM login_challenges WHERE expires_at < $1")
            .bind(now())
            .execute(&self.pool)
            .await?;
        sqlx::query(
            "INSERT INTO login_challenges (token_hash, user_id, expires_at) VALUES ($1, $2, $3)",
        )
        .bind(token_hash)
        .bind(user_id)
        .bind(expires_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn attempt_login_challenge(
        &self,
        token_hash: &str,
        max_attempts: i64,
    ) -> Result<Option<i64>> {
        let row: Option<(i64,)> = sqlx::query_as(
            "UPDATE login_challenges SET attempts = attempts + 1 \
             WHERE token_hash = $1 AND expires_at > $2 AND attempts < $3 RETURNING user_id",
        )
        .bind(token_hash)
        .bind(now())
        .bind(max_attempts)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(|(id,)| id))
    }

    async fn delete_login_challenge(&self, token_hash: &str) -> Result<()> {
        sqlx::query("DELETE FROM login_challenges WHERE token_hash = $1")
            .bind(token_hash)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}

/// Replaces a user's recovery codes with `code_hashes`.
async fn write_recovery_codes(conn: &mut Conn, user_id: i64, code_hashes: &[String]) -> Result<()> {
    sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1")
        .bind(user_id)
        .execute(&mut *conn)
        .await?;
    for hash in code_hashes {
        sqlx::query("INSERT INTO recovery_codes (user_id, code_hash) VALUES ($1, $2)")
            .bind(user_id)
            .bind(hash)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}
