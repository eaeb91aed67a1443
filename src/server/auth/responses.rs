//! The small responses authentication answers with outside the app's routes: a
//! standalone staff page, and a redirect back to a form with an error code.

use crate::error::AppError;
use crate::model::FormError;
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Response};

/// A small standalone staff page (for responses that are not app routes). `body` is
/// trusted HTML built by the caller.
pub fn plain_page(title: &str, body: &str) -> Html<String> {
    Html(format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title}</title><link rel=\"stylesheet\" href=\"/pkg/gazette.css\"></head>\
         <body><main id=\"main\"><section class=\"auth-form\"><h1>{title}</h1>{body}</section></main></body></html>"
    ))
}

/// Sends the browser back to `to` with the error's code in `?error=`.
pub fn error_redirect(to: &str, e: FormError) -> Response {
    let sep = if to.contains('?') { '&' } else { '?' };
    (
        StatusCode::SEE_OTHER,
        [(header::LOCATION, format!("{to}{sep}error={}", e.code()))],
    )
        .into_response()
}

/// The form error a store failure is shown as.
pub fn form_error(e: &AppError) -> FormError {
    match e {
        AppError::Unauthorized => FormError::BadToken,
        AppError::Conflict(_) => FormError::EmailTaken,
        _ => FormError::Unavailable,
    }
}
