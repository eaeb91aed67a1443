//! Staff server functions. Each one's first line checks the session's role.

use crate::error::AppError;
use crate::model::{Article, ArticleDraft, ArticleSummary, SavedArticle};
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

#[cfg(feature = "ssr")]
mod ssr {
    pub use crate::model::Role;
    pub use crate::server::auth::require_role;
    pub use crate::server::render;
    pub use crate::server::state::AppState;
    pub use leptos::prelude::expect_context;

    /// A slug for `title` that no article uses yet (`…-2`, `…-3` when taken).
    pub async fn free_slug(
        state: &AppState,
        title: &str,
    ) -> Result<String, crate::error::AppError> {
        let base = render::slugify(title);
        let mut slug = base.clone();
        let mut n = 2;
        while state.store.slug_taken(&slug).await? {
            slug = format!("{base}-{n}");
            n += 1;
        }
        Ok(slug)
    }
}

/// Every article in every state, most recently changed first.
#[server(prefix = "/api", endpoint = "list_articles", input = Json)]
pub async fn list_articles() -> Result<Vec<ArticleSummary>, AppError> {
    use self::ssr::*;
    require_role(Role::Author).await?;
    let state = expect_context::<AppState>();
    state.store.list_articles().await
}

/// One article in any state, for the editor.
#[server(prefix = "/api", endpoint = "get_article", input = Json)]
pub async fn get_article(id: i64) -> Result<Article, AppError> {
    use self::ssr::*;
    require_role(Role::Author).await?;
    let state = expect_context::<AppState>();
    state
        .store
        .article_by_id(id)
        .await?
        .ok_or(AppError::NotFound)
}

/// Creates (no `id`) or updates an article. An update names the version it was edited
/// from; if someone saved since, it is refused with a conflict and nothing is written.
#[server(prefix = "/api", endpoint = "save_article", input = Json)]
pub async fn save_article(
    id: Option<i64>,
    base_version: Option<i64>,
    draft: ArticleDraft,
) -> Result<SavedArticle, AppError> {
    use self::ssr::*;
    let user = require_role(Role::Author).await?;
    let state = expect_context::<AppState>();
    draft.validate().map_err(AppError::Validation)?;
    let content = render::content(&draft);
    let saved = match (id, base_version) {
        (Some(id), Some(version)) => {
            state
                .store
                .update_article(id, version, &content, Some(&user))
                .await
        }
        (None, _) => {
            let slug = free_slug(&state, &content.title).await?;
            state
                .store
                .create_article(&slug, &content, Some(&user), None)
                .await
        }
        (Some(_), None) => Err(AppError::Validation(
            "An update must name the version it was edited from.".into(),
        )),
    }?;
    Ok(SavedArticle {
        id: saved.id,
        slug: saved.slug,
        version: saved.version,
        status: saved.status,
    })
}

/// Makes an article public at `/articles/{slug}` and on the home page.
#[server(prefix = "/api", endpoint = "publish_article", input = Json)]
pub async fn publish_article(id: i64, version: i64) -> Result<SavedArticle, AppError> {
    use self::ssr::*;
    let user = require_role(Role::Editor).await?;
    let state = expect_context::<AppState>();
    let article = state
        .store
        .publish_article(id, version, Some(&user))
        .await?;
    Ok(SavedArticle {
        id: article.id,
        slug: article.slug,
        version: article.version,
        status: article.status,
    })
}
