//! Application state handed to handlers, pages and server functions through context.

use super::config::Config;
use super::db::DynStore;
use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use std::sync::Arc;

#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub store: DynStore,
    pub config: Arc<Config>,
}
