//! Staff server functions for the publication's settings (owners and admins) and an
//! article's language and translation link (whoever may edit the article).

use crate::error::AppError;
use crate::model::{ArticleLanguage, FieldProblem, SiteSettings};
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

#[cfg(feature = "ssr")]
mod ssr {
    pub use crate::api::admin::ssr::editable;
    pub use crate::model::Permission;
    pub use crate::server::auth::require;
    pub use crate::server::settings;
    pub use crate::server::state::AppState;
    pub use leptos::prelude::expect_context;
}

/// The publication's settings as stored (owners and admins).
#[server(prefix = "/api", endpoint = "get_site_settings", input = Json)]
pub async fn get_site_settings() -> Result<SiteSettings, AppError> {
    use self::ssr::*;
    require(Permission::ManageSettings).await?;
    let state = expect_context::<AppState>();
    settings::load(&state.store).await
}

/// Stores the settings that changed, all together, when every one of them is valid.
/// Returns the problems found (then nothing was stored); empty when saved.
#[server(prefix = "/api", endpoint = "save_site_settings", input = Json)]
pub async fn save_site_settings(settings: SiteSettings) -> Result<Vec<FieldProblem>, AppError> {
    use self::ssr::*;
    let user = require(Permission::ManageSettings).await?;
    let state = expect_context::<AppState>();
    let current = settings::load(&state.store).await?;
    let rows = match settings::check_changes(&current, &settings) {
        Ok(rows) => rows,
        Err(problems) => return Ok(problems),
    };
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    if let Err(problem) = settings::check_logo_exists(&state.store, &rows).await? {
        return Ok(vec![problem]);
    }
    state.store.set_site_settings(&rows).await?;
    let keys: Vec<&str> = rows.iter().map(|(k, _)| k.as_str()).collect();
    let action = format!("settings changed: {}", keys.join(", "));
    crate::server::audit::record_here(&user.email, &action, "").await;
    Ok(Vec::new())
}

/// Article `id`'s language and the address of the article it translates.
#[server(prefix = "/api", endpoint = "get_article_language", input = Json)]
pub async fn get_article_language(id: i64) -> Result<ArticleLanguage, AppError> {
    use self::ssr::*;
    let user = require(Permission::WriteDrafts).await?;
    let state = expect_context::<AppState>();
    let article = editable(&state, &user, id).await?;
    let translation_of = match article.translation_group {
        Some(group) if group != id => state
            .store
            .article_by_id(group)
            .await?
            .map(|a| a.slug)
            .unwrap_or_default(),
        _ => String::new(),
    };
    let site = settings::load(&state.store).await?;
    Ok(ArticleLanguage {
        language: article.language.unwrap_or_default(),
        translation_of,
        site_language: site.language,
    })
}

/// Sets article `id`'s language (empty: the site's) and links it as a translation of
/// the article at address `translation_of` (empty: no link). A translation must be in
/// another language than the article it translates.
#[server(prefix = "/api", endpoint = "set_article_language", input = Json)]
pub async fn set_article_language(
    id: i64,
    language: String,
    translation_of: String,
) -> Result<(), AppError> {
    use self::ssr::*;
    let user = require(Permission::WriteDrafts).await?;
    let state = expect_context::<AppState>();
    editable(&state, &user, id).await?;
    let language = match language.trim() {
        "" => None,
        tag => Some(settings::check_language(tag).map_err(AppError::Validation)?),
    };
    let slug = translation_of
        .trim()
        .trim_start_matches("/articles/")
        .trim_matches('/');
    let original = if slug.is_empty() {
        None
    } else {
        let other =
            state.store.article_by_slug(slug).await?.ok_or_else(|| {
                AppError::Validation(format!("No article has the address '{slug}'."))
            })?;
        let site = settings::load(&state.store).await?;
        let theirs = other.language.as_deref().unwrap_or(&site.language);
        let ours = language.as_deref().unwrap_or(&site.language);
        if theirs.eq_ignore_ascii_case(ours) {
            return Err(AppError::Validation(format!(
                "A translation must be in another language than the article it translates ({theirs})."
            )));
        }
        Some(other.id)
    };
    state
        .store
        .set_article_language(id, language.as_deref(), original)
        .await
}
