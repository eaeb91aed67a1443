//! One module per page; each renders complete HTML on the server.

pub mod admin;
pub mod article;
pub mod home;
pub mod not_found;

use leptos::prelude::*;

/// Shown inside `<Suspense>` while a page's data loads (never seen with async rendering).
#[component]
pub fn Loading() -> impl IntoView {
    view! { <p class="loading">"Loading…"</p> }
}

/// A short, safe message for a failure that is not a missing page.
#[component]
pub fn ErrorNote(message: String) -> impl IntoView {
    view! {
        <section class="error-note" role="alert">
            <h1>"Sorry"</h1>
            <p>{message}</p>
        </section>
    }
}
