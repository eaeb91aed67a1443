//! The 404 page (the server sets the status).

use crate::components::site::site;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(opts) = use_context::<leptos_axum::ResponseOptions>() {
        opts.set_status(axum::http::StatusCode::NOT_FOUND);
    }
    view! {
        <Title text=format!("Page not found · {}", site().name)/>
        <section class="not-found">
            <h1>"Page not found"</h1>
            <p>"We couldn’t find that page. It may have moved or never existed."</p>
            <p><a href="/">"Go to the latest news"</a></p>
        </section>
    }
}
