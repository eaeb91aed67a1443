//! `/contact`: how to reach the newsroom, as the publication's settings word it (404
//! until that text is set).

use super::not_found::NotFound;
use crate::components::site::site;
use leptos::prelude::*;
use leptos_meta::{Meta, Title};

#[component]
pub fn ContactPage() -> impl IntoView {
    let site = site();
    if site.contact.is_empty() {
        return view! { <NotFound/> }.into_any();
    }
    view! {
        <Title text=format!("Contact · {}", site.name)/>
        <Meta name="description" content=format!("How to reach {}.", site.name)/>
        <h1 class="page-title">"Contact"</h1>
        {site.contact.split("\n\n").map(|p| view! { <p>{p.to_string()}</p> }).collect_view()}
    }
    .into_any()
}
