//! The staff cookies: reading them from a request and writing `Set-Cookie` values
//! (`HttpOnly`, `SameSite=Strict`, `Secure` over HTTPS). Over HTTPS the session cookie
//! is `__Host-` prefixed, which browsers accept only with `Secure`, `Path=/` and no
//! `Domain`, so a sibling subdomain can't set or overwrite it; over plain HTTP browsers
//! refuse that prefix, so it keeps its plain name there.

use super::tokens::hash_token;
use crate::server::config::Config;
use crate::server::state::AppState;
use axum::http::{header, HeaderMap};

/// The session cookie's name over plain HTTP.
pub const SESSION_COOKIE: &str = "gazette_session";
/// The session cookie's name over HTTPS.
pub const HOST_SESSION_COOKIE: &str = "__Host-gazette_session";
/// The cookie naming a login that passed its password step and awaits a code.
pub const CHALLENGE_COOKIE: &str = "gazette_login";

/// The session cookie's name on this site.
pub fn session_cookie_name(config: &Config) -> &'static str {
    if config.secure_cookies() {
        HOST_SESSION_COOKIE
    } else {
        SESSION_COOKIE
    }
}

/// Every `name=value` pair of a request's `Cookie` headers.
fn cookie_pairs(headers: &HeaderMap) -> impl Iterator<Item = (&str, &str)> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
}

/// The value of cookie `name` on a request. A name sent more than once counts as not
/// sent: one of them may have been planted (by a sibling subdomain, say), and nothing
/// says which, so trusting the first would let the planter choose.
pub fn cookie_value(headers: &HeaderMap, name: &str) -> Option<String> {
    let mut values = cookie_pairs(headers).filter(|(n, _)| *n == name);
    let value = values.next()?.1.to_string();
    values.next().is_none().then_some(value)
}

/// The request's session token, if it carries exactly one under this site's name.
pub fn session_token(config: &Config, headers: &HeaderMap) -> Option<String> {
    cookie_value(headers, session_cookie_name(config))
}

/// The stored hash of the request's session token, if it carries one.
pub fn session_hash(config: &Config, headers: &HeaderMap) -> Option<String> {
    session_token(config, headers).map(|t| hash_token(&t))
}

/// Whether the request carries a session cookie under either name, live or not (the
/// page cache leaves such requests to the app).
pub fn carries_session_cookie(headers: &HeaderMap) -> bool {
    cookie_pairs(headers).any(|(n, _)| n == SESSION_COOKIE || n == HOST_SESSION_COOKIE)
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
    let name = session_cookie_name(&state.config);
    staff_cookie(state, name, "/", token, max_age_secs)
}

/// The cookie carrying a login's pending second step (empty with age 0 to clear it).
pub fn challenge_cookie(state: &AppState, token: &str, max_age_secs: i64) -> String {
    staff_cookie(state, CHALLENGE_COOKIE, "/admin/login", token, max_age_secs)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_cookie(value: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.append(header::COOKIE, value.parse().unwrap());
        h
    }

    #[test]
    fn a_cookie_sent_twice_is_not_sent() {
        let h = with_cookie("a=1; gazette_session=x; b=2");
        assert_eq!(cookie_value(&h, "gazette_session").as_deref(), Some("x"));
        let mut h = with_cookie("gazette_session=x");
        h.append(header::COOKIE, "gazette_session=y".parse().unwrap());
        assert_eq!(cookie_value(&h, "gazette_session"), None);
        assert_eq!(
            cookie_value(
                &with_cookie("gazette_session=x; gazette_session=x"),
                "gazette_session"
            ),
            None
        );
    }

    #[test]
    fn the_page_cache_sees_either_session_cookie_name_and_no_lookalikes() {
        assert!(carries_session_cookie(&with_cookie("gazette_session=x")));
        assert!(carries_session_cookie(&with_cookie(
            "a=b; __Host-gazette_session=x"
        )));
        assert!(!carries_session_cookie(&with_cookie(
            "gazette_sessionx=1; theme=dark"
        )));
        assert!(!carries_session_cookie(&HeaderMap::new()));
    }
}
