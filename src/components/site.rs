//! The publication's settings as the page being rendered sees them, and times shown in
//! its time zone. Pages are rendered on the server; in the browser these fall back to
//! the defaults and UTC (no island shows either).

use crate::model::SiteSettings;
use chrono::{DateTime, Utc};
use std::sync::Arc;

/// The settings of the request being rendered.
pub fn site() -> Arc<SiteSettings> {
    #[cfg(feature = "ssr")]
    if let Some(site) = leptos::prelude::use_context::<axum::http::request::Parts>().and_then(|p| {
        p.extensions
            .get::<crate::server::settings::CurrentSite>()
            .cloned()
    }) {
        return site.0;
    }
    Arc::new(SiteSettings::default())
}

/// The language of the page being rendered: the article's own, else the site's.
pub fn page_language() -> String {
    #[cfg(feature = "ssr")]
    if let Some(lang) = leptos::prelude::use_context::<axum::http::request::Parts>().and_then(|p| {
        p.extensions
            .get::<crate::server::settings::PageLanguage>()
            .cloned()
    }) {
        return lang.0;
    }
    site().language.clone()
}

/// `at` in the site's time zone, formatted with `fmt` (`%Z` names the zone).
#[cfg(feature = "ssr")]
pub fn site_time(at: DateTime<Utc>, fmt: &str) -> String {
    let tz: chrono_tz::Tz = site().timezone.parse().unwrap_or(chrono_tz::UTC);
    at.with_timezone(&tz).format(fmt).to_string()
}

/// `at` formatted with `fmt`, in UTC (the browser never renders these).
#[cfg(not(feature = "ssr"))]
pub fn site_time(at: DateTime<Utc>, fmt: &str) -> String {
    at.format(fmt).to_string()
}

/// A date as readers read it, in the site's time zone: "28 November 2026".
pub fn reader_date(at: DateTime<Utc>) -> String {
    site_time(at, "%-d %B %Y")
}

/// A time as staff read it, in the site's time zone: "28 Nov 2026 14:05 CET".
pub fn staff_time(at: DateTime<Utc>) -> String {
    site_time(at, "%-d %b %Y %H:%M %Z")
}
