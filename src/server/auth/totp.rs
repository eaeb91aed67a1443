//! Second factors: TOTP codes (RFC 6238: SHA-1, 6 digits, 30 s steps, one step of clock
//! skew either way, each step accepted once), checking a second-step code (TOTP or
//! recovery code), and the site setting that makes two-factor sign-in compulsory.

use super::{recovery, sealed};
use crate::error::AppError;
use crate::model::TotpEnrolment;
use crate::server::state::AppState;
use base64::Engine;
use chrono::Utc;
use totp_rs::{Algorithm, Builder, Secret, Totp};

/// The site setting that makes two-factor sign-in compulsory for all staff.
pub const REQUIRE_SETTING: &str = "require_two_factor";

/// A TOTP for `secret`; `issuer` (the publication's name) and `account` only label the
/// entry in the authenticator app.
fn totp(secret: &str, account: &str, issuer: Option<&str>) -> Result<Totp, AppError> {
    let secret = Secret::try_from_base32(secret).map_err(|_| AppError::Internal)?;
    Builder::new()
        .with_algorithm(Algorithm::SHA1)
        .with_digits(6)
        .with_skew(1)
        .with_step_duration(30)
        .with_secret(secret)
        .with_issuer(issuer.map(|i| i.replace(':', "")))
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
    totp(secret, "", None)
        .ok()?
        .check(&code, now)
        .and_then(|step| i64::try_from(step).ok())
}

/// What the account page shows while enrolling: the secret for typing in, and the
/// `otpauth://` link as a QR code image. The app lists it under `issuer` (the
/// publication's name).
pub fn enrolment(secret: &str, email: &str, issuer: &str) -> Result<TotpEnrolment, AppError> {
    let uri = totp(secret, email, Some(issuer))?
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

/// Checks a second-step code for `user`: a TOTP code from the secret stored as
/// `stored_secret` (each time step once) or an unused recovery code, which is spent.
/// Spending is one `DELETE` that must remove the row, so a code works once even when
/// two instances check it at the same moment. Returns how they proved it.
pub async fn check_code(
    state: &AppState,
    user_id: i64,
    stored_secret: &str,
    code: &str,
) -> Result<Option<&'static str>, AppError> {
    let secret = open_secret(state, user_id, stored_secret)?;
    if let Some(step) = code_step(&secret, code) {
        return Ok(state
            .store
            .use_totp_step(user_id, step)
            .await?
            .then_some("authenticator code"));
    }
    for stored in state.store.recovery_codes(user_id).await? {
        if recovery::matches(&stored, code) {
            let spent = state.store.use_recovery_code(user_id, &stored).await?;
            return Ok(spent.then_some("recovery code"));
        }
    }
    Ok(None)
}

/// The stored form of a new TOTP secret for `user_id` (encrypted when the site has a
/// secret key).
pub fn seal_secret(state: &AppState, user_id: i64, secret: &str) -> Result<String, AppError> {
    sealed::seal(state.config.secret_key.as_ref(), user_id, secret)
}

/// The TOTP secret stored as `stored` for `user_id`.
pub fn open_secret(state: &AppState, user_id: i64, stored: &str) -> Result<String, AppError> {
    sealed::open(state.config.secret_key.as_ref(), user_id, stored)
}

/// Whether the site requires two-factor sign-in of every staff member.
pub async fn required(state: &AppState) -> Result<bool, AppError> {
    Ok(state.store.setting(REQUIRE_SETTING).await?.as_deref() == Some("on"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code_at(secret: &str, time: u64) -> String {
        totp(secret, "", None).unwrap().generate(time).to_string()
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
    fn the_qr_code_carries_the_otpauth_link_under_the_publications_name() {
        let e = enrolment(&new_secret(), "erin@example.com", "Herald").unwrap();
        assert!(e
            .otpauth_uri
            .starts_with("otpauth://totp/Herald:erin%40example.com?"));
        assert!(e.otpauth_uri.contains("issuer=Herald"));
        assert!(e.qr_data_uri.starts_with("data:image/svg+xml;base64,"));
    }
}
