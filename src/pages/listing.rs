//! `/tags/{slug}`, `/authors/{slug}` and `/search?q=`: lists of published articles.

use super::not_found::NotFound;
use super::{ErrorNote, Loading};
use crate::api::public::{list_author, list_tag, search_articles};
use crate::components::article_list::{page_number, ArticleList};
use crate::components::site::site;
use crate::error::AppError;
use leptos::prelude::*;
use leptos_meta::{Link, Meta, Title};
use leptos_router::hooks::{use_params_map, use_query_map};

fn param(name: &str) -> String {
    use_params_map()
        .read_untracked()
        .get(name)
        .unwrap_or_default()
}

#[component]
pub fn TagPage() -> impl IntoView {
    let slug = param("slug");
    let page = page_number(use_query_map().read_untracked().get("page"));
    view! {
        <Suspense fallback=Loading>
            {Suspend::new(async move {
                match list_tag(slug.clone(), page).await {
                    Ok(l) => view! {
                        <Title text=format!("{} · {}", l.subject.name, site().name)/>
                        <Meta name="description" content=format!("Articles tagged {} on {}.", l.subject.name, site().name)/>
                        <Link rel="alternate" type_="application/rss+xml" title=l.subject.name.clone()
                            href=format!("/tags/{slug}/feed.xml")/>
                        <h1 class="page-title">{l.subject.name}</h1>
                        <ArticleList articles=l.articles base=format!("/tags/{slug}") page=page more=l.more/>
                    }
                    .into_any(),
                    Err(AppError::NotFound) => view! { <NotFound/> }.into_any(),
                    Err(e) => view! { <ErrorNote error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
pub fn AuthorPage() -> impl IntoView {
    let slug = param("slug");
    let page = page_number(use_query_map().read_untracked().get("page"));
    view! {
        <Suspense fallback=Loading>
            {Suspend::new(async move {
                match list_author(slug.clone(), page).await {
                    Ok(l) => view! {
                        <Title text=format!("{} · {}", l.subject.name, site().name)/>
                        <Meta name="description" content=format!("Articles by {} on {}.", l.subject.name, site().name)/>
                        <h1 class="page-title">{l.subject.name}</h1>
                        {(!l.subject.bio.is_empty()).then(|| view! { <p class="bio">{l.subject.bio}</p> })}
                        {l.articles.is_empty().then(|| view! { <p>"No published articles yet."</p> })}
                        <ArticleList articles=l.articles base=format!("/authors/{slug}") page=page more=l.more/>
                    }
                    .into_any(),
                    Err(AppError::NotFound) => view! { <NotFound/> }.into_any(),
                    Err(e) => view! { <ErrorNote error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
pub fn SearchPage() -> impl IntoView {
    let query = use_query_map()
        .read_untracked()
        .get("q")
        .unwrap_or_default();
    let shown: String = query.chars().take(200).collect();
    view! {
        <Title text=format!("Search · {}", site().name)/>
        <Meta name="description" content=format!("Search the articles of {}.", site().name)/>
        <h1 class="page-title">"Search"</h1>
        <form class="search-form" method="get" action="/search" role="search">
            <label for="q">"Search articles"</label>
            <div class="search-row">
                <input id="q" name="q" type="search" value=shown.clone() maxlength="1000"/>
                <button type="submit">"Search"</button>
            </div>
        </form>
        <Suspense fallback=Loading>
            {Suspend::new(async move {
                if query.trim().is_empty() {
                    return ().into_any();
                }
                match search_articles(query).await {
                    Ok(hits) if hits.is_empty() => view! {
                        <p class="search-summary" role="status">"No articles match “" {shown} "”."</p>
                    }
                    .into_any(),
                    Ok(hits) => view! {
                        <p class="search-summary" role="status">
                            {format!("{} result{} for “", hits.len(), if hits.len() == 1 { "" } else { "s" })}
                            {shown}"”"
                        </p>
                        <ul class="cards search-results">
                            {hits.into_iter().map(|h| view! {
                                <li class="card">
                                    <h2><a href=format!("/articles/{}", h.article.slug)>{h.article.title}</a></h2>
                                    <p class="snippet" inner_html=h.snippet_html></p>
                                </li>
                            }).collect_view()}
                        </ul>
                    }
                    .into_any(),
                    Err(e) => view! { <ErrorNote error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}
