//! Passwords: argon2id hashing on the blocking pool (at most two at a time), the rules a
//! new password must meet, and checking the password of a signed-in user again.

use crate::error::AppError;
use crate::model::{FormError, Role, User};
use crate::server::db::NewUser;
use crate::server::state::AppState;
use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::Argon2;

/// Shortest password accepted for a staff account.
pub const MIN_PASSWORD_CHARS: usize = 12;
const MAX_PASSWORD_BYTES: usize = 1024;

/// Password hashes and checks allowed to run at once: argon2 is deliberately expensive,
/// and it runs on the blocking pool so the runtime that serves readers never waits on it.
static HASHING: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(2);

/// Runs `f` (argon2 work) on the blocking pool, at most [`HASHING`] at a time, so a flood
/// of junk logins or sign-ups queues there instead of stalling every reader.
pub async fn off_runtime<T: Send + 'static>(
    f: impl FnOnce() -> T + Send + 'static,
) -> Result<T, AppError> {
    let _permit = HASHING.acquire().await.map_err(|_| AppError::Internal)?;
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|_| AppError::Internal)
}

/// [`verify_password`] off the runtime.
pub async fn check_password(password: &str, hash: &str) -> bool {
    let (password, hash) = (password.to_string(), hash.to_string());
    off_runtime(move || verify_password(&password, &hash))
        .await
        .unwrap_or(false)
}

/// [`hash_password`] off the runtime.
pub async fn hash_password_off_runtime(password: &str) -> Result<String, AppError> {
    let password = password.to_string();
    off_runtime(move || hash_password(&password)).await?
}

pub fn hash_password(password: &str) -> Result<String, AppError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|_| AppError::Internal)
}

fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

/// Famous passphrases (lower-cased comparison) refused even where the strength
/// estimator rates them well: they are the first ones tried.
const COMMON_PASSWORDS: &str = include_str!("common-passwords.txt");

/// The lowest `zxcvbn` score accepted: 3 is "safely unguessable" for an online attack
/// (about 10^10 guesses).
const MIN_SCORE: zxcvbn::Score = zxcvbn::Score::Three;

/// Whether `password` is easy to guess: one character repeated, one of the famous
/// passphrases, or rated weak by the `zxcvbn` strength estimator (dictionaries of
/// common passwords, names and words, keyboard patterns, dates, sequences, l33t).
pub fn is_common_password(password: &str) -> bool {
    let lower = password.to_lowercase();
    let mut chars = lower.chars();
    let first = chars.next();
    let repeated = first.is_some_and(|c| chars.all(|d| d == c));
    repeated
        || COMMON_PASSWORDS.lines().any(|p| p.trim() == lower)
        || zxcvbn::zxcvbn(password, &[]).score() < MIN_SCORE
}

/// Checks a new password against the account rules.
pub fn check_new_password(password: &str) -> Result<(), FormError> {
    if password.chars().count() < MIN_PASSWORD_CHARS || password.len() > MAX_PASSWORD_BYTES {
        return Err(FormError::ShortPassword);
    }
    if is_common_password(password) {
        return Err(FormError::CommonPassword);
    }
    Ok(())
}

/// [`new_user`] with the hashing off the runtime.
pub async fn new_user_off_runtime(
    email: &str,
    name: &str,
    role: Role,
    password: &str,
) -> Result<NewUser, FormError> {
    let (email, name, password) = (email.to_string(), name.to_string(), password.to_string());
    off_runtime(move || new_user(&email, &name, role, &password))
        .await
        .unwrap_or(Err(FormError::Unavailable))
}

/// Checks the fields of a new account and hashes its password.
pub fn new_user(email: &str, name: &str, role: Role, password: &str) -> Result<NewUser, FormError> {
    let email = email.trim();
    if !email.contains('@') || email.len() > 254 || email.contains(char::is_whitespace) {
        return Err(FormError::BadEmail);
    }
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(FormError::BadName);
    }
    check_new_password(password)?;
    Ok(NewUser {
        email: email.to_string(),
        name: name.to_string(),
        role,
        password_hash: hash_password(password).map_err(|_| FormError::Unavailable)?,
    })
}

/// Whether `password` is the user's password (asked again before sensitive changes).
pub async fn verify_login_password(
    state: &AppState,
    user: &User,
    password: &str,
) -> Result<bool, AppError> {
    let login = state
        .store
        .find_login(&user.email)
        .await?
        .ok_or(AppError::Unauthorized)?;
    Ok(check_password(password, &login.password_hash).await)
}
