//! Passwords (argon2id), session tokens, the login / logout / set-up form handlers, and
//! the role checks every admin server function starts with.

use super::audit;
use super::db::{DynStore, NewUser};
use super::state::AppState;
use crate::error::AppError;
use crate::model::{FormError, Permission, Role, User};
use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::Argon2;
use axum::extract::{ConnectInfo, Form, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Extension;
use base64::Engine;
use chrono::{Duration, Utc};
use rand::RngCore;
use serde::Deserialize;
use sha2::{Digest, Sha256};
use std::net::SocketAddr;

pub const SESSION_COOKIE: &str = "gazette_session";
/// Shortest password accepted for a staff account.
pub const MIN_PASSWORD_CHARS: usize = 12;
const MAX_PASSWORD_BYTES: usize = 1024;

/// Password hashes and checks allowed to run at once: argon2 is deliberately expensive,
/// and it runs on the blocking pool so the runtime that serves readers never waits on it.
static HASHING: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(2);

/// Runs `f` (argon2 work) on the blocking pool, at most [`HASHING`] at a time, so a flood
/// of junk logins or sign-ups queues there instead of stalling every reader.
async fn off_runtime<T: Send + 'static>(
    f: impl FnOnce() -> T + Send + 'static,
) -> Result<T, AppError> {
    let _permit = HASHING.acquire().await.map_err(|_| AppError::Internal)?;
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|_| AppError::Internal)
}

/// [`verify_password`] off the runtime.
async fn check_password(password: &str, hash: &str) -> bool {
    let (password, hash) = (password.to_string(), hash.to_string());
    off_runtime(move || verify_password(&password, &hash))
        .await
        .unwrap_or(false)
}

pub fn hash_password(password: &str) -> Result<String, AppError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|_| AppError::Internal)
}

fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

/// Passwords refused however long they are (lower-cased comparison).
const COMMON_PASSWORDS: &str = include_str!("common-passwords.txt");

/// Whether `password` is on the common-password list or is one character repeated.
pub fn is_common_password(password: &str) -> bool {
    let lower = password.to_lowercase();
    let mut chars = lower.chars();
    let first = chars.next();
    let repeated = first.is_some_and(|c| chars.all(|d| d == c));
    repeated || COMMON_PASSWORDS.lines().any(|p| p.trim() == lower)
}

/// Checks a new password against the account rules.
pub fn check_new_password(password: &str) -> Result<(), FormError> {
    if password.chars().count() < MIN_PASSWORD_CHARS || password.len() > MAX_PASSWORD_BYTES {
        return Err(FormError::ShortPassword);
    }
    if is_common_password(password) {
        return Err(FormError::CommonPassword);
    }
    Ok(())
}

/// [`new_user`] with the hashing off the runtime.
async fn new_user_off_runtime(
    email: &str,
    name: &str,
    role: Role,
    password: &str,
) -> Result<NewUser, FormError> {
    let (email, name, password) = (email.to_string(), name.to_string(), password.to_string());
    off_runtime(move || new_user(&email, &name, role, &password))
        .await
        .unwrap_or(Err(FormError::Unavailable))
}

/// Checks the fields of a new account and hashes its password.
pub fn new_user(email: &str, name: &str, role: Role, password: &str) -> Result<NewUser, FormError> {
    let email = email.trim();
    if !email.contains('@') || email.len() > 254 || email.contains(char::is_whitespace) {
        return Err(FormError::BadEmail);
    }
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(FormError::BadName);
    }
    check_new_password(password)?;
    Ok(NewUser {
        email: email.to_string(),
        name: name.to_string(),
        role,
        password_hash: hash_password(password).map_err(|_| FormError::Unavailable)?,
    })
}

/// The form error a store failure is shown as.
fn form_error(e: &AppError) -> FormError {
    match e {
        AppError::Unauthorized => FormError::BadToken,
        AppError::Conflict(_) => FormError::EmailTaken,
        _ => FormError::Unavailable,
    }
}

/// A fresh random token and the hash under which it is stored.
pub fn new_token() -> (String, String) {
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    let token = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
    let hash = hash_token(&token);
    (token, hash)
}

pub fn hash_token(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The value of cookie `name` on a request.
pub(crate) fn cookie_value(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(n, _)| *n == name)
        .map(|(_, value)| value.to_string())
}

fn session_token(headers: &HeaderMap) -> Option<String> {
    cookie_value(headers, SESSION_COOKIE)
}

/// The stored hash of the request's session token, if it carries one.
pub fn session_hash(headers: &HeaderMap) -> Option<String> {
    session_token(headers).map(|t| hash_token(&t))
}

/// The logged-in user for a request's headers, if its session is live.
pub async fn user_from_headers(
    store: &DynStore,
    headers: &HeaderMap,
) -> Result<Option<User>, AppError> {
    match session_token(headers) {
        Some(token) => store.session_user(&hash_token(&token)).await,
        None => Ok(None),
    }
}

/// The logged-in user of the request being rendered or served, if any.
pub async fn current_user() -> Result<Option<User>, AppError> {
    let state = leptos::prelude::use_context::<AppState>().ok_or(AppError::Internal)?;
    let Some(parts) = leptos::prelude::use_context::<axum::http::request::Parts>() else {
        return Ok(None);
    };
    user_from_headers(&state.store, &parts.headers).await
}

/// The logged-in user if their role has `permission` (the table is [`Role::can`]);
/// otherwise `Unauthorized` (no session) or `Forbidden`.
/// While the site requires two-factor sign-in and the user has not set it up, only
/// [`Permission::OwnAccount`] is open to them.
pub async fn require(permission: Permission) -> Result<User, AppError> {
    match current_user().await? {
        Some(user) if !user.role.can(permission) => Err(AppError::Forbidden),
        Some(user) if user.needs_two_factor && permission != Permission::OwnAccount => {
            Err(AppError::TwoFactorRequired)
        }
        Some(user) => Ok(user),
        None => Err(AppError::Unauthorized),
    }
}

/// A `Set-Cookie` value for one of the staff cookies (`HttpOnly`, `SameSite=Strict`,
/// `Secure` when the site is served over HTTPS).
pub(crate) fn staff_cookie(
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

fn session_cookie(state: &AppState, token: &str, max_age_secs: i64) -> String {
    staff_cookie(state, SESSION_COOKIE, "/", token, max_age_secs)
}

pub(crate) async fn start_session(
    state: &AppState,
    user: &User,
    to: &str,
) -> Result<Response, AppError> {
    let (token, hash) = new_token();
    let days = super::db::SESSION_LIFETIME_DAYS;
    state
        .store
        .create_session(user.id, &hash, Utc::now() + Duration::days(days))
        .await?;
    let mut res = Redirect::to(to).into_response();
    let cookie = session_cookie(state, &token, days * 24 * 3600);
    res.headers_mut().insert(
        header::SET_COOKIE,
        cookie.parse().map_err(|_| AppError::Internal)?,
    );
    Ok(res)
}

#[derive(Deserialize)]
pub struct LoginForm {
    email: String,
    password: String,
}

/// Failed logins allowed per account, and per client address, before delays begin.
const FREE_ACCOUNT_FAILURES: i64 = 5;
const FREE_ADDRESS_FAILURES: i64 = 20;
/// Failures older than this are forgotten.
const FAILURE_WINDOW_MINUTES: i64 = 15;

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
/// clears the account's count ([`password_accepted`]).
pub(crate) async fn attempt(
    store: &DynStore,
    keys: &[(String, i64)],
) -> Result<Option<i64>, AppError> {
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
pub(crate) async fn succeeded(state: &AppState, keys: &[(String, i64)]) -> Result<(), AppError> {
    let (account, address) = (&keys[0].0, &keys[1].0);
    state.store.clear_login_failures(account).await?;
    state.store.forget_latest_attempt(address).await
}

/// Attempts allowed per client address within the window on the sign-up and password
/// forms, before they answer 429.
const FREE_FORM_ATTEMPTS: i64 = 10;

/// The key a form's attempts from one address are counted under.
fn form_key(form: &str, ip: Option<&str>) -> String {
    format!("{form}:{}", ip.unwrap_or("unknown"))
}

/// Counts a sign-up or password-change attempt under `key` ([`form_key`]);
/// `Some(seconds)` when the address is over the limit. A success is forgotten again
/// ([`AccountStore::forget_latest_attempt`](super::db::AccountStore)), so only failures
/// add up.
pub(crate) async fn form_attempt(state: &AppState, key: &str) -> Result<Option<i64>, AppError> {
    attempt(&state.store, &[(key.to_string(), FREE_FORM_ATTEMPTS)]).await
}

/// A small standalone staff page (for responses that are not app routes). `body` is
/// trusted HTML built by the caller.
pub(crate) fn plain_page(title: &str, body: &str) -> axum::response::Html<String> {
    axum::response::Html(format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title} · Gazette</title><link rel=\"stylesheet\" href=\"/pkg/gazette.css\"></head>\
         <body><main id=\"main\"><section class=\"auth-form\"><h1>{title}</h1>{body}</section></main></body></html>"
    ))
}

pub(crate) fn too_many_attempts(seconds: i64) -> Response {
    let minutes = (seconds + 59) / 60;
    let body = plain_page(
        "Too many attempts",
        &format!(
            "<p role=\"alert\">Too many failed logins. Try again in {minutes} minute(s).</p>\
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

/// The keys failed logins are counted under: the account and the client address.
pub(crate) fn failure_keys(email: &str, ip: Option<&str>) -> [(String, i64); 2] {
    let email: String = email.trim().to_lowercase().chars().take(254).collect();
    [
        (format!("account:{email}"), FREE_ACCOUNT_FAILURES),
        (
            format!("address:{}", ip.unwrap_or("unknown")),
            FREE_ADDRESS_FAILURES,
        ),
    ]
}

/// Whether `password` is the user's password (asked again before sensitive changes).
pub(crate) async fn verify_login_password(
    state: &AppState,
    user: &User,
    password: &str,
) -> Result<bool, AppError> {
    let login = state
        .store
        .find_login(&user.email)
        .await?
        .ok_or(AppError::Unauthorized)?;
    Ok(check_password(password, &login.password_hash).await)
}

/// `POST /admin/login`: a generic error for any failure, so accounts can't be enumerated.
/// Failures are counted in the database per account and per client address, so the
/// limits hold across every instance; `X-Forwarded-For` counts only from a trusted proxy.
/// A user with two-factor sign-in on is then asked for a code.
pub async fn login(
    State(state): State<AppState>,
    client: Option<Extension<ConnectInfo<SocketAddr>>>,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> Response {
    let ip = audit::client_address(&state.config, client.map(|c| c.0 .0.ip()), &headers);
    let keys = failure_keys(&form.email, ip.as_deref());
    match attempt(&state.store, &keys).await {
        Ok(Some(seconds)) => return too_many_attempts(seconds),
        Ok(None) => {}
        Err(e) => return error_redirect("/admin/login", form_error(&e)),
    }
    let found = match state.store.find_login(&form.email).await {
        Ok(found) => found,
        Err(e) => return error_redirect("/admin/login", form_error(&e)),
    };
    let ok = match &found {
        Some(u) => check_password(&form.password, &u.password_hash).await,
        None => {
            // Spend the same time as a real check so a missing account isn't revealed.
            let password = form.password.clone();
            let _ = off_runtime(move || hash_password(&password)).await;
            false
        }
    };
    let outcome = match found {
        Some(u) if ok => password_accepted(&state, &u.user, &headers, &keys, ip).await,
        _ => {
            let email = keys[0].0.trim_start_matches("account:");
            audit::record(&state.store, Some(email), "login failed", "", ip).await;
            Ok(error_redirect("/admin/login", FormError::InvalidLogin))
        }
    };
    outcome.unwrap_or_else(|e| error_redirect("/admin/login", form_error(&e)))
}

/// After the right password: the code step for users with two-factor on, otherwise a
/// session (straight to the account page when the site requires two-factor sign-in and
/// the user still has to set it up).
async fn password_accepted(
    state: &AppState,
    user: &User,
    headers: &HeaderMap,
    keys: &[(String, i64); 2],
    ip: Option<String>,
) -> Result<Response, AppError> {
    if state.store.two_factor(user.id).await?.secret.is_some() {
        return super::two_factor::challenge(state, user).await;
    }
    audit::record(&state.store, Some(&user.email), "login", "", ip).await;
    succeeded(state, keys).await?;
    // A fresh token at every login: a session id planted before login is dropped.
    if let Some(old) = session_hash(headers) {
        state.store.delete_session(&old).await?;
    }
    let to = if super::two_factor::required(state).await? {
        "/admin/account?enrol=required#two-factor"
    } else {
        "/admin"
    };
    start_session(state, user, to).await
}

/// `POST /admin/logout`: ends the session, clears the cookie and the browser's stored
/// unsaved drafts.
pub async fn logout(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if let Ok(Some(user)) = user_from_headers(&state.store, &headers).await {
        audit::record(&state.store, Some(&user.email), "logout", "", None).await;
    }
    if let Some(token) = session_token(&headers) {
        if let Err(e) = state.store.delete_session(&hash_token(&token)).await {
            return error_redirect("/admin", form_error(&e));
        }
    }
    let mut res = Redirect::to("/admin/login?logged_out=1").into_response();
    if let Ok(v) = session_cookie(&state, "", 0).parse() {
        res.headers_mut().insert(header::SET_COOKIE, v);
    }
    // Unsaved editor text kept in local storage must not outlive the login on a shared
    // computer (the editor already warned about unsaved changes before leaving).
    res.headers_mut().insert(
        "clear-site-data",
        header::HeaderValue::from_static("\"storage\""),
    );
    res
}

#[derive(Deserialize)]
pub struct SetupForm {
    token: String,
    name: String,
    email: String,
    password: String,
}

/// The client address of a form post, as [`audit::client_address`] reads it.
fn form_ip(
    state: &AppState,
    client: Option<Extension<ConnectInfo<SocketAddr>>>,
    headers: &HeaderMap,
) -> Option<String> {
    audit::client_address(&state.config, client.map(|c| c.0 .0.ip()), headers)
}

/// `POST /admin/setup`: the one-time link creates the first owner and logs them in.
pub async fn setup(
    State(state): State<AppState>,
    client: Option<Extension<ConnectInfo<SocketAddr>>>,
    headers: HeaderMap,
    Form(form): Form<SetupForm>,
) -> Response {
    let back = format!("/admin/setup?token={}", urlencode(&form.token));
    let key = form_key("setup", form_ip(&state, client, &headers).as_deref());
    match form_attempt(&state, &key).await {
        Ok(Some(seconds)) => return too_many_attempts(seconds),
        Ok(None) => {}
        Err(e) => return error_redirect(&back, form_error(&e)),
    }
    let new = match new_user_off_runtime(&form.email, &form.name, Role::Owner, &form.password).await
    {
        Ok(n) => n,
        Err(e) => return error_redirect(&back, e),
    };
    let created = state
        .store
        .create_owner_with_token(&hash_token(&form.token), &new)
        .await;
    signed_up(&state, created, "owner account created", &back, &key).await
}

/// Finishes a sign-up (set-up link or invitation): records it and logs the new user in,
/// or sends the browser back to the form with the reason.
async fn signed_up(
    state: &AppState,
    created: Result<User, AppError>,
    action: &str,
    back: &str,
    attempt_key: &str,
) -> Response {
    match created {
        Ok(user) => {
            audit::record(&state.store, Some(&user.email), action, "", None).await;
            if let Err(e) = state.store.forget_latest_attempt(attempt_key).await {
                tracing::warn!(error = %e, "could not forget a successful sign-up attempt");
            }
            start_session(state, &user, "/admin")
                .await
                .unwrap_or_else(|e| error_redirect("/admin/login", form_error(&e)))
        }
        Err(e) => error_redirect(back, form_error(&e)),
    }
}

#[derive(Deserialize)]
pub struct InviteForm {
    token: String,
    password: String,
}

/// `POST /admin/invite`: an invitation link becomes an account (with the invited role)
/// and a session; the link stops working.
pub async fn accept_invite(
    State(state): State<AppState>,
    client: Option<Extension<ConnectInfo<SocketAddr>>>,
    headers: HeaderMap,
    Form(form): Form<InviteForm>,
) -> Response {
    let back = format!("/admin/invite?token={}", urlencode(&form.token));
    let key = form_key("invite", form_ip(&state, client, &headers).as_deref());
    match form_attempt(&state, &key).await {
        Ok(Some(seconds)) => return too_many_attempts(seconds),
        Ok(None) => {}
        Err(e) => return error_redirect(&back, form_error(&e)),
    }
    if let Err(e) = check_new_password(&form.password) {
        return error_redirect(&back, e);
    }
    let password = form.password.clone();
    let Ok(Ok(hash)) = off_runtime(move || hash_password(&password)).await else {
        return error_redirect(&back, FormError::Unavailable);
    };
    let created = state
        .store
        .accept_invite(&hash_token(&form.token), &hash)
        .await;
    signed_up(&state, created, "invitation accepted", &back, &key).await
}

#[derive(Deserialize)]
pub struct PasswordForm {
    current: String,
    new: String,
}

/// `POST /admin/account/password`: needs the current password; ends every other session.
pub async fn change_password(
    State(state): State<AppState>,
    client: Option<Extension<ConnectInfo<SocketAddr>>>,
    headers: HeaderMap,
    Form(form): Form<PasswordForm>,
) -> Response {
    let Ok(Some(user)) = user_from_headers(&state.store, &headers).await else {
        return Redirect::to("/admin/login").into_response();
    };
    let back = "/admin/account";
    let key = form_key("password", form_ip(&state, client, &headers).as_deref());
    match form_attempt(&state, &key).await {
        Ok(Some(seconds)) => return too_many_attempts(seconds),
        Ok(None) => {}
        Err(e) => return error_redirect(back, form_error(&e)),
    }
    match verify_login_password(&state, &user, &form.current).await {
        Ok(true) => {}
        Ok(false) => return error_redirect(back, FormError::WrongPassword),
        Err(_) => return error_redirect(back, FormError::Unavailable),
    }
    if let Err(e) = check_new_password(&form.new) {
        return error_redirect(back, e);
    }
    let result = async {
        let new = form.new.clone();
        let hash = off_runtime(move || hash_password(&new)).await??;
        state.store.set_password(user.id, &hash).await?;
        state
            .store
            .delete_sessions_of(user.id, session_hash(&headers).as_deref())
            .await?;
        state.store.forget_latest_attempt(&key).await
    }
    .await;
    match result {
        Ok(()) => {
            audit::record(
                &state.store,
                Some(&user.email),
                "password changed",
                "",
                None,
            )
            .await;
            Redirect::to("/admin/account?done=password").into_response()
        }
        Err(e) => error_redirect(back, form_error(&e)),
    }
}

#[derive(Deserialize)]
pub struct RevokeForm {
    session: String,
}

/// `POST /admin/account/revoke`: ends one of the user's own sessions.
pub async fn revoke_session(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<RevokeForm>,
) -> Response {
    let Ok(Some(user)) = user_from_headers(&state.store, &headers).await else {
        return Redirect::to("/admin/login").into_response();
    };
    match state.store.delete_session_of(user.id, &form.session).await {
        Ok(()) => {
            audit::record(&state.store, Some(&user.email), "session ended", "", None).await;
            Redirect::to("/admin/account?done=revoked").into_response()
        }
        Err(e) => error_redirect("/admin/account", form_error(&e)),
    }
}

/// `POST /admin/account/logout-others`: ends every session of the user but this one.
pub async fn logout_others(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let Ok(Some(user)) = user_from_headers(&state.store, &headers).await else {
        return Redirect::to("/admin/login").into_response();
    };
    let keep = session_hash(&headers);
    match state
        .store
        .delete_sessions_of(user.id, keep.as_deref())
        .await
    {
        Ok(()) => {
            audit::record(
                &state.store,
                Some(&user.email),
                "other sessions ended",
                "",
                None,
            )
            .await;
            Redirect::to("/admin/account?done=others").into_response()
        }
        Err(e) => error_redirect("/admin/account", form_error(&e)),
    }
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Sends the browser back to `to` with the error's code in `?error=`.
pub(crate) fn error_redirect(to: &str, e: FormError) -> Response {
    let sep = if to.contains('?') { '&' } else { '?' };
    (
        StatusCode::SEE_OTHER,
        [(header::LOCATION, format!("{to}{sep}error={}", e.code()))],
    )
        .into_response()
}
