//! Random tokens (sessions, set-up links, invitations, login challenges) and the hash
//! under which each is stored, so a copy of the database holds no usable token.

use base64::Engine;
use rand::RngCore;
use sha2::{Digest, Sha256};

/// A fresh random token and the hash under which it is stored.
pub fn new_token() -> (String, String) {
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    let token = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
    let hash = hash_token(&token);
    (token, hash)
}

/// The stored form of a token: SHA-256 in hex. Tokens carry 256 random bits, so a fast
/// unsalted hash is enough.
pub fn hash_token(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}
