//! Browser-only helpers for the editor, called from effects and event handlers.

use chrono::{DateTime, Utc};
use leptos::prelude::window;

pub fn replace_url(url: &str) {
    if let Ok(history) = window().history() {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(url));
    }
}

fn storage() -> Option<web_sys::Storage> {
    window().local_storage().ok().flatten()
}

pub fn load(key: &str) -> Option<String> {
    storage()?.get_item(key).ok().flatten()
}

pub fn store(key: &str, value: &str) {
    if let Some(s) = storage() {
        let _ = s.set_item(key, value);
    }
}

pub fn forget(key: &str) {
    if let Some(s) = storage() {
        let _ = s.remove_item(key);
    }
}

pub fn now_ms() -> f64 {
    js_sys::Date::now()
}

/// A time kept in local storage, in the reader's own clock.
pub fn local_time(ms: f64) -> String {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms));
    date.to_locale_string("en-GB", &wasm_bindgen::JsValue::UNDEFINED)
        .into()
}

/// A time of day in the reader's own clock, e.g. "14:05".
pub fn clock_time(at: DateTime<Utc>) -> String {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(
        at.timestamp_millis() as f64
    ));
    let options = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&options, &"hour".into(), &"2-digit".into());
    let _ = js_sys::Reflect::set(&options, &"minute".into(), &"2-digit".into());
    date.to_locale_time_string_with_options("en-GB", &options)
        .into()
}

/// Tells the server this editor closed, in a request that outlives the page.
pub fn leave_editor(id: i64) {
    let body = wasm_bindgen::JsValue::from_str(&format!("{{\"id\":{id}}}"));
    let parts = js_sys::Array::of1(&body);
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("application/json");
    if let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options) {
        let _ = window()
            .navigator()
            .send_beacon_with_opt_blob("/api/leave_editor", Some(&blob));
    }
}
