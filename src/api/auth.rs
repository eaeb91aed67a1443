//! Who is logged in, for pages that adapt to it. Login, logout and set-up themselves are
//! plain form posts handled in `server::auth`, so they work without JavaScript.

use crate::error::AppError;
use crate::model::User;
use leptos::prelude::*;

/// The logged-in staff member, or `None` for a reader.
#[server(prefix = "/api", endpoint = "get_current_user")]
pub async fn get_current_user() -> Result<Option<User>, AppError> {
    crate::server::auth::current_user().await
}
