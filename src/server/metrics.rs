//! Operator metrics in the Prometheus text format at `/metrics`: requests by route class
//! and status, latency histograms per class, page-cache hits, misses, bypasses,
//! invalidations, entries and bytes, database pool use, and scheduled-publish runs.
//! Served only to loopback and to the addresses in `GAZETTE_METRICS_ALLOW`; anyone else
//! gets 404, as if there were nothing there.

use super::state::AppState;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Extension;
use metrics::{Counter, Histogram};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use std::net::SocketAddr;
use std::sync::atomic::Ordering;
use std::sync::OnceLock;
use std::time::Instant;

const REQUESTS: &str = "gazette_http_requests_total";
const LATENCY: &str = "gazette_http_request_duration_seconds";
/// Scheduled-publish runs, labelled by outcome (`ok`, `error`).
pub const SCHEDULE_RUNS: &str = "gazette_scheduled_publish_runs_total";

/// Installs the process-wide recorder; called once by the server at start-up.
pub fn install() -> Result<PrometheusHandle, String> {
    PrometheusBuilder::new()
        .set_buckets_for_metric(
            Matcher::Full(LATENCY.to_string()),
            &[
                0.0005, 0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
            ],
        )
        .map_err(|e| format!("metrics: {e}"))?
        .install_recorder()
        .map_err(|e| format!("metrics: {e}"))
}

/// How often [`upkeep`] folds the recorded latencies into their histograms.
const UPKEEP_INTERVAL: std::time::Duration = std::time::Duration::from_secs(5);

/// Folds the latency samples recorded since the last time into their histograms, every
/// [`UPKEEP_INTERVAL`], for as long as the server runs. The recorder keeps each sample
/// until then, and a recorder installed on its own leaves this to its owner: without
/// it the server grew by about 12 MiB per 500,000 requests (95 MiB after four 10-second
/// runs of 256 connections) unless something scraped `/metrics`.
pub async fn upkeep(handle: PrometheusHandle) {
    let mut tick = tokio::time::interval(UPKEEP_INTERVAL);
    loop {
        tick.tick().await;
        handle.run_upkeep();
    }
}

/// The kind of page or endpoint a path is (the `class` label), so label values stay few
/// whatever URLs are requested.
#[derive(Clone, Copy)]
enum Class {
    Home,
    Search,
    Corrections,
    Health,
    Metrics,
    Static,
    Feed,
    Sitemap,
    Article,
    Listing,
    Asset,
    Media,
    Api,
    Admin,
    Other,
}

/// How many kinds [`Class`] has.
const CLASSES: usize = Class::Other as usize + 1;

impl Class {
    fn label(self) -> &'static str {
        match self {
            Class::Home => "home",
            Class::Search => "search",
            Class::Corrections => "corrections",
            Class::Health => "health",
            Class::Metrics => "metrics",
            Class::Static => "static",
            Class::Feed => "feed",
            Class::Sitemap => "sitemap",
            Class::Article => "article",
            Class::Listing => "listing",
            Class::Asset => "asset",
            Class::Media => "media",
            Class::Api => "api",
            Class::Admin => "admin",
            Class::Other => "other",
        }
    }
}

/// Which kind of page or endpoint `path` is.
fn route_class(path: &str) -> Class {
    match path {
        "/" => Class::Home,
        "/search" => Class::Search,
        "/corrections" => Class::Corrections,
        "/healthz" => Class::Health,
        "/metrics" => Class::Metrics,
        "/robots.txt" | "/favicon.svg" => Class::Static,
        "/feed.xml" => Class::Feed,
        "/sitemap.xml" | "/news-sitemap.xml" => Class::Sitemap,
        p if p.starts_with("/articles/") => Class::Article,
        p if p.starts_with("/tags/") && p.ends_with("/feed.xml") => Class::Feed,
        p if p.starts_with("/tags/") || p.starts_with("/authors/") => Class::Listing,
        p if p.starts_with("/sitemaps/") => Class::Sitemap,
        p if p.starts_with("/pkg/") => Class::Asset,
        p if p.starts_with("/media/") => Class::Media,
        p if p.starts_with("/api/") => Class::Api,
        p if p.starts_with("/admin") => Class::Admin,
        _ => Class::Other,
    }
}

/// The statuses a site answers most, whose request counters are kept at hand.
const STATUSES: [u16; 12] = [200, 301, 302, 303, 304, 400, 403, 404, 405, 429, 500, 503];

/// One class's metric handles, each registered on first use. Looking a metric up by
/// name and labels hashes them and takes a lock on every request; a handle is an `Arc`.
/// First use comes after [`install`] (the server installs the recorder before it
/// listens), so the handles belong to the installed recorder.
struct ClassHandles {
    latency: OnceLock<Histogram>,
    requests: [OnceLock<Counter>; STATUSES.len()],
}

static HANDLES: [ClassHandles; CLASSES] = [const {
    ClassHandles {
        latency: OnceLock::new(),
        requests: [const { OnceLock::new() }; STATUSES.len()],
    }
}; CLASSES];

/// Counts every request and times it, by route class and status.
pub async fn track(req: Request, next: Next) -> Response {
    let class = route_class(req.uri().path());
    let started = Instant::now();
    let res = next.run(req).await;
    let status = res.status().as_u16();
    let handles = &HANDLES[class as usize];
    match STATUSES.iter().position(|s| *s == status) {
        Some(i) => handles.requests[i]
            .get_or_init(|| counter(class, status))
            .increment(1),
        None => counter(class, status).increment(1),
    }
    handles
        .latency
        .get_or_init(|| metrics::histogram!(LATENCY, "class" => class.label()))
        .record(started.elapsed().as_secs_f64());
    res
}

/// The request counter of `class` and `status`, looked up by its labels.
fn counter(class: Class, status: u16) -> Counter {
    metrics::counter!(REQUESTS, "class" => class.label(), "status" => status.to_string())
}

/// `GET /metrics`.
pub async fn serve(
    State(state): State<AppState>,
    client: Option<Extension<ConnectInfo<SocketAddr>>>,
) -> Response {
    let allowed = client.is_some_and(|c| {
        let ip = c.0 .0.ip();
        ip.is_loopback() || state.config.metrics_allow.iter().any(|n| n.contains(&ip))
    });
    let Some(handle) = state.metrics.as_ref().filter(|_| allowed) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let cache = &state.cache;
    let (page_bytes, misc_bytes) = cache.bytes();
    let (page_entries, misc_entries) = cache.entries();
    let stats = &cache.stats;
    for (name, value) in [
        ("gazette_page_cache_hits_total", &stats.hits),
        ("gazette_page_cache_misses_total", &stats.misses),
        ("gazette_page_cache_bypasses_total", &stats.bypasses),
        (
            "gazette_page_cache_invalidations_total",
            &stats.invalidations,
        ),
    ] {
        metrics::counter!(name).absolute(value.load(Ordering::Relaxed));
    }
    metrics::gauge!("gazette_page_cache_bytes", "share" => "pages").set(page_bytes as f64);
    metrics::gauge!("gazette_page_cache_bytes", "share" => "search_and_not_found")
        .set(misc_bytes as f64);
    metrics::gauge!("gazette_page_cache_entries", "share" => "pages").set(page_entries as f64);
    metrics::gauge!("gazette_page_cache_entries", "share" => "search_and_not_found")
        .set(misc_entries as f64);
    let (size, idle) = state.store.pool_use();
    metrics::gauge!("gazette_db_pool_connections", "state" => "open").set(f64::from(size));
    metrics::gauge!("gazette_db_pool_connections", "state" => "idle").set(idle as f64);
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        handle.render(),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::route_class;

    #[test]
    fn any_url_falls_into_one_of_a_few_classes() {
        let class = |path| route_class(path).label();
        assert_eq!(class("/"), "home");
        assert_eq!(class("/articles/x"), "article");
        assert_eq!(class("/tags/rail/feed.xml"), "feed");
        assert_eq!(class("/tags/rail"), "listing");
        assert_eq!(class("/sitemaps/2.xml"), "sitemap");
        assert_eq!(class("/wp-login.php"), "other");
    }
}
