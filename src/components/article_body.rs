//! The article as readers see it: headline, dek, byline, body, Key Takeaways, Editor's
//! Analysis & Impact, the FAQ island and the AI disclosure note.

use super::faq_accordion::Faq;
use super::picture::LeadFigure;
use crate::model::{html_words, reading_minutes, AiDisclosure, Article};
use chrono::{DateTime, Utc};
use leptos::prelude::*;

/// A timestamp for `<time datetime>`, in whole seconds (HTML allows at most three
/// fractional digits).
pub fn machine_date(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

pub use super::site::reader_date;

#[component]
pub fn ArticleView(article: Article) -> impl IntoView {
    let article_modified = article.reader_modified();
    let Article {
        title,
        dek,
        body,
        takeaways,
        analysis,
        faq,
        disclosure,
        authors,
        published_at,
        tags,
        corrections,
        lead_image,
        ..
    } = article;
    let byline = (!authors.is_empty()).then(|| {
        let count = authors.len();
        let links = authors
            .into_iter()
            .enumerate()
            .map(|(i, a)| {
                let sep = match (i + 1 == count, i + 2 == count) {
                    (true, _) => "",
                    (_, true) => " and ",
                    _ => ", ",
                };
                view! { <a href=format!("/authors/{}", a.slug) rel="author">{a.name}</a> {sep} }
            })
            .collect_view();
        view! { <span class="byline">"By " {links}</span> }
    });
    let words = html_words(&body.html) + html_words(&analysis.html);
    let dateline = published_at.map(|at| {
        let updated = article_modified.map(|updated_at| {
            view! {
                " · Updated "
                <time datetime=machine_date(updated_at)>{reader_date(updated_at)}</time>
            }
        });
        view! {
            <span class="dates">
                <time datetime=machine_date(at)>{reader_date(at)}</time>
                {updated}
            </span>
        }
    });
    view! {
        <article class="article">
            <header class="article-header">
                <h1>{title}</h1>
                {(!dek.is_empty()).then(|| view! { <p class="dek">{dek}</p> })}
                <p class="meta">
                    {byline} {dateline}
                    <span class="reading-time">{format!("{} min read", reading_minutes(words))}</span>
                </p>
            </header>
            {lead_image.map(|image| view! { <LeadFigure image=image/> })}
            <div class="article-body" inner_html=body.html></div>
            {(!takeaways.is_empty()).then(|| view! { <Takeaways items=takeaways/> })}
            {(!analysis.html.is_empty()).then(|| {
                view! {
                    <section class="analysis" aria-labelledby="analysis-heading">
                        <h2 id="analysis-heading">"Editor’s Analysis & Impact"</h2>
                        <div inner_html=analysis.html></div>
                    </section>
                }
            })}
            {(!faq.is_empty()).then(|| view! { <Faq items=faq/> })}
            {disclosure.map(|d| view! { <Disclosure disclosure=d/> })}
            {(!corrections.is_empty()).then(|| view! {
                <section class="corrections" aria-labelledby="corrections-heading">
                    <h2 id="corrections-heading">"Corrections"</h2>
                    <ul>
                        {corrections.into_iter().map(|c| view! {
                            <li>
                                <time datetime=machine_date(c.at)>{reader_date(c.at)}</time>
                                ": " {c.note}
                            </li>
                        }).collect_view()}
                    </ul>
                </section>
            })}
            {(!tags.is_empty()).then(|| {
                view! {
                    <ul class="tags" aria-label="Tags">
                        {tags
                            .into_iter()
                            .map(|t| view! { <li><a href=format!("/tags/{}", t.slug) rel="tag">{t.name}</a></li> })
                            .collect_view()}
                    </ul>
                }
            })}
        </article>
    }
}

#[component]
fn Takeaways(items: Vec<String>) -> impl IntoView {
    view! {
        <section class="takeaways" aria-labelledby="takeaways-heading">
            <h2 id="takeaways-heading">"Key Takeaways"</h2>
            <ul>{items.into_iter().map(|t| view! { <li>{t}</li> }).collect_view()}</ul>
        </section>
    }
}

#[component]
fn Disclosure(disclosure: AiDisclosure) -> impl IntoView {
    let AiDisclosure {
        level,
        statement,
        tool,
        reviewer,
    } = disclosure;
    view! {
        <aside class="disclosure" aria-labelledby="disclosure-heading">
            <h2 id="disclosure-heading">"AI Disclosure"</h2>
            <p class="disclosure-level">{level.label()}</p>
            <p>{statement}</p>
            {tool.map(|t| view! { <p class="disclosure-detail">"Tool: " {t}</p> })}
            {reviewer.map(|r| view! { <p class="disclosure-detail">"Reviewed by " {r}</p> })}
        </aside>
    }
}
