//! Recovery codes: single-use stand-ins for an authenticator code. Each carries 140
//! random bits (four groups of seven base32 characters: long, but typeable and
//! readable aloud) and is stored as a salted SHA-256 hash, `s1$<salt>$<hash>`.
//!
//! Why not argon2: a 140-bit random code can't be guessed however fast its hash is, and
//! checking one means trying each of the user's unspent codes, so ten argon2 runs per
//! attempt would only hand attackers a way to tie up the hashing pool. The per-code salt
//! keeps equal codes from hashing alike and rules out precomputed tables. Codes issued
//! before this format (50 bits, unsalted) still verify so nobody is locked out; the
//! README asks staff to replace them.

use super::tokens::hash_token;
use rand::{Rng, RngCore};
use sha2::{Digest, Sha256};

/// Recovery codes issued at once.
pub const RECOVERY_CODES: usize = 10;
/// RFC 4648 base32, lower case: 5 bits a character.
const ALPHABET: &[u8; 32] = b"abcdefghijklmnopqrstuvwxyz234567";
const GROUPS: usize = 4;
const GROUP_CHARS: usize = 7;
/// The prefix of the salted format.
const SALTED: &str = "s1$";

/// New recovery codes (`xxxxxxx-xxxxxxx-xxxxxxx-xxxxxxx`) and their stored hashes.
pub fn new_recovery_codes() -> (Vec<String>, Vec<String>) {
    let mut rng = rand::thread_rng();
    let codes: Vec<String> = (0..RECOVERY_CODES)
        .map(|_| {
            (0..GROUPS)
                .map(|_| {
                    (0..GROUP_CHARS)
                        .map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char)
                        .collect::<String>()
                })
                .collect::<Vec<_>>()
                .join("-")
        })
        .collect();
    let hashes = codes.iter().map(|c| stored_form(c)).collect();
    (codes, hashes)
}

/// Recovery codes are compared without case, spaces or dashes.
fn normalise(code: &str) -> String {
    code.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn salted_hash(salt: &str, normal: &str) -> String {
    let mut h = Sha256::new();
    h.update(salt.as_bytes());
    h.update(b"$");
    h.update(normal.as_bytes());
    hex(&h.finalize())
}

/// How `code` is stored: a fresh 128-bit salt and the hash of salt and code.
fn stored_form(code: &str) -> String {
    let mut salt = [0u8; 16];
    rand::thread_rng().fill_bytes(&mut salt);
    let salt = hex(&salt);
    let hash = salted_hash(&salt, &normalise(code));
    format!("{SALTED}{salt}${hash}")
}

/// Whether the typed `code` is the one stored as `stored` (either format).
pub fn matches(stored: &str, code: &str) -> bool {
    let normal = normalise(code);
    match stored
        .strip_prefix(SALTED)
        .and_then(|rest| rest.split_once('$'))
    {
        Some((salt, hash)) => salted_hash(salt, &normal) == hash,
        None => hash_token(&normal) == stored,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_carry_140_bits_are_distinct_and_compare_loosely() {
        let (codes, hashes) = new_recovery_codes();
        assert_eq!(codes.len(), RECOVERY_CODES);
        let unique: std::collections::HashSet<_> = codes.iter().collect();
        assert_eq!(unique.len(), RECOVERY_CODES);
        for code in &codes {
            assert_eq!(normalise(code).len() * 5, 140, "{code}");
        }
        let typed = codes[0].to_uppercase().replace('-', " ");
        assert!(matches(&hashes[0], &typed));
        assert!(!matches(&hashes[1], &typed));
    }

    #[test]
    fn the_same_code_is_stored_differently_each_time() {
        let a = stored_form("abcdefg-hijklmn");
        let b = stored_form("abcdefg-hijklmn");
        assert_ne!(a, b);
        assert!(matches(&a, "ABCDEFGHIJKLMN") && matches(&b, "abcdefg hijklmn"));
    }

    #[test]
    fn codes_in_the_older_unsalted_format_still_work() {
        let old = hash_token("abcde23456");
        assert!(matches(&old, "ABCDE-23456"));
        assert!(!matches(&old, "abcde-23457"));
    }
}
