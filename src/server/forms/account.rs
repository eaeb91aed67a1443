//! `POST /admin/account/…`: changing the password and ending sessions, for the
//! signed-in user's own account.

use super::{form_ip, Peer};
use crate::model::FormError;
use crate::server::audit;
use crate::server::auth::cookies::session_hash;
use crate::server::auth::password::{
    check_new_password, hash_password_off_runtime, verify_login_password,
};
use crate::server::auth::responses::{error_redirect, form_error};
use crate::server::auth::throttle::{
    form_attempt, form_key, reauth_attempt, reauth_succeeded, too_many_attempts,
};
use crate::server::auth::StaffUser;
use crate::server::state::AppState;
use axum::extract::{Form, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

#[derive(Deserialize)]
pub struct PasswordForm {
    current: String,
    new: String,
}

/// `POST /admin/account/password`: needs the current password (wrong ones are counted
/// per account like failed logins, and per address); ends every other session.
pub async fn change_password(
    State(state): State<AppState>,
    StaffUser(user): StaffUser,
    client: Peer,
    headers: HeaderMap,
    Form(form): Form<PasswordForm>,
) -> Response {
    let back = "/admin/account";
    let key = form_key("password", form_ip(&state, client, &headers).as_deref());
    match form_attempt(&state, &key).await {
        Ok(Some(seconds)) => return too_many_attempts(seconds),
        Ok(None) => {}
        Err(e) => return error_redirect(back, form_error(&e)),
    }
    match reauth_attempt(&state.store, user.id).await {
        Ok(None) => {}
        Ok(Some(seconds)) => return too_many_attempts(seconds),
        Err(e) => return error_redirect(back, form_error(&e)),
    }
    match verify_login_password(&state, &user, &form.current).await {
        Ok(true) => {}
        Ok(false) => return error_redirect(back, FormError::WrongPassword),
        Err(_) => return error_redirect(back, FormError::Unavailable),
    }
    if let Err(e) = reauth_succeeded(&state.store, user.id).await {
        return error_redirect(back, form_error(&e));
    }
    if let Err(e) = check_new_password(&form.new) {
        return error_redirect(back, e);
    }
    let result = async {
        let hash = hash_password_off_runtime(&form.new).await?;
        state.store.set_password(user.id, &hash).await?;
        state
            .store
            .delete_sessions_of(user.id, session_hash(&state.config, &headers).as_deref())
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
    StaffUser(user): StaffUser,
    Form(form): Form<RevokeForm>,
) -> Response {
    match state.store.delete_session_of(user.id, &form.session).await {
        Ok(()) => {
            audit::record(&state.store, Some(&user.email), "session ended", "", None).await;
            Redirect::to("/admin/account?done=revoked").into_response()
        }
        Err(e) => error_redirect("/admin/account", form_error(&e)),
    }
}

/// `POST /admin/account/logout-others`: ends every session of the user but this one.
pub async fn logout_others(
    State(state): State<AppState>,
    StaffUser(user): StaffUser,
    headers: HeaderMap,
) -> Response {
    let keep = session_hash(&state.config, &headers);
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
