//! The one error type shown to clients: a kind, a safe message, and an HTTP status.
//!
//! Database and I/O errors become an opaque `Internal` that is logged on the server and
//! never shown, so no SQL, path or panic text reaches a response.

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    #[error("Not found.")]
    NotFound,
    #[error("You need to log in.")]
    Unauthorized,
    #[error("You are not allowed to do that.")]
    Forbidden,
    #[error("{0}")]
    Validation(String),
    #[error("{0}")]
    Conflict(String),
    #[error("The site is temporarily unavailable. Please try again shortly.")]
    Unavailable,
    #[error("Something went wrong on our side. Please try again.")]
    Internal,
    #[error("The request could not be understood.")]
    BadRequest,
    #[error("This site requires two-factor sign-in: set it up on your account page first.")]
    TwoFactorRequired,
}

impl AppError {
    /// The refusal of a write based on an older version of an article than the stored one.
    pub fn stale_version() -> Self {
        AppError::Conflict(
            "Someone else saved this article after you opened it. Reload to see their changes."
                .into(),
        )
    }

    /// The HTTP status a response carrying this error should have.
    pub fn status(&self) -> u16 {
        match self {
            AppError::NotFound => 404,
            AppError::Unauthorized => 401,
            AppError::Forbidden | AppError::TwoFactorRequired => 403,
            AppError::Validation(_) => 422,
            AppError::Conflict(_) => 409,
            AppError::Unavailable => 503,
            AppError::Internal => 500,
            AppError::BadRequest => 400,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Args(_)
            | ServerFnErrorErr::Deserialization(_)
            | ServerFnErrorErr::MissingArg(_) => AppError::BadRequest,
            _ => AppError::Internal,
        }
    }
}

#[cfg(feature = "ssr")]
mod ssr {
    use super::AppError;

    impl From<sqlx::Error> for AppError {
        fn from(e: sqlx::Error) -> Self {
            match &e {
                sqlx::Error::PoolTimedOut
                | sqlx::Error::PoolClosed
                | sqlx::Error::Io(_)
                | sqlx::Error::Tls(_)
                | sqlx::Error::WorkerCrashed => {
                    tracing::error!(error = %e, "database unavailable");
                    AppError::Unavailable
                }
                sqlx::Error::Database(db) if db.is_unique_violation() => {
                    AppError::Conflict("That already exists.".into())
                }
                // SQLite busy or locked past the busy timeout (another process holds a long
                // write), out of disk or failing I/O: unavailable for now, not a bug.
                sqlx::Error::Database(db)
                    if db
                        .try_downcast_ref::<sqlx::sqlite::SqliteError>()
                        .and_then(|_| db.code())
                        .and_then(|c| c.parse::<i32>().ok())
                        .is_some_and(|c| matches!(c & 0xff, 5 | 6 | 10 | 13)) =>
                {
                    tracing::error!(error = %e, "database unavailable");
                    AppError::Unavailable
                }
                // Text PostgreSQL can't store (a NUL character): the input's fault.
                sqlx::Error::Database(db)
                    if db.code().is_some_and(|c| c == "22021" || c == "22P05") =>
                {
                    AppError::Validation(
                        "The text contains a character that can't be stored (code 0); remove it."
                            .into(),
                    )
                }
                // PostgreSQL refuses connections or is going away (connection exceptions,
                // shutdown, a dropped database), cancelled a statement that ran past its
                // time limit, lacks resources (disk, memory, connections) or gave up on a
                // deadlock or serialisation conflict: unavailable, not a bug.
                sqlx::Error::Database(db)
                    if db.code().is_some_and(|c| {
                        c.starts_with("08")
                            || c.starts_with("57P")
                            || c.starts_with("53")
                            || c == "57014"
                            || c == "40001"
                            || c == "40P01"
                            || c == "3D000"
                    }) =>
                {
                    tracing::error!(error = %e, "database unavailable");
                    AppError::Unavailable
                }
                _ => {
                    tracing::error!(error = %e, "database error");
                    AppError::Internal
                }
            }
        }
    }

    impl From<sqlx::migrate::MigrateError> for AppError {
        fn from(e: sqlx::migrate::MigrateError) -> Self {
            tracing::error!(error = %e, "migration error");
            AppError::Internal
        }
    }
}
