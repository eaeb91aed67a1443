//! The publication's settings (the `site.*` rows of `settings`) and the languages and
//! translation links of articles.

use super::Backend;
use crate::error::AppError;
use crate::server::db::{LanguageLink, Result, SiteStore};

/// The prefix of the publication's keys in `settings` (other keys hold security settings).
const PREFIX: &str = "site.";

/// Published articles with a language or a translation link of their own.
const LINK_SELECT: &str = "SELECT id, slug, language, translation_group FROM articles \
     WHERE status = 'published'";

#[async_trait::async_trait]
impl SiteStore for Backend {
    async fn site_settings(&self) -> Result<Vec<(String, String)>> {
        let rows: Vec<(String, String)> =
            sqlx::query_as("SELECT key, value FROM settings WHERE key LIKE 'site.%'")
                .fetch_all(&self.pool)
                .await?;
        Ok(rows
            .into_iter()
            .filter_map(|(k, v)| Some((k.strip_prefix(PREFIX)?.to_string(), v)))
            .collect())
    }

    async fn set_site_settings(&self, values: &[(String, String)]) -> Result<()> {
        let mut tx = self.begin_write().await?;
        for (key, value) in values {
            sqlx::query(
                "INSERT INTO settings (key, value) VALUES ($1, $2) \
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            )
            .bind(format!("{PREFIX}{key}"))
            .bind(value)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn set_article_language(
        &self,
        id: i64,
        language: Option<&str>,
        translation_of: Option<i64>,
    ) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let (own_group,): (Option<i64>,) =
            sqlx::query_as("SELECT translation_group FROM articles WHERE id = $1")
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?
                .ok_or(AppError::NotFound)?;
        let group = match translation_of {
            None => None,
            Some(other) if other == id => {
                return Err(AppError::Validation(
                    "An article can't be a translation of itself.".into(),
                ))
            }
            Some(other) => {
                let (their_group,): (Option<i64>,) =
                    sqlx::query_as("SELECT translation_group FROM articles WHERE id = $1")
                        .bind(other)
                        .fetch_optional(&mut *tx)
                        .await?
                        .ok_or_else(|| {
                            AppError::Validation("No article has that address.".into())
                        })?;
                let group = their_group.unwrap_or(other);
                sqlx::query(
                    "UPDATE articles SET translation_group = $2 \
                     WHERE id = $1 AND translation_group IS NULL",
                )
                .bind(other)
                .bind(group)
                .execute(&mut *tx)
                .await?;
                Some(group)
            }
        };
        // An original that joins another group brings its translations along; one that
        // leaves hands its group to the oldest translation left in it.
        if own_group == Some(id) && group != Some(id) {
            let successor = match group {
                Some(g) => Some(g),
                None => {
                    let (next,): (Option<i64>,) = sqlx::query_as(
                        "SELECT MIN(id) FROM articles WHERE translation_group = $1 AND id <> $1",
                    )
                    .bind(id)
                    .fetch_one(&mut *tx)
                    .await?;
                    next
                }
            };
            sqlx::query(
                "UPDATE articles SET translation_group = $2 WHERE translation_group = $1 AND id <> $1",
            )
            .bind(id)
            .bind(successor)
            .execute(&mut *tx)
            .await?;
        }
        sqlx::query("UPDATE articles SET language = $2, translation_group = $3 WHERE id = $1")
            .bind(id)
            .bind(language)
            .bind(group)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn article_language(&self, slug: &str) -> Result<Option<String>> {
        let row: Option<(Option<String>,)> =
            sqlx::query_as("SELECT language FROM articles WHERE slug = $1")
                .bind(slug)
                .fetch_optional(&self.pool)
                .await?;
        Ok(row.and_then(|(language,)| language))
    }

    async fn published_translations(&self, group: i64) -> Result<Vec<LanguageLink>> {
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "{LINK_SELECT} AND translation_group = $1 ORDER BY id"
        )))
        .bind(group)
        .fetch_all(&self.pool)
        .await?)
    }

    async fn published_language_links(&self) -> Result<Vec<LanguageLink>> {
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "{LINK_SELECT} AND language IS NOT NULL \
             UNION {LINK_SELECT} AND translation_group IS NOT NULL ORDER BY id"
        )))
        .fetch_all(&self.pool)
        .await?)
    }
}
