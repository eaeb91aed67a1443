//! A page of article cards with "newer" / "older" links that work without JavaScript.

use super::article_card::ArticleCard;
use crate::model::ArticleSummary;
use leptos::prelude::*;

/// The page number in `?page=`: 1 when absent; anything that isn't a whole number
/// becomes 0, which the server answers as a page that doesn't exist.
pub fn page_number(raw: Option<String>) -> i64 {
    raw.map_or(1, |p| p.trim().parse::<i64>().unwrap_or(0))
}

#[component]
pub fn ArticleList(
    articles: Vec<ArticleSummary>,
    /// The page's own path, to which `?page=N` is added.
    base: String,
    page: i64,
    more: bool,
) -> impl IntoView {
    let link = move |n: i64| {
        if n == 1 {
            base.clone()
        } else {
            format!("{base}?page={n}")
        }
    };
    view! {
        <ul class="cards">
            {articles
                .into_iter()
                .enumerate()
                .map(|(i, a)| view! { <ArticleCard article=a lead={i == 0 && page == 1}/> })
                .collect_view()}
        </ul>
        {(page > 1 || more).then(|| view! {
            <nav class="pager" aria-label="Pages">
                {(page > 1).then(|| view! { <a rel="prev" href=link(page - 1)>"← Newer"</a> })}
                {more.then(|| view! { <a rel="next" href=link(page + 1)>"Older →"</a> })}
            </nav>
        })}
    }
}
