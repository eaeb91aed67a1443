//! Gazette: a self-hosted news publishing platform (leptos islands on axum).

// Deeply nested view types (the article page) exceed the default in test builds.
#![recursion_limit = "256"]

pub mod api;
pub mod app;
pub mod components;
pub mod error;
pub mod model;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod server;

/// Browser entry point: hydrates the islands (FAQ accordion, editor) and nothing else.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
}
