//! One article in a list: thumbnail, headline link, dek, bylines, date and tags; the
//! newest story on a front page gets the large form with its lead image.

use super::article_body::{machine_date, reader_date};
use super::picture::{Picture, COLUMN_SIZES};
use crate::model::{ArticleSummary, Author, Tag};
use leptos::prelude::*;

/// The `sizes` of a card's thumbnail (a fixed column beside the text; full width on
/// narrow screens).
const THUMB_SIZES: &str = "(min-width: 36rem) 10rem, calc(100vw - 2rem)";

fn bylines(authors: Vec<Author>) -> impl IntoView {
    (!authors.is_empty()).then(|| {
        let count = authors.len();
        let links = authors
            .into_iter()
            .enumerate()
            .map(|(i, a)| {
                let sep = if i + 1 == count {
                    ""
                } else if i + 2 == count {
                    " and "
                } else {
                    ", "
                };
                view! { <a href=format!("/authors/{}", a.slug)>{a.name}</a>{sep} }
            })
            .collect_view();
        view! { <span class="byline">"By " {links}</span> }
    })
}

fn tag_list(tags: Vec<Tag>) -> impl IntoView {
    (!tags.is_empty()).then(|| {
        view! {
            <ul class="card-tags" aria-label="Tags">
                {tags
                    .into_iter()
                    .map(|t| view! { <li><a href=format!("/tags/{}", t.slug)>{t.name}</a></li> })
                    .collect_view()}
            </ul>
        }
    })
}

#[component]
pub fn ArticleCard(
    article: ArticleSummary,
    /// The newest story on a front page: large, with its lead image loaded first.
    #[prop(optional)]
    lead: bool,
) -> impl IntoView {
    let href = format!("/articles/{}", article.slug);
    let class = if lead { "card card-lead" } else { "card" };
    let sizes = if lead { COLUMN_SIZES } else { THUMB_SIZES };
    let picture = article.image.map(|i| {
        view! {
            <div class="card-image">
                <Picture media=i.media alt=i.alt sizes=sizes eager=lead/>
            </div>
        }
    });
    let heading = if lead {
        view! { <h2 class="lead-headline"><a href=href>{article.title}</a></h2> }.into_any()
    } else {
        view! { <h2><a href=href>{article.title}</a></h2> }.into_any()
    };
    view! {
        <li class=class>
            {picture}
            <div class="card-text">
                {heading}
                {(!article.dek.is_empty()).then(|| view! { <p class="dek">{article.dek}</p> })}
                <p class="card-meta">
                    {bylines(article.authors)}
                    {article.published_at.map(|at| {
                        view! { <time datetime=machine_date(at)>{reader_date(at)}</time> }
                    })}
                </p>
                {tag_list(article.tags)}
            </div>
        </li>
    }
}
