//! Why a login, logout or set-up form was refused.

use serde::{Deserialize, Serialize};

/// Why a login, logout or set-up form was refused; travels as a short code in the
/// redirect URL so the page shows a fixed message, never text from the URL.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum FormError {
    InvalidLogin,
    ShortPassword,
    BadEmail,
    BadName,
    BadToken,
    EmailTaken,
    Unavailable,
    CommonPassword,
    WrongPassword,
    InvalidCode,
    LoginExpired,
    TwoFactorRequired,
    BadSiteName,
    BadLanguage,
}

impl FormError {
    pub const ALL: [FormError; 14] = [
        FormError::BadSiteName,
        FormError::BadLanguage,
        FormError::InvalidCode,
        FormError::LoginExpired,
        FormError::TwoFactorRequired,
        FormError::CommonPassword,
        FormError::WrongPassword,
        FormError::InvalidLogin,
        FormError::ShortPassword,
        FormError::BadEmail,
        FormError::BadName,
        FormError::BadToken,
        FormError::EmailTaken,
        FormError::Unavailable,
    ];

    pub fn code(self) -> &'static str {
        match self {
            FormError::InvalidLogin => "invalid",
            FormError::ShortPassword => "password",
            FormError::BadEmail => "email",
            FormError::BadName => "name",
            FormError::BadToken => "token",
            FormError::EmailTaken => "taken",
            FormError::Unavailable => "unavailable",
            FormError::CommonPassword => "common",
            FormError::WrongPassword => "current",
            FormError::InvalidCode => "code",
            FormError::LoginExpired => "expired",
            FormError::TwoFactorRequired => "two-factor-required",
            FormError::BadSiteName => "site-name",
            FormError::BadLanguage => "language",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|e| e.code() == code)
    }

    pub fn message(self) -> &'static str {
        match self {
            FormError::InvalidLogin => "That email and password don't match an account.",
            FormError::ShortPassword => "The password must be 12 to 1024 characters long.",
            FormError::BadEmail => "Enter a valid email address.",
            FormError::BadName => "Enter a name of 1 to 100 characters.",
            FormError::BadToken => "This set-up link is not valid or has already been used.",
            FormError::EmailTaken => "A user with that email already exists.",
            FormError::Unavailable => "Something went wrong on our side. Please try again.",
            FormError::CommonPassword => {
                "That password is on a list of common passwords. Choose another."
            }
            FormError::WrongPassword => "Your current password was not right.",
            FormError::InvalidCode => {
                "That code was not right. Enter the current 6-digit code from your authenticator app, or an unused recovery code."
            }
            FormError::LoginExpired => "That step has expired. Please start again.",
            FormError::TwoFactorRequired => {
                "This site requires two-factor sign-in, so it can't be turned off."
            }
            FormError::BadSiteName => "Enter the publication's name (one line, up to 300 characters).",
            FormError::BadLanguage => {
                "Enter the publication's language as a BCP 47 tag, such as en, en-GB, de or pt-BR."
            }
        }
    }
}
