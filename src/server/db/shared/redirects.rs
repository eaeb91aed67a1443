//! Old addresses: a published article's slugs before it was renamed (kept forever, each
//! leading to the article's current address in one hop, never given to another
//! article), and the author pages of byline-only authors linked to staff accounts.

use super::{Backend, Conn};
use crate::error::AppError;
use crate::server::db::common::now;
use crate::server::db::{RedirectStore, Result};
use chrono::{DateTime, Utc};

#[async_trait::async_trait]
impl RedirectStore for Backend {
    async fn moved_article(&self, old_slug: &str) -> Result<Option<String>> {
        let row: Option<(String,)> = sqlx::query_as(
            "SELECT a.slug FROM slug_redirects r JOIN articles a ON a.id = r.article_id \
             WHERE r.old_slug = $1 AND a.status = 'published'",
        )
        .bind(old_slug)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(|r| r.0))
    }

    async fn moved_author(&self, slug: &str) -> Result<Option<String>> {
        let row: Option<(String,)> = sqlx::query_as(
            "SELECT u.slug FROM bylines b JOIN users u ON u.id = b.user_id WHERE b.slug = $1",
        )
        .bind(slug)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(|r| r.0))
    }
}

/// Whether `slug` is an old address of some article (other than `except`).
pub(super) async fn slug_retired(conn: &mut Conn, slug: &str, except: Option<i64>) -> Result<bool> {
    let row: Option<(i64,)> =
        sqlx::query_as("SELECT article_id FROM slug_redirects WHERE old_slug = $1")
            .bind(slug)
            .fetch_optional(&mut *conn)
            .await?;
    Ok(row.is_some_and(|(id,)| Some(id) != except))
}

/// Moves article `id` to address `new`. Refused with a message naming the address when
/// another article has it now or had it before. A published (or once published)
/// article's old address is kept, leading here; coming back to an old address of its
/// own frees that one.
pub(super) async fn change_slug(conn: &mut Conn, id: i64, new: &str) -> Result<()> {
    let current: Option<(String, Option<DateTime<Utc>>)> =
        sqlx::query_as("SELECT slug, published_at FROM articles WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?;
    let Some((old, published_at)) = current else {
        return Err(AppError::NotFound);
    };
    if old == new {
        return Ok(());
    }
    let other: Option<(i64,)> = sqlx::query_as("SELECT id FROM articles WHERE slug = $1")
        .bind(new)
        .fetch_optional(&mut *conn)
        .await?;
    if other.is_some() {
        return Err(AppError::Validation(format!(
            "The address /articles/{new} belongs to another article; choose another."
        )));
    }
    if slug_retired(conn, new, Some(id)).await? {
        return Err(AppError::Validation(format!(
            "The address /articles/{new} was another article's and still leads to it; \
             choose another."
        )));
    }
    sqlx::query("DELETE FROM slug_redirects WHERE old_slug = $1")
        .bind(new)
        .execute(&mut *conn)
        .await?;
    if published_at.is_some() {
        sqlx::query(
            "INSERT INTO slug_redirects (old_slug, article_id, created_at) VALUES ($1, $2, $3)",
        )
        .bind(&old)
        .bind(id)
        .bind(now())
        .execute(&mut *conn)
        .await?;
    }
    sqlx::query("UPDATE articles SET slug = $2 WHERE id = $1")
        .bind(id)
        .bind(new)
        .execute(&mut *conn)
        .await?;
    Ok(())
}
