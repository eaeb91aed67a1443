//! Recording who did what, when and from where. Recording is best effort: a failure is
//! logged on the server and never undoes or blocks the action itself.

use super::db::DynStore;
use crate::model::AuditEntry;
use axum::extract::ConnectInfo;
use axum::http::Extensions;
use std::net::SocketAddr;

/// The client address axum recorded for a request, if any.
pub fn address(extensions: &Extensions) -> Option<String> {
    extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip().to_string())
}

pub async fn record(
    store: &DynStore,
    actor: Option<&str>,
    action: &str,
    subject: &str,
    address: Option<String>,
) {
    let entry = AuditEntry {
        at: super::db::now(),
        actor: actor.map(String::from),
        action: action.to_string(),
        subject: subject.to_string(),
        address,
    };
    if let Err(e) = store.audit(&entry).await {
        tracing::warn!(error = %e, action, "could not write the audit log");
    }
}

/// Records an action taken inside a server function (address from the request parts).
pub async fn record_here(actor: &str, action: &str, subject: &str) {
    let Some(state) = leptos::prelude::use_context::<super::state::AppState>() else {
        return;
    };
    let address = leptos::prelude::use_context::<axum::http::request::Parts>()
        .and_then(|p| address(&p.extensions));
    record(&state.store, Some(actor), action, subject, address).await;
}
