//! Staff server functions. Each one's first line checks a [`Permission`] against the
//! session's role (the table is `Role::can`); authors without `EditAny` may touch only
//! their own drafts.

use crate::error::AppError;
use crate::model::{
    Article, ArticleDraft, ArticleSummary, AuditEntry, FieldDiff, PendingInvite, RevisionInfo,
    Role, SavedArticle, SessionInfo, StaffMember, TwoFactorStatus,
};
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

#[cfg(feature = "ssr")]
pub(crate) mod ssr {
    use crate::error::AppError;
    use crate::model::Article;
    pub use crate::model::{AiLevel, ArticleStatus, Permission, User};
    pub use crate::server::auth::require;
    pub use crate::server::render;
    pub use crate::server::state::AppState;
    pub use leptos::prelude::expect_context;

    /// A slug for `title` that no article uses yet (`…-2`, `…-3` when taken).
    pub async fn free_slug(state: &AppState, title: &str) -> Result<String, AppError> {
        let base = render::slugify(title);
        let mut slug = base.clone();
        let mut n = 2;
        while state.store.slug_taken(&slug).await? {
            slug = format!("{base}-{n}");
            n += 1;
        }
        Ok(slug)
    }

    /// Article `id` if `user` may work on it: editors any, authors their own drafts.
    pub async fn editable(state: &AppState, user: &User, id: i64) -> Result<Article, AppError> {
        let article = state
            .store
            .article_by_id(id)
            .await?
            .ok_or(AppError::NotFound)?;
        let own_draft = article.is_by(user)
            && matches!(
                article.status,
                ArticleStatus::Draft | ArticleStatus::InReview
            );
        if user.role.can(Permission::EditAny) || own_draft {
            Ok(article)
        } else {
            Err(AppError::Forbidden)
        }
    }

    /// Refuses a write based on any version but the one the permission check just read:
    /// the write then only succeeds on the very row that was checked (otherwise an
    /// author could guess the version an editor's publish is about to make, pass the
    /// check on the draft and overwrite the published article).
    pub fn same_version(checked: &Article, base_version: i64) -> Result<(), AppError> {
        if checked.version == base_version {
            Ok(())
        } else {
            Err(AppError::stale_version())
        }
    }

    /// Moves article `id` to `to` when the workflow allows it.
    pub async fn transition(
        user: &User,
        id: i64,
        version: i64,
        to: ArticleStatus,
        at: Option<chrono::DateTime<chrono::Utc>>,
    ) -> Result<crate::model::SavedArticle, AppError> {
        let state = expect_context::<AppState>();
        let article = editable(&state, user, id).await?;
        same_version(&article, version)?;
        if !article.status.can_move_to(to) {
            return Err(AppError::Validation(format!(
                "A {} article can't become {}.",
                article.status.label().to_lowercase(),
                to.label().to_lowercase()
            )));
        }
        if matches!(to, ArticleStatus::Published | ArticleStatus::Scheduled) {
            check_disclosure(&article)?;
            check_lead_image(&article)?;
        }
        let a = state
            .store
            .set_status(id, version, to, at, Some(user))
            .await?;
        crate::server::audit::record_here(&user.email, to.as_str(), &a.slug).await;
        Ok(saved(&a))
    }

    /// AI-generated text goes out only under a named reviewing editor (the human editorial
    /// responsibility EU AI Act art. 50(4) asks for).
    pub fn check_disclosure(article: &Article) -> Result<(), AppError> {
        match &article.disclosure {
            Some(d) if d.level == AiLevel::GeneratedReviewed && d.reviewer.is_none() => {
                Err(AppError::Validation(
                    "AI-generated articles must name the reviewing editor before they are published."
                        .into(),
                ))
            }
            _ => Ok(()),
        }
    }

    /// A lead image goes out only with alt text: readers who can't see it are told what
    /// it shows.
    pub fn check_lead_image(article: &Article) -> Result<(), AppError> {
        match &article.lead_image {
            Some(image) if image.alt.trim().is_empty() => {
                Err(AppError::Validation(crate::model::LEAD_ALT_REQUIRED.into()))
            }
            _ => Ok(()),
        }
    }

    /// Staff member `user_id` (active or not), for the users admin.
    pub async fn staff_member(
        state: &AppState,
        user_id: i64,
    ) -> Result<crate::model::StaffMember, AppError> {
        state
            .store
            .user_by_id(user_id)
            .await?
            .ok_or(AppError::NotFound)
    }

    pub fn saved(a: &Article) -> crate::model::SavedArticle {
        crate::model::SavedArticle {
            id: a.id,
            slug: a.slug.clone(),
            version: a.version,
            status: a.status,
        }
    }
}

/// Articles this user may work on (all for editors, their own for authors).
#[server(prefix = "/api", endpoint = "list_articles", input = Json)]
pub async fn list_articles() -> Result<Vec<ArticleSummary>, AppError> {
    use self::ssr::*;
    let user = require(Permission::WriteDrafts).await?;
    let state = expect_context::<AppState>();
    let only = (!user.role.can(Permission::EditAny)).then_some(user.id);
    state.store.list_articles(only).await
}

/// One article in any state, for the editor.
#[server(prefix = "/api", endpoint = "get_article", input = Json)]
pub async fn get_article(id: i64) -> Result<Article, AppError> {
    use self::ssr::*;
    let user = require(Permission::WriteDrafts).await?;
    let state = expect_context::<AppState>();
    editable(&state, &user, id).await
}

/// Creates (no `id`) or updates an article. An update names the version it was edited
/// from; if someone saved since, it is refused with a conflict and nothing is written.
/// `substantive` tells readers the article was updated.
#[server(prefix = "/api", endpoint = "save_article", input = Json)]
pub async fn save_article(
    id: Option<i64>,
    base_version: Option<i64>,
    draft: ArticleDraft,
    #[server(default)] substantive: bool,
    #[server(default)] autosave: bool,
) -> Result<SavedArticle, AppError> {
    use self::ssr::*;
    let user = require(Permission::WriteDrafts).await?;
    let state = expect_context::<AppState>();
    draft.validate().map_err(AppError::Validation)?;
    let mut content = crate::server::media::resolve(&state.store, &draft).await?;
    content.substantive = substantive;
    content.autosave = autosave;
    if let Some(names) = content.bylines.as_mut() {
        // Authors keep their byline on what they write: without it they could no
        // longer open their own draft.
        if !user.role.can(Permission::EditAny)
            && !names
                .iter()
                .any(|n| n.eq_ignore_ascii_case(&user.name) || n.eq_ignore_ascii_case(&user.email))
        {
            names.push(user.email.clone());
        }
    }
    let a = match (id, base_version) {
        (Some(id), Some(version)) => {
            let current = editable(&state, &user, id).await?;
            same_version(&current, version)?;
            if autosave && current.status != ArticleStatus::Draft {
                return Err(AppError::Validation(
                    "Only drafts are saved automatically; save this article yourself.".into(),
                ));
            }
            state
                .store
                .update_article(id, version, &content, Some(&user))
                .await?
        }
        (None, _) => {
            let slug = match content.slug.take() {
                Some(slug) if state.store.slug_taken(&slug).await? => {
                    return Err(AppError::Validation(format!(
                        "The address /articles/{slug} is taken (now or before) by another \
                         article; choose another."
                    )))
                }
                Some(slug) => slug,
                None => free_slug(&state, &content.title).await?,
            };
            state
                .store
                .create_article(&slug, &content, Some(&user), None)
                .await?
        }
        (Some(_), None) => {
            return Err(AppError::Validation(
                "An update must name the version it was edited from.".into(),
            ))
        }
    };
    Ok(saved(&a))
}

/// The body Markdown rendered and sanitised exactly as a save would, for the editor's
/// live preview.
#[server(prefix = "/api", endpoint = "preview_markdown", input = Json)]
pub async fn preview_markdown(markdown: String) -> Result<String, AppError> {
    use self::ssr::*;
    require(Permission::WriteDrafts).await?;
    if markdown.len() > crate::model::MAX_MARKDOWN_BYTES {
        return Err(AppError::Validation(
            "The text is too long to preview.".into(),
        ));
    }
    let state = expect_context::<AppState>();
    crate::server::media::preview(&state.store, &markdown).await
}

/// Hands a draft to the editors.
#[server(prefix = "/api", endpoint = "submit_for_review", input = Json)]
pub async fn submit_for_review(id: i64, version: i64) -> Result<SavedArticle, AppError> {
    use self::ssr::*;
    let user = require(Permission::SubmitForReview).await?;
    transition(&user, id, version, ArticleStatus::InReview, None).await
}

/// Sends an article in review, scheduled or archived back to draft.
#[server(prefix = "/api", endpoint = "return_to_draft", input = Json)]
pub async fn return_to_draft(id: i64, version: i64) -> Result<SavedArticle, AppError> {
    use self::ssr::*;
    let user = require(Permission::EditAny).await?;
    transition(&user, id, version, ArticleStatus::Draft, None).await
}

/// Makes an article public at `/articles/{slug}` and on the home page.
#[server(prefix = "/api", endpoint = "publish_article", input = Json)]
pub async fn publish_article(id: i64, version: i64) -> Result<SavedArticle, AppError> {
    use self::ssr::*;
    let user = require(Permission::Publish).await?;
    transition(&user, id, version, ArticleStatus::Published, None).await
}

/// Publishes an article automatically at `at` (checked every few seconds by every
/// instance; each article goes out exactly once). `at` is an RFC 3339 time, or a
/// date and time without an offset (`2026-12-01T09:30`), read in the publication's
/// time zone.
#[server(prefix = "/api", endpoint = "schedule_article", input = Json)]
pub async fn schedule_article(id: i64, version: i64, at: String) -> Result<SavedArticle, AppError> {
    use self::ssr::*;
    let user = require(Permission::Schedule).await?;
    let state = expect_context::<AppState>();
    let site = crate::server::settings::current(&state).await?;
    let at = crate::server::settings::site_time_to_utc(&at, &site.timezone)
        .map_err(AppError::Validation)?;
    if at <= chrono::Utc::now() {
        return Err(AppError::Validation(
            "Choose a publication time in the future.".into(),
        ));
    }
    transition(&user, id, version, ArticleStatus::Scheduled, Some(at)).await
}

/// Takes an article off the site; it stays in the admin.
#[server(prefix = "/api", endpoint = "archive_article", input = Json)]
pub async fn archive_article(id: i64, version: i64) -> Result<SavedArticle, AppError> {
    use self::ssr::*;
    let user = require(Permission::Archive).await?;
    transition(&user, id, version, ArticleStatus::Archived, None).await
}

/// Appends a dated correction to a published article (never edited or removed).
#[server(prefix = "/api", endpoint = "add_correction", input = Json)]
pub async fn add_correction(
    id: i64,
    note: String,
    #[server(default)] minor: bool,
) -> Result<Article, AppError> {
    use self::ssr::*;
    let user = require(Permission::AddCorrection).await?;
    let state = expect_context::<AppState>();
    let note = note.trim();
    if note.is_empty() || note.chars().count() > 2000 {
        return Err(AppError::Validation(
            "A correction needs a note of 1 to 2,000 characters.".into(),
        ));
    }
    let a = state.store.add_correction(id, note, !minor, &user).await?;
    crate::server::audit::record_here(&user.email, "correction", &a.slug).await;
    Ok(a)
}

/// Who changed an article and when, newest first.
#[server(prefix = "/api", endpoint = "list_revisions", input = Json)]
pub async fn list_revisions(id: i64) -> Result<Vec<RevisionInfo>, AppError> {
    use self::ssr::*;
    let user = require(Permission::WriteDrafts).await?;
    let state = expect_context::<AppState>();
    editable(&state, &user, id).await?;
    state.store.list_revisions(id).await
}

/// Makes an earlier revision current again; the restore is itself a new revision.
#[server(prefix = "/api", endpoint = "restore_revision", input = Json)]
pub async fn restore_revision(
    id: i64,
    revision: i64,
    base_version: i64,
) -> Result<SavedArticle, AppError> {
    use self::ssr::*;
    let user = require(Permission::EditAny).await?;
    let state = expect_context::<AppState>();
    let old = state
        .store
        .revision(id, revision)
        .await?
        .ok_or(AppError::NotFound)?;
    // A restore brings back the text, bylines and pictures; the address stays where it is.
    let content = crate::server::media::resolve(
        &state.store,
        &ArticleDraft {
            slug: String::new(),
            ..ArticleDraft::from_article(&old)
        },
    )
    .await?;
    let a = state
        .store
        .update_article(id, base_version, &content, Some(&user))
        .await?;
    let action = format!("revision {revision} restored");
    crate::server::audit::record_here(&user.email, &action, &a.slug).await;
    Ok(saved(&a))
}

/// What changed between two revisions of an article, field by field (only fields that
/// changed are listed).
#[server(prefix = "/api", endpoint = "diff_revisions", input = Json)]
pub async fn diff_revisions(id: i64, from: i64, to: i64) -> Result<Vec<FieldDiff>, AppError> {
    use self::ssr::*;
    let user = require(Permission::WriteDrafts).await?;
    let state = expect_context::<AppState>();
    editable(&state, &user, id).await?;
    let (Some(a), Some(b)) = (
        state.store.revision(id, from).await?,
        state.store.revision(id, to).await?,
    ) else {
        return Err(AppError::NotFound);
    };
    Ok(crate::server::diff::article_diff(&a, &b))
}

/// The caller's own live sessions, the current one marked.
#[server(prefix = "/api", endpoint = "list_my_sessions", input = Json)]
pub async fn list_my_sessions() -> Result<Vec<SessionInfo>, AppError> {
    use self::ssr::*;
    let user = require(Permission::OwnAccount).await?;
    let state = expect_context::<AppState>();
    let parts = use_context::<axum::http::request::Parts>().ok_or(AppError::Internal)?;
    let current = crate::server::auth::session_hash(&state.config, &parts.headers);
    let mut sessions = state.store.list_sessions(user.id).await?;
    for s in &mut sessions {
        s.current = Some(&s.key) == current.as_ref();
    }
    Ok(sessions)
}

/// The newest audit log entries (owners and admins only).
#[server(prefix = "/api", endpoint = "list_audit", input = Json)]
pub async fn list_audit() -> Result<Vec<AuditEntry>, AppError> {
    use self::ssr::*;
    require(Permission::ViewAudit).await?;
    let state = expect_context::<AppState>();
    state.store.list_audit(500).await
}

/// Every staff account, active first.
#[server(prefix = "/api", endpoint = "list_users", input = Json)]
pub async fn list_users() -> Result<Vec<StaffMember>, AppError> {
    use self::ssr::*;
    require(Permission::ManageUsers).await?;
    let state = expect_context::<AppState>();
    state.store.list_users().await
}

/// Creates a one-time invitation (valid 7 days) and returns its link path. Only owners
/// may invite owners.
#[server(prefix = "/api", endpoint = "invite_user", input = Json)]
pub async fn invite_user(email: String, name: String, role: Role) -> Result<String, AppError> {
    use self::ssr::*;
    let user = require(Permission::ManageUsers).await?;
    if role == Role::Owner && user.role != Role::Owner {
        return Err(AppError::Forbidden);
    }
    let email = email.trim();
    let name = name.trim();
    if !email.contains('@') || email.len() > 254 || name.is_empty() || name.chars().count() > 100 {
        return Err(AppError::Validation(
            "An invitation needs a valid email and a name of 1 to 100 characters.".into(),
        ));
    }
    let state = expect_context::<AppState>();
    let (token, hash) = crate::server::auth::new_token();
    let expires = chrono::Utc::now() + chrono::Duration::days(7);
    state
        .store
        .create_invite(&hash, email, name, role, expires)
        .await?;
    crate::server::audit::record_here(
        &user.email,
        &format!("invited {email} as {}", role.as_str()),
        "",
    )
    .await;
    Ok(format!("/admin/invite?token={token}"))
}

/// The invitations not yet accepted (owners and admins).
#[server(prefix = "/api", endpoint = "list_invites", input = Json)]
pub async fn list_invites() -> Result<Vec<PendingInvite>, AppError> {
    use self::ssr::*;
    require(Permission::ManageUsers).await?;
    let state = expect_context::<AppState>();
    state.store.list_invites().await
}

/// Withdraws the open invitations to `email`: their links stop working at once.
#[server(prefix = "/api", endpoint = "revoke_invite", input = Json)]
pub async fn revoke_invite(email: String) -> Result<(), AppError> {
    use self::ssr::*;
    let user = require(Permission::ManageUsers).await?;
    let state = expect_context::<AppState>();
    let email = email.trim();
    state.store.revoke_invites(email).await?;
    crate::server::audit::record_here(&user.email, &format!("invitation to {email} revoked"), "")
        .await;
    Ok(())
}

/// Changes a staff member's role. Only owners grant or remove the owner role; the last
/// owner can't be demoted.
#[server(prefix = "/api", endpoint = "change_role", input = Json)]
pub async fn change_role(user_id: i64, role: Role) -> Result<(), AppError> {
    use self::ssr::*;
    let user = require(Permission::ManageUsers).await?;
    let state = expect_context::<AppState>();
    let target = staff_member(&state, user_id).await?;
    if (role == Role::Owner || target.user.role == Role::Owner) && user.role != Role::Owner {
        return Err(AppError::Forbidden);
    }
    state.store.set_role(user_id, role).await?;
    let action = format!("role of {} changed to {}", target.user.email, role.as_str());
    crate::server::audit::record_here(&user.email, &action, "").await;
    Ok(())
}

/// Deactivates a staff member: their sessions end at once and they can't log in.
#[server(prefix = "/api", endpoint = "deactivate_user", input = Json)]
pub async fn deactivate_user(user_id: i64) -> Result<(), AppError> {
    use self::ssr::*;
    let user = require(Permission::ManageUsers).await?;
    let state = expect_context::<AppState>();
    let target = staff_member(&state, user_id).await?;
    if target.user.role == Role::Owner && user.role != Role::Owner {
        return Err(AppError::Forbidden);
    }
    state.store.deactivate_user(user_id).await?;
    let action = format!("deactivated {}", target.user.email);
    crate::server::audit::record_here(&user.email, &action, "").await;
    Ok(())
}

/// The caller's two-factor sign-in: on since when, recovery codes left, or the
/// enrolment in progress (secret and QR code, shown only to its own user).
#[server(prefix = "/api", endpoint = "get_two_factor", input = Json)]
pub async fn get_two_factor() -> Result<TwoFactorStatus, AppError> {
    use self::ssr::*;
    let user = require(Permission::OwnAccount).await?;
    let state = expect_context::<AppState>();
    let tf = state.store.two_factor(user.id).await?;
    let pending = match (&tf.secret, &tf.pending) {
        (None, Some(stored)) => {
            let secret = crate::server::auth::totp::open_secret(&state, user.id, stored)?;
            let site = crate::server::settings::current(&state).await?;
            Some(crate::server::auth::totp::enrolment(
                &secret,
                &user.email,
                &site.name,
            )?)
        }
        _ => None,
    };
    Ok(TwoFactorStatus {
        enabled_at: tf.secret.as_ref().and(tf.enabled_at),
        recovery_codes_left: tf.recovery_codes_left,
        pending,
        required: crate::server::auth::totp::required(&state).await?,
        can_require: user.role.can(Permission::ManageSecurity),
    })
}

/// Requires (or stops requiring) two-factor sign-in of every staff member. An owner
/// must have it on themselves before requiring it, so nobody is locked out by surprise.
#[server(prefix = "/api", endpoint = "set_two_factor_required", input = Json)]
pub async fn set_two_factor_required(required: bool) -> Result<(), AppError> {
    use self::ssr::*;
    let user = require(Permission::ManageSecurity).await?;
    let state = expect_context::<AppState>();
    if required && state.store.two_factor(user.id).await?.secret.is_none() {
        return Err(AppError::Validation(
            "Turn on two-factor sign-in for your own account before requiring it of everyone."
                .into(),
        ));
    }
    let value = if required { "on" } else { "off" };
    state
        .store
        .set_setting(crate::server::auth::totp::REQUIRE_SETTING, value)
        .await?;
    let action = if required {
        "two-factor sign-in required of all staff"
    } else {
        "two-factor sign-in no longer required"
    };
    crate::server::audit::record_here(&user.email, action, "").await;
    Ok(())
}
