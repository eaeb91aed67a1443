//! Second factors: TOTP codes (RFC 6238: SHA-1, 6 digits, 30 s steps, one step of clock
//! skew either way, each step accepted once), single-use recovery codes, and the site
//! setting that makes two-factor sign-in compulsory.

use super::tokens::hash_token;
use crate::error::AppError;
use crate::model::TotpEnrolment;
use crate::server::state::AppState;
use base64::Engine;
use chrono::Utc;
use rand::Rng;
use totp_rs::{Algorithm, Builder, Secret, Totp};

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
pub async fn check_code(
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
