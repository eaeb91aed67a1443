//! Recording who did what, when and from where. Recording is best effort: a failure is
//! logged on the server and never undoes or blocks the action itself.

use super::config::Config;
use super::db::DynStore;
use crate::model::AuditEntry;
use axum::extract::ConnectInfo;
use axum::http::{Extensions, HeaderMap};
use std::net::{IpAddr, SocketAddr};

/// The client address of a request: the peer, or the client a trusted proxy names in
/// `X-Forwarded-For` (see [`Config::client_ip`]).
pub fn client_address(
    config: &Config,
    peer: Option<IpAddr>,
    headers: &HeaderMap,
) -> Option<String> {
    let forwarded: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect();
    config.client_ip(peer, &forwarded).map(|ip| ip.to_string())
}

/// [`client_address`] for a request whose peer axum recorded in its extensions.
pub fn address(config: &Config, extensions: &Extensions, headers: &HeaderMap) -> Option<String> {
    let peer = extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip());
    client_address(config, peer, headers)
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
        .and_then(|p| address(&state.config, &p.extensions, &p.headers));
    record(&state.store, Some(actor), action, subject, address).await;
}
