//! Uploaded pictures: storing an upload once per distinct file with its variants,
//! serving a variant, the media library's list and edits, and deleting unused pictures.

use super::Backend;
use crate::error::AppError;
use crate::model::{MediaItem, MediaRef, User};
use crate::server::db::common::now;
use crate::server::db::{MediaStore, Result};
use crate::server::media::{Processed, Variant};
use chrono::{DateTime, Utc};
use sqlx::AssertSqlSafe;

/// The columns of a [`MediaRow`] from `media m`.
const MEDIA_SELECT: &str = "SELECT m.id, m.hash, m.width, m.height, m.focus_x, m.focus_y, \
     m.alt, m.caption, m.credit, m.created_at, CAST(LENGTH(m.original) AS BIGINT) AS original_bytes \
     FROM media m";

#[derive(sqlx::FromRow)]
struct MediaRow {
    id: i64,
    hash: String,
    width: i64,
    height: i64,
    focus_x: i64,
    focus_y: i64,
    alt: String,
    caption: String,
    credit: String,
    created_at: DateTime<Utc>,
    original_bytes: i64,
}

impl MediaRow {
    fn media_ref(&self) -> MediaRef {
        MediaRef {
            id: self.id,
            hash: self.hash.clone(),
            width: self.width as u32,
            height: self.height as u32,
            focus_x: self.focus_x as u32,
            focus_y: self.focus_y as u32,
        }
    }

    fn item(self, used_by: Vec<(i64, String)>) -> MediaItem {
        MediaItem {
            media: self.media_ref(),
            alt: self.alt,
            caption: self.caption,
            credit: self.credit,
            created_at: self.created_at,
            original_bytes: self.original_bytes,
            used_by,
        }
    }
}

impl Backend {
    /// The rows with their "where used" lists, in one query for all of them.
    async fn media_items(&self, rows: Vec<MediaRow>) -> Result<Vec<MediaItem>> {
        if rows.is_empty() {
            return Ok(Vec::new());
        }
        let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
        let sql = format!(
            "SELECT am.media_id, a.id, a.title FROM article_media am \
             JOIN articles a ON a.id = am.article_id WHERE {} \
             ORDER BY a.updated_at DESC",
            super::in_ids("am.media_id", ids.len())
        );
        let uses: Vec<(i64, i64, String)> = sqlx::query_as(AssertSqlSafe(sql))
            .bind(super::ids_value(&ids))
            .fetch_all(&self.pool)
            .await?;
        Ok(rows
            .into_iter()
            .map(|r| {
                let used_by = uses
                    .iter()
                    .filter(|(m, _, _)| *m == r.id)
                    .map(|(_, id, title)| (*id, title.clone()))
                    .collect();
                r.item(used_by)
            })
            .collect())
    }

    async fn media_row(&self, id: i64) -> Result<Option<MediaRow>> {
        Ok(
            sqlx::query_as(AssertSqlSafe(format!("{MEDIA_SELECT} WHERE m.id = $1")))
                .bind(id)
                .fetch_optional(&self.pool)
                .await?,
        )
    }
}

#[async_trait::async_trait]
impl MediaStore for Backend {
    async fn add_media(
        &self,
        p: &Processed,
        original: &[u8],
        alt: &str,
        by: Option<&User>,
    ) -> Result<(MediaItem, bool)> {
        let mut tx = self.begin_write().await?;
        let inserted: Option<(i64,)> = sqlx::query_as(
            "INSERT INTO media (hash, width, height, format, original, alt, uploaded_by, \
             created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
             ON CONFLICT (hash) DO NOTHING RETURNING id",
        )
        .bind(&p.hash)
        .bind(p.width as i64)
        .bind(p.height as i64)
        .bind(p.kind.as_str())
        .bind(original)
        .bind(alt)
        .bind(by.map(|u| u.id))
        .bind(now())
        .fetch_optional(&mut *tx)
        .await?;
        let existing = inserted.is_none();
        if let Some((id,)) = inserted {
            for v in &p.variants {
                sqlx::query(
                    "INSERT INTO media_variants (media_id, name, content_type, width, height, \
                     bytes) VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(id)
                .bind(&v.name)
                .bind(v.content_type)
                .bind(v.width as i64)
                .bind(v.height as i64)
                .bind(&v.bytes)
                .execute(&mut *tx)
                .await?;
            }
        }
        tx.commit().await?;
        let row: MediaRow =
            sqlx::query_as(AssertSqlSafe(format!("{MEDIA_SELECT} WHERE m.hash = $1")))
                .bind(&p.hash)
                .fetch_one(&self.pool)
                .await?;
        let item = self
            .media_items(vec![row])
            .await?
            .pop()
            .ok_or(AppError::Internal)?;
        Ok((item, existing))
    }

    async fn media_variant(&self, hash: &str, name: &str) -> Result<Option<(String, Vec<u8>)>> {
        Ok(sqlx::query_as(
            "SELECT v.content_type, v.bytes FROM media_variants v JOIN media m \
             ON m.id = v.media_id WHERE m.hash = $1 AND v.name = $2",
        )
        .bind(hash)
        .bind(name)
        .fetch_optional(&self.pool)
        .await?)
    }

    async fn media_refs(&self, ids: &[i64]) -> Result<Vec<MediaRef>> {
        let mut conn = self.pool.acquire().await?;
        media_refs_in(&mut conn, ids).await
    }

    async fn media_item(&self, id: i64) -> Result<Option<MediaItem>> {
        let Some(row) = self.media_row(id).await? else {
            return Ok(None);
        };
        Ok(self.media_items(vec![row]).await?.pop())
    }

    async fn media_uploader(&self, id: i64) -> Result<Option<i64>> {
        let row: Option<(Option<i64>,)> =
            sqlx::query_as("SELECT uploaded_by FROM media WHERE id = $1")
                .bind(id)
                .fetch_optional(&self.pool)
                .await?;
        Ok(row.and_then(|(u,)| u))
    }

    async fn list_media(&self, query: &str, limit: i64) -> Result<Vec<MediaItem>> {
        let words: String = query
            .trim()
            .to_lowercase()
            .chars()
            .filter(|c| !matches!(c, '%' | '_' | '\\'))
            .collect();
        let rows: Vec<MediaRow> = sqlx::query_as(AssertSqlSafe(format!(
            "{MEDIA_SELECT} WHERE $1 = '' OR LOWER(m.alt) LIKE $2 OR LOWER(m.caption) LIKE $2 \
             OR LOWER(m.credit) LIKE $2 ORDER BY m.created_at DESC, m.id DESC LIMIT $3"
        )))
        .bind(&words)
        .bind(format!("%{words}%"))
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        self.media_items(rows).await
    }

    async fn update_media_text(
        &self,
        id: i64,
        alt: &str,
        caption: &str,
        credit: &str,
    ) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let changed =
            sqlx::query("UPDATE media SET alt = $2, caption = $3, credit = $4 WHERE id = $1")
                .bind(id)
                .bind(alt)
                .bind(caption)
                .bind(credit)
                .execute(&mut *tx)
                .await?
                .rows_affected();
        if changed == 0 {
            return Err(AppError::NotFound);
        }
        tx.commit().await?;
        Ok(())
    }

    async fn media_original(&self, id: i64) -> Result<Option<Vec<u8>>> {
        let row: Option<(Vec<u8>,)> = sqlx::query_as("SELECT original FROM media WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(|(b,)| b))
    }

    async fn set_media_focus(
        &self,
        id: i64,
        focus_x: u32,
        focus_y: u32,
        crops: &[Variant],
    ) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let changed = sqlx::query("UPDATE media SET focus_x = $2, focus_y = $3 WHERE id = $1")
            .bind(id)
            .bind(focus_x as i64)
            .bind(focus_y as i64)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if changed == 0 {
            return Err(AppError::NotFound);
        }
        // Crops are the only variants whose names hold a '-' (`16x9-050050.jpg`).
        sqlx::query("DELETE FROM media_variants WHERE media_id = $1 AND name LIKE '%-%'")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        for v in crops {
            sqlx::query(
                "INSERT INTO media_variants (media_id, name, content_type, width, height, bytes) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(id)
            .bind(&v.name)
            .bind(v.content_type)
            .bind(v.width as i64)
            .bind(v.height as i64)
            .bind(&v.bytes)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn delete_media(&self, id: i64) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let users: Vec<(String,)> = sqlx::query_as(
            "SELECT a.title FROM articles a WHERE a.lead_media_id = $1 OR EXISTS \
             (SELECT 1 FROM article_media am WHERE am.article_id = a.id AND am.media_id = $1) \
             ORDER BY a.updated_at DESC",
        )
        .bind(id)
        .fetch_all(&mut *tx)
        .await?;
        if !users.is_empty() {
            let titles: Vec<String> = users.into_iter().map(|(t,)| format!("“{t}”")).collect();
            return Err(AppError::Conflict(format!(
                "This picture is still used by {}: remove it from there first.",
                titles.join(", ")
            )));
        }
        let logo: Option<(String,)> =
            sqlx::query_as("SELECT value FROM settings WHERE key = 'site.logo' AND value = $1")
                .bind(id.to_string())
                .fetch_optional(&mut *tx)
                .await?;
        if logo.is_some() {
            return Err(AppError::Conflict(
                "This picture is the publication's logo: choose another logo in the settings \
                 first."
                    .into(),
            ));
        }
        let changed = sqlx::query("DELETE FROM media WHERE id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if changed == 0 {
            return Err(AppError::NotFound);
        }
        tx.commit().await?;
        Ok(())
    }
}

/// The pictures with the given ids, as pages refer to them (for loading articles).
pub(super) async fn media_refs_in(conn: &mut super::Conn, ids: &[i64]) -> Result<Vec<MediaRef>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!("{MEDIA_SELECT} WHERE {}", super::in_ids("m.id", ids.len()));
    let rows: Vec<MediaRow> = sqlx::query_as(AssertSqlSafe(sql))
        .bind(super::ids_value(ids))
        .fetch_all(&mut *conn)
        .await?;
    Ok(rows.iter().map(MediaRow::media_ref).collect())
}

#[derive(sqlx::FromRow)]
struct CardImageRow {
    article_id: i64,
    lead_alt: String,
    #[sqlx(flatten)]
    media: MediaRow,
}

/// Gives reader cards their lead image, bylines and tags: two queries for the whole
/// list, whatever its length.
pub(super) async fn fill_cards(
    pool: &sqlx::Pool<super::Db>,
    cards: &mut [crate::model::ArticleSummary],
) -> Result<()> {
    if cards.is_empty() {
        return Ok(());
    }
    let ids: Vec<i64> = cards.iter().map(|c| c.id).collect();
    let of_cards = |column| super::in_ids(column, ids.len());
    let images: Vec<CardImageRow> = sqlx::query_as(AssertSqlSafe(format!(
        "SELECT a.id AS article_id, a.lead_alt, m.id, m.hash, m.width, m.height, m.focus_x, \
         m.focus_y, m.alt, m.caption, m.credit, m.created_at, \
         CAST(0 AS BIGINT) AS original_bytes \
         FROM articles a JOIN media m ON m.id = a.lead_media_id WHERE {}",
        of_cards("a.id")
    )))
    .bind(super::ids_value(&ids))
    .fetch_all(pool)
    .await?;
    // Bylines (kind 0: staff and byline-only authors, whose positions count together)
    // and tags (kind 1) in one statement.
    let names: Vec<(i64, i64, i64, String, String)> = sqlx::query_as(AssertSqlSafe(format!(
        "SELECT aa.article_id, CAST(0 AS BIGINT) AS kind, aa.position AS pos, u.slug, u.name \
         FROM article_authors aa JOIN users u ON u.id = aa.user_id \
         WHERE {} \
         UNION ALL SELECT ab.article_id, 0, ab.position, b.slug, b.name \
         FROM article_bylines ab JOIN bylines b ON b.id = ab.byline_id \
         WHERE {} \
         UNION ALL SELECT at.article_id, 1, at.position, t.slug, t.name FROM article_tags at \
         JOIN tags t ON t.id = at.tag_id WHERE {} \
         ORDER BY article_id, kind, pos",
        of_cards("aa.article_id"),
        of_cards("ab.article_id"),
        of_cards("at.article_id")
    )))
    .bind(super::ids_value(&ids))
    .fetch_all(pool)
    .await?;
    let of = |card: i64, kind: i64| {
        names
            .iter()
            .filter(move |(a, k, _, _, _)| *a == card && *k == kind)
            .map(|(_, _, _, slug, name)| (slug.clone(), name.clone()))
    };
    for card in cards.iter_mut() {
        card.image =
            images
                .iter()
                .find(|i| i.article_id == card.id)
                .map(|i| crate::model::ArticleImage {
                    media: i.media.media_ref(),
                    alt: i.lead_alt.clone(),
                    caption: String::new(),
                    credit: String::new(),
                });
        card.authors = of(card.id, 0)
            .map(|(slug, name)| crate::model::Author { slug, name })
            .collect();
        card.tags = of(card.id, 1)
            .map(|(slug, name)| crate::model::Tag { slug, name })
            .collect();
    }
    Ok(())
}
