//! `/`: published articles, newest first, with page links that work without JavaScript.

use super::{ErrorNote, Loading};
use crate::api::public::{list_published_articles, PAGE_SIZE};
use crate::components::article_card::ArticleCard;
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_query_map;

#[component]
pub fn HomePage() -> impl IntoView {
    let query = use_query_map();
    let page = query
        .read_untracked()
        .get("page")
        .and_then(|p| p.parse::<i64>().ok())
        .unwrap_or(1)
        .clamp(1, 100_000);
    view! {
        <Title text="Gazette — latest news"/>
        <Meta name="description" content="The latest reporting and analysis from Gazette."/>
        <h1 class="page-title">"Latest news"</h1>
        <Suspense fallback=Loading>
            {Suspend::new(async move {
                match list_published_articles(page).await {
                    Ok(list) if list.is_empty() && page == 1 => {
                        view! { <p>"Nothing has been published yet."</p> }.into_any()
                    }
                    Ok(list) => {
                        let more = list.len() as i64 == PAGE_SIZE;
                        view! {
                            <ul class="cards">
                                {list.into_iter().map(|a| view! { <ArticleCard article=a/> }).collect_view()}
                            </ul>
                            <nav class="pager" aria-label="Pages">
                                {(page > 1).then(|| view! {
                                    <a rel="prev" href=format!("/?page={}", page - 1)>"← Newer"</a>
                                })}
                                {more.then(|| view! {
                                    <a rel="next" href=format!("/?page={}", page + 1)>"Older →"</a>
                                })}
                            </nav>
                        }
                        .into_any()
                    }
                    Err(e) => view! { <ErrorNote error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}
