//! Failed-attempt throttling, counted in the database so the limits hold across every
//! instance: per account and per client address for logins, per account for the
//! password asked again on the account page, per address for the sign-up and password
//! forms, and the 429 page with `Retry-After`.

use super::responses::plain_page;
use crate::error::AppError;
use crate::server::db::DynStore;
use crate::server::state::AppState;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::{Duration, Utc};

/// Failed logins allowed per account, and per client address, before delays begin.
const FREE_ACCOUNT_FAILURES: i64 = 5;
const FREE_ADDRESS_FAILURES: i64 = 20;
/// Failures older than this are forgotten.
const FAILURE_WINDOW_MINUTES: i64 = 15;
/// Attempts allowed per client address within the window on the sign-up and password
/// forms, before they answer 429.
const FREE_FORM_ATTEMPTS: i64 = 10;

/// How long to wait after `failures` failures: nothing while under `free`, then 30 s
/// doubling with each further failure, at most 15 minutes.
pub fn lockout_delay(failures: i64, free: i64) -> Duration {
    if failures < free {
        return Duration::zero();
    }
    let steps = (failures - free).min(5) as u32;
    Duration::seconds((30 * 2i64.pow(steps)).min(15 * 60))
}

/// Counts one attempt under each of `keys` *before* anything is checked, then says how
/// long the caller must wait if the attempt is over a key's limit. Recording first is
/// what makes the limit hold against parallel guesses: each sees every attempt made
/// before it, so at most the allowed number get as far as a password check. A success
/// clears the account's count ([`succeeded`]).
pub async fn attempt(store: &DynStore, keys: &[(String, i64)]) -> Result<Option<i64>, AppError> {
    let names: Vec<String> = keys.iter().map(|(k, _)| k.clone()).collect();
    store.record_login_failure(&names).await?;
    let now = Utc::now();
    let mut wait = 0;
    for (key, free) in keys {
        let (count, _) = store
            .login_failures(key, now - Duration::minutes(FAILURE_WINDOW_MINUTES))
            .await?;
        // `count` includes this attempt; the delay follows from the ones before it.
        if count > *free {
            wait = wait.max(lockout_delay(count - 1, *free).num_seconds());
        }
    }
    Ok((wait > 0).then_some(wait))
}

/// After a successful login: the account starts afresh, and the address keeps its
/// count of failures but not this attempt (an office's staff share one address).
pub async fn succeeded(state: &AppState, keys: &[(String, i64)]) -> Result<(), AppError> {
    let (account, address) = (&keys[0].0, &keys[1].0);
    state.store.clear_login_failures(account).await?;
    state.store.forget_latest_attempt(address).await
}

/// The keys failed logins are counted under: the account and the client address.
pub fn failure_keys(email: &str, ip: Option<&str>) -> [(String, i64); 2] {
    let email: String = email.trim().to_lowercase().chars().take(254).collect();
    [
        (format!("account:{email}"), FREE_ACCOUNT_FAILURES),
        (
            format!("address:{}", ip.unwrap_or("unknown")),
            FREE_ADDRESS_FAILURES,
        ),
    ]
}

/// The key a signed-in user's re-authentication failures (the password, and a code,
/// asked again before changes to their account) are counted under: apart from the
/// login's, so a stolen session guessing can't lock the owner out of logging in.
fn reauth_key(user_id: i64) -> [(String, i64); 1] {
    [(format!("reauth:{user_id}"), FREE_ACCOUNT_FAILURES)]
}

/// Counts a re-authentication attempt by `user_id` before it is checked, like a login;
/// `Some(seconds)` when the account is over the limit.
pub async fn reauth_attempt(store: &DynStore, user_id: i64) -> Result<Option<i64>, AppError> {
    attempt(store, &reauth_key(user_id)).await
}

/// After a successful re-authentication the account's count starts afresh.
pub async fn reauth_succeeded(store: &DynStore, user_id: i64) -> Result<(), AppError> {
    let [(key, _)] = reauth_key(user_id);
    store.clear_login_failures(&key).await
}

/// The key a form's attempts from one address are counted under.
pub fn form_key(form: &str, ip: Option<&str>) -> String {
    format!("{form}:{}", ip.unwrap_or("unknown"))
}

/// Counts a sign-up or password-change attempt under `key` ([`form_key`]);
/// `Some(seconds)` when the address is over the limit. A success is forgotten again
/// ([`AccountStore::forget_latest_attempt`](crate::server::db::AccountStore)), so only
/// failures add up.
pub async fn form_attempt(state: &AppState, key: &str) -> Result<Option<i64>, AppError> {
    attempt(&state.store, &[(key.to_string(), FREE_FORM_ATTEMPTS)]).await
}

/// The 429 answer to an attempt over its limit, with `Retry-After`.
pub fn too_many_attempts(seconds: i64) -> Response {
    let minutes = (seconds + 59) / 60;
    let body = plain_page(
        "Too many attempts",
        &format!(
            "<p role=\"alert\">Too many failed attempts. Try again in {minutes} minute(s).</p>\
             <p><a href=\"/admin/login\">Back to the login page</a></p>"
        ),
    );
    (
        StatusCode::TOO_MANY_REQUESTS,
        [(header::RETRY_AFTER, seconds.to_string())],
        body,
    )
        .into_response()
}
