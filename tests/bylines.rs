//! Bylines that survive an import: several authors per article, matched to staff by
//! name or email and otherwise kept as byline-only authors with their own pages, shown
//! on the article page, in JSON-LD and feeds, picked in the editor, linked to a staff
//! account later, and carried by `gazette copy`.

use crate::common::*;
use gazette::model::Role;
use gazette::server::commands::import_parsed;
use gazette::server::db::{self, NewUser};
use gazette::server::import;
use serde_json::{json, Value};

/// A staff account with this name and email.
async fn staff(site: &Site, name: &str, email: &str) -> gazette::model::User {
    site.store
        .create_user(&NewUser {
            email: email.into(),
            name: name.into(),
            role: Role::Author,
            password_hash: fixture_hash().into(),
        })
        .await
        .unwrap()
}

/// Imports `text` as one published file.
async fn import_text(site: &Site, text: &str) {
    let parsed = import::parse(text).unwrap();
    import_parsed(&site.store, vec![("story.txt".into(), parsed)], true, false)
        .await
        .unwrap();
}

fn json_ld(html: &str) -> Value {
    let start = html
        .find(r#"<script type="application/ld+json">"#)
        .expect("JSON-LD script")
        + 35;
    let end = start + html[start..].find("</script>").unwrap();
    serde_json::from_str(&html[start..end]).unwrap()
}

const STORY: &str = "A. Writer; Wire Service, 2026-11-20, World, Shipping\n\
    Harbour bridge reopens\n\nThe bridge carries traffic again.\n";

#[tokio::test]
async fn an_imported_writer_and_wire_service_are_both_credited_everywhere() {
    let site = Site::new().await;
    let writer = staff(&site, "A. Writer", "writer@example.com").await;
    import_text(&site, STORY).await;

    let a = site
        .store
        .article_by_slug("harbour-bridge-reopens")
        .await
        .unwrap()
        .unwrap();
    let names: Vec<&str> = a.authors.iter().map(|au| au.name.as_str()).collect();
    assert_eq!(names, ["A. Writer", "Wire Service"]);
    assert_eq!(a.authors[0].slug, writer.slug);
    assert_eq!(a.authors[1].slug, "wire-service");
    // The wire service has no login.
    assert!(site
        .store
        .list_users()
        .await
        .unwrap()
        .iter()
        .all(|m| m.user.name != "Wire Service"));

    let page = site.get("/articles/harbour-bridge-reopens", None).await;
    assert_eq!(page.status, 200);
    assert!(page
        .body
        .contains(&format!(r#"href="/authors/{}""#, writer.slug)));
    assert!(page.body.contains(r#"href="/authors/wire-service""#));
    assert!(page.body.contains("Wire Service"));
    let ld = json_ld(&page.body);
    let authors = ld["@graph"][0]["author"].as_array().unwrap().clone();
    assert_eq!(
        authors,
        vec![
            json!({ "@type": "Person", "name": "A. Writer",
                    "url": format!("http://127.0.0.1:3000/authors/{}", writer.slug) }),
            json!({ "@type": "Person", "name": "Wire Service",
                    "url": "http://127.0.0.1:3000/authors/wire-service" }),
        ]
    );

    for slug in [writer.slug.as_str(), "wire-service"] {
        let author = site.get(&format!("/authors/{slug}"), None).await;
        assert_eq!(author.status, 200, "{slug}");
        assert!(author.body.contains("Harbour bridge reopens"), "{slug}");
    }
    let feed = site.get("/feed.xml", None).await;
    assert!(feed.body.contains("A. Writer") && feed.body.contains("Wire Service"));
}

/// The cards of the home and tag pages credit the same people as the article: staff and
/// byline-only authors, in the article's order.
#[tokio::test]
async fn reader_cards_credit_byline_only_authors_too() {
    let site = Site::new().await;
    let writer = staff(&site, "A. Writer", "writer@example.com").await;
    import_text(&site, STORY).await;
    for path in ["/", "/tags/shipping"] {
        let page = site.get(path, None).await;
        assert_eq!(page.status, 200, "{path}");
        let staff_link = format!(r#"href="/authors/{}""#, writer.slug);
        let at_writer = page.body.find(&staff_link);
        let at_wire = page.body.find(r#"href="/authors/wire-service""#);
        assert!(at_writer.is_some(), "{path}: no card credits A. Writer");
        assert!(at_wire.is_some(), "{path}: no card credits Wire Service");
        assert!(at_writer < at_wire, "{path}: credited out of order");
    }
}

#[tokio::test]
async fn staff_are_matched_by_email_and_byline_only_authors_are_reused() {
    let site = Site::new().await;
    let writer = staff(&site, "Ana Writer", "ana@example.com").await;
    import_text(
        &site,
        "ANA@example.com; Wire Service, , ,\nFirst story\n\nBody one.\n",
    )
    .await;
    import_text(&site, "wire service, , ,\nSecond story\n\nBody two.\n").await;
    let first = site
        .store
        .article_by_slug("first-story")
        .await
        .unwrap()
        .unwrap();
    let second = site
        .store
        .article_by_slug("second-story")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(first.authors[0].slug, writer.slug);
    assert_eq!(first.authors[1].slug, "wire-service");
    assert_eq!(second.authors[0].slug, "wire-service");
    let page = site.get("/authors/wire-service", None).await;
    assert!(page.body.contains("First story") && page.body.contains("Second story"));
}

#[tokio::test]
async fn a_byline_only_author_without_published_work_has_no_page() {
    let site = Site::new().await;
    let parsed = import::parse("Freelance Fran, , ,\nDraft story\n\nBody.\n").unwrap();
    import_parsed(&site.store, vec![("d.txt".into(), parsed)], false, false)
        .await
        .unwrap();
    assert_eq!(site.get("/authors/freelance-fran", None).await.status, 404);
}

#[tokio::test]
async fn the_editor_picks_bylines_of_both_kinds_and_keeps_the_writer_by_default() {
    let site = Site::new().await;
    let editor = site.session(Role::Editor).await;
    staff(&site, "Sam Staffer", "sam@example.com").await;

    let plain = site
        .call(
            "save_article",
            json!({ "id": null, "base_version": null, "draft": sample_draft("Written here") }),
            Some(&editor),
        )
        .await;
    let plain: Value = serde_json::from_str(&plain.body).unwrap();
    let a = site
        .store
        .article_by_id(plain["id"].as_i64().unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(a.authors.len(), 1);
    assert_eq!(a.authors[0].name, "Test editor");

    let mut draft = json!(sample_draft("Written here"));
    draft["bylines"] = json!(["Wire Service", "Sam Staffer"]);
    let saved = site
        .call(
            "save_article",
            json!({ "id": plain["id"], "base_version": plain["version"], "draft": draft }),
            Some(&editor),
        )
        .await;
    assert_eq!(saved.status, 200, "{}", saved.body);
    let a = site
        .store
        .article_by_id(plain["id"].as_i64().unwrap())
        .await
        .unwrap()
        .unwrap();
    let names: Vec<&str> = a.authors.iter().map(|au| au.name.as_str()).collect();
    assert_eq!(names, ["Wire Service", "Sam Staffer"]);

    let mut bad = json!(sample_draft("Written here"));
    bad["bylines"] = json!(["Doe, Jane"]);
    let refused = site
        .call(
            "save_article",
            json!({ "id": plain["id"], "base_version": a.version, "draft": bad }),
            Some(&editor),
        )
        .await;
    assert_eq!(refused.status, 422, "{}", refused.body);
}

#[tokio::test]
async fn an_author_giving_other_bylines_stays_credited_on_their_draft() {
    let site = Site::new().await;
    let author = site.session(Role::Author).await;
    let mut draft = json!(sample_draft("Shared story"));
    draft["bylines"] = json!(["Wire Service"]);
    let saved = site
        .call(
            "save_article",
            json!({ "id": null, "base_version": null, "draft": draft }),
            Some(&author),
        )
        .await;
    assert_eq!(saved.status, 200, "{}", saved.body);
    let saved: Value = serde_json::from_str(&saved.body).unwrap();
    let names: Vec<String> = site
        .store
        .article_by_id(saved["id"].as_i64().unwrap())
        .await
        .unwrap()
        .unwrap()
        .authors
        .into_iter()
        .map(|a| a.name)
        .collect();
    assert_eq!(names, ["Wire Service", "Test author"]);
    let again = site
        .call("get_article", json!({ "id": saved["id"] }), Some(&author))
        .await;
    assert_eq!(again.status, 200, "{}", again.body);
}

#[tokio::test]
async fn linking_a_byline_to_a_staff_account_moves_its_articles_and_page() {
    let site = Site::new().await;
    import_text(
        &site,
        "Fran Freelance; Wire Service, , ,\nLinked story\n\nBody.\n",
    )
    .await;
    let fran = staff(&site, "Frances Freelance", "fran@example.com").await;
    site.store
        .link_byline("fran-freelance", fran.id)
        .await
        .unwrap();
    let a = site
        .store
        .article_by_slug("linked-story")
        .await
        .unwrap()
        .unwrap();
    let names: Vec<&str> = a.authors.iter().map(|au| au.name.as_str()).collect();
    assert_eq!(names, ["Frances Freelance", "Wire Service"]);
    let old = site.get("/authors/fran-freelance", None).await;
    assert_eq!(old.status, 301);
    assert_eq!(old.headers["location"], format!("/authors/{}", fran.slug));
    assert_eq!(
        site.get(&format!("/authors/{}", fran.slug), None)
            .await
            .status,
        200
    );
    // The name now means the staff account.
    import_text(&site, "Fran Freelance, , ,\nNext story\n\nBody.\n").await;
    let next = site
        .store
        .article_by_slug("next-story")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(next.authors[0].slug, fran.slug);
}

#[tokio::test]
async fn copy_carries_bylines_and_old_addresses() {
    let site = Site::new().await;
    let editor = site.user(Role::Editor).await;
    staff(&site, "A. Writer", "writer@example.com").await;
    import_text(&site, STORY).await;
    let a = site
        .store
        .article_by_slug("harbour-bridge-reopens")
        .await
        .unwrap()
        .unwrap();
    let mut content =
        gazette::server::render::content(&gazette::model::ArticleDraft::from_article(&a));
    content.slug = Some("bridge-reopens".into());
    site.store
        .update_article(a.id, a.version, &content, Some(&editor))
        .await
        .unwrap();

    let target = TestDb::new().await;
    let to = db::connect(&target.url).await.unwrap();
    to.migrate().await.unwrap();
    let copy = site.store.export_site().await.unwrap();
    assert_eq!(copy.bylines.len(), 1);
    assert_eq!(copy.redirects.len(), 1);
    to.import_site(&copy).await.unwrap();
    assert_eq!(to.export_site().await.unwrap(), copy);
    let moved = to.article_by_slug("bridge-reopens").await.unwrap().unwrap();
    let names: Vec<&str> = moved.authors.iter().map(|au| au.name.as_str()).collect();
    assert_eq!(names, ["A. Writer", "Wire Service"]);
    assert_eq!(
        to.moved_article("harbour-bridge-reopens")
            .await
            .unwrap()
            .as_deref(),
        Some("bridge-reopens")
    );
    // A byline made after the copy gets a fresh id on PostgreSQL too.
    import_text_into(&to, "Another Wire, , ,\nAfter the copy\n\nBody.\n").await;
}

async fn import_text_into(store: &db::DynStore, text: &str) {
    let parsed = import::parse(text).unwrap();
    import_parsed(store, vec![("after.txt".into(), parsed)], true, false)
        .await
        .unwrap();
}

#[tokio::test]
async fn the_command_line_links_a_byline_and_explains_a_wrong_one() {
    let site = Site::new().await;
    import_text(&site, "Wire Service, , ,\nWire story\n\nBody.\n").await;
    let staffer = staff(&site, "Wendy Wire", "wendy@example.com").await;
    let run = |args: &[&str]| site.gazette(args);
    let unknown = run(&["byline", "link", "nobody", "--email", "wendy@example.com"]);
    assert!(!unknown.status.success());
    assert!(
        String::from_utf8_lossy(&unknown.stderr).contains("no byline-only author /authors/nobody")
    );
    let linked = run(&[
        "byline",
        "link",
        "wire-service",
        "--email",
        "wendy@example.com",
    ]);
    assert!(
        linked.status.success(),
        "{}",
        String::from_utf8_lossy(&linked.stderr)
    );
    let a = site
        .store
        .article_by_slug("wire-story")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(a.authors[0].slug, staffer.slug);
}
