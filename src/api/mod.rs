//! Server functions: the HTTP API the pages and islands call. `public` serves readers,
//! `admin`, `desk` and `settings` serve staff and check the session's role on every
//! function's first line.

pub mod admin;
pub mod auth;
pub mod desk;
pub mod media;
pub mod public;
pub mod settings;
