//! Two-factor sign-in: TOTP codes (RFC 6238: SHA-1, 6 digits, 30 s steps, one step of
//! clock skew either way, each step accepted once) and single-use recovery codes.
//! Enrolment, the second login step and recovery-code replacement are plain form posts,
//! so they work without JavaScript.

use super::audit;
use super::auth::{
    cookie_value, error_redirect, hash_token, new_token, plain_page, staff_cookie, start_session,
    user_from_headers, verify_login_password,
};
use super::state::AppState;
use crate::error::AppError;
use crate::model::{FormError, TotpEnrolment, User};
use axum::extract::{ConnectInfo, Form, State};
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Extension;
use base64::Engine;
use chrono::{Duration, Utc};
use rand::Rng;
use serde::Deserialize;
use std::net::SocketAddr;
use totp_rs::{Algorithm, Builder, Secret, Totp};

/// The cookie naming a login that passed its password step and awaits a code.
pub const CHALLENGE_COOKIE: &str = "gazette_login";
/// How long the second step of a login stays open, and how many codes it accepts.
const CHALLENGE_MINUTES: i64 = 5;
const CHALLENGE_ATTEMPTS: i64 = 5;
/// Recovery codes issued at once.
pub const RECOVERY_CODES: usize = 10;
/// The site setting that makes two-factor sign-in compulsory for all staff.
pub const REQUIRE_SETTING: &str = "require_two_factor";

fn totp(secret: &str, account: &str) -> Result<Totp, AppError> {
    let secret = Secret::try_from_base32(secret).map_err(|_| AppError::Internal)?;
    Builder::new()
        .with_algorithm(Algorithm::SHA1)
        .with_digits(6)
        .with_skew(1)
        .with_step_duration(30)
        .with_secret(secret)
        .with_issuer(Some("Gazette"))
        .with_account_name(account.replace(':', ""))
        .build()
        .map_err(|_| AppError::Internal)
}

/// A fresh 160-bit secret in base32.
pub fn new_secret() -> String {
    Secret::generate().to_base32()
}

/// The time step a code is valid for, if it matches `secret` now (± one step).
pub fn code_step(secret: &str, code: &str) -> Option<i64> {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let now = Utc::now().timestamp().max(0) as u64;
    totp(secret, "")
        .ok()?
        .check(&code, now)
        .and_then(|step| i64::try_from(step).ok())
}

/// What the account page shows while enrolling: the secret for typing in, and the
/// `otpauth://` link as a QR code image.
pub fn enrolment(secret: &str, email: &str) -> Result<TotpEnrolment, AppError> {
    let uri = totp(secret, email)?
        .to_url()
        .map_err(|_| AppError::Internal)?;
    let svg = qrcode::QrCode::new(uri.as_bytes())
        .map_err(|_| AppError::Internal)?
        .render::<qrcode::render::svg::Color>()
        .min_dimensions(200, 200)
        .build();
    let qr_data_uri = format!(
        "data:image/svg+xml;base64,{}",
        base64::engine::general_purpose::STANDARD.encode(svg)
    );
    let grouped = secret
        .as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ");
    Ok(TotpEnrolment {
        secret: grouped,
        otpauth_uri: uri,
        qr_data_uri,
    })
}

/// New recovery codes (`xxxxx-xxxxx`, 50 random bits each) and their stored hashes.
pub fn new_recovery_codes() -> (Vec<String>, Vec<String>) {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    let mut rng = rand::thread_rng();
    let codes: Vec<String> = (0..RECOVERY_CODES)
        .map(|_| {
            let mut code: String = (0..10)
                .map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char)
                .collect();
            code.insert(5, '-');
            code
        })
        .collect();
    let hashes = codes.iter().map(|c| recovery_hash(c)).collect();
    (codes, hashes)
}

/// Recovery codes are compared without case, spaces or dashes.
fn recovery_hash(code: &str) -> String {
    let normal: String = code
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect();
    hash_token(&normal)
}

/// Checks a second-step code for `user`: a TOTP code (each time step once) or an unused
/// recovery code, which is spent. Returns how they proved it.
async fn check_code(
    state: &AppState,
    user_id: i64,
    secret: &str,
    code: &str,
) -> Result<Option<&'static str>, AppError> {
    if let Some(step) = code_step(secret, code) {
        return Ok(state
            .store
            .use_totp_step(user_id, step)
            .await?
            .then_some("authenticator code"));
    }
    let spent = state
        .store
        .use_recovery_code(user_id, &recovery_hash(code))
        .await?;
    Ok(spent.then_some("recovery code"))
}

/// Whether the site requires two-factor sign-in of every staff member.
pub async fn required(state: &AppState) -> Result<bool, AppError> {
    Ok(state.store.setting(REQUIRE_SETTING).await?.as_deref() == Some("on"))
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

fn challenge_cookie(state: &AppState, token: &str, max_age: i64) -> String {
    staff_cookie(state, CHALLENGE_COOKIE, "/admin/login", token, max_age)
}

#[derive(Deserialize)]
pub struct CodeForm {
    code: String,
}

/// `POST /admin/login/two-factor`: the second step of a login. A wrong code counts as a
/// failed login (same per-account and per-address limits); five wrong codes end the
/// attempt and the password must be entered again.
pub async fn login_code(
    State(state): State<AppState>,
    client: Option<Extension<ConnectInfo<SocketAddr>>>,
    headers: HeaderMap,
    Form(form): Form<CodeForm>,
) -> Response {
    let ip = audit::client_address(&state.config, client.map(|c| c.0 .0.ip()), &headers);
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
        let keys = super::auth::failure_keys(&member.user.email, ip.as_deref());
        if let Some(seconds) = super::auth::attempt(&state.store, &keys).await? {
            return Ok(super::auth::too_many_attempts(seconds));
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
        super::auth::succeeded(&state, &keys).await?;
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

/// `POST /admin/account/two-factor/start`: a new secret to scan, pending until a code
/// from it is entered. The password is asked again, so a stolen session can't tie the
/// account to someone else's phone; an account that has two-factor on must turn it off
/// first.
pub async fn start(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<PasswordOnlyForm>,
) -> Response {
    let back = "/admin/account";
    let user = match reauthenticated(&state, &headers, &form.password).await {
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
pub async fn cancel(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let Ok(Some(user)) = user_from_headers(&state.store, &headers).await else {
        return Redirect::to("/admin/login").into_response();
    };
    match state.store.set_totp_pending(user.id, None).await {
        Ok(()) => Redirect::to("/admin/account").into_response(),
        Err(_) => error_redirect("/admin/account", FormError::Unavailable),
    }
}

/// `POST /admin/account/two-factor/confirm`: a code from the pending secret turns
/// two-factor sign-in on and shows the recovery codes, once.
pub async fn confirm(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<CodeForm>,
) -> Response {
    let Ok(Some(user)) = user_from_headers(&state.store, &headers).await else {
        return Redirect::to("/admin/login").into_response();
    };
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

#[derive(Deserialize)]
pub struct PasswordOnlyForm {
    password: String,
}

/// The logged-in user once they have typed their password again (asked before changes
/// to their second factor); otherwise where to send the browser.
async fn reauthenticated(
    state: &AppState,
    headers: &HeaderMap,
    password: &str,
) -> Result<User, Response> {
    let Ok(Some(user)) = user_from_headers(&state.store, headers).await else {
        return Err(Redirect::to("/admin/login").into_response());
    };
    match verify_login_password(state, &user, password).await {
        Ok(true) => Ok(user),
        Ok(false) => Err(error_redirect("/admin/account", FormError::WrongPassword)),
        Err(_) => Err(error_redirect("/admin/account", FormError::Unavailable)),
    }
}

/// `POST /admin/account/two-factor/recovery-codes`: replaces every recovery code (the
/// password is asked again) and shows the new ones, once.
pub async fn new_codes(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<PasswordOnlyForm>,
) -> Response {
    let back = "/admin/account";
    let user = match reauthenticated(&state, &headers, &form.password).await {
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
    headers: HeaderMap,
    Form(form): Form<PasswordOnlyForm>,
) -> Response {
    let back = "/admin/account";
    let user = match reauthenticated(&state, &headers, &form.password).await {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn code_at(secret: &str, time: u64) -> String {
        totp(secret, "").unwrap().generate(time).to_string()
    }

    #[test]
    fn rfc_6238_test_vector() {
        // RFC 6238 appendix B, SHA-1, secret "12345678901234567890", T = 59 s.
        let secret = Secret::from(*b"12345678901234567890").to_base32();
        let code = code_at(&secret, 59);
        assert_eq!(code, "287082");
    }

    #[test]
    fn codes_from_now_and_the_neighbouring_steps_match_and_others_do_not() {
        let secret = new_secret();
        let now = Utc::now().timestamp() as u64;
        let step = (now / 30) as i64;
        assert_eq!(code_step(&secret, &code_at(&secret, now)), Some(step));
        assert_eq!(
            code_step(&secret, &code_at(&secret, now + 30)),
            Some(step + 1)
        );
        let old = code_at(&secret, now - 600);
        if old != code_at(&secret, now)
            && old != code_at(&secret, now - 30)
            && old != code_at(&secret, now + 30)
        {
            assert_eq!(code_step(&secret, &old), None);
        }
        assert_eq!(code_step(&secret, "12345"), None);
        assert_eq!(code_step(&secret, "abcdef"), None);
    }

    #[test]
    fn recovery_codes_are_distinct_and_compare_loosely() {
        let (codes, hashes) = new_recovery_codes();
        assert_eq!(codes.len(), RECOVERY_CODES);
        let unique: std::collections::HashSet<_> = hashes.iter().collect();
        assert_eq!(unique.len(), RECOVERY_CODES);
        let typed = codes[0].to_uppercase().replace('-', " ");
        assert_eq!(recovery_hash(&typed), hashes[0]);
    }

    #[test]
    fn the_qr_code_carries_the_otpauth_link() {
        let e = enrolment(&new_secret(), "erin@example.com").unwrap();
        assert!(e
            .otpauth_uri
            .starts_with("otpauth://totp/Gazette:erin%40example.com?"));
        assert!(e.otpauth_uri.contains("issuer=Gazette"));
        assert!(e.qr_data_uri.starts_with("data:image/svg+xml;base64,"));
    }
}
