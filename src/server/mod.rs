//! Server-only code: configuration, state, the HTTP app, authentication and its form handlers, Markdown
//! rendering, the importer, the publication's settings, and the store.

pub mod assets;
pub mod audit;
pub mod auth;
pub mod commands;
pub mod config;
pub mod db;
pub mod diff;
pub mod export;
pub mod feeds;
pub mod forms;
pub mod html;
pub mod import;
pub mod listen;
pub mod media;
pub mod metrics;
pub mod page_cache;
pub mod redirects;
pub mod render;
pub mod settings;
pub mod startup;
pub mod state;
