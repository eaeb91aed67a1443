//! Copying a whole site between databases, ids kept, everything but sessions: read in
//! batches from one snapshot of the source and written in one transaction on the
//! target, so memory stays bounded whatever the site's size and a failed copy leaves
//! the target empty.

use super::articles::{load_many, write_parts, Texts};
use super::{Backend, Conn, Db};
use crate::error::AppError;
use crate::model::Article;
use crate::server::db::{
    BylineRecord, Content, CopyBatch, CopyPart, CopyStore, MediaRecord, Result, RevisionRecord,
    SiteReader, SiteWriter, UserRecord,
};
use chrono::{DateTime, Utc};
use sqlx::AssertSqlSafe;

/// How many owners (users, bylines, pictures, articles) one batch covers: a picture
/// brings its original and variants (megabytes), an article its parts.
fn owners_per_batch(part: CopyPart) -> i64 {
    match part {
        CopyPart::Media => 2,
        CopyPart::Articles | CopyPart::Redirects | CopyPart::ArticleMedia => 100,
        CopyPart::Revisions => 50,
        CopyPart::Users | CopyPart::RecoveryCodes | CopyPart::Settings | CopyPart::Bylines => 500,
    }
}

/// The table whose ids a part's batches follow.
fn owner_table(part: CopyPart) -> &'static str {
    match part {
        CopyPart::Users | CopyPart::RecoveryCodes | CopyPart::Settings => "users",
        CopyPart::Bylines => "bylines",
        CopyPart::Media => "media",
        CopyPart::Articles | CopyPart::Redirects | CopyPart::ArticleMedia | CopyPart::Revisions => {
            "articles"
        }
    }
}

struct Reader {
    tx: sqlx::Transaction<'static, Db>,
}

struct Writer {
    tx: sqlx::Transaction<'static, Db>,
    /// `(article, translation group)`: links name other articles, so they are written
    /// once every article is in.
    translations: Vec<(i64, i64)>,
}

#[async_trait::async_trait]
impl CopyStore for Backend {
    async fn read_site(&self) -> Result<Box<dyn SiteReader>> {
        Ok(Box::new(Reader {
            tx: self.begin_snapshot().await?,
        }))
    }

    async fn write_site(&self) -> Result<Box<dyn SiteWriter>> {
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
        Ok(Box::new(Writer {
            tx,
            translations: Vec::new(),
        }))
    }
}

#[async_trait::async_trait]
impl SiteReader for Reader {
    async fn read(&mut self, part: CopyPart, after: i64) -> Result<(CopyBatch, Option<i64>)> {
        let conn: &mut Conn = &mut self.tx;
        if part == CopyPart::Settings {
            let settings = sqlx::query_as("SELECT key, value FROM settings ORDER BY key")
                .fetch_all(&mut *conn)
                .await?;
            return Ok((CopyBatch::Settings(settings), None));
        }
        let sql = format!(
            "SELECT id FROM {} WHERE id > $1 ORDER BY id LIMIT $2",
            owner_table(part)
        );
        let owners: Vec<i64> = sqlx::query_scalar(AssertSqlSafe(sql))
            .bind(after)
            .bind(owners_per_batch(part))
            .fetch_all(&mut *conn)
            .await?;
        let Some(&last) = owners.last() else {
            return Ok((empty(part), None));
        };
        // The ids are integers the database just returned, so they are written inline.
        let list = owners
            .iter()
            .map(|id| id.to_string())
            .collect::<Vec<_>>()
            .join(", ");
        let batch = match part {
            CopyPart::Users => CopyBatch::Users(
                sqlx::query_as(AssertSqlSafe(format!(
                    "SELECT id, email, name, slug, role, password_hash, bio, created_at, active, \
                     totp_secret, totp_last_step, totp_enabled_at FROM users \
                     WHERE id IN ({list}) ORDER BY id"
                )))
                .fetch_all(&mut *conn)
                .await?,
            ),
            CopyPart::RecoveryCodes => CopyBatch::RecoveryCodes(
                sqlx::query_as(AssertSqlSafe(format!(
                    "SELECT user_id, code_hash FROM recovery_codes WHERE user_id IN ({list}) \
                     ORDER BY user_id, code_hash"
                )))
                .fetch_all(&mut *conn)
                .await?,
            ),
            CopyPart::Bylines => CopyBatch::Bylines(
                sqlx::query_as(AssertSqlSafe(format!(
                    "SELECT id, slug, name, bio, user_id, created_at FROM bylines \
                     WHERE id IN ({list}) ORDER BY id"
                )))
                .fetch_all(&mut *conn)
                .await?,
            ),
            CopyPart::Media => {
                let mut media: Vec<MediaRecord> = sqlx::query_as(AssertSqlSafe(format!(
                    "SELECT id, hash, width, height, format, original, alt, caption, credit, \
                     focus_x, focus_y, uploaded_by, created_at FROM media \
                     WHERE id IN ({list}) ORDER BY id"
                )))
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
                CopyBatch::Media(media)
            }
            CopyPart::Articles => {
                let created: Vec<(i64, DateTime<Utc>)> = sqlx::query_as(AssertSqlSafe(format!(
                    "SELECT id, created_at FROM articles WHERE id IN ({list}) ORDER BY id"
                )))
                .fetch_all(&mut *conn)
                .await?;
                let articles = load_many(conn, &owners, Texts::All).await?;
                CopyBatch::Articles(
                    articles
                        .into_iter()
                        .zip(created)
                        .map(|(a, (_, at))| (a, at))
                        .collect(),
                )
            }
            CopyPart::Redirects => CopyBatch::Redirects(
                sqlx::query_as(AssertSqlSafe(format!(
                    "SELECT old_slug, article_id, created_at FROM slug_redirects \
                     WHERE article_id IN ({list}) ORDER BY article_id, old_slug"
                )))
                .fetch_all(&mut *conn)
                .await?,
            ),
            CopyPart::ArticleMedia => CopyBatch::ArticleMedia(
                sqlx::query_as(AssertSqlSafe(format!(
                    "SELECT article_id, media_id FROM article_media \
                     WHERE article_id IN ({list}) ORDER BY article_id, media_id"
                )))
                .fetch_all(&mut *conn)
                .await?,
            ),
            CopyPart::Revisions => CopyBatch::Revisions(
                sqlx::query_as(AssertSqlSafe(format!(
                    "SELECT article_id, version, snapshot, user_id, created_at, autosave \
                     FROM revisions WHERE article_id IN ({list}) ORDER BY article_id, version"
                )))
                .fetch_all(&mut *conn)
                .await?,
            ),
            CopyPart::Settings => unreachable!("settings are read in one batch above"),
        };
        Ok((batch, Some(last)))
    }
}

/// A part's batch with nothing in it.
fn empty(part: CopyPart) -> CopyBatch {
    match part {
        CopyPart::Users => CopyBatch::Users(Vec::new()),
        CopyPart::RecoveryCodes => CopyBatch::RecoveryCodes(Vec::new()),
        CopyPart::Settings => CopyBatch::Settings(Vec::new()),
        CopyPart::Bylines => CopyBatch::Bylines(Vec::new()),
        CopyPart::Media => CopyBatch::Media(Vec::new()),
        CopyPart::Articles => CopyBatch::Articles(Vec::new()),
        CopyPart::Redirects => CopyBatch::Redirects(Vec::new()),
        CopyPart::ArticleMedia => CopyBatch::ArticleMedia(Vec::new()),
        CopyPart::Revisions => CopyBatch::Revisions(Vec::new()),
    }
}

#[async_trait::async_trait]
impl SiteWriter for Writer {
    async fn write(&mut self, batch: &CopyBatch) -> Result<()> {
        let tx: &mut Conn = &mut self.tx;
        match batch {
            CopyBatch::Users(users) => {
                for u in users {
                    insert_user_copy(tx, u).await?;
                }
            }
            CopyBatch::RecoveryCodes(codes) => {
                for (user_id, hash) in codes {
                    sqlx::query("INSERT INTO recovery_codes (user_id, code_hash) VALUES ($1, $2)")
                        .bind(user_id)
                        .bind(hash)
                        .execute(&mut *tx)
                        .await?;
                }
            }
            CopyBatch::Settings(settings) => {
                for (key, value) in settings {
                    sqlx::query("INSERT INTO settings (key, value) VALUES ($1, $2)")
                        .bind(key)
                        .bind(value)
                        .execute(&mut *tx)
                        .await?;
                }
            }
            CopyBatch::Bylines(bylines) => {
                for b in bylines {
                    insert_byline_copy(tx, b).await?;
                }
            }
            CopyBatch::Media(media) => {
                for m in media {
                    insert_media_copy(tx, m).await?;
                }
            }
            CopyBatch::Articles(articles) => {
                for (a, created_at) in articles {
                    insert_article_copy(tx, a, *created_at).await?;
                    if let Some(group) = a.translation_group {
                        self.translations.push((a.id, group));
                    }
                }
            }
            CopyBatch::Redirects(redirects) => {
                for (old_slug, article_id, created_at) in redirects {
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
            }
            CopyBatch::ArticleMedia(uses) => {
                for (article_id, media_id) in uses {
                    sqlx::query(
                        "INSERT INTO article_media (article_id, media_id) VALUES ($1, $2) \
                         ON CONFLICT DO NOTHING",
                    )
                    .bind(article_id)
                    .bind(media_id)
                    .execute(&mut *tx)
                    .await?;
                }
            }
            CopyBatch::Revisions(revisions) => {
                for r in revisions {
                    insert_revision_copy(tx, r).await?;
                }
            }
        }
        Ok(())
    }

    async fn finish(self: Box<Self>) -> Result<()> {
        let Writer {
            mut tx,
            translations,
        } = *self;
        for (id, group) in translations {
            sqlx::query("UPDATE articles SET translation_group = $2 WHERE id = $1")
                .bind(id)
                .bind(group)
                .execute(&mut *tx)
                .await?;
        }
        Backend::after_import(&mut tx).await?;
        tx.commit().await?;
        Ok(())
    }
}

async fn insert_user_copy(conn: &mut Conn, u: &UserRecord) -> Result<()> {
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
    .execute(&mut *conn)
    .await?;
    Ok(())
}

async fn insert_byline_copy(conn: &mut Conn, b: &BylineRecord) -> Result<()> {
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
    .execute(&mut *conn)
    .await?;
    Ok(())
}

async fn insert_revision_copy(conn: &mut Conn, r: &RevisionRecord) -> Result<()> {
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
    .execute(&mut *conn)
    .await?;
    Ok(())
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
    write_parts(conn, a.id, &Content::stored(a)).await?;
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
