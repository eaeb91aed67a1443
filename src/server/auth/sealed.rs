//! TOTP secrets at rest. With `GAZETTE_SECRET_KEY` set they are encrypted with
//! XChaCha20-Poly1305 (`x1:` + base64 of nonce and ciphertext), the user's id bound in
//! as associated data so a sealed secret can't be moved to another account; without a
//! key they are stored as they are. Stored values without the prefix (from before a
//! key was set) are read as plain secrets.
//!
//! XChaCha20-Poly1305 rather than AES-GCM: its 192-bit nonces can be drawn at random
//! with no risk of reuse, it is fast without AES hardware, and its `chacha20` core was
//! already in the build.

use crate::error::AppError;
use crate::server::config::SecretKey;
use base64::Engine;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use rand::RngCore;

const PREFIX: &str = "x1:";
const NONCE_BYTES: usize = 24;

fn aad(user_id: i64) -> String {
    format!("gazette totp secret of user {user_id}")
}

fn cipher(key: &SecretKey) -> XChaCha20Poly1305 {
    XChaCha20Poly1305::new(&key.0.into())
}

/// The stored form of `secret` for `user_id`.
pub fn seal(key: Option<&SecretKey>, user_id: i64, secret: &str) -> Result<String, AppError> {
    let Some(key) = key else {
        return Ok(secret.to_string());
    };
    let mut nonce = [0u8; NONCE_BYTES];
    rand::thread_rng().fill_bytes(&mut nonce);
    let aad = aad(user_id);
    let sealed = cipher(key)
        .encrypt(
            &XNonce::from(nonce),
            Payload {
                msg: secret.as_bytes(),
                aad: aad.as_bytes(),
            },
        )
        .map_err(|_| AppError::Internal)?;
    let mut bytes = nonce.to_vec();
    bytes.extend(sealed);
    Ok(format!(
        "{PREFIX}{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    ))
}

/// The secret `stored` holds for `user_id`. A sealed value without the key (or with
/// the wrong one, or moved from another user) is an internal error, logged.
pub fn open(key: Option<&SecretKey>, user_id: i64, stored: &str) -> Result<String, AppError> {
    let Some(sealed) = stored.strip_prefix(PREFIX) else {
        return Ok(stored.to_string());
    };
    let opened = key.and_then(|key| {
        let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(sealed)
            .ok()?;
        let (nonce, ciphertext) = bytes.split_at_checked(NONCE_BYTES)?;
        let nonce = <[u8; NONCE_BYTES]>::try_from(nonce).ok()?;
        let aad = aad(user_id);
        let plain = cipher(key)
            .decrypt(
                &XNonce::from(nonce),
                Payload {
                    msg: ciphertext,
                    aad: aad.as_bytes(),
                },
            )
            .ok()?;
        String::from_utf8(plain).ok()
    });
    opened.ok_or_else(|| {
        tracing::error!(
            user_id,
            "cannot decrypt a TOTP secret: GAZETTE_SECRET_KEY is missing or not the key it was sealed with"
        );
        AppError::Internal
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(byte: u8) -> SecretKey {
        SecretKey([byte; 32])
    }

    #[test]
    fn a_sealed_secret_opens_only_with_its_key_and_user() {
        let k = key(7);
        let sealed = seal(Some(&k), 3, "JBSWY3DPEHPK3PXP").unwrap();
        assert!(sealed.starts_with(PREFIX) && !sealed.contains("JBSWY3DPEHPK3PXP"));
        assert_ne!(sealed, seal(Some(&k), 3, "JBSWY3DPEHPK3PXP").unwrap());
        assert_eq!(open(Some(&k), 3, &sealed).unwrap(), "JBSWY3DPEHPK3PXP");
        assert!(open(Some(&k), 4, &sealed).is_err(), "moved to another user");
        assert!(open(Some(&key(8)), 3, &sealed).is_err(), "another key");
        assert!(open(None, 3, &sealed).is_err(), "no key");
    }

    #[test]
    fn without_a_key_secrets_are_stored_as_they_are_and_plain_ones_still_read() {
        assert_eq!(seal(None, 1, "ABC").unwrap(), "ABC");
        assert_eq!(open(Some(&key(1)), 1, "ABC").unwrap(), "ABC");
        assert_eq!(open(None, 1, "ABC").unwrap(), "ABC");
    }
}
