//! `/corrections`: every correction on a published article, newest first.

use super::{ErrorNote, Loading};
use crate::api::public::list_corrections;
use crate::components::article_body::{machine_date, reader_date};
use crate::components::site::site;
use leptos::prelude::*;
use leptos_meta::{Meta, Title};

#[component]
pub fn CorrectionsPage() -> impl IntoView {
    let site = site();
    view! {
        <Title text=format!("Corrections · {}", site.name)/>
        <Meta name="description" content=format!("Every correction {} has made to a published article.", site.name)/>
        <h1 class="page-title">"Corrections"</h1>
        <p>"When we get something wrong, we say so here and at the foot of the article."</p>
        {(!site.corrections_policy.is_empty()).then(|| view! {
            <section class="corrections-policy" aria-label="Corrections policy">
                {site.corrections_policy.split("\n\n").map(|p| view! { <p>{p.to_string()}</p> }).collect_view()}
            </section>
        })}
        <Suspense fallback=Loading>
            {Suspend::new(async move {
                match list_corrections().await {
                    Ok(list) if list.is_empty() => view! { <p>"No corrections so far."</p> }.into_any(),
                    Ok(list) => view! {
                        <ul class="cards corrections-log">
                            {list.into_iter().map(|c| view! {
                                <li class="card">
                                    <h2><a href=format!("/articles/{}", c.article.slug)>{c.article.title}</a></h2>
                                    <p>
                                        <time datetime=machine_date(c.correction.at)>{reader_date(c.correction.at)}</time>
                                        ": " {c.correction.note}
                                    </p>
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
