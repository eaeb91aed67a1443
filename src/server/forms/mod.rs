//! The staff form posts that work without JavaScript: logging in and out, set-up and
//! invitation links, the account page (password, sessions) and two-factor sign-in.
//! They are built on `server::auth`, which never depends on them.

pub mod account;
pub mod login;
pub mod two_factor;

use super::audit;
use super::state::AppState;
use axum::extract::ConnectInfo;
use axum::http::HeaderMap;
use axum::Extension;
use std::net::SocketAddr;

/// The peer address axum recorded for a form post, when it runs behind a listener that
/// records one.
type Peer = Option<Extension<ConnectInfo<SocketAddr>>>;

/// The client address of a form post, as [`audit::client_address`] reads it.
fn form_ip(state: &AppState, client: Peer, headers: &HeaderMap) -> Option<String> {
    audit::client_address(&state.config, client.map(|c| c.0 .0.ip()), headers)
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
