//! Bylines: who an article is credited to. A byline is a staff account or a byline-only
//! author (name, slug, bio, no login); both keep one order per article. Names given to
//! an article are matched to staff by email or name, else to byline-only authors, and a
//! new byline-only author is made for a name seen for the first time.

use super::{Backend, Conn};
use crate::error::AppError;
use crate::server::db::common::now;
use crate::server::db::{BylineStore, Result};

/// Who a name stands for.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Credit {
    Staff(i64),
    Byline(i64),
}

#[async_trait::async_trait]
impl BylineStore for Backend {
    async fn link_byline(&self, slug: &str, user_id: i64) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let byline: Option<(i64,)> =
            sqlx::query_as("SELECT id FROM bylines WHERE slug = $1 AND user_id IS NULL")
                .bind(slug)
                .fetch_optional(&mut *tx)
                .await?;
        let Some((byline_id,)) = byline else {
            return Err(AppError::NotFound);
        };
        let user: Option<(i64,)> = sqlx::query_as("SELECT id FROM users WHERE id = $1")
            .bind(user_id)
            .fetch_optional(&mut *tx)
            .await?;
        if user.is_none() {
            return Err(AppError::NotFound);
        }
        sqlx::query(
            "INSERT INTO article_authors (article_id, user_id, position) \
             SELECT article_id, $2, position FROM article_bylines WHERE byline_id = $1 \
             ON CONFLICT DO NOTHING",
        )
        .bind(byline_id)
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
        sqlx::query("DELETE FROM article_bylines WHERE byline_id = $1")
            .bind(byline_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("UPDATE bylines SET user_id = $2 WHERE id = $1")
            .bind(byline_id)
            .bind(user_id)
            .execute(&mut *tx)
            .await
            .map_err(|e| match AppError::from(e) {
                AppError::Conflict(_) => AppError::Conflict(
                    "That staff account is already linked to another byline.".into(),
                ),
                other => other,
            })?;
        tx.commit().await?;
        Ok(())
    }
}

/// Replaces article `id`'s bylines with `names`, in order. A name already credited on
/// the article keeps meaning the same person (two staff members may share a name).
pub(super) async fn set_bylines(conn: &mut Conn, id: i64, names: &[String]) -> Result<()> {
    let current: Vec<(String, Option<i64>, Option<i64>)> = sqlx::query_as(
        "SELECT u.name, u.id, NULL FROM users u JOIN article_authors aa ON aa.user_id = u.id \
         WHERE aa.article_id = $1 \
         UNION ALL SELECT b.name, NULL, b.id FROM bylines b \
         JOIN article_bylines ab ON ab.byline_id = b.id WHERE ab.article_id = $1",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    for table in [
        "DELETE FROM article_authors WHERE article_id = $1",
        "DELETE FROM article_bylines WHERE article_id = $1",
    ] {
        sqlx::query(table).bind(id).execute(&mut *conn).await?;
    }
    let mut credited = Vec::with_capacity(names.len());
    for name in names {
        let known = current.iter().find_map(|(n, user, byline)| {
            (n.to_lowercase() == name.to_lowercase()).then_some(match (user, byline) {
                (Some(u), _) => Credit::Staff(*u),
                (_, b) => Credit::Byline(b.unwrap_or_default()),
            })
        });
        let credit = match known {
            Some(c) => c,
            None => resolve(conn, name).await?,
        };
        if credited.contains(&credit) {
            continue;
        }
        let position = credited.len() as i64;
        credited.push(credit);
        let (sql, who) = match credit {
            Credit::Staff(user) => (
                "INSERT INTO article_authors (article_id, user_id, position) VALUES ($1, $2, $3)",
                user,
            ),
            Credit::Byline(byline) => (
                "INSERT INTO article_bylines (article_id, byline_id, position) VALUES ($1, $2, $3)",
                byline,
            ),
        };
        sqlx::query(sql)
            .bind(id)
            .bind(who)
            .bind(position)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// The staff account (by email, then name) or byline-only author (by name) `name`
/// stands for; a new byline-only author when there is none.
async fn resolve(conn: &mut Conn, name: &str) -> Result<Credit> {
    let staff: Option<(i64,)> = sqlx::query_as(
        "SELECT id FROM users WHERE LOWER(email) = LOWER($1) OR LOWER(name) = LOWER($1) \
         ORDER BY CASE WHEN LOWER(email) = LOWER($1) THEN 0 ELSE 1 END, \
         CASE WHEN active THEN 0 ELSE 1 END, id LIMIT 1",
    )
    .bind(name)
    .fetch_optional(&mut *conn)
    .await?;
    if let Some((user,)) = staff {
        return Ok(Credit::Staff(user));
    }
    let byline: Option<(i64, Option<i64>)> = sqlx::query_as(
        "SELECT id, user_id FROM bylines WHERE LOWER(name) = LOWER($1) ORDER BY id LIMIT 1",
    )
    .bind(name)
    .fetch_optional(&mut *conn)
    .await?;
    match byline {
        Some((_, Some(user))) => return Ok(Credit::Staff(user)),
        Some((byline, None)) => return Ok(Credit::Byline(byline)),
        None => {}
    }
    let slug = free_author_slug(conn, name).await?;
    let (byline,): (i64,) = sqlx::query_as(
        "INSERT INTO bylines (slug, name, created_at) VALUES ($1, $2, $3) RETURNING id",
    )
    .bind(&slug)
    .bind(name)
    .bind(now())
    .fetch_one(&mut *conn)
    .await?;
    Ok(Credit::Byline(byline))
}

/// An author-page slug for `name` that neither a staff account nor a byline-only author
/// has (`…-2`, `…-3` when taken).
pub(super) async fn free_author_slug(conn: &mut Conn, name: &str) -> Result<String> {
    let base = crate::server::render::slugify(name);
    let mut slug = base.clone();
    let mut n = 2;
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
    Ok(slug)
}
