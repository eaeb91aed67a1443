//! Staff accounts: users, set-up tokens, invites, roles, passwords, the audit log,
//! failed logins and site settings.

use super::{Backend, Conn};
use crate::error::AppError;
use crate::model::{AuditEntry, PendingInvite, Role, StaffMember, User};
use crate::server::db::common::{now, UserHashRow, UserRow};
use crate::server::db::{AccountStore, NewUser, Result, UserPasshash};
use chrono::{DateTime, Utc};

#[async_trait::async_trait]
impl AccountStore for Backend {
    async fn count_users(&self) -> Result<i64> {
        let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM users")
            .fetch_one(&self.pool)
            .await?;
        Ok(n)
    }

    async fn create_user(&self, new: &NewUser) -> Result<User> {
        let mut tx = self.begin_write().await?;
        let user = insert_user(&mut tx, new).await?;
        tx.commit().await?;
        Ok(user)
    }

    async fn find_login(&self, email: &str) -> Result<Option<UserPasshash>> {
        let row: Option<UserHashRow> = sqlx::query_as(
            "SELECT id, email, name, slug, role, password_hash FROM users \
             WHERE lower(email) = lower($1) AND active = TRUE",
        )
        .bind(email.trim())
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(|r| UserPasshash {
            user: r.user.into(),
            password_hash: r.password_hash,
        }))
    }

    async fn add_setup_token(&self, token_hash: &str) -> Result<()> {
        sqlx::query("INSERT INTO setup_tokens (token_hash, created_at) VALUES ($1, $2)")
            .bind(token_hash)
            .bind(now())
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn create_owner_with_token(
        &self,
        token_hash: &str,
        new: &NewUser,
        site: &[(String, String)],
    ) -> Result<User> {
        let mut tx = self.begin_write().await?;
        // A set-up link works only while the site has no account at all, and for a day.
        let found = sqlx::query(
            "DELETE FROM setup_tokens WHERE token_hash = $1 AND created_at > $2 \
             AND NOT EXISTS (SELECT 1 FROM users)",
        )
        .bind(token_hash)
        .bind(now() - chrono::Duration::hours(SETUP_TOKEN_HOURS))
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if found == 0 {
            return Err(AppError::Unauthorized);
        }
        let user = insert_user(&mut tx, new).await?;
        for (key, value) in site {
            sqlx::query(
                "INSERT INTO settings (key, value) VALUES ($1, $2) \
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            )
            .bind(format!("site.{key}"))
            .bind(value)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(user)
    }

    async fn set_password(&self, user_id: i64, password_hash: &str) -> Result<()> {
        sqlx::query("UPDATE users SET password_hash = $2 WHERE id = $1")
            .bind(user_id)
            .bind(password_hash)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn audit(&self, e: &AuditEntry) -> Result<()> {
        sqlx::query(
            "INSERT INTO audit_log (at, actor, action, subject, address) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(e.at)
        .bind(&e.actor)
        .bind(&e.action)
        .bind(&e.subject)
        .bind(&e.address)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn list_users(&self) -> Result<Vec<StaffMember>> {
        let rows: Vec<(i64, String, String, String, String, bool)> = sqlx::query_as(
            "SELECT id, email, name, slug, role, active FROM users ORDER BY active DESC, name",
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(staff_member).collect())
    }

    async fn set_role(&self, user_id: i64, role: Role) -> Result<()> {
        let mut tx = self.begin_write().await?;
        if role != Role::Owner {
            ensure_another_owner(&mut tx, user_id).await?;
        }
        let changed = sqlx::query("UPDATE users SET role = $2 WHERE id = $1")
            .bind(user_id)
            .bind(role.as_str())
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if changed == 0 {
            return Err(AppError::NotFound);
        }
        tx.commit().await?;
        Ok(())
    }

    async fn deactivate_user(&self, user_id: i64) -> Result<()> {
        let mut tx = self.begin_write().await?;
        ensure_another_owner(&mut tx, user_id).await?;
        let changed = sqlx::query("UPDATE users SET active = FALSE WHERE id = $1")
            .bind(user_id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if changed == 0 {
            return Err(AppError::NotFound);
        }
        sqlx::query("DELETE FROM sessions WHERE user_id = $1")
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn create_invite(
        &self,
        token_hash: &str,
        email: &str,
        name: &str,
        role: Role,
        expires_at: DateTime<Utc>,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO invites (token_hash, email, name, role, expires_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(token_hash)
        .bind(email)
        .bind(name)
        .bind(role.as_str())
        .bind(expires_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn list_invites(&self) -> Result<Vec<PendingInvite>> {
        let rows: Vec<(String, String, String, DateTime<Utc>)> = sqlx::query_as(
            "SELECT email, name, role, expires_at FROM invites WHERE expires_at > $1 \
             ORDER BY expires_at, email",
        )
        .bind(now())
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(email, name, role, expires_at)| PendingInvite {
                email,
                name,
                role: Role::parse(&role).unwrap_or(Role::Author),
                expires_at,
            })
            .collect())
    }

    async fn revoke_invites(&self, email: &str) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let gone =
            sqlx::query("DELETE FROM invites WHERE lower(email) = lower($1) AND expires_at > $2")
                .bind(email)
                .bind(now())
                .execute(&mut *tx)
                .await?
                .rows_affected();
        tx.commit().await?;
        if gone == 0 {
            return Err(AppError::NotFound);
        }
        Ok(())
    }

    async fn accept_invite(&self, token_hash: &str, password_hash: &str) -> Result<User> {
        let mut tx = self.begin_write().await?;
        let invite: Option<(String, String, String)> = sqlx::query_as(
            "DELETE FROM invites WHERE token_hash = $1 AND expires_at > $2 \
             RETURNING email, name, role",
        )
        .bind(token_hash)
        .bind(now())
        .fetch_optional(&mut *tx)
        .await?;
        let Some((email, name, role)) = invite else {
            return Err(AppError::Unauthorized);
        };
        let new = NewUser {
            email,
            name,
            role: Role::parse(&role).unwrap_or(Role::Author),
            password_hash: password_hash.to_string(),
        };
        let user = insert_user(&mut tx, &new).await?;
        tx.commit().await?;
        Ok(user)
    }

    async fn user_by_id(&self, user_id: i64) -> Result<Option<StaffMember>> {
        let row: Option<(i64, String, String, String, String, bool)> =
            sqlx::query_as("SELECT id, email, name, slug, role, active FROM users WHERE id = $1")
                .bind(user_id)
                .fetch_optional(&self.pool)
                .await?;
        Ok(row.map(staff_member))
    }

    async fn setting(&self, key: &str) -> Result<Option<String>> {
        let row: Option<(String,)> = sqlx::query_as("SELECT value FROM settings WHERE key = $1")
            .bind(key)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(|(v,)| v))
    }

    async fn set_setting(&self, key: &str, value: &str) -> Result<()> {
        sqlx::query(
            "INSERT INTO settings (key, value) VALUES ($1, $2) \
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        )
        .bind(key)
        .bind(value)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn list_audit(&self, limit: i64) -> Result<Vec<AuditEntry>> {
        let rows: Vec<(
            DateTime<Utc>,
            Option<String>,
            String,
            String,
            Option<String>,
        )> = sqlx::query_as(
            "SELECT at, actor, action, subject, address FROM audit_log \
                 ORDER BY at DESC, id DESC LIMIT $1",
        )
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(at, actor, action, subject, address)| AuditEntry {
                at,
                actor,
                action,
                subject,
                address,
            })
            .collect())
    }

    async fn login_failures(
        &self,
        key: &str,
        since: DateTime<Utc>,
    ) -> Result<(i64, Option<DateTime<Utc>>)> {
        let row: (i64, Option<DateTime<Utc>>) = sqlx::query_as(
            "SELECT COUNT(*), MAX(at) FROM login_failures WHERE key = $1 AND at > $2",
        )
        .bind(key)
        .bind(since)
        .fetch_one(&self.pool)
        .await?;
        Ok(row)
    }

    async fn record_login_failure(&self, keys: &[String]) -> Result<()> {
        let now = now();
        let mut tx = self.begin_write().await?;
        sqlx::query("DELETE FROM login_failures WHERE at < $1")
            .bind(now - chrono::Duration::hours(1))
            .execute(&mut *tx)
            .await?;
        for key in keys {
            sqlx::query("INSERT INTO login_failures (key, at) VALUES ($1, $2)")
                .bind(key)
                .bind(now)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn clear_login_failures(&self, key: &str) -> Result<()> {
        sqlx::query("DELETE FROM login_failures WHERE key = $1")
            .bind(key)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn forget_latest_attempt(&self, key: &str) -> Result<()> {
        sqlx::query(
            "DELETE FROM login_failures WHERE key = $1 \
             AND at = (SELECT MAX(at) FROM login_failures WHERE key = $1)",
        )
        .bind(key)
        .execute(&self.pool)
        .await?;
        Ok(())
    }
}

/// A staff member from `(id, email, name, slug, role, active)`.
fn staff_member(
    (id, email, name, slug, role, active): (i64, String, String, String, String, bool),
) -> StaffMember {
    StaffMember {
        user: UserRow {
            id,
            email,
            name,
            slug,
            role,
        }
        .into(),
        active,
    }
}

/// Refuses a change that would leave the site without an active owner.
async fn ensure_another_owner(conn: &mut Conn, user_id: i64) -> Result<()> {
    let (is_owner,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM users WHERE id = $1 AND role = 'owner' AND active = TRUE",
    )
    .bind(user_id)
    .fetch_one(&mut *conn)
    .await?;
    if is_owner == 0 {
        return Ok(());
    }
    let (owners,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM users WHERE role = 'owner' AND active = TRUE")
            .fetch_one(&mut *conn)
            .await?;
    if owners <= 1 {
        return Err(AppError::Conflict(
            "The last owner can't be removed or demoted; make someone else owner first.".into(),
        ));
    }
    Ok(())
}

/// Inserts a user under a slug made from their name, numbered when it is taken.
/// Hours a set-up link stays valid.
const SETUP_TOKEN_HOURS: i64 = 24;

/// Adds an account. Any set-up link still around dies with it: set-up is for a site
/// with no accounts at all.
async fn insert_user(conn: &mut Conn, new: &NewUser) -> Result<User> {
    sqlx::query("DELETE FROM setup_tokens")
        .execute(&mut *conn)
        .await?;
    let base = crate::server::render::slugify(&new.name);
    let mut slug = base.clone();
    let mut n = 2;
    // Author pages of staff and byline-only authors share one set of addresses.
    while sqlx::query_as::<_, (i64,)>(
        "SELECT id FROM users WHERE slug = $1 UNION ALL SELECT id FROM bylines WHERE slug = $1",
    )
    .bind(&slug)
    .fetch_optional(&mut *conn)
    .await?
    .is_some()
    {
        slug = format!("{base}-{n}");
        n += 1;
    }
    let row: UserRow = sqlx::query_as(
        "INSERT INTO users (email, name, slug, role, password_hash, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id, email, name, slug, role",
    )
    .bind(new.email.trim())
    .bind(new.name.trim())
    .bind(&slug)
    .bind(new.role.as_str())
    .bind(&new.password_hash)
    .bind(now())
    .fetch_one(&mut *conn)
    .await
    .map_err(|e| match AppError::from(e) {
        AppError::Conflict(_) => {
            AppError::Conflict("A user with that email already exists.".into())
        }
        other => other,
    })?;
    Ok(row.into())
}
