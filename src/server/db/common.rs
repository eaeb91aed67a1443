//! Row types and the store implementation shared by both backends where their SQL
//! agrees (positional `$n` parameters, `RETURNING`, `ON CONFLICT`). Backend-specific
//! parts (connection set-up, migrations, transaction start) live in `sqlite.rs` and
//! `postgres.rs`, which instantiate [`impl_store!`].

use crate::model::{
    AiDisclosure, AiLevel, Article, ArticleStatus, ArticleSummary, Author, FaqItem, Rich, Role,
    Tag, User,
};
use chrono::{DateTime, Utc};

#[derive(sqlx::FromRow)]
pub struct UserRow {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub slug: String,
    pub role: String,
}

impl From<UserRow> for User {
    fn from(r: UserRow) -> Self {
        User {
            id: r.id,
            email: r.email,
            name: r.name,
            slug: r.slug,
            role: Role::parse(&r.role).unwrap_or(Role::Author),
            needs_two_factor: false,
        }
    }
}

/// A correction with the article it belongs to, for `/corrections`.
#[derive(sqlx::FromRow)]
pub struct CorrectionRow {
    #[sqlx(flatten)]
    pub article: SummaryRow,
    pub note: String,
    pub corrected_at: DateTime<Utc>,
}

#[derive(sqlx::FromRow)]
pub struct SessionUserRow {
    #[sqlx(flatten)]
    pub user: UserRow,
    pub last_seen_at: DateTime<Utc>,
    pub needs_two_factor: bool,
}

#[derive(sqlx::FromRow)]
pub struct UserHashRow {
    #[sqlx(flatten)]
    pub user: UserRow,
    pub password_hash: String,
}

#[derive(sqlx::FromRow)]
pub struct ArticleRow {
    pub id: i64,
    pub slug: String,
    pub title: String,
    pub dek: String,
    pub body_md: String,
    pub body_html: String,
    pub analysis_md: String,
    pub analysis_html: String,
    pub disclosure_level: Option<String>,
    pub disclosure_statement: Option<String>,
    pub disclosure_tool: Option<String>,
    pub disclosure_reviewer: Option<String>,
    pub status: String,
    pub published_at: Option<DateTime<Utc>>,
    pub scheduled_at: Option<DateTime<Utc>>,
    pub modified_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
}

#[derive(sqlx::FromRow)]
pub struct SummaryRow {
    pub id: i64,
    pub slug: String,
    pub title: String,
    pub dek: String,
    pub status: String,
    pub published_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
}

impl From<SummaryRow> for ArticleSummary {
    fn from(r: SummaryRow) -> Self {
        ArticleSummary {
            id: r.id,
            slug: r.slug,
            title: r.title,
            dek: r.dek,
            status: ArticleStatus::parse(&r.status).unwrap_or_default(),
            published_at: r.published_at,
            updated_at: r.updated_at,
            version: r.version,
        }
    }
}

#[derive(sqlx::FromRow)]
pub struct FaqRow {
    pub anchor: String,
    pub question: String,
    pub answer_md: String,
    pub answer_html: String,
}

#[derive(sqlx::FromRow)]
pub struct SlugNameRow {
    pub slug: String,
    pub name: String,
}

/// The current time at the precision both backends store (microseconds), so a copied
/// site compares equal to its source.
pub fn now() -> DateTime<Utc> {
    use chrono::SubsecRound;
    Utc::now().trunc_subsecs(6)
}

/// Assembles an article from its row and the rows of its parts.
pub fn assemble(
    r: ArticleRow,
    takeaways: Vec<String>,
    faq: Vec<FaqRow>,
    tags: Vec<SlugNameRow>,
    authors: Vec<SlugNameRow>,
    corrections: Vec<(String, DateTime<Utc>)>,
) -> Article {
    let disclosure = r.disclosure_level.as_deref().map(|level| AiDisclosure {
        level: AiLevel::parse(level).unwrap_or_default(),
        statement: r.disclosure_statement.unwrap_or_default(),
        tool: r.disclosure_tool,
        reviewer: r.disclosure_reviewer,
    });
    Article {
        id: r.id,
        slug: r.slug,
        title: r.title,
        dek: r.dek,
        body: Rich {
            markdown: r.body_md,
            html: r.body_html,
        },
        takeaways,
        analysis: Rich {
            markdown: r.analysis_md,
            html: r.analysis_html,
        },
        faq: faq
            .into_iter()
            .map(|f| FaqItem {
                anchor: f.anchor,
                question: f.question,
                answer: Rich {
                    markdown: f.answer_md,
                    html: f.answer_html,
                },
            })
            .collect(),
        disclosure,
        tags: tags
            .into_iter()
            .map(|t| Tag {
                slug: t.slug,
                name: t.name,
            })
            .collect(),
        authors: authors
            .into_iter()
            .map(|a| Author {
                slug: a.slug,
                name: a.name,
            })
            .collect(),
        status: ArticleStatus::parse(&r.status).unwrap_or_default(),
        published_at: r.published_at,
        scheduled_at: r.scheduled_at,
        modified_at: r.modified_at,
        updated_at: r.updated_at,
        version: r.version,
        corrections: corrections
            .into_iter()
            .map(|(note, at)| crate::model::Correction { note, at })
            .collect(),
    }
}

/// Implements [`Store`](super::Store) for `$store` (holding `pool: Pool<$db>`), starting
/// write transactions with `$begin`.
macro_rules! impl_store {
    ($store:ty, $db:ty, $begin:expr) => {
        use $crate::error::AppError;
        use $crate::model::{Article, ArticleSummary, User};
        use $crate::server::db::common::*;
        use $crate::server::db::{
            Content, NewUser, RevisionRecord, Result, SiteCopy, Store, UserPasshash, UserRecord,
        };
        use chrono::{DateTime, Utc};

        type Conn = <$db as sqlx::Database>::Connection;

        async fn load(conn: &mut Conn, key: KeyArg<'_>) -> Result<Option<Article>> {
            let row = match key {
                KeyArg::Id(id) => {
                    sqlx::query_as::<_, ArticleRow>(concat_select!("id = $1"))
                        .bind(id)
                        .fetch_optional(&mut *conn)
                        .await?
                }
                KeyArg::Slug(slug) => {
                    sqlx::query_as::<_, ArticleRow>(concat_select!("slug = $1"))
                        .bind(slug)
                        .fetch_optional(&mut *conn)
                        .await?
                }
            };
            let Some(row) = row else { return Ok(None) };
            let id = row.id;
            let takeaways: Vec<(String,)> =
                sqlx::query_as("SELECT text FROM takeaways WHERE article_id = $1 ORDER BY position")
                    .bind(id)
                    .fetch_all(&mut *conn)
                    .await?;
            let faq: Vec<FaqRow> = sqlx::query_as(
                "SELECT anchor, question, answer_md, answer_html FROM faq_items \
                 WHERE article_id = $1 ORDER BY position",
            )
            .bind(id)
            .fetch_all(&mut *conn)
            .await?;
            let tags: Vec<SlugNameRow> = sqlx::query_as(
                "SELECT t.slug, t.name FROM tags t JOIN article_tags at ON at.tag_id = t.id \
                 WHERE at.article_id = $1 ORDER BY at.position",
            )
            .bind(id)
            .fetch_all(&mut *conn)
            .await?;
            let authors: Vec<SlugNameRow> = sqlx::query_as(
                "SELECT u.slug, u.name FROM users u JOIN article_authors aa ON aa.user_id = u.id \
                 WHERE aa.article_id = $1 ORDER BY aa.position",
            )
            .bind(id)
            .fetch_all(&mut *conn)
            .await?;
            let corrections: Vec<(String, DateTime<Utc>)> = sqlx::query_as(
                "SELECT note, created_at FROM corrections WHERE article_id = $1 ORDER BY created_at, id",
            )
            .bind(id)
            .fetch_all(&mut *conn)
            .await?;
            Ok(Some(assemble(
                row,
                takeaways.into_iter().map(|t| t.0).collect(),
                faq,
                tags,
                authors,
                corrections,
            )))
        }

        /// Replaces the structured parts (takeaways, FAQ, tags) of article `id`.
        async fn write_parts(conn: &mut Conn, id: i64, c: &Content) -> Result<()> {
            for table in [
                "DELETE FROM takeaways WHERE article_id = $1",
                "DELETE FROM faq_items WHERE article_id = $1",
                "DELETE FROM article_tags WHERE article_id = $1",
            ] {
                sqlx::query(table).bind(id).execute(&mut *conn).await?;
            }
            for (pos, text) in c.takeaways.iter().enumerate() {
                sqlx::query("INSERT INTO takeaways (article_id, position, text) VALUES ($1, $2, $3)")
                    .bind(id)
                    .bind(pos as i64)
                    .bind(text)
                    .execute(&mut *conn)
                    .await?;
            }
            for (pos, f) in c.faq.iter().enumerate() {
                sqlx::query(
                    "INSERT INTO faq_items (article_id, position, anchor, question, answer_md, answer_html) \
                     VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(id)
                .bind(pos as i64)
                .bind(&f.anchor)
                .bind(&f.question)
                .bind(&f.answer.markdown)
                .bind(&f.answer.html)
                .execute(&mut *conn)
                .await?;
            }
            let faq_text = c
                .faq
                .iter()
                .map(|f| format!("{}\n{}", f.question, f.answer.markdown))
                .collect::<Vec<_>>()
                .join("\n");
            <$store>::index_search(
                conn,
                id,
                [
                    &c.title,
                    &c.dek,
                    &format!("{}\n\n{}", c.body.markdown, c.analysis.markdown),
                    &c.takeaways.join("\n"),
                    &faq_text,
                ],
            )
            .await?;
            for (pos, tag) in c.tags.iter().enumerate() {
                sqlx::query("INSERT INTO tags (slug, name) VALUES ($1, $2) ON CONFLICT (slug) DO NOTHING")
                    .bind(&tag.slug)
                    .bind(&tag.name)
                    .execute(&mut *conn)
                    .await?;
                sqlx::query(
                    "INSERT INTO article_tags (article_id, tag_id, position) \
                     SELECT $1, id, $2 FROM tags WHERE slug = $3 ON CONFLICT DO NOTHING",
                )
                .bind(id)
                .bind(pos as i64)
                .bind(&tag.slug)
                .execute(&mut *conn)
                .await?;
            }
            Ok(())
        }

        /// Records the article as it now stands as revision `version`. An autosave
        /// replaces the same person's autosave just before it when that is under ten
        /// minutes old, so typing does not bury the history in near-identical revisions.
        async fn write_revision(
            conn: &mut Conn,
            id: i64,
            by: Option<&User>,
            autosave: bool,
        ) -> Result<Article> {
            let article = load(conn, KeyArg::Id(id)).await?.ok_or(AppError::NotFound)?;
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

        /// Whether a failed versioned write means "changed meanwhile" or "no such article".
        async fn conflict_or_missing(conn: &mut Conn, id: i64) -> AppError {
            match sqlx::query_as::<_, (i64,)>("SELECT version FROM articles WHERE id = $1")
                .bind(id)
                .fetch_optional(&mut *conn)
                .await
            {
                Ok(Some(_)) => AppError::Conflict(
                    "Someone else saved this article after you opened it. Reload to see their changes."
                        .into(),
                ),
                Ok(None) => AppError::NotFound,
                Err(e) => e.into(),
            }
        }

        fn disclosure_parts(c: &Content) -> (Option<&'static str>, Option<&str>, Option<&str>, Option<&str>) {
            match &c.disclosure {
                Some(d) => (
                    Some(d.level.as_str()),
                    Some(d.statement.as_str()),
                    d.tool.as_deref(),
                    d.reviewer.as_deref(),
                ),
                None => (None, None, None, None),
            }
        }

        #[async_trait::async_trait]
        impl Store for $store {
            async fn migrate(&self) -> Result<()> {
                self.run_migrations().await
            }

            async fn ping(&self) -> Result<()> {
                sqlx::query("SELECT 1").execute(&self.pool).await?;
                Ok(())
            }

            async fn count_users(&self) -> Result<i64> {
                let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM users")
                    .fetch_one(&self.pool)
                    .await?;
                Ok(n)
            }

            async fn create_user(&self, new: &NewUser) -> Result<User> {
                let mut tx = self.pool.begin_with($begin).await?;
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

            async fn create_owner_with_token(&self, token_hash: &str, new: &NewUser) -> Result<User> {
                let mut tx = self.pool.begin_with($begin).await?;
                let found = sqlx::query("DELETE FROM setup_tokens WHERE token_hash = $1")
                    .bind(token_hash)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                if found == 0 {
                    return Err(AppError::Unauthorized);
                }
                sqlx::query("DELETE FROM setup_tokens").execute(&mut *tx).await?;
                let user = insert_user(&mut tx, new).await?;
                tx.commit().await?;
                Ok(user)
            }

            async fn create_session(&self, user_id: i64, token_hash: &str, expires_at: DateTime<Utc>) -> Result<()> {
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
                     WHERE s.token_hash = $1 AND s.expires_at > $2 AND s.last_seen_at > $3 AND u.active = TRUE",
                )
                .bind(token_hash)
                .bind(at)
                .bind(at - chrono::Duration::hours($crate::server::db::SESSION_IDLE_HOURS))
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
                Ok(Some(User { needs_two_factor: row.needs_two_factor, ..row.user.into() }))
            }

            async fn delete_session(&self, token_hash: &str) -> Result<()> {
                sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
                    .bind(token_hash)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn list_sessions(&self, user_id: i64) -> Result<Vec<$crate::model::SessionInfo>> {
                let idle = now() - chrono::Duration::hours($crate::server::db::SESSION_IDLE_HOURS);
                let rows: Vec<(String, DateTime<Utc>, DateTime<Utc>)> = sqlx::query_as(
                    "SELECT token_hash, created_at, last_seen_at FROM sessions \
                     WHERE user_id = $1 AND expires_at > $2 AND last_seen_at > $3 ORDER BY created_at DESC",
                )
                .bind(user_id)
                .bind(now())
                .bind(idle)
                .fetch_all(&self.pool)
                .await?;
                Ok(rows
                    .into_iter()
                    .map(|(key, created_at, last_seen_at)| $crate::model::SessionInfo {
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

            async fn list_users(&self) -> Result<Vec<$crate::model::StaffMember>> {
                let rows: Vec<(i64, String, String, String, String, bool)> = sqlx::query_as(
                    "SELECT id, email, name, slug, role, active FROM users ORDER BY active DESC, name",
                )
                .fetch_all(&self.pool)
                .await?;
                Ok(rows
                    .into_iter()
                    .map(|(id, email, name, slug, role, active)| $crate::model::StaffMember {
                        user: UserRow { id, email, name, slug, role }.into(),
                        active,
                    })
                    .collect())
            }

            async fn user_by_id(&self, user_id: i64) -> Result<Option<$crate::model::StaffMember>> {
                let row: Option<(i64, String, String, String, String, bool)> = sqlx::query_as(
                    "SELECT id, email, name, slug, role, active FROM users WHERE id = $1",
                )
                .bind(user_id)
                .fetch_optional(&self.pool)
                .await?;
                Ok(row.map(|(id, email, name, slug, role, active)| $crate::model::StaffMember {
                    user: UserRow { id, email, name, slug, role }.into(),
                    active,
                }))
            }

            async fn two_factor(&self, user_id: i64) -> Result<$crate::server::db::TwoFactor> {
                let row: Option<(Option<String>, Option<String>, Option<DateTime<Utc>>, i64)> = sqlx::query_as(
                    "SELECT totp_secret, totp_pending, totp_enabled_at, \
                     (SELECT COUNT(*) FROM recovery_codes WHERE user_id = $1) FROM users WHERE id = $1",
                )
                .bind(user_id)
                .fetch_optional(&self.pool)
                .await?;
                let (secret, pending, enabled_at, recovery_codes_left) = row.ok_or(AppError::NotFound)?;
                Ok($crate::server::db::TwoFactor { secret, pending, enabled_at, recovery_codes_left })
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
                let mut tx = self.pool.begin_with($begin).await?;
                let changed = sqlx::query(
                    "UPDATE users SET totp_secret = totp_pending, totp_pending = NULL, totp_last_step = $3, \
                     totp_enabled_at = $4 WHERE id = $1 AND totp_pending = $2 AND totp_secret IS NULL",
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
                let mut tx = self.pool.begin_with($begin).await?;
                sqlx::query(
                    "UPDATE users SET totp_secret = NULL, totp_pending = NULL, totp_enabled_at = NULL WHERE id = $1",
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

            async fn use_recovery_code(&self, user_id: i64, code_hash: &str) -> Result<bool> {
                let changed = sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1 AND code_hash = $2")
                    .bind(user_id)
                    .bind(code_hash)
                    .execute(&self.pool)
                    .await?
                    .rows_affected();
                Ok(changed == 1)
            }

            async fn replace_recovery_codes(&self, user_id: i64, code_hashes: &[String]) -> Result<()> {
                let mut tx = self.pool.begin_with($begin).await?;
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
                sqlx::query("INSERT INTO login_challenges (token_hash, user_id, expires_at) VALUES ($1, $2, $3)")
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

            async fn set_role(&self, user_id: i64, role: $crate::model::Role) -> Result<()> {
                let mut tx = self.pool.begin_with($begin).await?;
                if role != $crate::model::Role::Owner {
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
                let mut tx = self.pool.begin_with($begin).await?;
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
                role: $crate::model::Role,
                expires_at: DateTime<Utc>,
            ) -> Result<()> {
                sqlx::query(
                    "INSERT INTO invites (token_hash, email, name, role, expires_at) VALUES ($1, $2, $3, $4, $5)",
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

            async fn accept_invite(&self, token_hash: &str, password_hash: &str) -> Result<User> {
                let mut tx = self.pool.begin_with($begin).await?;
                let invite: Option<(String, String, String)> = sqlx::query_as(
                    "DELETE FROM invites WHERE token_hash = $1 AND expires_at > $2 RETURNING email, name, role",
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
                    role: $crate::model::Role::parse(&role).unwrap_or($crate::model::Role::Author),
                    password_hash: password_hash.to_string(),
                };
                let user = insert_user(&mut tx, &new).await?;
                tx.commit().await?;
                Ok(user)
            }

            async fn audit(&self, e: &$crate::model::AuditEntry) -> Result<()> {
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

            async fn list_audit(&self, limit: i64) -> Result<Vec<$crate::model::AuditEntry>> {
                let rows: Vec<(DateTime<Utc>, Option<String>, String, String, Option<String>)> = sqlx::query_as(
                    "SELECT at, actor, action, subject, address FROM audit_log ORDER BY at DESC, id DESC LIMIT $1",
                )
                .bind(limit)
                .fetch_all(&self.pool)
                .await?;
                Ok(rows
                    .into_iter()
                    .map(|(at, actor, action, subject, address)| $crate::model::AuditEntry {
                        at,
                        actor,
                        action,
                        subject,
                        address,
                    })
                    .collect())
            }

            async fn set_password(&self, user_id: i64, password_hash: &str) -> Result<()> {
                sqlx::query("UPDATE users SET password_hash = $2 WHERE id = $1")
                    .bind(user_id)
                    .bind(password_hash)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn list_published(&self, limit: i64, offset: i64) -> Result<Vec<ArticleSummary>> {
                let rows: Vec<SummaryRow> = sqlx::query_as(
                    "SELECT id, slug, title, dek, status, published_at, updated_at, version FROM articles \
                     WHERE status = 'published' ORDER BY published_at DESC, id DESC LIMIT $1 OFFSET $2",
                )
                .bind(limit)
                .bind(offset)
                .fetch_all(&self.pool)
                .await?;
                Ok(rows.into_iter().map(Into::into).collect())
            }

            async fn list_articles(&self, author_id: Option<i64>) -> Result<Vec<ArticleSummary>> {
                let rows: Vec<SummaryRow> = sqlx::query_as(concat!(
                    summary_select!(),
                    " WHERE $1 IS NULL OR EXISTS (SELECT 1 FROM article_authors aa \
                     WHERE aa.article_id = a.id AND aa.user_id = $1) \
                     ORDER BY a.updated_at DESC, a.id DESC"
                ))
                .bind(author_id)
                .fetch_all(&self.pool)
                .await?;
                Ok(rows.into_iter().map(Into::into).collect())
            }

            async fn count_articles(&self) -> Result<i64> {
                let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM articles")
                    .fetch_one(&self.pool)
                    .await?;
                Ok(n)
            }

            async fn slug_taken(&self, slug: &str) -> Result<bool> {
                let row: Option<(i64,)> = sqlx::query_as("SELECT id FROM articles WHERE slug = $1")
                    .bind(slug)
                    .fetch_optional(&self.pool)
                    .await?;
                Ok(row.is_some())
            }

            async fn article_by_slug(&self, slug: &str) -> Result<Option<Article>> {
                let mut conn = self.pool.acquire().await?;
                load(&mut conn, KeyArg::Slug(slug)).await
            }

            async fn article_by_id(&self, id: i64) -> Result<Option<Article>> {
                let mut conn = self.pool.acquire().await?;
                load(&mut conn, KeyArg::Id(id)).await
            }

            async fn create_article(
                &self,
                slug: &str,
                c: &Content,
                by: Option<&User>,
                published_at: Option<DateTime<Utc>>,
            ) -> Result<Article> {
                let now = now();
                let (level, statement, tool, reviewer) = disclosure_parts(c);
                let status = if published_at.is_some() { "published" } else { "draft" };
                let mut tx = self.pool.begin_with($begin).await?;
                let (id,): (i64,) = sqlx::query_as(
                    "INSERT INTO articles (slug, title, dek, body_md, body_html, analysis_md, analysis_html, \
                     disclosure_level, disclosure_statement, disclosure_tool, disclosure_reviewer, status, \
                     published_at, created_at, updated_at, version) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14, 1) RETURNING id",
                )
                .bind(slug)
                .bind(&c.title)
                .bind(&c.dek)
                .bind(&c.body.markdown)
                .bind(&c.body.html)
                .bind(&c.analysis.markdown)
                .bind(&c.analysis.html)
                .bind(level)
                .bind(statement)
                .bind(tool)
                .bind(reviewer)
                .bind(status)
                .bind(published_at)
                .bind(now)
                .fetch_one(&mut *tx)
                .await
                .map_err(|e| match AppError::from(e) {
                    AppError::Conflict(_) => {
                        AppError::Conflict(format!("An article with the address '{slug}' already exists."))
                    }
                    other => other,
                })?;
                write_parts(&mut tx, id, c).await?;
                if let Some(user) = by {
                    sqlx::query("INSERT INTO article_authors (article_id, user_id, position) VALUES ($1, $2, 0)")
                        .bind(id)
                        .bind(user.id)
                        .execute(&mut *tx)
                        .await?;
                }
                let article = write_revision(&mut tx, id, by, false).await?;
                tx.commit().await?;
                Ok(article)
            }

            async fn update_article(
                &self,
                id: i64,
                base_version: i64,
                c: &Content,
                by: Option<&User>,
            ) -> Result<Article> {
                let (level, statement, tool, reviewer) = disclosure_parts(c);
                let mut tx = self.pool.begin_with($begin).await?;
                let changed = sqlx::query(
                    "UPDATE articles SET title = $3, dek = $4, body_md = $5, body_html = $6, analysis_md = $7, \
                     analysis_html = $8, disclosure_level = $9, disclosure_statement = $10, disclosure_tool = $11, \
                     disclosure_reviewer = $12, updated_at = $13, modified_at = COALESCE($14, modified_at), \
                     version = version + 1 WHERE id = $1 AND version = $2",
                )
                .bind(id)
                .bind(base_version)
                .bind(&c.title)
                .bind(&c.dek)
                .bind(&c.body.markdown)
                .bind(&c.body.html)
                .bind(&c.analysis.markdown)
                .bind(&c.analysis.html)
                .bind(level)
                .bind(statement)
                .bind(tool)
                .bind(reviewer)
                .bind(now())
                .bind(c.substantive.then(now))
                .execute(&mut *tx)
                .await?
                .rows_affected();
                if changed == 0 {
                    return Err(conflict_or_missing(&mut tx, id).await);
                }
                write_parts(&mut tx, id, c).await?;
                if let Some(user) = by {
                    sqlx::query(
                        "INSERT INTO article_authors (article_id, user_id, position) \
                         SELECT $1, $2, COUNT(*) FROM article_authors WHERE article_id = $1 \
                         ON CONFLICT DO NOTHING",
                    )
                    .bind(id)
                    .bind(user.id)
                    .execute(&mut *tx)
                    .await?;
                }
                let article = write_revision(&mut tx, id, by, c.autosave).await?;
                tx.commit().await?;
                Ok(article)
            }

            async fn set_status(
                &self,
                id: i64,
                base_version: i64,
                to: $crate::model::ArticleStatus,
                scheduled_at: Option<DateTime<Utc>>,
                by: Option<&User>,
            ) -> Result<Article> {
                let now = now();
                let mut tx = self.pool.begin_with($begin).await?;
                let changed = sqlx::query(
                    "UPDATE articles SET status = $3, scheduled_at = $4, \
                     published_at = CASE WHEN $3 = 'published' THEN COALESCE(published_at, $5) ELSE published_at END, \
                     updated_at = $5, version = version + 1 WHERE id = $1 AND version = $2",
                )
                .bind(id)
                .bind(base_version)
                .bind(to.as_str())
                .bind(scheduled_at)
                .bind(now)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                if changed == 0 {
                    return Err(conflict_or_missing(&mut tx, id).await);
                }
                let article = write_revision(&mut tx, id, by, false).await?;
                tx.commit().await?;
                Ok(article)
            }

            async fn publish_due(&self, at: DateTime<Utc>) -> Result<Vec<Article>> {
                let mut tx = self.pool.begin_with($begin).await?;
                let due: Vec<(i64,)> = sqlx::query_as(
                    "SELECT id FROM articles WHERE status = 'scheduled' AND scheduled_at <= $1 ORDER BY scheduled_at",
                )
                .bind(at)
                .fetch_all(&mut *tx)
                .await?;
                let mut published = Vec::with_capacity(due.len());
                for (id,) in due {
                    // The status test makes this exactly-once when instances race for a row.
                    let changed = sqlx::query(
                        "UPDATE articles SET status = 'published', \
                         published_at = COALESCE(published_at, scheduled_at), \
                         updated_at = $2, version = version + 1 WHERE id = $1 AND status = 'scheduled'",
                    )
                    .bind(id)
                    .bind(now())
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                    if changed == 1 {
                        published.push(write_revision(&mut tx, id, None, false).await?);
                    }
                }
                tx.commit().await?;
                Ok(published)
            }

            async fn add_correction(
                &self,
                id: i64,
                note: &str,
                substantive: bool,
                by: &User,
            ) -> Result<Article> {
                let now = now();
                let mut tx = self.pool.begin_with($begin).await?;
                let status: Option<(String,)> = sqlx::query_as("SELECT status FROM articles WHERE id = $1")
                    .bind(id)
                    .fetch_optional(&mut *tx)
                    .await?;
                match status {
                    None => return Err(AppError::NotFound),
                    Some((s,)) if s != "published" => {
                        return Err(AppError::Validation(
                            "Corrections are added to published articles.".into(),
                        ))
                    }
                    Some(_) => {}
                }
                sqlx::query(
                    "INSERT INTO corrections (article_id, note, user_id, created_at) VALUES ($1, $2, $3, $4)",
                )
                .bind(id)
                .bind(note)
                .bind(by.id)
                .bind(now)
                .execute(&mut *tx)
                .await?;
                sqlx::query(
                    "UPDATE articles SET updated_at = $2, modified_at = COALESCE($3, modified_at) WHERE id = $1",
                )
                .bind(id)
                .bind(now)
                .bind(substantive.then_some(now))
                .execute(&mut *tx)
                .await?;
                let article = load(&mut tx, KeyArg::Id(id)).await?.ok_or(AppError::NotFound)?;
                tx.commit().await?;
                Ok(article)
            }

            async fn list_revisions(&self, id: i64) -> Result<Vec<$crate::model::RevisionInfo>> {
                let rows: Vec<(i64, DateTime<Utc>, Option<String>, String, bool)> = sqlx::query_as(
                    "SELECT r.version, r.created_at, u.name, r.snapshot, r.autosave FROM revisions r \
                     LEFT JOIN users u ON u.id = r.user_id WHERE r.article_id = $1 ORDER BY r.version DESC",
                )
                .bind(id)
                .fetch_all(&self.pool)
                .await?;
                rows.into_iter()
                    .map(|(version, at, by, snapshot, autosave)| {
                        let a: Article = serde_json::from_str(&snapshot).map_err(|_| AppError::Internal)?;
                        Ok($crate::model::RevisionInfo { version, at, by, title: a.title, status: a.status, autosave })
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

            async fn list_corrections(&self, limit: i64) -> Result<Vec<$crate::model::CorrectionEntry>> {
                let rows: Vec<CorrectionRow> = sqlx::query_as(
                    "SELECT a.id, a.slug, a.title, a.dek, a.status, a.published_at, a.updated_at, a.version, \
                     c.note, c.created_at AS corrected_at FROM corrections c \
                     JOIN articles a ON a.id = c.article_id WHERE a.status = 'published' \
                     ORDER BY c.created_at DESC, c.id DESC LIMIT $1",
                )
                .bind(limit)
                .fetch_all(&self.pool)
                .await?;
                Ok(rows
                    .into_iter()
                    .map(|r| $crate::model::CorrectionEntry {
                        article: r.article.into(),
                        correction: $crate::model::Correction { note: r.note, at: r.corrected_at },
                    })
                    .collect())
            }

            async fn related_published(&self, id: i64, limit: i64) -> Result<Vec<ArticleSummary>> {
                let rows: Vec<SummaryRow> = sqlx::query_as(concat!(
                    summary_select!(),
                    " JOIN article_tags t ON t.article_id = a.id \
                     WHERE a.status = 'published' AND a.id <> $1 \
                     AND t.tag_id IN (SELECT tag_id FROM article_tags WHERE article_id = $1) \
                     GROUP BY a.id, a.slug, a.title, a.dek, a.status, a.published_at, a.updated_at, a.version \
                     ORDER BY COUNT(*) DESC, a.published_at DESC LIMIT $2"
                ))
                .bind(id)
                .bind(limit)
                .fetch_all(&self.pool)
                .await?;
                Ok(rows.into_iter().map(Into::into).collect())
            }

            async fn neighbours(&self, article: &Article) -> Result<(Option<ArticleSummary>, Option<ArticleSummary>)> {
                let Some(at) = article.published_at else { return Ok((None, None)) };
                let newer: Option<SummaryRow> = sqlx::query_as(concat!(
                    summary_select!(),
                    " WHERE a.status = 'published' AND (a.published_at > $1 OR (a.published_at = $1 AND a.id > $2)) \
                     ORDER BY a.published_at ASC, a.id ASC LIMIT 1"
                ))
                .bind(at)
                .bind(article.id)
                .fetch_optional(&self.pool)
                .await?;
                let older: Option<SummaryRow> = sqlx::query_as(concat!(
                    summary_select!(),
                    " WHERE a.status = 'published' AND (a.published_at < $1 OR (a.published_at = $1 AND a.id < $2)) \
                     ORDER BY a.published_at DESC, a.id DESC LIMIT 1"
                ))
                .bind(at)
                .bind(article.id)
                .fetch_optional(&self.pool)
                .await?;
                Ok((newer.map(Into::into), older.map(Into::into)))
            }

            async fn tag_by_slug(&self, slug: &str) -> Result<Option<$crate::model::Tag>> {
                let row: Option<SlugNameRow> = sqlx::query_as("SELECT slug, name FROM tags WHERE slug = $1")
                    .bind(slug)
                    .fetch_optional(&self.pool)
                    .await?;
                Ok(row.map(|r| $crate::model::Tag { slug: r.slug, name: r.name }))
            }

            async fn list_published_by_tag(&self, tag_slug: &str, limit: i64, offset: i64) -> Result<Vec<ArticleSummary>> {
                let rows: Vec<SummaryRow> = sqlx::query_as(concat!(
                    summary_select!(),
                    " JOIN article_tags at ON at.article_id = a.id JOIN tags t ON t.id = at.tag_id \
                     WHERE a.status = 'published' AND t.slug = $1 \
                     ORDER BY a.published_at DESC, a.id DESC LIMIT $2 OFFSET $3"
                ))
                .bind(tag_slug)
                .bind(limit)
                .bind(offset)
                .fetch_all(&self.pool)
                .await?;
                Ok(rows.into_iter().map(Into::into).collect())
            }

            async fn author_by_slug(&self, slug: &str) -> Result<Option<$crate::model::AuthorProfile>> {
                let row: Option<(String, String, String)> =
                    sqlx::query_as("SELECT slug, name, bio FROM users WHERE slug = $1")
                        .bind(slug)
                        .fetch_optional(&self.pool)
                        .await?;
                Ok(row.map(|(slug, name, bio)| $crate::model::AuthorProfile { slug, name, bio }))
            }

            async fn list_published_by_author(&self, author_slug: &str, limit: i64, offset: i64) -> Result<Vec<ArticleSummary>> {
                let rows: Vec<SummaryRow> = sqlx::query_as(concat!(
                    summary_select!(),
                    " JOIN article_authors aa ON aa.article_id = a.id JOIN users u ON u.id = aa.user_id \
                     WHERE a.status = 'published' AND u.slug = $1 \
                     ORDER BY a.published_at DESC, a.id DESC LIMIT $2 OFFSET $3"
                ))
                .bind(author_slug)
                .bind(limit)
                .bind(offset)
                .fetch_all(&self.pool)
                .await?;
                Ok(rows.into_iter().map(Into::into).collect())
            }

            async fn published_since(&self, since: DateTime<Utc>, limit: i64) -> Result<Vec<ArticleSummary>> {
                let rows: Vec<SummaryRow> = sqlx::query_as(concat!(
                    summary_select!(),
                    " WHERE a.status = 'published' AND a.published_at > $1 \
                     ORDER BY a.published_at DESC, a.id DESC LIMIT $2"
                ))
                .bind(since)
                .bind(limit)
                .fetch_all(&self.pool)
                .await?;
                Ok(rows.into_iter().map(Into::into).collect())
            }

            async fn latest_published_full(&self, tag_slug: Option<&str>, limit: i64) -> Result<Vec<Article>> {
                let list = match tag_slug {
                    Some(tag) => self.list_published_by_tag(tag, limit, 0).await?,
                    None => self.list_published(limit, 0).await?,
                };
                let mut conn = self.pool.acquire().await?;
                let mut out = Vec::with_capacity(list.len());
                for s in list {
                    if let Some(a) = load(&mut conn, KeyArg::Id(s.id)).await? {
                        out.push(a);
                    }
                }
                Ok(out)
            }

            async fn search(&self, terms: &[String], limit: i64) -> Result<Vec<$crate::model::SearchHit>> {
                if terms.is_empty() {
                    return Ok(Vec::new());
                }
                let rows = <$store>::search_rows(&self.pool, terms, limit).await?;
                Ok(rows
                    .into_iter()
                    .map(|(row, snippet)| $crate::model::SearchHit {
                        article: row.into(),
                        snippet_html: highlight(&snippet),
                    })
                    .collect())
            }

            async fn login_failures(&self, key: &str, since: DateTime<Utc>) -> Result<(i64, Option<DateTime<Utc>>)> {
                let row: (i64, Option<DateTime<Utc>>) =
                    sqlx::query_as("SELECT COUNT(*), MAX(at) FROM login_failures WHERE key = $1 AND at > $2")
                        .bind(key)
                        .bind(since)
                        .fetch_one(&self.pool)
                        .await?;
                Ok(row)
            }

            async fn record_login_failure(&self, keys: &[String]) -> Result<()> {
                let now = now();
                let mut tx = self.pool.begin_with($begin).await?;
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

            async fn export_site(&self) -> Result<SiteCopy> {
                let mut conn = self.pool.acquire().await?;
                let users: Vec<UserRecord> = sqlx::query_as(
                    "SELECT id, email, name, slug, role, password_hash, bio, created_at, active, totp_secret, \
                     totp_last_step, totp_enabled_at FROM users ORDER BY id",
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
                let recovery_codes: Vec<(i64, String)> =
                    sqlx::query_as("SELECT user_id, code_hash FROM recovery_codes ORDER BY user_id, code_hash")
                        .fetch_all(&mut *conn)
                        .await?;
                let settings: Vec<(String, String)> =
                    sqlx::query_as("SELECT key, value FROM settings ORDER BY key")
                        .fetch_all(&mut *conn)
                        .await?;
                Ok(SiteCopy { users, articles, revisions, recovery_codes, settings })
            }

            async fn import_site(&self, site: &SiteCopy) -> Result<()> {
                let mut tx = self.pool.begin_with($begin).await?;
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
                        "INSERT INTO users (id, email, name, slug, role, password_hash, bio, created_at, active, \
                         totp_secret, totp_last_step, totp_enabled_at) \
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
                for r in &site.revisions {
                    sqlx::query(
                        "INSERT INTO revisions (article_id, version, snapshot, user_id, created_at, autosave) \
                         VALUES ($1, $2, $3, $4, $5, $6)",
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
                <$store>::after_import(&mut tx).await?;
                tx.commit().await?;
                Ok(())
            }
        }

        /// Inserts an article row keeping its id, for copying a site.
        async fn insert_article_copy(conn: &mut Conn, a: &Article, created_at: DateTime<Utc>) -> Result<()> {
            let d = a.disclosure.as_ref();
            sqlx::query(
                "INSERT INTO articles (id, slug, title, dek, body_md, body_html, analysis_md, analysis_html, \
                 disclosure_level, disclosure_statement, disclosure_tool, disclosure_reviewer, status, \
                 published_at, created_at, updated_at, version, scheduled_at, modified_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)",
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

        async fn insert_user(conn: &mut Conn, new: &NewUser) -> Result<User> {
            let base = $crate::server::render::slugify(&new.name);
            let mut slug = base.clone();
            let mut n = 2;
            while sqlx::query_as::<_, (i64,)>("SELECT id FROM users WHERE slug = $1")
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
                AppError::Conflict(_) => AppError::Conflict("A user with that email already exists.".into()),
                other => other,
            })?;
            Ok(row.into())
        }
    };
}

/// Marks the database wraps around each match in a search snippet.
pub const MATCH_START: char = '\u{1}';
pub const MATCH_END: char = '\u{2}';

/// Escapes a snippet for HTML and turns the match marks into `<mark>` elements.
pub fn highlight(snippet: &str) -> String {
    let mut out = String::with_capacity(snippet.len() + 32);
    for c in snippet.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            MATCH_START => out.push_str("<mark>"),
            MATCH_END => out.push_str("</mark>"),
            c => out.push(c),
        }
    }
    out
}

/// The key an article is looked up by.
pub enum KeyArg<'a> {
    Id(i64),
    Slug(&'a str),
}

macro_rules! concat_select {
    ($where:literal) => {
        concat!(
            "SELECT id, slug, title, dek, body_md, body_html, analysis_md, analysis_html, \
             disclosure_level, disclosure_statement, disclosure_tool, disclosure_reviewer, \
             status, published_at, scheduled_at, modified_at, updated_at, version FROM articles WHERE ",
            $where
        )
    };
}

macro_rules! summary_select {
    () => {
        "SELECT a.id, a.slug, a.title, a.dek, a.status, a.published_at, a.updated_at, a.version \
         FROM articles a"
    };
}

pub(crate) use concat_select;
pub(crate) use impl_store;
pub(crate) use summary_select;
