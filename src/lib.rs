//! Gazette: a self-hosted news publishing platform (leptos islands on axum).

// Deeply nested view types (the article page) exceed the default in test builds.
#![recursion_limit = "256"]

// The readers' browser bundle (feature `reader`) holds the FAQ island and nothing else.
#[cfg(not(feature = "reader"))]
pub mod api;
#[cfg(not(feature = "reader"))]
pub mod app;
pub mod components;
#[cfg(not(feature = "reader"))]
pub mod error;
pub mod model;
#[cfg(not(feature = "reader"))]
pub mod pages;
#[cfg(feature = "ssr")]
pub mod server;

/// Browser entry point: hydrates the islands on the page and nothing else. Panics are
/// reported to the console in debug builds only (the hook's formatting is dead weight in
/// a reader's download).
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    #[cfg(debug_assertions)]
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
}
