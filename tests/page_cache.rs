//! The page cache as readers and staff meet it: pages served from memory in every
//! encoding, validators and `HEAD`, staff never cached, one render per page however
//! many readers ask at once, floods of distinct URLs kept out of the way, and changes
//! seen within a second — including changes made by another process.

use crate::common::*;
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use gazette::model::{Role, SavedArticle};
use http_body_util::BodyExt;
use serde_json::json;
use std::io::Read;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};
use tower::ServiceExt;

const BUDGET: u64 = 8 * 1024 * 1024;

/// A cached site with one published article; returns its path.
async fn site_with_article(title: &str) -> (Site, String) {
    let site = Site::with_page_cache(BUDGET).await;
    let editor = site.user(Role::Editor).await;
    let a = site.article(title).by(&editor).published().await;
    gazette::server::page_cache::refresh(&site.cache, &site.store).await;
    (site, format!("/articles/{}", a.slug))
}

struct Raw {
    status: StatusCode,
    headers: axum::http::HeaderMap,
    body: Vec<u8>,
}

async fn raw(site: &Site, method: &str, path: &str, headers: &[(&str, &str)]) -> Raw {
    let mut req = Request::builder().method(method).uri(path);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let res = site
        .app
        .clone()
        .oneshot(req.body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    let body = res.into_body().collect().await.unwrap().to_bytes().to_vec();
    Raw {
        status,
        headers,
        body,
    }
}

#[tokio::test]
async fn a_page_is_served_from_memory_in_every_encoding_with_the_same_bytes() {
    let (site, path) = site_with_article("Harbour bridge reopens").await;
    let first = raw(&site, "GET", &path, &[]).await;
    assert_eq!(first.status, 200);
    assert!(site.cache.holds(&path), "the rendered page was kept");
    let misses = site.cache.stats.misses.load(Ordering::Relaxed);

    let plain = raw(&site, "GET", &path, &[("accept-encoding", "identity")]).await;
    let br = raw(&site, "GET", &path, &[("accept-encoding", "gzip, br")]).await;
    let gz = raw(&site, "GET", &path, &[("accept-encoding", "gzip")]).await;
    assert_eq!(
        site.cache.stats.misses.load(Ordering::Relaxed),
        misses,
        "no second render"
    );
    assert!(site.cache.stats.hits.load(Ordering::Relaxed) >= 3);
    assert_eq!(plain.body, first.body);
    assert!(String::from_utf8_lossy(&plain.body).contains("Harbour bridge reopens"));
    assert_eq!(br.headers[header::CONTENT_ENCODING], "br");
    assert_eq!(gz.headers[header::CONTENT_ENCODING], "gzip");
    assert!(!plain.headers.contains_key(header::CONTENT_ENCODING));
    let mut from_br = Vec::new();
    brotli::Decompressor::new(&br.body[..], 4096)
        .read_to_end(&mut from_br)
        .unwrap();
    let mut from_gz = Vec::new();
    flate2::read::GzDecoder::new(&gz.body[..])
        .read_to_end(&mut from_gz)
        .unwrap();
    assert_eq!(from_br, plain.body);
    assert_eq!(from_gz, plain.body);
    for r in [&plain, &br, &gz] {
        assert_eq!(r.headers[header::VARY], "accept-encoding");
        assert_eq!(
            r.headers[header::CONTENT_LENGTH].to_str().unwrap(),
            r.body.len().to_string()
        );
        assert!(r.headers.contains_key("content-security-policy"));
    }
}

#[tokio::test]
async fn cached_pages_answer_validators_and_head() {
    let (site, path) = site_with_article("Night ferry timetable").await;
    let page = raw(&site, "GET", &path, &[("accept-encoding", "br")]).await;
    let etag = page.headers[header::ETAG].to_str().unwrap().to_string();
    let again = raw(&site, "GET", &path, &[("if-none-match", &etag)]).await;
    assert_eq!(again.status, StatusCode::NOT_MODIFIED);
    assert!(again.body.is_empty());
    assert_eq!(again.headers[header::ETAG].to_str().unwrap(), etag);
    let head = raw(&site, "HEAD", &path, &[("accept-encoding", "br")]).await;
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty());
    assert_eq!(
        head.headers[header::CONTENT_LENGTH].to_str().unwrap(),
        page.body.len().to_string()
    );
    for feed in ["/feed.xml", "/sitemap.xml", "/robots.txt", "/"] {
        assert_eq!(raw(&site, "GET", feed, &[]).await.status, 200, "{feed}");
        assert!(site.cache.holds(feed), "{feed} is cached");
    }
}

#[tokio::test]
async fn a_publish_through_the_api_is_seen_by_the_next_read() {
    let (site, _) = site_with_article("Tide tables").await;
    let home = raw(&site, "GET", "/", &[]).await;
    assert!(!String::from_utf8_lossy(&home.body).contains("Lighthouse keeper retires"));
    let editor = site.session(Role::Editor).await;
    let saved = site.saved(&editor, "Lighthouse keeper retires").await;
    let published = site
        .call(
            "publish_article",
            json!({ "id": saved.id, "version": saved.version }),
            Some(&editor),
        )
        .await;
    assert_eq!(published.status, 200, "{}", published.body);
    let home = raw(&site, "GET", "/", &[]).await;
    assert!(String::from_utf8_lossy(&home.body).contains("Lighthouse keeper retires"));

    let corrected = site
        .call(
            "add_correction",
            json!({ "id": saved.id, "note": "The keeper served 31 years, not 30." }),
            Some(&editor),
        )
        .await;
    assert_eq!(corrected.status, 200, "{}", corrected.body);
    let article = raw(&site, "GET", "/articles/lighthouse-keeper-retires", &[]).await;
    assert!(String::from_utf8_lossy(&article.body).contains("31 years, not 30"));
}

#[tokio::test]
async fn an_import_by_another_process_reaches_readers_within_a_second() {
    let (site, _) = site_with_article("Market day").await;
    tokio::spawn(gazette::server::page_cache::watch(
        site.cache.clone(),
        site.store.clone(),
    ));
    let before = raw(&site, "GET", "/", &[]).await;
    assert!(!String::from_utf8_lossy(&before.body).contains("Ferry strike called off"));
    let file = site.dir().join("ferry.txt");
    std::fs::write(
        &file,
        "Ferry strike called off\n\nCrews return on Monday.\n",
    )
    .unwrap();
    let out = site.gazette(&["import", "--publish", file.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let committed = Instant::now();
    loop {
        let home = raw(&site, "GET", "/", &[]).await;
        if String::from_utf8_lossy(&home.body).contains("Ferry strike called off") {
            break;
        }
        assert!(
            committed.elapsed() < Duration::from_secs(1),
            "the import was not seen within a second"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn staff_get_uncached_pages_with_their_controls_and_readers_never_get_those() {
    let (site, path) = site_with_article("Council budget vote").await;
    let editor = site.session(Role::Editor).await;
    let staff = site.get(&path, Some(&editor)).await;
    assert_eq!(staff.status, 200);
    assert!(!site.cache.holds(&path), "a staff read fills nothing");
    let reader = site.get(&path, None).await;
    assert!(site.cache.holds(&path));
    assert!(
        !reader.body.contains("/admin/articles/"),
        "no staff controls"
    );
    let staff_again = site.get(&path, Some(&editor)).await;
    assert_eq!(staff_again.body, staff.body);
}

#[tokio::test]
async fn many_readers_asking_at_once_cause_one_render() {
    let (site, path) = site_with_article("Storm warning").await;
    let before = site.cache.stats.misses.load(Ordering::Relaxed);
    let reads = (0..100).map(|_| {
        let app = site.app.clone();
        let path = path.clone();
        tokio::spawn(async move {
            let req = Request::get(&path).body(Body::empty()).unwrap();
            app.oneshot(req).await.unwrap().status()
        })
    });
    for r in futures_join(reads).await {
        assert_eq!(r, 200);
    }
    assert_eq!(site.cache.stats.misses.load(Ordering::Relaxed) - before, 1);
}

async fn futures_join(
    handles: impl Iterator<Item = tokio::task::JoinHandle<StatusCode>>,
) -> Vec<StatusCode> {
    let mut out = Vec::new();
    for h in handles {
        out.push(h.await.unwrap());
    }
    out
}

#[tokio::test]
async fn a_flood_of_distinct_urls_does_not_push_out_the_article() {
    let site = Site::with_page_cache(1024 * 1024).await;
    let editor = site.user(Role::Editor).await;
    site.article("Flood target").by(&editor).published().await;
    gazette::server::page_cache::refresh(&site.cache, &site.store).await;
    let path = "/articles/flood-target";
    assert_eq!(raw(&site, "GET", path, &[]).await.status, 200);
    for i in 0..400 {
        raw(&site, "GET", &format!("/search?q=random{i}"), &[]).await;
        let missing = raw(&site, "GET", &format!("/articles/no-such-{i}"), &[]).await;
        assert_eq!(missing.status, 404);
    }
    assert!(site.cache.holds(path), "the article survived the flood");
    let (pages, misc) = site.cache.bytes();
    assert!(pages + misc <= 1024 * 1024, "{pages} + {misc} bytes");
}

/// Saving drafts, however tagged, changes nothing readers see: the content version
/// (whose every move empties every instance's page cache) stays where it was. On
/// PostgreSQL a statement trigger on `tags` used to fire on every save's tag upsert.
#[tokio::test]
async fn saving_drafts_leaves_the_page_cache_alone() {
    let site = Site::new().await;
    let editor = site.session(Role::Editor).await;
    let save = |id: Option<i64>, version: Option<i64>, tags: &[&str]| {
        let mut draft = sample_draft("Quiet draft");
        draft.tags = tags.iter().map(|t| t.to_string()).collect();
        site.call(
            "save_article",
            json!({ "id": id, "base_version": version, "draft": draft }),
            Some(&editor),
        )
    };
    let before = site.store.content_version().await.unwrap();
    let r = save(None, None, &["Harbour", "Night Trains"]).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let a: SavedArticle = serde_json::from_str(&r.body).unwrap();
    let r = save(Some(a.id), Some(a.version), &["Harbour"]).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let a: SavedArticle = serde_json::from_str(&r.body).unwrap();
    let r = save(Some(a.id), Some(a.version), &[]).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(site.store.content_version().await.unwrap(), before);
}

/// On PostgreSQL a transaction moves the content version once, however many changes it
/// makes: each bump of the counter row used to keep one more row version alive until
/// the commit, which made an import or copy of thousands of articles quadratic in time.
/// (SQLite updates the row in place and keeps a bump per change.)
#[tokio::test]
#[ignore = "PostgreSQL only: the PostgreSQL pass runs it with --include-ignored"]
async fn an_import_moves_the_content_version_once_on_postgresql() {
    let site = Site::new().await;
    assert!(!site.url.starts_with("sqlite:"), "needs TEST_DATABASE_URL");
    let before = site.store.content_version().await.unwrap();
    let files = (0..5)
        .map(|n| {
            let mut lines: Vec<String> = include_str!("../fixtures/seed-article.txt")
                .split('\n')
                .map(String::from)
                .collect();
            lines[2] = format!("Ferry story {n}");
            let parsed = gazette::server::import::parse(&lines.join("\n")).unwrap();
            (std::path::PathBuf::from(format!("{n}.txt")), parsed)
        })
        .collect();
    let stored = gazette::server::commands::import_parsed(&site.store, files, true, false)
        .await
        .unwrap();
    assert_eq!(stored, 5);
    assert_eq!(site.store.content_version().await.unwrap(), before + 1);
    let home = site.get("/", None).await;
    assert!(home.body.contains("Ferry story 4"));
}
