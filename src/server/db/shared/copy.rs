//! Copying a whole site between databases: everything but sessions, ids kept.

use super::articles::{load, write_parts};
use super::{Backend, Conn};
use crate::error::AppError;
use crate::model::Article;
use crate::server::db::common::KeyArg;
use crate::server::db::{Content, CopyStore, Result, RevisionRecord, SiteCopy, UserRecord};
use chrono::{DateTime, Utc};

#[async_trait::async_trait]
impl CopyStore for Backend {
    async fn export_site(&self) -> Result<SiteCopy> {
        let mut conn = self.pool.acquire().await?;
        let users: Vec<UserRecord> = sqlx::query_as(
            "SELECT id, email, name, slug, role, password_hash, bio, created_at, active, \
             totp_secret, totp_last_step, totp_enabled_at FROM users ORDER BY id",
        )
        .fetch_all(&mut *conn)
        .await?;
        let ids: Vec<(i64, DateTime<Utc>)> =
            sqlx::query_as("SELECT id, created_at FROM articles ORDER BY id")
                .fetch_all(&mut *conn)
                .await?;
        let mut articles = Vec::with_capacity(ids.len());
        for (id, created_at) in ids {
            if let Some(a) = load(&mut conn, KeyArg::Id(id)).await? {
                articles.push((a, created_at));
            }
        }
        let revisions: Vec<RevisionRecord> = sqlx::query_as(
            "SELECT article_id, version, snapshot, user_id, created_at, autosave FROM revisions \
             ORDER BY article_id, version",
        )
        .fetch_all(&mut *conn)
        .await?;
        let recovery_codes: Vec<(i64, String)> = sqlx::query_as(
            "SELECT user_id, code_hash FROM recovery_codes ORDER BY user_id, code_hash",
        )
        .fetch_all(&mut *conn)
        .await?;
        let settings: Vec<(String, String)> =
            sqlx::query_as("SELECT key, value FROM settings ORDER BY key")
                .fetch_all(&mut *conn)
                .await?;
        Ok(SiteCopy {
            users,
            articles,
            revisions,
            recovery_codes,
            settings,
        })
    }

    async fn import_site(&self, site: &SiteCopy) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let (existing,): (i64,) =
            sqlx::query_as("SELECT (SELECT COUNT(*) FROM users) + (SELECT COUNT(*) FROM articles)")
                .fetch_one(&mut *tx)
                .await?;
        if existing > 0 {
            return Err(AppError::Conflict(
                "The target database already holds users or articles; copy only into an empty one."
                    .into(),
            ));
        }
        for u in &site.users {
            sqlx::query(
                "INSERT INTO users (id, email, name, slug, role, password_hash, bio, created_at, \
                 active, totp_secret, totp_last_step, totp_enabled_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
            )
            .bind(u.id)
            .bind(&u.email)
            .bind(&u.name)
            .bind(&u.slug)
            .bind(&u.role)
            .bind(&u.password_hash)
            .bind(&u.bio)
            .bind(u.created_at)
            .bind(u.active)
            .bind(&u.totp_secret)
            .bind(u.totp_last_step)
            .bind(u.totp_enabled_at)
            .execute(&mut *tx)
            .await?;
        }
        for (user_id, hash) in &site.recovery_codes {
            sqlx::query("INSERT INTO recovery_codes (user_id, code_hash) VALUES ($1, $2)")
                .bind(user_id)
                .bind(hash)
                .execute(&mut *tx)
                .await?;
        }
        for (key, value) in &site.settings {
            sqlx::query("INSERT INTO settings (key, value) VALUES ($1, $2)")
                .bind(key)
                .bind(value)
                .execute(&mut *tx)
                .await?;
        }
        for (a, created_at) in &site.articles {
            insert_article_copy(&mut tx, a, *created_at).await?;
        }
        // Translation links name other articles, so they follow once every article is in.
        for (a, _) in &site.articles {
            if a.translation_group.is_some() {
                sqlx::query("UPDATE articles SET translation_group = $2 WHERE id = $1")
                    .bind(a.id)
                    .bind(a.translation_group)
                    .execute(&mut *tx)
                    .await?;
            }
        }
        for r in &site.revisions {
            sqlx::query(
                "INSERT INTO revisions (article_id, version, snapshot, user_id, created_at, \
                 autosave) VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(r.article_id)
            .bind(r.version)
            .bind(&r.snapshot)
            .bind(r.user_id)
            .bind(r.created_at)
            .bind(r.autosave)
            .execute(&mut *tx)
            .await?;
        }
        Backend::after_import(&mut tx).await?;
        tx.commit().await?;
        Ok(())
    }
}

/// Inserts an article row keeping its id, for copying a site.
async fn insert_article_copy(
    conn: &mut Conn,
    a: &Article,
    created_at: DateTime<Utc>,
) -> Result<()> {
    let d = a.disclosure.as_ref();
    sqlx::query(
        "INSERT INTO articles (id, slug, title, dek, body_md, body_html, analysis_md, \
         analysis_html, disclosure_level, disclosure_statement, disclosure_tool, \
         disclosure_reviewer, status, published_at, created_at, updated_at, version, \
         scheduled_at, modified_at, language) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, \
         $18, $19, $20)",
    )
    .bind(a.id)
    .bind(&a.slug)
    .bind(&a.title)
    .bind(&a.dek)
    .bind(&a.body.markdown)
    .bind(&a.body.html)
    .bind(&a.analysis.markdown)
    .bind(&a.analysis.html)
    .bind(d.map(|d| d.level.as_str()))
    .bind(d.map(|d| d.statement.as_str()))
    .bind(d.and_then(|d| d.tool.as_deref()))
    .bind(d.and_then(|d| d.reviewer.as_deref()))
    .bind(a.status.as_str())
    .bind(a.published_at)
    .bind(created_at)
    .bind(a.updated_at)
    .bind(a.version)
    .bind(a.scheduled_at)
    .bind(a.modified_at)
    .bind(&a.language)
    .execute(&mut *conn)
    .await?;
    for c in &a.corrections {
        sqlx::query("INSERT INTO corrections (article_id, note, created_at) VALUES ($1, $2, $3)")
            .bind(a.id)
            .bind(&c.note)
            .bind(c.at)
            .execute(&mut *conn)
            .await?;
    }
    let content = Content {
        title: a.title.clone(),
        dek: a.dek.clone(),
        body: a.body.clone(),
        takeaways: a.takeaways.clone(),
        analysis: a.analysis.clone(),
        faq: a.faq.clone(),
        disclosure: a.disclosure.clone(),
        tags: a.tags.clone(),
        substantive: false,
        autosave: false,
    };
    write_parts(conn, a.id, &content).await?;
    for (pos, author) in a.authors.iter().enumerate() {
        sqlx::query(
            "INSERT INTO article_authors (article_id, user_id, position) \
             SELECT $1, id, $2 FROM users WHERE slug = $3",
        )
        .bind(a.id)
        .bind(pos as i64)
        .bind(&author.slug)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}
