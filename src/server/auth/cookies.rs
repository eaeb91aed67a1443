//! The staff cookies: reading them from a request and writing `Set-Cookie` values
//! (`HttpOnly`, `SameSite=Strict`, `Secure` over HTTPS).

use super::tokens::hash_token;
use crate::server::state::AppState;
use axum::http::{header, HeaderMap};

pub const SESSION_COOKIE: &str = "gazette_session";
/// The cookie naming a login that passed its password step and awaits a code.
pub const CHALLENGE_COOKIE: &str = "gazette_login";

/// The value of cookie `name` on a request.
pub fn cookie_value(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(n, _)| *n == name)
        .map(|(_, value)| value.to_string())
}

/// The request's session token, if it carries one.
pub fn session_token(headers: &HeaderMap) -> Option<String> {
    cookie_value(headers, SESSION_COOKIE)
}

/// The stored hash of the request's session token, if it carries one.
pub fn session_hash(headers: &HeaderMap) -> Option<String> {
    session_token(headers).map(|t| hash_token(&t))
}

/// Whether the request carries a staff session cookie at all (live or not).
pub fn carries_session_cookie(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .any(|c| c.trim_start().starts_with(SESSION_COOKIE))
}

/// A `Set-Cookie` value for one of the staff cookies (`HttpOnly`, `SameSite=Strict`,
/// `Secure` when the site is served over HTTPS).
pub fn staff_cookie(
    state: &AppState,
    name: &str,
    path: &str,
    value: &str,
    max_age_secs: i64,
) -> String {
    let secure = if state.config.secure_cookies() {
        "; Secure"
    } else {
        ""
    };
    format!(
        "{name}={value}; Path={path}; HttpOnly; SameSite=Strict; Max-Age={max_age_secs}{secure}"
    )
}

/// The session cookie carrying `token` (empty with age 0 to clear it).
pub fn session_cookie(state: &AppState, token: &str, max_age_secs: i64) -> String {
    staff_cookie(state, SESSION_COOKIE, "/", token, max_age_secs)
}

/// The cookie carrying a login's pending second step (empty with age 0 to clear it).
pub fn challenge_cookie(state: &AppState, token: &str, max_age_secs: i64) -> String {
    staff_cookie(state, CHALLENGE_COOKIE, "/admin/login", token, max_age_secs)
}
