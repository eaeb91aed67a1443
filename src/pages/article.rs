//! `/articles/{slug}`: one published article, complete without JavaScript.

use super::not_found::NotFound;
use super::{ErrorNote, Loading};
use crate::api::public::get_published_article;
use crate::components::article_body::ArticleView;
use crate::error::AppError;
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_params_map;

#[component]
pub fn ArticlePage() -> impl IntoView {
    let slug = use_params_map()
        .read_untracked()
        .get("slug")
        .unwrap_or_default();
    view! {
        <Suspense fallback=Loading>
            {Suspend::new(async move {
                match get_published_article(slug).await {
                    Ok(article) => {
                        let description = if article.dek.is_empty() {
                            article.takeaways.first().cloned().unwrap_or_default()
                        } else {
                            article.dek.clone()
                        };
                        view! {
                            <Title text=format!("{} · Gazette", article.title)/>
                            <Meta name="description" content=description/>
                            <ArticleView article=article/>
                        }
                        .into_any()
                    }
                    Err(AppError::NotFound) => view! { <NotFound/> }.into_any(),
                    Err(e) => view! { <ErrorNote error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}
