//! Server functions: the HTTP API the pages and islands call. `public` serves readers,
//! `admin` serves staff and checks the session's role on every function's first line.

pub mod admin;
pub mod auth;
pub mod public;

use crate::error::AppError;

/// Sets the HTTP status of the response being built to match `e`, and returns `e`.
#[cfg(feature = "ssr")]
pub fn with_status(e: AppError) -> AppError {
    if let Some(opts) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
        if let Ok(code) = axum::http::StatusCode::from_u16(e.status()) {
            opts.set_status(code);
        }
    }
    e
}
