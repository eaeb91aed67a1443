//! Two-factor sign-in forms: the second step of a login, and on the account page
//! enrolment, recovery-code replacement and turning it off. Plain form posts, so they
//! work without JavaScript.

use super::{form_ip, Peer};
use crate::error::AppError;
use crate::model::{FormError, User};
use crate::server::audit;
use crate::server::auth::cookies::{challenge_cookie, cookie_value, CHALLENGE_COOKIE};
use crate::server::auth::password::verify_login_password;
use crate::server::auth::responses::{error_redirect, plain_page};
use crate::server::auth::session::start_session;
use crate::server::auth::throttle::{attempt, failure_keys, succeeded, too_many_attempts};
use crate::server::auth::tokens::hash_token;
use crate::server::auth::totp::{check_code, code_step, new_recovery_codes, new_secret, required};
use crate::server::auth::StaffUser;
use crate::server::state::AppState;
use axum::extract::{Form, State};
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

/// How many codes the second step of a login accepts.
const CHALLENGE_ATTEMPTS: i64 = 5;

#[derive(Deserialize)]
pub struct CodeForm {
    code: String,
}

/// `POST /admin/login/two-factor`: the second step of a login. A wrong code counts as a
/// failed login (same per-account and per-address limits); five wrong codes end the
/// attempt and the password must be entered again.
pub async fn login_code(
    State(state): State<AppState>,
    client: Peer,
    headers: HeaderMap,
    Form(form): Form<CodeForm>,
) -> Response {
    let ip = form_ip(&state, client, &headers);
    let Some(token) = cookie_value(&headers, CHALLENGE_COOKIE) else {
        return error_redirect("/admin/login", FormError::LoginExpired);
    };
    let result = async {
        let Some(user_id) = state
            .store
            .attempt_login_challenge(&hash_token(&token), CHALLENGE_ATTEMPTS)
            .await?
        else {
            return Ok(error_redirect("/admin/login", FormError::LoginExpired));
        };
        let member = state
            .store
            .user_by_id(user_id)
            .await?
            .filter(|m| m.active)
            .ok_or(AppError::Unauthorized)?;
        let keys = failure_keys(&member.user.email, ip.as_deref());
        if let Some(seconds) = attempt(&state.store, &keys).await? {
            return Ok(too_many_attempts(seconds));
        }
        let secret = state.store.two_factor(user_id).await?.secret;
        let proof = match &secret {
            Some(secret) => check_code(&state, user_id, secret, &form.code).await?,
            None => None,
        };
        let Some(proof) = proof else {
            audit::record(
                &state.store,
                Some(&member.user.email),
                "two-factor code refused",
                "",
                ip.clone(),
            )
            .await;
            return Ok(error_redirect(
                "/admin/login/two-factor",
                FormError::InvalidCode,
            ));
        };
        state
            .store
            .delete_login_challenge(&hash_token(&token))
            .await?;
        succeeded(&state, &keys).await?;
        let action = format!("login (password and {proof})");
        audit::record(&state.store, Some(&member.user.email), &action, "", ip).await;
        let mut res = start_session(&state, &member.user, "/admin").await?;
        if let Ok(v) = challenge_cookie(&state, "", 0).parse() {
            res.headers_mut().append(header::SET_COOKIE, v);
        }
        Ok::<_, AppError>(res)
    }
    .await;
    result.unwrap_or_else(|e| {
        let code = match e {
            AppError::Unauthorized => FormError::LoginExpired,
            _ => FormError::Unavailable,
        };
        error_redirect("/admin/login", code)
    })
}

#[derive(Deserialize)]
pub struct PasswordOnlyForm {
    password: String,
}

/// `user` once they have typed their password again (asked before changes to their
/// second factor); otherwise where to send the browser.
async fn reauthenticated(state: &AppState, user: User, password: &str) -> Result<User, Response> {
    match verify_login_password(state, &user, password).await {
        Ok(true) => Ok(user),
        Ok(false) => Err(error_redirect("/admin/account", FormError::WrongPassword)),
        Err(_) => Err(error_redirect("/admin/account", FormError::Unavailable)),
    }
}

/// `POST /admin/account/two-factor/start`: a new secret to scan, pending until a code
/// from it is entered. The password is asked again, so a stolen session can't tie the
/// account to someone else's phone; an account that has two-factor on must turn it off
/// first.
pub async fn start(
    State(state): State<AppState>,
    StaffUser(user): StaffUser,
    Form(form): Form<PasswordOnlyForm>,
) -> Response {
    let back = "/admin/account";
    let user = match reauthenticated(&state, user, &form.password).await {
        Ok(user) => user,
        Err(response) => return response,
    };
    match state.store.two_factor(user.id).await {
        Ok(tf) if tf.secret.is_none() => {}
        Ok(_) => return Redirect::to(back).into_response(),
        Err(_) => return error_redirect(back, FormError::Unavailable),
    }
    match state
        .store
        .set_totp_pending(user.id, Some(&new_secret()))
        .await
    {
        Ok(()) => Redirect::to("/admin/account#two-factor").into_response(),
        Err(_) => error_redirect("/admin/account", FormError::Unavailable),
    }
}

/// `POST /admin/account/two-factor/cancel`: drops a pending enrolment.
pub async fn cancel(State(state): State<AppState>, StaffUser(user): StaffUser) -> Response {
    match state.store.set_totp_pending(user.id, None).await {
        Ok(()) => Redirect::to("/admin/account").into_response(),
        Err(_) => error_redirect("/admin/account", FormError::Unavailable),
    }
}

/// `POST /admin/account/two-factor/confirm`: a code from the pending secret turns
/// two-factor sign-in on and shows the recovery codes, once.
pub async fn confirm(
    State(state): State<AppState>,
    StaffUser(user): StaffUser,
    Form(form): Form<CodeForm>,
) -> Response {
    let back = "/admin/account";
    let pending = match state.store.two_factor(user.id).await {
        Ok(tf) => tf.pending,
        Err(_) => return error_redirect(back, FormError::Unavailable),
    };
    let Some(secret) = pending else {
        return error_redirect(back, FormError::LoginExpired);
    };
    let Some(step) = code_step(&secret, &form.code) else {
        return error_redirect(back, FormError::InvalidCode);
    };
    let (codes, hashes) = new_recovery_codes();
    if let Err(e) = state
        .store
        .enable_totp(user.id, &secret, step, &hashes)
        .await
    {
        let code = match e {
            AppError::Conflict(_) => FormError::LoginExpired,
            _ => FormError::Unavailable,
        };
        return error_redirect(back, code);
    }
    audit::record(
        &state.store,
        Some(&user.email),
        "two-factor sign-in turned on",
        "",
        None,
    )
    .await;
    recovery_codes_page("Two-factor sign-in is on", &codes)
}

/// `POST /admin/account/two-factor/recovery-codes`: replaces every recovery code (the
/// password is asked again) and shows the new ones, once.
pub async fn new_codes(
    State(state): State<AppState>,
    StaffUser(user): StaffUser,
    Form(form): Form<PasswordOnlyForm>,
) -> Response {
    let back = "/admin/account";
    let user = match reauthenticated(&state, user, &form.password).await {
        Ok(user) => user,
        Err(response) => return response,
    };
    match state.store.two_factor(user.id).await {
        Ok(tf) if tf.secret.is_some() => {}
        Ok(_) => return Redirect::to(back).into_response(),
        Err(_) => return error_redirect(back, FormError::Unavailable),
    }
    let (codes, hashes) = new_recovery_codes();
    if state
        .store
        .replace_recovery_codes(user.id, &hashes)
        .await
        .is_err()
    {
        return error_redirect(back, FormError::Unavailable);
    }
    audit::record(
        &state.store,
        Some(&user.email),
        "recovery codes replaced",
        "",
        None,
    )
    .await;
    recovery_codes_page("New recovery codes", &codes)
}

/// `POST /admin/account/two-factor/disable`: turns two-factor sign-in off (password
/// asked again); refused while the site requires it.
pub async fn disable(
    State(state): State<AppState>,
    StaffUser(user): StaffUser,
    Form(form): Form<PasswordOnlyForm>,
) -> Response {
    let back = "/admin/account";
    let user = match reauthenticated(&state, user, &form.password).await {
        Ok(user) => user,
        Err(response) => return response,
    };
    match required(&state).await {
        Ok(false) => {}
        Ok(true) => return error_redirect(back, FormError::TwoFactorRequired),
        Err(_) => return error_redirect(back, FormError::Unavailable),
    }
    if state.store.disable_totp(user.id).await.is_err() {
        return error_redirect(back, FormError::Unavailable);
    }
    audit::record(
        &state.store,
        Some(&user.email),
        "two-factor sign-in turned off",
        "",
        None,
    )
    .await;
    Redirect::to("/admin/account?done=two-factor-off").into_response()
}

/// The one page that ever shows recovery codes (they are stored only as hashes).
fn recovery_codes_page(title: &str, codes: &[String]) -> Response {
    let items: String = codes
        .iter()
        .map(|c| format!("<li><code data-test-recovery-code>{c}</code></li>"))
        .collect();
    plain_page(
        title,
        &format!(
            "<p>Save these recovery codes somewhere safe, such as a password manager. Each \
             one works once, in place of an authenticator code, if you lose your phone. \
             This is the only time they are shown.</p>\
             <ol class=\"recovery-codes\">{items}</ol>\
             <p><a href=\"/admin/account\">I have saved them: back to your account</a></p>"
        ),
    )
    .into_response()
}
