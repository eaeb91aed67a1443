//! Reader-facing server functions: published articles only.

use crate::error::AppError;
use crate::model::{Article, ArticleStatus, ArticleSummary};
use leptos::prelude::*;

/// Articles per page on the home page.
pub const PAGE_SIZE: i64 = 20;

#[cfg(feature = "ssr")]
mod ssr {
    pub use crate::server::state::AppState;
    pub use leptos::prelude::expect_context;
}

#[server(prefix = "/api", endpoint = "get_published_article")]
pub async fn get_published_article(slug: String) -> Result<Article, AppError> {
    use self::ssr::*;
    let state = expect_context::<AppState>();
    state
        .store
        .article_by_slug(&slug)
        .await?
        .filter(|a| a.status == ArticleStatus::Published)
        .ok_or(AppError::NotFound)
}

#[server(prefix = "/api", endpoint = "list_published_articles")]
pub async fn list_published_articles(page: i64) -> Result<Vec<ArticleSummary>, AppError> {
    use self::ssr::*;
    let state = expect_context::<AppState>();
    let page = page.max(1);
    state
        .store
        .list_published(PAGE_SIZE, (page - 1) * PAGE_SIZE)
        .await
}
