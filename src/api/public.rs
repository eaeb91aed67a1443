//! Reader-facing server functions: published articles only.

use crate::error::AppError;
use crate::model::{
    ArticlePage, ArticleSummary, AuthorProfile, CorrectionEntry, Listing, SearchResults, Tag,
};
use leptos::prelude::*;

/// Articles per page on the home, tag and author pages.
pub const PAGE_SIZE: i64 = 20;

/// Search results per page.
pub const SEARCH_PAGE_SIZE: i64 = 10;

#[cfg(feature = "ssr")]
mod ssr {
    pub use crate::model::ArticleStatus;
    /// Related articles shown under an article.
    pub const RELATED: i64 = 4;
    use crate::error::AppError;
    pub use crate::server::state::AppState;
    pub use leptos::prelude::expect_context;

    /// The published translations of `article` (itself included) and the one `x-default`
    /// names (the original when published), or nothing when it has none.
    pub async fn translations(
        state: &AppState,
        article: &crate::model::Article,
        site_language: &str,
    ) -> Result<(Vec<crate::model::Alternate>, Option<String>), AppError> {
        let Some(group) = article.translation_group else {
            return Ok((Vec::new(), None));
        };
        let members = state.store.published_translations(group).await?;
        if members.len() < 2 {
            return Ok((Vec::new(), None));
        }
        let x_default = members
            .iter()
            .find(|m| m.id == group)
            .unwrap_or(&members[0])
            .slug
            .clone();
        let alternates = members
            .into_iter()
            .map(|m| crate::model::Alternate {
                language: m.language.unwrap_or_else(|| site_language.to_string()),
                slug: m.slug,
            })
            .collect();
        Ok((alternates, Some(x_default)))
    }

    /// Highest page number served on the home, tag and author pages.
    pub const MAX_PAGE: i64 = 100_000;

    /// The row offset of page `page` (counting from 1); any other number is a page that
    /// doesn't exist, never an overflow.
    pub fn offset(page: i64) -> Result<i64, AppError> {
        if (1..=MAX_PAGE).contains(&page) {
            Ok((page - 1) * super::PAGE_SIZE)
        } else {
            Err(AppError::NotFound)
        }
    }

    /// Waits for a place among the searches allowed to run at once; a reader who can't
    /// get one in time is told to try again rather than queued behind a flood.
    pub async fn search_permit(
        state: &AppState,
    ) -> Result<tokio::sync::OwnedSemaphorePermit, AppError> {
        tokio::time::timeout(
            std::time::Duration::from_secs(3),
            state.heavy.clone().acquire_owned(),
        )
        .await
        .ok()
        .and_then(Result::ok)
        .ok_or(AppError::Unavailable)
    }

    /// The words of a reader's query, stripped of anything a search engine could read as
    /// syntax (quotes, `*`, `OR`, punctuation, emoji): at most 12 words of 64 characters.
    pub fn search_terms(query: &str) -> Vec<String> {
        let query: String = query.chars().take(1000).collect();
        query
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(|w| w.chars().take(64).collect::<String>().to_lowercase())
            .take(12)
            .collect()
    }
}

#[cfg(feature = "ssr")]
pub use ssr::search_terms;

/// One published article with what the page shows around it.
#[server(prefix = "/api", endpoint = "get_article_page")]
pub async fn get_article_page(slug: String) -> Result<ArticlePage, AppError> {
    use self::ssr::*;
    let state = expect_context::<AppState>();
    let article = state
        .store
        .article_by_slug(&slug)
        .await?
        .filter(|a| a.status == ArticleStatus::Published)
        .ok_or(AppError::NotFound)?;
    let related = state.store.related_published(article.id, RELATED).await?;
    let (newer, older) = state.store.neighbours(&article).await?;
    let mut contents = crate::server::render::table_of_contents(&article.body.markdown);
    if contents.len() < crate::model::MIN_SECTIONS_FOR_CONTENTS {
        contents.clear();
    }
    // Readers get the rendered, sanitised text only, never the Markdown it came from.
    let mut article = article;
    article.body = article.body.published();
    article.analysis = article.analysis.published();
    for item in &mut article.faq {
        item.answer = std::mem::take(&mut item.answer).published();
    }
    let site = crate::server::settings::current(&state).await?;
    let language = article
        .language
        .clone()
        .unwrap_or_else(|| site.language.clone());
    let (alternates, x_default) = translations(&state, &article, &site.language).await?;
    Ok(ArticlePage {
        article,
        public_url: state.config.public_url.clone(),
        related,
        newer,
        older,
        contents,
        language,
        alternates,
        x_default,
    })
}

#[server(prefix = "/api", endpoint = "list_published_articles")]
pub async fn list_published_articles(page: i64) -> Result<Vec<ArticleSummary>, AppError> {
    use self::ssr::*;
    let state = expect_context::<AppState>();
    let offset = offset(page)?;
    state.store.list_published(PAGE_SIZE, offset).await
}

/// A tag and a page of its published articles.
#[server(prefix = "/api", endpoint = "list_tag")]
pub async fn list_tag(slug: String, page: i64) -> Result<Listing<Tag>, AppError> {
    use self::ssr::*;
    let state = expect_context::<AppState>();
    let offset = offset(page)?;
    let tag = state
        .store
        .tag_by_slug(&slug)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut articles = state
        .store
        .list_published_by_tag(&slug, PAGE_SIZE + 1, offset)
        .await?;
    let more = articles.len() as i64 > PAGE_SIZE;
    articles.truncate(PAGE_SIZE as usize);
    Ok(Listing {
        subject: tag,
        articles,
        more,
    })
}

/// An author's profile and a page of their published articles.
#[server(prefix = "/api", endpoint = "list_author")]
pub async fn list_author(slug: String, page: i64) -> Result<Listing<AuthorProfile>, AppError> {
    use self::ssr::*;
    let state = expect_context::<AppState>();
    let offset = offset(page)?;
    let author = state
        .store
        .author_by_slug(&slug)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut articles = state
        .store
        .list_published_by_author(&slug, PAGE_SIZE + 1, offset)
        .await?;
    let more = articles.len() as i64 > PAGE_SIZE;
    articles.truncate(PAGE_SIZE as usize);
    Ok(Listing {
        subject: author,
        articles,
        more,
    })
}

/// One page of a full-text search over published articles; any query is safe, an empty
/// one finds nothing. Pages run through the matches search ranks (see `SEARCH_WINDOW`);
/// any other page number doesn't exist.
#[server(prefix = "/api", endpoint = "search_articles")]
pub async fn search_articles(query: String, page: i64) -> Result<SearchResults, AppError> {
    use self::ssr::*;
    let pages = crate::server::db::SEARCH_WINDOW / SEARCH_PAGE_SIZE;
    if !(1..=pages).contains(&page) {
        return Err(AppError::NotFound);
    }
    let state = expect_context::<AppState>();
    let terms = search_terms(&query);
    if terms.is_empty() {
        return Ok(SearchResults {
            hits: Vec::new(),
            more: false,
        });
    }
    let _permit = search_permit(&state).await?;
    let offset = (page - 1) * SEARCH_PAGE_SIZE;
    state.store.search(&terms, SEARCH_PAGE_SIZE, offset).await
}

/// The newest corrections on published articles.
#[server(prefix = "/api", endpoint = "list_corrections")]
pub async fn list_corrections() -> Result<Vec<CorrectionEntry>, AppError> {
    use self::ssr::*;
    let state = expect_context::<AppState>();
    state.store.list_corrections(200).await
}
