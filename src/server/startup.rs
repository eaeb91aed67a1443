//! Start-up (connect, migrate, seed, print the set-up link) and the HTTP app with its
//! layers: security headers, cross-site write refusal, caching rules, compression.

use super::auth;
use super::commands::{import_parsed, open_store};
use super::config::Config;
use super::db::DynStore;
use super::feeds;
use super::forms::{account, login, two_factor};
use super::import;
use super::page_cache;
use super::state::AppState;
use crate::app::{shell, App};
use crate::error::AppError;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use leptos::config::LeptosOptions;
use leptos_axum::{generate_route_list, LeptosRoutes};
use tower_http::compression::{CompressionLayer, CompressionLevel};
use tower_http::request_id::{
    MakeRequestId, PropagateRequestIdLayer, RequestId, SetRequestIdLayer,
};
use tower_http::services::ServeDir;
use tower_http::timeout::{RequestBodyTimeoutLayer, TimeoutLayer};
use tower_http::trace::TraceLayer;

/// The bundled sample article, imported into an empty database.
const SEED_ARTICLE: &str = include_str!("../../fixtures/seed-article.txt");
/// Largest request body accepted (an article's Markdown fields are capped at 1 MiB each).
const MAX_REQUEST_BYTES: usize = 4 * 1024 * 1024;
/// Longest a request may take, body included (a body that stalls this long between
/// chunks is cut off too), before the answer is 503.
const REQUEST_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

/// `gazette` / `gazette serve`.
pub async fn serve() -> Result<(), String> {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| "info,sqlx=warn".into());
    if std::env::var("RUST_LOG_FORMAT").is_ok_and(|f| f.eq_ignore_ascii_case("json")) {
        tracing_subscriber::fmt()
            .json()
            .with_env_filter(filter)
            .init();
    } else {
        tracing_subscriber::fmt().with_env_filter(filter).init();
    }
    let metrics = super::metrics::install()?;
    tokio::spawn(super::metrics::upkeep(metrics.clone()));
    let (config, store) = open_store().await?;
    seed(&store).await?;
    let setup_link = if store.count_users().await.map_err(|e| e.to_string())? == 0 {
        let (token, hash) = auth::new_token();
        store
            .add_setup_token(&hash)
            .await
            .map_err(|e| e.to_string())?;
        Some(format!("{}/admin/setup?token={token}", config.public_url))
    } else {
        None
    };

    let state = AppState::with_metrics(
        leptos_options(&config),
        store,
        config.clone(),
        Some(metrics),
    );
    page_cache::refresh(&state.cache, &state.store).await;
    tokio::spawn(page_cache::watch(state.cache.clone(), state.store.clone()));
    tokio::spawn(publish_scheduled(
        state.store.clone(),
        state.config.schedule_interval,
    ));
    let listener = tokio::net::TcpListener::bind(config.site_addr)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", config.site_addr))?;
    println!("Gazette is running at {}", config.public_url);
    if let Some(link) = setup_link {
        println!("Create the owner account (one-time link): {link}");
    }
    let store = state.store.clone();
    let header_timeout = state.config.header_timeout;
    super::listen::serve(listener, app(state), header_timeout, shutdown_signal()).await;
    // Closing the pool lets SQLite checkpoint its write-ahead log and PostgreSQL see
    // the connections end, rather than both finding out when the process vanishes.
    store.close().await;
    Ok(())
}

/// Ctrl-C or SIGTERM (what service managers send): stop accepting, let requests in
/// flight finish, then exit.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = term => {}
    }
    tracing::info!("shutting down: finishing requests in flight");
}

/// Publishes scheduled articles when their time comes, looking every `interval`, and
/// tidies the kept status counts. Every instance runs this; the store publishes each
/// article exactly once. Survives restarts: the schedule is data.
async fn publish_scheduled(store: DynStore, interval: std::time::Duration) {
    let mut tick = tokio::time::interval(interval);
    loop {
        tick.tick().await;
        let outcome = match store.publish_due(chrono::Utc::now()).await {
            Ok(published) => {
                for a in published {
                    tracing::info!(slug = %a.slug, "published on schedule");
                }
                "ok"
            }
            Err(e) => {
                tracing::warn!(error = %e, "scheduled publishing failed; retrying");
                "error"
            }
        };
        metrics::counter!(super::metrics::SCHEDULE_RUNS, "outcome" => outcome).increment(1);
        if let Err(e) = store.fold_status_counts().await {
            tracing::warn!(error = %e, "folding the status counts failed; retrying");
        }
    }
}

/// Imports the bundled sample article into a database with no articles.
async fn seed(store: &DynStore) -> Result<(), String> {
    let count = || async { store.count_articles().await.map_err(|e| e.to_string()) };
    if count().await? > 0 {
        return Ok(());
    }
    let parsed = import::parse(SEED_ARTICLE).map_err(|e| format!("bundled seed article: {e}"))?;
    match import_parsed(
        store,
        vec![("seed-article.txt".into(), parsed)],
        true,
        false,
    )
    .await
    {
        Ok(_) => Ok(()),
        // Another instance starting at the same moment seeded it first.
        Err(_) if count().await? > 0 => Ok(()),
        Err(e) => Err(e),
    }
}

/// Leptos settings: the output name cargo-leptos compiled in, the site folder from
/// `LEPTOS_SITE_ROOT` (default `target/site`), and our listen address.
pub fn leptos_options(config: &Config) -> LeptosOptions {
    LeptosOptions::builder()
        .output_name(option_env!("LEPTOS_OUTPUT_NAME").unwrap_or("gazette"))
        .site_root(std::env::var("LEPTOS_SITE_ROOT").unwrap_or_else(|_| "target/site".into()))
        .site_pkg_dir("pkg")
        .site_addr(config.site_addr)
        .build()
}

/// The whole HTTP application for `state`. Outermost first: the request id, metrics,
/// the page cache (so a hit costs nothing more), the request span for logs, body limits
/// and time-outs, cross-site write refusal, headers, compression of what the cache
/// doesn't hold, validators, HTML fixes, error statuses, then the routes.
pub fn app(state: AppState) -> Router {
    let routes = generate_route_list(App);
    let opts = state.leptos_options.clone();
    let pkg = ServeDir::new(format!("{}/pkg", opts.site_root))
        .precompressed_br()
        .precompressed_gzip();
    let cache_state = (state.cache.clone(), state.store.clone());
    let site = Router::new()
        .route("/admin/login", post(login::login))
        .route("/admin/logout", post(login::logout))
        .route("/admin/setup", post(login::setup))
        .route("/admin/invite", post(login::accept_invite))
        .route("/admin/account/password", post(account::change_password))
        .route("/admin/account/revoke", post(account::revoke_session))
        .route("/admin/account/logout-others", post(account::logout_others))
        .route("/admin/login/two-factor", post(two_factor::login_code))
        .route("/admin/account/two-factor/start", post(two_factor::start))
        .route("/admin/account/two-factor/cancel", post(two_factor::cancel))
        .route(
            "/admin/account/two-factor/confirm",
            post(two_factor::confirm),
        )
        .route(
            "/admin/account/two-factor/disable",
            post(two_factor::disable),
        )
        .route(
            "/admin/account/two-factor/recovery-codes",
            post(two_factor::new_codes),
        )
        .route(
            "/admin/media/upload",
            post(super::media::http::upload).layer(DefaultBodyLimit::max(
                super::media::http::MAX_UPLOAD_REQUEST_BYTES,
            )),
        )
        .route("/media/{file}", get(super::media::http::serve))
        .route("/healthz", get(healthz))
        .route("/metrics", get(super::metrics::serve))
        .route("/feed.xml", get(feeds::site_feed))
        .route("/tags/{slug}/feed.xml", get(feeds::tag_feed))
        .route("/sitemap.xml", get(feeds::sitemap))
        .route("/sitemaps/{file}", get(feeds::sitemap_file))
        .route("/news-sitemap.xml", get(feeds::news_sitemap))
        .route("/robots.txt", get(feeds::robots))
        .nest_service("/pkg", pkg)
        .leptos_routes_with_context(&state, routes, || {}, move || shell(opts.clone()))
        .fallback(leptos_axum::file_and_error_handler_with_context::<
            AppState,
            _,
        >(|| {}, shell))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            super::settings::provide,
        ))
        .layer(middleware::from_fn(error_status))
        .layer(middleware::from_fn_with_state(
            state.store.clone(),
            super::redirects::moved,
        ))
        .layer(middleware::from_fn(super::html::valid_html))
        .layer(middleware::from_fn(conditional_get))
        .layer(CompressionLayer::new().quality(CompressionLevel::Precise(4)))
        .layer(middleware::from_fn_with_state(state.clone(), headers))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            refuse_cross_site,
        ))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::SERVICE_UNAVAILABLE,
            REQUEST_TIMEOUT,
        ))
        .layer(RequestBodyTimeoutLayer::new(REQUEST_TIMEOUT))
        .layer(DefaultBodyLimit::max(MAX_REQUEST_BYTES))
        .layer(
            TraceLayer::new_for_http().make_span_with(|req: &Request| {
                let id = req
                    .headers()
                    .get("x-request-id")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("-");
                tracing::info_span!("request", id = %id, method = %req.method(), path = %req.uri().path())
            }),
        )
        .with_state(state);
    // The outer layers wrap the routed site as one service, stacked as one concrete
    // type: layers added to a router wrap each route, each in a box of its own, and each
    // request clones its route's whole stack (the leptos handlers' options included,
    // and one allocation per box), which a page-cache hit never uses.
    let outer = tower::ServiceBuilder::new()
        .layer(SetRequestIdLayer::x_request_id(RequestIds::new()))
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(middleware::from_fn(super::metrics::track))
        .layer(middleware::from_fn_with_state(
            cache_state,
            page_cache::serve,
        ))
        .service(site);
    Router::new().fallback_service(outer)
}

/// Request ids: this process's random prefix and a counter, unique across instances
/// for any practical purpose, at the cost of an atomic add (a random UUID per request
/// cost a system call on the page cache's hot path).
#[derive(Clone)]
struct RequestIds {
    prefix: u64,
    next: std::sync::Arc<std::sync::atomic::AtomicU64>,
}

impl RequestIds {
    fn new() -> Self {
        RequestIds {
            prefix: rand::random(),
            next: Default::default(),
        }
    }
}

impl MakeRequestId for RequestIds {
    fn make_request_id<B>(&mut self, _: &axum::http::Request<B>) -> Option<RequestId> {
        let n = self.next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let id = format!("{:016x}-{n:x}", self.prefix);
        HeaderValue::from_str(&id).ok().map(RequestId::new)
    }
}

async fn healthz(State(state): State<AppState>) -> Response {
    match state.store.ping().await {
        Ok(()) => (StatusCode::OK, "ok").into_response(),
        Err(_) => (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response(),
    }
}

/// Gives server-function errors their HTTP status (401, 404, 409, 422, …): the framework
/// answers every error with 500, and the body says which [`AppError`] it was.
async fn error_status(req: Request, next: Next) -> Response {
    let res = next.run(req).await;
    if res.status() != StatusCode::INTERNAL_SERVER_ERROR
        || !res.headers().contains_key("serverfnerror")
    {
        return res;
    }
    let (mut parts, body) = res.into_parts();
    let bytes = axum::body::to_bytes(body, 64 * 1024)
        .await
        .unwrap_or_default();
    if let Ok(e) = serde_json::from_slice::<AppError>(&bytes) {
        parts.status =
            StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    }
    Response::from_parts(parts, axum::body::Body::from(bytes))
}

/// Answers `If-None-Match` with 304 for public pages, feeds and sitemaps: their ETag is
/// a hash of the body (weak, since compression may change the bytes sent). Pages carry
/// no per-request nonce, so an unchanged page always hashes the same.
async fn conditional_get(req: Request, next: Next) -> Response {
    let path = req.uri().path();
    if !matches!(*req.method(), Method::GET | Method::HEAD)
        || path.starts_with("/admin")
        || path.starts_with("/api/")
        || path.starts_with("/pkg/")
        || path.starts_with("/media/")
    {
        return next.run(req).await;
    }
    let if_none_match = req.headers().get(header::IF_NONE_MATCH).cloned();
    let res = next.run(req).await;
    if res.status() != StatusCode::OK {
        return res;
    }
    let (mut parts, body) = res.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 16 * 1024 * 1024).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let tag = etag(&bytes);
    let Ok(value) = HeaderValue::from_str(&tag) else {
        return Response::from_parts(parts, axum::body::Body::from(bytes));
    };
    parts.headers.insert(header::ETAG, value);
    let matches = if_none_match
        .as_ref()
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == tag || t.trim() == "*"));
    if matches {
        parts.status = StatusCode::NOT_MODIFIED;
        parts.headers.remove(header::CONTENT_LENGTH);
        return Response::from_parts(parts, axum::body::Body::empty());
    }
    Response::from_parts(parts, axum::body::Body::from(bytes))
}

/// A body's validator: its length and a 64-bit hash of it, with a fixed seed so that
/// every instance of one build tags a page alike. It only tells one version of a page
/// from another, nothing an attacker could choose matters to it, so it needs no
/// cryptographic hash: SHA-256 took 96 µs of a 172 KB feed, foldhash 6.5 µs.
fn etag(bytes: &[u8]) -> String {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = foldhash::quality::FixedState::with_seed(0x0067_617a_6574_7465).build_hasher();
    hasher.write(bytes);
    format!("W/\"{:x}-{:016x}\"", bytes.len(), hasher.finish())
}

/// Refuses state-changing requests sent from another site (CSRF): `Sec-Fetch-Site:
/// cross-site`, or an `Origin` that is not exactly the configured public origin (scheme,
/// host and port; the `Host` header is the client's to choose, so it proves nothing),
/// gets 403 before any handler runs.
async fn refuse_cross_site(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(req).await;
    }
    let h = req.headers();
    let cross_site = h
        .get("sec-fetch-site")
        .is_some_and(|v| v.as_bytes() == b"cross-site");
    let foreign_origin = h
        .get(header::ORIGIN)
        .is_some_and(|origin| origin.as_bytes() != state.config.public_origin().as_bytes());
    if cross_site || foreign_origin {
        return (
            StatusCode::FORBIDDEN,
            "Cross-site requests are not allowed.",
        )
            .into_response();
    }
    next.run(req).await
}

/// Security headers on every response, and caching rules per route: staff pages and the
/// API are never cached; built assets with hashed names forever, other assets for five
/// minutes; public pages may be kept but are revalidated on every view (their ETag makes
/// that a 304), so no browser or proxy shows a page older than the site's own; a public
/// page rendered for staff is private to their browser.
async fn headers(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let path = req.uri().path().to_string();
    let staff = super::auth::carries_session_cookie(req.headers());
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    let set = |h: &mut axum::http::HeaderMap, name: &'static str, value: HeaderValue| {
        h.entry(name).or_insert(value);
    };
    set(
        h,
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    set(h, "x-frame-options", HeaderValue::from_static("DENY"));
    set(
        h,
        "referrer-policy",
        HeaderValue::from_static("strict-origin-when-cross-origin"),
    );
    if let Ok(csp) = HeaderValue::from_str(&state.assets.csp) {
        set(h, "content-security-policy", csp);
    }
    if state.config.secure_cookies() {
        set(
            h,
            "strict-transport-security",
            HeaderValue::from_static("max-age=63072000; includeSubDomains"),
        );
    }
    let cache = if path.starts_with("/admin") || path.starts_with("/api") {
        "private, no-store"
    } else if path.starts_with("/pkg/") && is_hashed_asset(&path) {
        "public, max-age=31536000, immutable"
    } else if path.starts_with("/pkg/") || path == "/favicon.svg" {
        "public, max-age=300"
    } else if staff {
        "private, no-cache"
    } else {
        "public, no-cache"
    };
    set(h, "cache-control", HeaderValue::from_static(cache));
    res
}

/// Whether `path` names a built asset by its content hash (`name.<16 hex>.ext`).
fn is_hashed_asset(path: &str) -> bool {
    let mut parts = path.rsplit('.');
    let _ext = parts.next();
    parts
        .next()
        .is_some_and(|h| h.len() == 16 && h.bytes().all(|b| b.is_ascii_hexdigit()))
}
