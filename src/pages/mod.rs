//! One module per page; each renders complete HTML on the server.

pub mod admin;
pub mod article;
pub mod contact;
pub mod corrections;
pub mod home;
pub mod listing;
pub mod not_found;

use crate::error::AppError;
use leptos::prelude::*;

/// Shown inside `<Suspense>` while a page's data loads (never seen with async rendering).
#[component]
pub fn Loading() -> impl IntoView {
    view! { <p class="loading">"Loading…"</p> }
}

/// A short, safe message for a failure that is not a missing page, sent with the
/// error's HTTP status.
#[component]
pub fn ErrorNote(error: AppError) -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(opts) = use_context::<leptos_axum::ResponseOptions>() {
        if let Ok(code) = axum::http::StatusCode::from_u16(error.status()) {
            opts.set_status(code);
        }
    }
    view! {
        <section class="error-note" role="alert">
            <h1>"Sorry"</h1>
            <p>{error.to_string()}</p>
            {(error == AppError::TwoFactorRequired).then(|| view! {
                <p><a href="/admin/account#two-factor">"Set up two-factor sign-in"</a></p>
            })}
        </section>
    }
}
