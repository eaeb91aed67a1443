//! `/`: published articles, newest first, with page links that work without JavaScript.

use super::not_found::NotFound;
use super::{ErrorNote, Loading};
use crate::api::public::{list_published_articles, PAGE_SIZE};
use crate::components::article_list::{page_number, ArticleList};
use crate::components::site::site;
use crate::error::AppError;
use leptos::prelude::*;
use leptos_meta::{Link, Meta, Title};
use leptos_router::hooks::use_query_map;

#[component]
pub fn HomePage() -> impl IntoView {
    let page = page_number(use_query_map().read_untracked().get("page"));
    let site = site();
    view! {
        <Title text=format!("{} — latest news", site.name)/>
        <Meta name="description" content=site.describe()/>
        <Link rel="alternate" type_="application/rss+xml" title=site.name.clone() href="/feed.xml"/>
        <h1 class="page-title">"Latest news"</h1>
        <Suspense fallback=Loading>
            {Suspend::new(async move {
                match list_published_articles(page).await {
                    Ok(list) if list.is_empty() && page == 1 => {
                        view! { <p>"Nothing has been published yet."</p> }.into_any()
                    }
                    Ok(list) if list.is_empty() => view! { <NotFound/> }.into_any(),
                    Err(AppError::NotFound) => view! { <NotFound/> }.into_any(),
                    Ok(list) => {
                        let more = list.len() as i64 == PAGE_SIZE;
                        view! { <ArticleList articles=list base="/".to_string() page=page more=more/> }
                            .into_any()
                    }
                    Err(e) => view! { <ErrorNote error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}
