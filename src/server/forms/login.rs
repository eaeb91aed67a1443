//! `POST /admin/login`, `/admin/logout`, `/admin/setup` and `/admin/invite`: the
//! password step of a login, logging out, and the one-time links that create accounts.

use super::{form_ip, urlencode, Peer};
use crate::error::AppError;
use crate::model::{FormError, Role, SettingKey, User};
use crate::server::audit;
use crate::server::auth::cookies::{session_cookie, session_hash, session_token};
use crate::server::auth::password::{
    check_new_password, check_password, hash_password, hash_password_off_runtime,
    new_user_off_runtime, off_runtime,
};
use crate::server::auth::responses::{error_redirect, form_error};
use crate::server::auth::session::{challenge, start_session, user_from_headers};
use crate::server::auth::throttle::{
    attempt, failure_keys, form_attempt, form_key, succeeded, too_many_attempts,
};
use crate::server::auth::tokens::hash_token;
use crate::server::auth::totp;
use crate::server::settings;
use crate::server::state::AppState;
use axum::extract::{Form, State};
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

#[derive(Deserialize)]
pub struct LoginForm {
    email: String,
    password: String,
}

/// `POST /admin/login`: a generic error for any failure, so accounts can't be enumerated.
/// Failures are counted in the database per account and per client address, so the
/// limits hold across every instance; `X-Forwarded-For` counts only from a trusted proxy.
/// A user with two-factor sign-in on is then asked for a code.
pub async fn login(
    State(state): State<AppState>,
    client: Peer,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> Response {
    let ip = form_ip(&state, client, &headers);
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
        return challenge(state, user).await;
    }
    audit::record(&state.store, Some(&user.email), "login", "", ip).await;
    succeeded(state, keys).await?;
    // A fresh token at every login: a session id planted before login is dropped.
    if let Some(old) = session_hash(&state.config, headers) {
        state.store.delete_session(&old).await?;
    }
    let to = if totp::required(state).await? {
        "/admin/account?enrol=required#two-factor"
    } else {
        "/admin"
    };
    start_session(state, user, to).await
}

/// `POST /admin/logout`: ends the session, clears the cookie and the browser's stored
/// unsaved drafts.
pub async fn logout(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if let Ok(Some(user)) = user_from_headers(&state, &headers).await {
        audit::record(&state.store, Some(&user.email), "logout", "", None).await;
    }
    if let Some(token) = session_token(&state.config, &headers) {
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
    site_name: String,
    site_language: String,
    name: String,
    email: String,
    password: String,
}

/// `POST /admin/setup`: the one-time link names the publication (name and language) and
/// creates the first owner, in one transaction, and logs them in.
pub async fn setup(
    State(state): State<AppState>,
    client: Peer,
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
    let site = match (
        settings::check(SettingKey::Name, &form.site_name),
        settings::check(SettingKey::Language, &form.site_language),
    ) {
        (Ok(name), Ok(language)) => vec![
            ("name".to_string(), name),
            ("language".to_string(), language),
        ],
        (Err(_), _) => return error_redirect(&back, FormError::BadSiteName),
        (_, Err(_)) => return error_redirect(&back, FormError::BadLanguage),
    };
    let new = match new_user_off_runtime(&form.email, &form.name, Role::Owner, &form.password).await
    {
        Ok(n) => n,
        Err(e) => return error_redirect(&back, e),
    };
    let created = state
        .store
        .create_owner_with_token(&hash_token(&form.token), &new, &site)
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
    client: Peer,
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
    let Ok(hash) = hash_password_off_runtime(&form.password).await else {
        return error_redirect(&back, FormError::Unavailable);
    };
    let created = state
        .store
        .accept_invite(&hash_token(&form.token), &hash)
        .await;
    signed_up(&state, created, "invitation accepted", &back, &key).await
}
