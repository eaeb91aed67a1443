//! Two-factor sign-in forms: the second step of a login, and on the account page
//! enrolment, recovery-code replacement and turning it off. Plain form posts, so they
//! work without JavaScript.

use super::{form_ip, Peer};
use crate::error::AppError;
use crate::model::{FormError, User};
use crate::server::audit;
use crate::server::auth::cookies::{
    challenge_cookie, cookie_value, session_hash, CHALLENGE_COOKIE,
};
use crate::server::auth::password::verify_login_password;
use crate::server::auth::recovery::new_recovery_codes;
use crate::server::auth::responses::{error_redirect, plain_page};
use crate::server::auth::session::start_session;
use crate::server::auth::throttle::{
    attempt, failure_keys, reauth_attempt, reauth_succeeded, succeeded, too_many_attempts,
};
use crate::server::auth::tokens::hash_token;
use crate::server::auth::totp::{
    check_code, code_step, new_secret, open_secret, required, seal_secret,
};
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

/// The password and a current second factor (an authenticator or recovery code).
#[derive(Deserialize)]
pub struct PasswordAndCodeForm {
    password: String,
    #[serde(default)]
    code: String,
}

/// Checks what the account page asks again before a change to the second factor: the
/// password and, once two-factor is on, a code (`second_factor`: the stored secret and
/// the code typed). Failures are
/// counted per account like logins (429 when over the limit). `Err` is where to send
/// the browser.
async fn reauthenticate(
    state: &AppState,
    user: &User,
    password: &str,
    second_factor: Option<(&str, &str)>,
) -> Result<(), Response> {
    let back = "/admin/account";
    match reauth_attempt(&state.store, user.id).await {
        Ok(None) => {}
        Ok(Some(seconds)) => return Err(too_many_attempts(seconds)),
        Err(_) => return Err(error_redirect(back, FormError::Unavailable)),
    }
    match verify_login_password(state, user, password).await {
        Ok(true) => {}
        Ok(false) => return Err(error_redirect(back, FormError::WrongPassword)),
        Err(_) => return Err(error_redirect(back, FormError::Unavailable)),
    }
    if let Some((secret, code)) = second_factor {
        match check_code(state, user.id, secret, code).await {
            Ok(Some(_)) => {}
            Ok(None) => return Err(error_redirect(back, FormError::InvalidCode)),
            Err(_) => return Err(error_redirect(back, FormError::Unavailable)),
        }
    }
    reauth_succeeded(&state.store, user.id)
        .await
        .map_err(|_| error_redirect(back, FormError::Unavailable))
}

/// Ends every session of `user` except the one making this request: a change to the
/// second factor must not leave a session someone else holds running.
async fn end_other_sessions(
    state: &AppState,
    user: &User,
    headers: &HeaderMap,
) -> Result<(), AppError> {
    state
        .store
        .delete_sessions_of(user.id, session_hash(&state.config, headers).as_deref())
        .await
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
    if let Err(response) = reauthenticate(&state, &user, &form.password, None).await {
        return response;
    }
    match state.store.two_factor(user.id).await {
        Ok(tf) if tf.secret.is_none() => {}
        Ok(_) => return Redirect::to(back).into_response(),
        Err(_) => return error_redirect(back, FormError::Unavailable),
    }
    let stored = match seal_secret(&state, user.id, &new_secret()) {
        Ok(stored) => stored,
        Err(_) => return error_redirect(back, FormError::Unavailable),
    };
    match state.store.set_totp_pending(user.id, Some(&stored)).await {
        Ok(()) => Redirect::to("/admin/account#two-factor").into_response(),
        Err(_) => error_redirect(back, FormError::Unavailable),
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
/// two-factor sign-in on, ends the user's other sessions and shows the recovery codes,
/// once.
pub async fn confirm(
    State(state): State<AppState>,
    StaffUser(user): StaffUser,
    headers: HeaderMap,
    Form(form): Form<CodeForm>,
) -> Response {
    let back = "/admin/account";
    let pending = match state.store.two_factor(user.id).await {
        Ok(tf) => tf.pending,
        Err(_) => return error_redirect(back, FormError::Unavailable),
    };
    let Some(stored) = pending else {
        return error_redirect(back, FormError::LoginExpired);
    };
    let Ok(secret) = open_secret(&state, user.id, &stored) else {
        return error_redirect(back, FormError::Unavailable);
    };
    let Some(step) = code_step(&secret, &form.code) else {
        return error_redirect(back, FormError::InvalidCode);
    };
    let (codes, hashes) = new_recovery_codes();
    if let Err(e) = state
        .store
        .enable_totp(user.id, &stored, step, &hashes)
        .await
    {
        let code = match e {
            AppError::Conflict(_) => FormError::LoginExpired,
            _ => FormError::Unavailable,
        };
        return error_redirect(back, code);
    }
    if end_other_sessions(&state, &user, &headers).await.is_err() {
        return error_redirect(back, FormError::Unavailable);
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
/// password and a current code are asked again), ends the user's other sessions and
/// shows the new codes, once.
pub async fn new_codes(
    State(state): State<AppState>,
    StaffUser(user): StaffUser,
    headers: HeaderMap,
    Form(form): Form<PasswordAndCodeForm>,
) -> Response {
    let back = "/admin/account";
    let secret = match state.store.two_factor(user.id).await {
        Ok(tf) => match tf.secret {
            Some(secret) => secret,
            None => return Redirect::to(back).into_response(),
        },
        Err(_) => return error_redirect(back, FormError::Unavailable),
    };
    if let Err(response) =
        reauthenticate(&state, &user, &form.password, Some((&secret, &form.code))).await
    {
        return response;
    }
    let (codes, hashes) = new_recovery_codes();
    let replaced = async {
        state.store.replace_recovery_codes(user.id, &hashes).await?;
        end_other_sessions(&state, &user, &headers).await
    };
    if replaced.await.is_err() {
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

/// `POST /admin/account/two-factor/disable`: turns two-factor sign-in off (the password
/// and a current code are asked again) and ends the user's other sessions; refused
/// while the site requires it.
pub async fn disable(
    State(state): State<AppState>,
    StaffUser(user): StaffUser,
    headers: HeaderMap,
    Form(form): Form<PasswordAndCodeForm>,
) -> Response {
    let back = "/admin/account";
    match required(&state).await {
        Ok(false) => {}
        Ok(true) => return error_redirect(back, FormError::TwoFactorRequired),
        Err(_) => return error_redirect(back, FormError::Unavailable),
    }
    let secret = match state.store.two_factor(user.id).await {
        Ok(tf) => match tf.secret {
            Some(secret) => secret,
            None => return Redirect::to(back).into_response(),
        },
        Err(_) => return error_redirect(back, FormError::Unavailable),
    };
    if let Err(response) =
        reauthenticate(&state, &user, &form.password, Some((&secret, &form.code))).await
    {
        return response;
    }
    let disabled = async {
        state.store.disable_totp(user.id).await?;
        end_other_sessions(&state, &user, &headers).await
    };
    if disabled.await.is_err() {
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
