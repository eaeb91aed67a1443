//! `/tags/{slug}`, `/authors/{slug}` and `/search?q=`: lists of published articles.

use super::not_found::NotFound;
use super::{ErrorNote, Loading};
use crate::api::public::{list_author, list_tag, search_articles, SEARCH_PAGE_SIZE};
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

/// `text` as one value of a URL's query: letters, digits and `-_.~` as they are, spaces
/// as `+`, every other byte percent-encoded.
fn query_value(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(char::from(b))
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// What a page of search results for `shown` says it holds: how many in all when it is
/// the only page, otherwise which of them it shows.
fn results_summary(shown: &str, page: i64, hits: usize, more: bool) -> String {
    let first = (page - 1) * SEARCH_PAGE_SIZE + 1;
    if page == 1 && !more {
        format!(
            "{hits} result{} for “{shown}”",
            if hits == 1 { "" } else { "s" }
        )
    } else {
        format!("Results {first}–{} for “{shown}”", first + hits as i64 - 1)
    }
}

#[component]
pub fn SearchPage() -> impl IntoView {
    let params = use_query_map().read_untracked().clone();
    let query = params.get("q").unwrap_or_default();
    let page = page_number(params.get("page"));
    let shown: String = query.chars().take(200).collect();
    let base = format!("/search?q={}", query_value(&query));
    let link = move |n: i64| {
        if n == 1 {
            base.clone()
        } else {
            format!("{base}&page={n}")
        }
    };
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
                match search_articles(query, page).await {
                    Ok(r) if r.hits.is_empty() && page == 1 => view! {
                        <p class="search-summary" role="status">{format!("No articles match “{shown}”.")}</p>
                    }
                    .into_any(),
                    Ok(r) if r.hits.is_empty() => view! {
                        <p class="search-summary" role="status">{format!("No more results for “{shown}”.")}</p>
                        <nav class="pager" aria-label="Result pages">
                            <a href=link(1)>"← First results"</a>
                        </nav>
                    }
                    .into_any(),
                    Ok(r) => view! {
                        <p class="search-summary" role="status">
                            {results_summary(&shown, page, r.hits.len(), r.more)}
                        </p>
                        <ul class="cards search-results">
                            {r.hits.into_iter().map(|h| view! {
                                <li class="card">
                                    <h2><a href=format!("/articles/{}", h.article.slug)>{h.article.title}</a></h2>
                                    <p class="snippet" inner_html=h.snippet_html></p>
                                </li>
                            }).collect_view()}
                        </ul>
                        {(page > 1 || r.more).then(|| view! {
                            <nav class="pager" aria-label="Result pages">
                                {(page > 1).then(|| view! { <a rel="prev" href=link(page - 1)>"← Previous"</a> })}
                                {r.more.then(|| view! { <a rel="next" href=link(page + 1)>"More results →"</a> })}
                            </nav>
                        })}
                    }
                    .into_any(),
                    Err(AppError::NotFound) => view! { <NotFound/> }.into_any(),
                    Err(e) => view! { <ErrorNote error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}
