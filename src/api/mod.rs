//! Server functions: the HTTP API the pages and islands call. `public` serves readers,
//! `admin` serves staff and checks the session's role on every function's first line.

pub mod admin;
pub mod auth;
pub mod media;
pub mod public;
