//! Links that don't break: a published article's old addresses answer 301 to its
//! current one in a single hop, through the page cache, and are never given to another
//! article.

use crate::common::*;
use axum::body::Body;
use axum::http::{header, Request};
use gazette::model::Role;
use serde_json::{json, Value};
use tower::ServiceExt;

const BUDGET: u64 = 8 * 1024 * 1024;

/// Status and `Location` of an anonymous `GET` (answered by the page cache when it can).
async fn visit(site: &Site, path: &str) -> (u16, Option<String>) {
    let res = site
        .app
        .clone()
        .oneshot(Request::get(path).body(Body::empty()).unwrap())
        .await
        .unwrap();
    let location = res
        .headers()
        .get(header::LOCATION)
        .map(|v| v.to_str().unwrap().to_string());
    (res.status().as_u16(), location)
}

/// Saves `draft` through the editor's server function; the reply as JSON.
async fn save(site: &Site, cookie: &str, id: &Value, version: &Value, draft: Value) -> Reply {
    site.call(
        "save_article",
        json!({ "id": id, "base_version": version, "draft": draft }),
        Some(cookie),
    )
    .await
}

/// A published article written through the editor; returns the saved JSON.
async fn published(site: &Site, cookie: &str, title: &str) -> Value {
    let saved = site.saved(cookie, title).await;
    let done = site
        .call(
            "publish_article",
            json!({ "id": saved.id, "version": saved.version }),
            Some(cookie),
        )
        .await;
    assert_eq!(done.status, 200, "{}", done.body);
    serde_json::from_str(&done.body).unwrap()
}

/// Gives article `a` (as last saved) the address `slug`; returns the reply.
async fn rename(site: &Site, cookie: &str, a: &Value, title: &str, slug: &str) -> Reply {
    let mut draft = json!(sample_draft(title));
    draft["slug"] = json!(slug);
    save(site, cookie, &a["id"], &a["version"], draft).await
}

#[tokio::test]
async fn a_renamed_article_answers_301_from_its_old_address() {
    let site = Site::with_page_cache(BUDGET).await;
    let editor = site.session(Role::Editor).await;
    let a = published(&site, &editor, "Harbour bridge reopens").await;
    assert_eq!(
        visit(&site, "/articles/harbour-bridge-reopens").await.0,
        200
    );
    // The new address was a cached not-found page until now.
    assert_eq!(visit(&site, "/articles/bridge-reopens").await.0, 404);

    let renamed = rename(
        &site,
        &editor,
        &a,
        "Harbour bridge reopens",
        "bridge-reopens",
    )
    .await;
    assert_eq!(renamed.status, 200, "{}", renamed.body);
    let renamed: Value = serde_json::from_str(&renamed.body).unwrap();
    assert_eq!(renamed["slug"], "bridge-reopens");

    assert_eq!(
        visit(&site, "/articles/harbour-bridge-reopens").await,
        (301, Some("/articles/bridge-reopens".into()))
    );
    // Asked again, the answer comes from the cache and is the same.
    assert_eq!(
        visit(&site, "/articles/harbour-bridge-reopens").await,
        (301, Some("/articles/bridge-reopens".into()))
    );
    assert!(site.cache.holds("/articles/harbour-bridge-reopens"));
    assert_eq!(visit(&site, "/articles/bridge-reopens").await.0, 200);
    let page = site.get("/articles/bridge-reopens", None).await;
    assert!(page
        .body
        .contains(r#"href="http://127.0.0.1:3000/articles/bridge-reopens""#));
}

#[tokio::test]
async fn two_renames_still_lead_there_in_one_hop() {
    let site = Site::with_page_cache(BUDGET).await;
    let editor = site.session(Role::Editor).await;
    let a = published(&site, &editor, "Tide tables").await;
    let b = rename(&site, &editor, &a, "Tide tables", "tide-tables-2027").await;
    let b: Value = serde_json::from_str(&b.body).unwrap();
    // The first redirect is cached before the second rename.
    assert_eq!(
        visit(&site, "/articles/tide-tables").await,
        (301, Some("/articles/tide-tables-2027".into()))
    );
    let c = rename(&site, &editor, &b, "Tide tables", "tides").await;
    assert_eq!(c.status, 200, "{}", c.body);
    for old in ["/articles/tide-tables", "/articles/tide-tables-2027"] {
        assert_eq!(
            visit(&site, old).await,
            (301, Some("/articles/tides".into())),
            "{old}"
        );
    }
    assert_eq!(visit(&site, "/articles/tides").await.0, 200);
    // A query string goes along.
    assert_eq!(
        visit(&site, "/articles/tide-tables?utm_source=feed").await,
        (301, Some("/articles/tides?utm_source=feed".into()))
    );
}

#[tokio::test]
async fn an_old_address_is_never_taken_by_another_article() {
    let site = Site::new().await;
    let editor = site.session(Role::Editor).await;
    let a = published(&site, &editor, "Ferry timetable").await;
    let moved = rename(&site, &editor, &a, "Ferry timetable", "ferry-times").await;
    let moved: Value = serde_json::from_str(&moved.body).unwrap();

    // A new article asking for the old address is refused, saying why.
    let mut draft = json!(sample_draft("Another ferry story"));
    draft["slug"] = json!("ferry-timetable");
    let refused = save(&site, &editor, &Value::Null, &Value::Null, draft).await;
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert!(
        refused.body.contains("/articles/ferry-timetable"),
        "{}",
        refused.body
    );
    assert_eq!(site.article_count().await, 1);

    // A new article whose headline makes the same address gets another one.
    let same_title = published(&site, &editor, "Ferry timetable").await;
    assert_eq!(same_title["slug"], "ferry-timetable-2");
    assert_eq!(
        visit(&site, "/articles/ferry-timetable").await,
        (301, Some("/articles/ferry-times".into()))
    );

    // Renaming another article to it, or to the first one's current address, is refused
    // and changes nothing of that save.
    for taken in ["ferry-timetable", "ferry-times"] {
        let mut draft = json!(sample_draft("Changed headline"));
        draft["slug"] = json!(taken);
        let refused = save(
            &site,
            &editor,
            &same_title["id"],
            &same_title["version"],
            draft,
        )
        .await;
        assert_eq!(refused.status, 422, "{}", refused.body);
        assert!(
            refused.body.contains(&format!("/articles/{taken}")),
            "{}",
            refused.body
        );
    }
    let kept = site
        .store
        .article_by_slug("ferry-timetable-2")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(kept.title, "Ferry timetable");
    assert_eq!(kept.version, same_title["version"].as_i64().unwrap());

    // The importer refuses it too.
    let parsed =
        gazette::server::import::parse("Headline\nSlug: ferry-timetable\n\nBody.").unwrap();
    let err = gazette::server::commands::import_parsed(
        &site.store,
        vec![("ferry.txt".into(), parsed)],
        true,
        true,
    )
    .await
    .unwrap_err();
    assert!(err.contains("ferry-timetable"), "{err}");

    // The article itself may go back to its old address, which then is live again.
    let back = rename(&site, &editor, &moved, "Ferry timetable", "ferry-timetable").await;
    assert_eq!(back.status, 200, "{}", back.body);
    assert_eq!(visit(&site, "/articles/ferry-timetable").await.0, 200);
    assert_eq!(
        visit(&site, "/articles/ferry-times").await,
        (301, Some("/articles/ferry-timetable".into()))
    );
}

#[tokio::test]
async fn a_malformed_address_is_refused_with_a_clear_message() {
    let site = Site::new().await;
    let editor = site.session(Role::Editor).await;
    let a = published(&site, &editor, "Lighthouse keeper retires").await;
    let refused = rename(
        &site,
        &editor,
        &a,
        "Lighthouse keeper retires",
        "Not A Slug!",
    )
    .await;
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert!(
        refused.body.contains("lowercase letters"),
        "{}",
        refused.body
    );
    assert_eq!(
        visit(&site, "/articles/lighthouse-keeper-retires").await.0,
        200
    );
}

#[tokio::test]
async fn a_renamed_draft_leaves_no_old_address_behind() {
    let site = Site::new().await;
    let author = site.session(Role::Author).await;
    let saved = json!(site.saved(&author, "Rough title").await);
    let renamed = rename(&site, &author, &saved, "Rough title", "better-title").await;
    assert_eq!(renamed.status, 200, "{}", renamed.body);
    // Never published, so nobody can have linked to it: the address stays free.
    assert!(!site.store.slug_taken("rough-title").await.unwrap());
}

#[tokio::test]
async fn an_author_cannot_move_a_published_article() {
    let site = Site::new().await;
    let author_cookie = site.session(Role::Author).await;
    let editor = site.session(Role::Editor).await;
    let saved = site.saved(&author_cookie, "Harbour seals return").await;
    let done = site
        .call(
            "publish_article",
            json!({ "id": saved.id, "version": saved.version }),
            Some(&editor),
        )
        .await;
    let done: Value = serde_json::from_str(&done.body).unwrap();
    let refused = rename(
        &site,
        &author_cookie,
        &done,
        "Harbour seals return",
        "seals",
    )
    .await;
    assert_eq!(refused.status, 403, "{}", refused.body);
    assert_eq!(visit(&site, "/articles/harbour-seals-return").await.0, 200);
    let anonymous = site
        .call(
            "save_article",
            json!({ "id": done["id"], "base_version": done["version"], "draft": sample_draft("x") }),
            None,
        )
        .await;
    assert_eq!(anonymous.status, 401, "{}", anonymous.body);
}
