//! Copying a whole site between databases: everything but sessions, ids kept.

use super::articles::{load, write_parts};
use super::{Backend, Conn};
use crate::error::AppError;
use crate::model::Article;
use crate::server::db::common::KeyArg;
use crate::server::db::{
    BylineRecord, Content, CopyStore, MediaRecord, Result, RevisionRecord, SiteCopy, UserRecord,
};
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
        let bylines: Vec<BylineRecord> = sqlx::query_as(
            "SELECT id, slug, name, bio, user_id, created_at FROM bylines ORDER BY id",
        )
        .fetch_all(&mut *conn)
        .await?;
        let redirects: Vec<(String, i64, DateTime<Utc>)> = sqlx::query_as(
            "SELECT old_slug, article_id, created_at FROM slug_redirects ORDER BY old_slug",
        )
        .fetch_all(&mut *conn)
        .await?;
        let mut media: Vec<MediaRecord> = sqlx::query_as(
            "SELECT id, hash, width, height, format, original, alt, caption, credit, focus_x, \
             focus_y, uploaded_by, created_at FROM media ORDER BY id",
        )
        .fetch_all(&mut *conn)
        .await?;
        for m in &mut media {
            m.variants = sqlx::query_as(
                "SELECT name, content_type, width, height, bytes FROM media_variants \
                 WHERE media_id = $1 ORDER BY name",
            )
            .bind(m.id)
            .fetch_all(&mut *conn)
            .await?;
        }
        let article_media: Vec<(i64, i64)> = sqlx::query_as(
            "SELECT article_id, media_id FROM article_media ORDER BY article_id, media_id",
        )
        .fetch_all(&mut *conn)
        .await?;
        Ok(SiteCopy {
            media,
            article_media,
            users,
            articles,
            revisions,
            recovery_codes,
            settings,
            bylines,
            redirects,
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
        for b in &site.bylines {
            sqlx::query(
                "INSERT INTO bylines (id, slug, name, bio, user_id, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(b.id)
            .bind(&b.slug)
            .bind(&b.name)
            .bind(&b.bio)
            .bind(b.user_id)
            .bind(b.created_at)
            .execute(&mut *tx)
            .await?;
        }
        for m in &site.media {
            insert_media_copy(&mut tx, m).await?;
        }
        for (a, created_at) in &site.articles {
            insert_article_copy(&mut tx, a, *created_at).await?;
        }
        for (old_slug, article_id, created_at) in &site.redirects {
            sqlx::query(
                "INSERT INTO slug_redirects (old_slug, article_id, created_at) \
                 VALUES ($1, $2, $3)",
            )
            .bind(old_slug)
            .bind(article_id)
            .bind(created_at)
            .execute(&mut *tx)
            .await?;
        }
        for (article_id, media_id) in &site.article_media {
            sqlx::query(
                "INSERT INTO article_media (article_id, media_id) VALUES ($1, $2) \
                 ON CONFLICT DO NOTHING",
            )
            .bind(article_id)
            .bind(media_id)
            .execute(&mut *tx)
            .await?;
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

/// Inserts a picture with its variants, keeping its id.
async fn insert_media_copy(conn: &mut Conn, m: &MediaRecord) -> Result<()> {
    sqlx::query(
        "INSERT INTO media (id, hash, width, height, format, original, alt, caption, credit, \
         focus_x, focus_y, uploaded_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
    )
    .bind(m.id)
    .bind(&m.hash)
    .bind(m.width)
    .bind(m.height)
    .bind(&m.format)
    .bind(&m.original)
    .bind(&m.alt)
    .bind(&m.caption)
    .bind(&m.credit)
    .bind(m.focus_x)
    .bind(m.focus_y)
    .bind(m.uploaded_by)
    .bind(m.created_at)
    .execute(&mut *conn)
    .await?;
    for v in &m.variants {
        sqlx::query(
            "INSERT INTO media_variants (media_id, name, content_type, width, height, bytes) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(m.id)
        .bind(&v.name)
        .bind(&v.content_type)
        .bind(v.width)
        .bind(v.height)
        .bind(&v.bytes)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
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
        slug: None,
        bylines: None,
        lead_image: a.lead_image.as_ref().map(|i| crate::model::LeadImageDraft {
            media_id: i.media.id,
            alt: i.alt.clone(),
            caption: i.caption.clone(),
            credit: i.credit.clone(),
        }),
        media_ids: Vec::new(),
    };
    write_parts(conn, a.id, &content).await?;
    // Staff and byline-only authors share one set of slugs, so each insert finds one.
    for (pos, author) in a.authors.iter().enumerate() {
        for sql in [
            "INSERT INTO article_authors (article_id, user_id, position) \
             SELECT $1, id, $2 FROM users WHERE slug = $3",
            "INSERT INTO article_bylines (article_id, byline_id, position) \
             SELECT $1, id, $2 FROM bylines WHERE slug = $3",
        ] {
            sqlx::query(sql)
                .bind(a.id)
                .bind(pos as i64)
                .bind(&author.slug)
                .execute(&mut *conn)
                .await?;
        }
    }
    Ok(())
}
