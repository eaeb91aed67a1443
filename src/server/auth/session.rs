//! Sessions: resolving a request's session cookie to its user (for server functions,
//! [`current_user`] and [`require`]; for form handlers, the [`StaffUser`] extractor),
//! and starting a session or a login's second step.

use super::cookies::{challenge_cookie, session_cookie, session_token};
use super::responses::plain_page;
use super::tokens::{hash_token, new_token};
use crate::error::AppError;
use crate::model::{FormError, Permission, User};
use crate::server::db::SESSION_LIFETIME_DAYS;
use crate::server::state::AppState;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{Duration, Utc};

/// How long the second step of a login stays open.
pub const CHALLENGE_MINUTES: i64 = 5;

/// The logged-in user for a request's headers, if its session is live.
pub async fn user_from_headers(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<Option<User>, AppError> {
    match session_token(&state.config, headers) {
        Some(token) => state.store.session_user(&hash_token(&token)).await,
        None => Ok(None),
    }
}

/// The logged-in user of the request being rendered or served, if any.
pub async fn current_user() -> Result<Option<User>, AppError> {
    let state = leptos::prelude::use_context::<AppState>().ok_or(AppError::Internal)?;
    let Some(parts) = leptos::prelude::use_context::<Parts>() else {
        return Ok(None);
    };
    user_from_headers(&state, &parts.headers).await
}

/// The logged-in user if their role has `permission` (the table is [`Role::can`]);
/// otherwise `Unauthorized` (no session) or `Forbidden`.
/// While the site requires two-factor sign-in and the user has not set it up, only
/// [`Permission::OwnAccount`] is open to them.
///
/// [`Role::can`]: crate::model::Role::can
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

/// The signed-in staff member of a form post. Any live session will do: each form acts
/// only on the user's own account.
pub struct StaffUser(pub User);

/// Why there is no [`StaffUser`]: no live session (go and log in), or the database
/// could not say (try again later — never the login page, which would look like being
/// logged out).
#[derive(Debug)]
pub enum NoStaffUser {
    Login,
    Unavailable,
}

impl IntoResponse for NoStaffUser {
    fn into_response(self) -> Response {
        match self {
            NoStaffUser::Login => Redirect::to("/admin/login").into_response(),
            NoStaffUser::Unavailable => {
                let message = FormError::Unavailable.message();
                let body = plain_page(
                    "Try again shortly",
                    &format!(
                        "<p role=\"alert\">{message}</p>\
                         <p><a href=\"/admin/account\">Back to your account</a></p>"
                    ),
                );
                (
                    StatusCode::SERVICE_UNAVAILABLE,
                    [(header::RETRY_AFTER, "30")],
                    body,
                )
                    .into_response()
            }
        }
    }
}

impl FromRequestParts<AppState> for StaffUser {
    type Rejection = NoStaffUser;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        match user_from_headers(state, &parts.headers).await {
            Ok(Some(user)) => Ok(StaffUser(user)),
            Ok(None) => Err(NoStaffUser::Login),
            Err(_) => Err(NoStaffUser::Unavailable),
        }
    }
}

/// A new session for `user` and a redirect to `to` that sets its cookie.
pub async fn start_session(state: &AppState, user: &User, to: &str) -> Result<Response, AppError> {
    let (token, hash) = new_token();
    let days = SESSION_LIFETIME_DAYS;
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

/// The password step passed for a user with two-factor on: remember that for a few
/// minutes under a cookie and ask for the code.
pub async fn challenge(state: &AppState, user: &User) -> Result<Response, AppError> {
    let (token, hash) = new_token();
    state
        .store
        .create_login_challenge(
            &hash,
            user.id,
            Utc::now() + Duration::minutes(CHALLENGE_MINUTES),
        )
        .await?;
    let mut res = Redirect::to("/admin/login/two-factor").into_response();
    let cookie = challenge_cookie(state, &token, CHALLENGE_MINUTES * 60);
    res.headers_mut().insert(
        header::SET_COOKIE,
        cookie.parse().map_err(|_| AppError::Internal)?,
    );
    Ok(res)
}
