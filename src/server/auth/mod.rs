//! Authentication: who a request is and what proves it. Password hashing and rules,
//! session tokens and cookies, failed-attempt throttling, TOTP (secrets sealed at rest)
//! and recovery codes, and
//! the session → user resolution that server functions (`require`) and form handlers
//! (the [`StaffUser`] extractor) start with. The form handlers themselves live in
//! `server::forms`; nothing here depends on them.

pub mod cookies;
pub mod password;
pub mod recovery;
pub mod responses;
pub mod sealed;
pub mod session;
pub mod throttle;
pub mod tokens;
pub mod totp;

pub use cookies::{carries_session_cookie, session_hash, HOST_SESSION_COOKIE, SESSION_COOKIE};
pub use password::{
    check_new_password, hash_password, is_common_password, new_user, MIN_PASSWORD_CHARS,
};
pub use session::{current_user, require, user_from_headers, StaffUser};
pub use throttle::lockout_delay;
pub use tokens::{hash_token, new_token};
