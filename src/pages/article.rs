//! `/articles/{slug}`: one published article, complete without JavaScript, with its
//! structured data, related articles and the next and previous stories.

use super::not_found::NotFound;
use super::{ErrorNote, Loading};
use crate::api::public::get_article_page;
use crate::components::article_body::ArticleView;
use crate::components::seo::ArticleHead;
use crate::error::AppError;
use crate::model::ArticleSummary;
use leptos::prelude::*;
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
                match get_article_page(slug).await {
                    Ok(page) => {
                        let related = page.related.clone();
                        let contents = page.contents.clone();
                        let (newer, older) = (page.newer.clone(), page.older.clone());
                        view! {
                            <ArticleHead page=page.clone()/>
                            <Contents sections=contents/>
                            <ArticleView article=page.article/>
                            <Related articles=related/>
                            <NewerOlder newer=newer older=older/>
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

/// The table of contents of a long article (links to its section headings).
#[component]
fn Contents(sections: Vec<(String, String)>) -> impl IntoView {
    (!sections.is_empty()).then(|| {
        view! {
            <nav class="contents" aria-label="Contents">
                <h2>"Contents"</h2>
                <ol>
                    {sections
                        .into_iter()
                        .map(|(id, text)| view! { <li><a href=format!("#{id}")>{text}</a></li> })
                        .collect_view()}
                </ol>
            </nav>
        }
    })
}

#[component]
fn Related(articles: Vec<ArticleSummary>) -> impl IntoView {
    (!articles.is_empty()).then(|| {
        view! {
            <section class="related" aria-labelledby="related-heading">
                <h2 id="related-heading">"Related"</h2>
                <ul>
                    {articles
                        .into_iter()
                        .map(|a| view! { <li><a href=format!("/articles/{}", a.slug)>{a.title}</a></li> })
                        .collect_view()}
                </ul>
            </section>
        }
    })
}

#[component]
fn NewerOlder(newer: Option<ArticleSummary>, older: Option<ArticleSummary>) -> impl IntoView {
    (newer.is_some() || older.is_some()).then(|| {
        view! {
            <nav class="newer-older" aria-label="More stories">
                {older.map(|a| view! {
                    <a rel="prev" href=format!("/articles/{}", a.slug)>
                        <span class="dir">"Previous story"</span> {a.title}
                    </a>
                })}
                {newer.map(|a| view! {
                    <a rel="next" class="next" href=format!("/articles/{}", a.slug)>
                        <span class="dir">"Next story"</span> {a.title}
                    </a>
                })}
            </nav>
        }
    })
}
