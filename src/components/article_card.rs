//! One article in a list: headline link, dek and date.

use super::article_body::{machine_date, reader_date};
use crate::model::ArticleSummary;
use leptos::prelude::*;

#[component]
pub fn ArticleCard(article: ArticleSummary) -> impl IntoView {
    let href = format!("/articles/{}", article.slug);
    view! {
        <li class="card">
            <h2><a href=href>{article.title}</a></h2>
            {(!article.dek.is_empty()).then(|| view! { <p class="dek">{article.dek}</p> })}
            {article.published_at.map(|at| {
                view! { <time datetime=machine_date(at)>{reader_date(at)}</time> }
            })}
        </li>
    }
}
