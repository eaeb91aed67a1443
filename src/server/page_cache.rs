//! The page cache: anonymous `GET`/`HEAD` reads of public pages, feeds, sitemaps and
//! `robots.txt` are answered from memory once rendered, with the final bytes already
//! compressed (identity, brotli, gzip, each made once when the entry is filled) and the
//! validator computed once.
//!
//! Freshness: every entry carries the site's content version (a counter the database
//! bumps on every change readers can see, whichever process wrote it). Each instance
//! polls that counter ([`watch`]) and checks it right after any write it served itself,
//! and an entry from an older version is never served. Staff requests (a session
//! cookie) bypass the cache: they see controls readers don't.
//!
//! Memory: entries are weighed in bytes against a budget. Search results and not-found
//! pages, which anyone can vary endlessly, live in a separate small share, so a flood of
//! distinct URLs can't push the hot pages out.

use super::db::DynStore;
use crate::model::SiteSettings;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use quick_cache::sync::Cache;
use quick_cache::Weighter;
use std::io::Write;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Duration;

/// Default memory budget for cached pages (`GAZETTE_PAGE_CACHE_MB`).
pub const DEFAULT_BUDGET_MB: u64 = 32;
/// Largest page body kept; anything larger is served uncached.
const MAX_ENTRY_BYTES: usize = 4 * 1024 * 1024;
/// How often each instance reads the content version written by other processes.
pub const POLL_INTERVAL: Duration = Duration::from_millis(250);
/// Compression levels used once per entry: good ratios at a few milliseconds a page.
const BROTLI_QUALITY: u32 = 9;
const GZIP_LEVEL: u32 = 9;

/// One cached response: its body in every encoding offered, each with its whole set of
/// response headers, made once when the entry is filled so that serving it copies them
/// and adds nothing.
pub struct Page {
    version: i64,
    status: StatusCode,
    etag: Option<HeaderValue>,
    /// Identity, brotli and gzip, in the order of [`Encoding`]; an empty compressed body
    /// means that encoding isn't offered.
    bodies: [Bytes; 3],
    heads: [HeaderMap; 3],
}

/// The encodings a page is kept in, as indexes into [`Page::bodies`] and [`Page::heads`].
#[derive(Clone, Copy)]
enum Encoding {
    Identity = 0,
    Brotli = 1,
    Gzip = 2,
}

impl Page {
    /// `headers` are the rendered response's, without any that depend on the body.
    fn new(
        version: i64,
        status: StatusCode,
        headers: HeaderMap,
        etag: Option<HeaderValue>,
        bodies: [Bytes; 3],
    ) -> Self {
        let heads = [Encoding::Identity, Encoding::Brotli, Encoding::Gzip].map(|encoding| {
            let mut head = headers.clone();
            head.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
            if let Some(tag) = &etag {
                head.insert(header::ETAG, tag.clone());
            }
            match encoding {
                Encoding::Identity => {}
                Encoding::Brotli => {
                    head.insert(header::CONTENT_ENCODING, HeaderValue::from_static("br"));
                }
                Encoding::Gzip => {
                    head.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
                }
            }
            head.insert(
                header::CONTENT_LENGTH,
                HeaderValue::from(bodies[encoding as usize].len()),
            );
            head
        });
        Page {
            version,
            status,
            etag,
            bodies,
            heads,
        }
    }

    fn weight(&self) -> u64 {
        let bodies: usize = self.bodies.iter().map(Bytes::len).sum();
        let heads: usize = self
            .heads
            .iter()
            .flat_map(|h| h.iter())
            .map(|(name, value)| name.as_str().len() + value.len() + 64)
            .sum();
        (bodies + heads + 256) as u64
    }
}

#[derive(Clone)]
struct ByBytes;

impl Weighter<String, Arc<Page>> for ByBytes {
    fn weight(&self, key: &String, page: &Arc<Page>) -> u64 {
        key.len() as u64 + page.weight()
    }
}

/// Counters for `/metrics`.
#[derive(Default)]
pub struct CacheStats {
    pub hits: AtomicU64,
    pub misses: AtomicU64,
    pub bypasses: AtomicU64,
    pub invalidations: AtomicU64,
}

/// The cache shared by every request of one instance.
pub struct PageCache {
    /// Pages most readers ask for: articles, home and listing pages, feeds, sitemaps.
    pages: Cache<String, Arc<Page>, ByBytes>,
    /// Search results and not-found pages: a small share of the budget of their own.
    misc: Cache<String, Arc<Page>, ByBytes>,
    /// The content version entries must carry to be served.
    version: AtomicI64,
    /// The publication's settings and the content version they were read at: every page
    /// rendered needs them, and they change only with that version. Kept even with
    /// caching off (their one row of a few hundred bytes).
    settings: RwLock<Option<(i64, Arc<SiteSettings>)>>,
    pub stats: CacheStats,
    enabled: bool,
}

pub type SharedCache = Arc<PageCache>;

impl PageCache {
    /// A cache holding up to `budget_bytes` (0 turns caching off), seven eighths for
    /// pages and one eighth for search results and not-found pages.
    pub fn new(budget_bytes: u64) -> SharedCache {
        let misc_budget = (budget_bytes / 8).max(1);
        let pages_budget = budget_bytes.saturating_sub(misc_budget).max(1);
        Arc::new(PageCache {
            pages: Cache::with_weighter(
                (pages_budget / 32_768).max(16) as usize,
                pages_budget,
                ByBytes,
            ),
            misc: Cache::with_weighter(
                (misc_budget / 8_192).max(16) as usize,
                misc_budget,
                ByBytes,
            ),
            version: AtomicI64::new(i64::MIN),
            settings: RwLock::new(None),
            stats: CacheStats::default(),
            enabled: budget_bytes > 0,
        })
    }

    /// Records the content version read from the database; a new one empties the cache.
    pub fn observe_version(&self, version: i64) {
        if self.version.swap(version, Ordering::SeqCst) != version {
            self.pages.clear();
            self.misc.clear();
            self.stats.invalidations.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// The content version this instance last read.
    pub fn version(&self) -> i64 {
        self.version.load(Ordering::SeqCst)
    }

    /// The settings kept for content version `version`, if that is the current one.
    pub fn settings_at(&self, version: i64) -> Option<Arc<SiteSettings>> {
        let kept = self.settings.read().unwrap_or_else(|e| e.into_inner());
        kept.as_ref()
            .filter(|(at, _)| *at == version && version == self.version())
            .map(|(_, site)| site.clone())
    }

    /// Keeps `site`, read from the database after content version `version` was seen,
    /// for later pages at that version (never before any version was read: a database
    /// that couldn't be asked then can't say when they change).
    pub fn keep_settings(&self, version: i64, site: Arc<SiteSettings>) {
        if version != i64::MIN {
            *self.settings.write().unwrap_or_else(|e| e.into_inner()) = Some((version, site));
        }
    }

    /// Bytes held (pages, search and not-found share).
    pub fn bytes(&self) -> (u64, u64) {
        (self.pages.weight(), self.misc.weight())
    }

    /// Entries held (pages, search and not-found share).
    pub fn entries(&self) -> (usize, usize) {
        (self.pages.len(), self.misc.len())
    }

    /// Whether `path` holds a cached, current entry (for tests and diagnostics).
    pub fn holds(&self, key: &str) -> bool {
        let current = self.version.load(Ordering::SeqCst);
        [&self.pages, &self.misc]
            .iter()
            .any(|c| c.peek(key).is_some_and(|p| p.version == current))
    }
}

/// Reads the content version every [`POLL_INTERVAL`], so writes made by other processes
/// and other instances reach this instance's readers within a second.
pub async fn watch(cache: SharedCache, store: DynStore) {
    let mut tick = tokio::time::interval(POLL_INTERVAL);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        refresh(&cache, &store).await;
    }
}

/// Reads the content version once; a database error leaves the cache as it is (the poll
/// comes round again, and readers keep getting pages during an outage).
pub async fn refresh(cache: &PageCache, store: &DynStore) {
    match store.content_version().await {
        Ok(v) => cache.observe_version(v),
        Err(e) => tracing::debug!(error = %e, "content version unavailable"),
    }
}

/// Which part of the cache a request belongs to, if any.
enum Share {
    Pages,
    Misc,
}

fn share_of(req: &Request) -> Option<Share> {
    if !matches!(*req.method(), Method::GET | Method::HEAD) {
        return None;
    }
    let path = req.uri().path();
    if path.starts_with("/admin")
        || path.starts_with("/api/")
        || path.starts_with("/pkg/")
        || path.starts_with("/media/")
        || path == "/healthz"
        || path == "/metrics"
    {
        return None;
    }
    if super::auth::carries_session_cookie(req.headers()) {
        return None;
    }
    Some(if path == "/search" {
        Share::Misc
    } else {
        Share::Pages
    })
}

/// The middleware: serves cached pages, fills the cache on a miss (one render per key
/// however many readers ask at once), and after a write this instance served, checks
/// the content version so the writer's next read is fresh.
pub async fn serve(
    State((cache, store)): State<(SharedCache, DynStore)>,
    req: Request,
    next: Next,
) -> Response {
    // With caching off, writes still move this instance's content version at once (the
    // publication's settings are kept per version).
    let share = if cache.enabled { share_of(&req) } else { None };
    let Some(share) = share else {
        let writes = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
        if cache.enabled && matches!(*req.method(), Method::GET | Method::HEAD) {
            cache.stats.bypasses.fetch_add(1, Ordering::Relaxed);
        }
        let res = next.run(req).await;
        if writes && (res.status().is_success() || res.status().is_redirection()) {
            refresh(&cache, &store).await;
        }
        return res;
    };
    // A GET or HEAD body means nothing; the parts are all the cache needs.
    let (req, _) = req.into_parts();
    let key = match req.uri.query() {
        Some(q) => format!("{}?{q}", req.uri.path()),
        None => req.uri.path().to_string(),
    };
    let version = cache.version.load(Ordering::SeqCst);
    let store_in = match share {
        Share::Pages => &cache.pages,
        Share::Misc => &cache.misc,
    };
    if matches!(share, Share::Pages) {
        // The common case first: a page kept and current.
        if let Some(page) = cache.pages.get(&key).filter(|p| p.version == version) {
            cache.stats.hits.fetch_add(1, Ordering::Relaxed);
            return answer(&page, &req);
        }
        // An address known not to exist is answered from the not-found share.
        if let Some(page) = cache.misc.get(&key).filter(|p| p.version == version) {
            cache.stats.hits.fetch_add(1, Ordering::Relaxed);
            return answer(&page, &req);
        }
    }
    // A stale entry (rendered before the last change) is dropped and rendered again.
    for _ in 0..2 {
        match store_in.get_value_or_guard_async(&key).await {
            Ok(page) if page.version == version => {
                cache.stats.hits.fetch_add(1, Ordering::Relaxed);
                return answer(&page, &req);
            }
            Ok(_) => {
                store_in.remove(&key);
            }
            Err(guard) => {
                cache.stats.misses.fetch_add(1, Ordering::Relaxed);
                let (page, res) = render(&req, next, version).await;
                let Some(page) = page else {
                    return res;
                };
                let page = Arc::new(page);
                let current = cache.version.load(Ordering::SeqCst) == version;
                if page.status == StatusCode::OK {
                    // Kept even when the content changed during the render: it carries
                    // the version it was rendered at, so the readers who were waiting
                    // for it (who asked at that version) get it, and the next reader
                    // renders afresh. Dropping it made every waiter render in turn,
                    // which under steady publishing piled renders up behind each other.
                    let _ = guard.insert(page.clone());
                } else {
                    drop(guard);
                    // Not-found pages and redirects from old addresses: answers for
                    // addresses that hold no page.
                    let no_page = matches!(
                        page.status,
                        StatusCode::NOT_FOUND | StatusCode::MOVED_PERMANENTLY
                    );
                    if current && no_page {
                        cache.misc.insert(key.clone(), page.clone());
                    }
                }
                return answer(&page, &req);
            }
        }
    }
    let (page, res) = render(&req, next, version).await;
    page.map_or(res, |p| answer(&p, &req))
}

/// Renders the page for the cache: the request without cookies, validators or encoding
/// preferences, so the entry fits every reader. Returns the entry when the response may
/// be cached, or the response itself when it may not (errors, cookies, private pages).
async fn render(req: &Parts, next: Next, version: i64) -> (Option<Page>, Response) {
    let mut inner = Request::builder()
        .method(Method::GET)
        .uri(req.uri.clone())
        .version(req.version);
    for (name, value) in &req.headers {
        if !matches!(
            *name,
            header::COOKIE
                | header::IF_NONE_MATCH
                | header::IF_MODIFIED_SINCE
                | header::ACCEPT_ENCODING
                | header::RANGE
        ) {
            inner = inner.header(name, value);
        }
    }
    let mut inner = inner
        .body(Body::empty())
        .expect("a copy of a valid request");
    *inner.extensions_mut() = req.extensions.clone();
    let res = next.run(inner).await;
    let cacheable = matches!(
        res.status(),
        StatusCode::OK | StatusCode::NOT_FOUND | StatusCode::MOVED_PERMANENTLY
    ) && !res.headers().contains_key(header::SET_COOKIE)
        && !res.headers().contains_key(header::CONTENT_ENCODING)
        && !res
            .headers()
            .get(header::CACHE_CONTROL)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains("no-store") || v.contains("private"));
    if !cacheable {
        return (None, res);
    }
    let (parts, body) = res.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_ENTRY_BYTES).await else {
        return (None, StatusCode::SERVICE_UNAVAILABLE.into_response());
    };
    let identity = bytes.clone();
    let (br, gzip) = tokio::task::spawn_blocking(move || (brotli(&identity), gzip(&identity)))
        .await
        .unwrap_or_default();
    let mut headers = parts.headers;
    headers.remove(header::CONTENT_LENGTH);
    headers.remove(header::VARY);
    headers.remove(header::TRANSFER_ENCODING);
    let etag = headers.remove(header::ETAG);
    let page = Page::new(version, parts.status, headers, etag, [bytes, br, gzip]);
    let res = answer(&page, req);
    (Some(page), res)
}

fn brotli(data: &[u8]) -> Bytes {
    let mut out = Vec::with_capacity(data.len() / 4);
    {
        let mut w = brotli::CompressorWriter::new(&mut out, 16 * 1024, BROTLI_QUALITY, 22);
        let _ = w.write_all(data);
    }
    Bytes::from(out)
}

fn gzip(data: &[u8]) -> Bytes {
    let mut w = flate2::write::GzEncoder::new(
        Vec::with_capacity(data.len() / 3),
        flate2::Compression::new(GZIP_LEVEL),
    );
    let _ = w.write_all(data);
    Bytes::from(w.finish().unwrap_or_default())
}

/// The encodings a client accepts, as (brotli, gzip), honouring `q=0`.
fn accepted(headers: &HeaderMap) -> (bool, bool) {
    let mut br = false;
    let mut gz = false;
    for value in headers
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
    {
        for item in value.split(',') {
            let mut parts = item.split(';');
            let coding = parts.next().unwrap_or("").trim();
            let refused = parts.any(|p| {
                p.trim()
                    .strip_prefix("q=")
                    .and_then(|q| q.trim().parse::<f32>().ok())
                    .is_some_and(|q| q <= 0.0)
            });
            if coding.eq_ignore_ascii_case("br") {
                br = !refused;
            } else if coding.eq_ignore_ascii_case("gzip") || coding.eq_ignore_ascii_case("x-gzip") {
                gz = !refused;
            } else if coding == "*" && !refused {
                br = true;
                gz = true;
            }
        }
    }
    (br, gz)
}

/// The response to `req` from `page`: 304 when the validator matches, otherwise the
/// body in the best encoding the client accepts (none for `HEAD`).
fn answer(page: &Page, req: &Parts) -> Response {
    if let Some(tag) = &page.etag {
        let matches = req
            .headers
            .get(header::IF_NONE_MATCH)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| {
                v.split(',')
                    .map(str::trim)
                    .any(|t| t == "*" || t.as_bytes() == tag.as_bytes())
            });
        if matches && page.status == StatusCode::OK {
            let mut res = StatusCode::NOT_MODIFIED.into_response();
            let mut headers = page.heads[Encoding::Identity as usize].clone();
            headers.remove(header::CONTENT_LENGTH);
            *res.headers_mut() = headers;
            return res;
        }
    }
    let (br, gz) = accepted(&req.headers);
    let encoding = if br && !page.bodies[Encoding::Brotli as usize].is_empty() {
        Encoding::Brotli
    } else if gz && !page.bodies[Encoding::Gzip as usize].is_empty() {
        Encoding::Gzip
    } else {
        Encoding::Identity
    };
    let body = if req.method == Method::HEAD {
        Body::empty()
    } else {
        Body::from(page.bodies[encoding as usize].clone())
    };
    let mut res = Response::new(body);
    *res.status_mut() = page.status;
    *res.headers_mut() = page.heads[encoding as usize].clone();
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(accept: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::ACCEPT_ENCODING, accept.parse().unwrap());
        h
    }

    #[test]
    fn accept_encoding_is_read_with_its_refusals() {
        assert_eq!(accepted(&headers("gzip, deflate, br")), (true, true));
        assert_eq!(accepted(&headers("gzip")), (false, true));
        assert_eq!(accepted(&headers("br;q=0, gzip;q=0.5")), (false, true));
        assert_eq!(accepted(&headers("*")), (true, true));
        assert_eq!(accepted(&headers("GZip, BR")), (true, true));
        assert_eq!(accepted(&headers("identity")), (false, false));
        assert_eq!(accepted(&HeaderMap::new()), (false, false));
    }

    #[test]
    fn compressed_copies_decode_to_the_same_bytes() {
        use std::io::Read;
        let page = "<p>The harbour bridge reopens.</p>".repeat(200);
        let mut out = Vec::new();
        brotli::Decompressor::new(&brotli(page.as_bytes())[..], 4096)
            .read_to_end(&mut out)
            .unwrap();
        assert_eq!(out, page.as_bytes());
        let mut out = Vec::new();
        flate2::read::GzDecoder::new(&gzip(page.as_bytes())[..])
            .read_to_end(&mut out)
            .unwrap();
        assert_eq!(out, page.as_bytes());
    }
}
