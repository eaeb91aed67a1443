//! Revisions: a snapshot of an article each time it is written, and reading them back.

use super::articles::load;
use super::{Backend, Conn};
use crate::error::AppError;
use crate::model::{Article, RevisionInfo, User};
use crate::server::db::common::{now, KeyArg};
use crate::server::db::{Result, RevisionStore};
use chrono::{DateTime, Utc};

#[async_trait::async_trait]
impl RevisionStore for Backend {
    async fn list_revisions(&self, id: i64) -> Result<Vec<RevisionInfo>> {
        let rows: Vec<(i64, DateTime<Utc>, Option<String>, String, bool)> = sqlx::query_as(
            "SELECT r.version, r.created_at, u.name, r.snapshot, r.autosave FROM revisions r \
             LEFT JOIN users u ON u.id = r.user_id WHERE r.article_id = $1 \
             ORDER BY r.version DESC",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|(version, at, by, snapshot, autosave)| {
                let a: Article = serde_json::from_str(&snapshot).map_err(|_| AppError::Internal)?;
                Ok(RevisionInfo {
                    version,
                    at,
                    by,
                    title: a.title,
                    status: a.status,
                    autosave,
                })
            })
            .collect()
    }

    async fn revision(&self, id: i64, version: i64) -> Result<Option<Article>> {
        let row: Option<(String,)> =
            sqlx::query_as("SELECT snapshot FROM revisions WHERE article_id = $1 AND version = $2")
                .bind(id)
                .bind(version)
                .fetch_optional(&self.pool)
                .await?;
        row.map(|(s,)| serde_json::from_str(&s).map_err(|_| AppError::Internal))
            .transpose()
    }
}

/// Records the article as it now stands as revision `version`. An autosave replaces the
/// same person's autosave just before it when that is under ten minutes old, so typing
/// does not bury the history in near-identical revisions.
pub(super) async fn write_revision(
    conn: &mut Conn,
    id: i64,
    by: Option<&User>,
    autosave: bool,
) -> Result<Article> {
    let article = load(conn, KeyArg::Id(id))
        .await?
        .ok_or(AppError::NotFound)?;
    let snapshot = serde_json::to_string(&article).map_err(|_| AppError::Internal)?;
    if let (true, Some(user)) = (autosave, by) {
        sqlx::query(
            "DELETE FROM revisions WHERE article_id = $1 AND version = $2 AND autosave = TRUE \
             AND user_id = $3 AND created_at > $4",
        )
        .bind(id)
        .bind(article.version - 1)
        .bind(user.id)
        .bind(now() - chrono::Duration::minutes(10))
        .execute(&mut *conn)
        .await?;
    }
    sqlx::query(
        "INSERT INTO revisions (article_id, version, snapshot, user_id, created_at, autosave) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(id)
    .bind(article.version)
    .bind(snapshot)
    .bind(by.map(|u| u.id))
    .bind(now())
    .bind(autosave)
    .execute(&mut *conn)
    .await?;
    Ok(article)
}
