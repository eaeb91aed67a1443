//! The HTTP surface: admin server functions refuse anonymous and wrong-role callers,
//! bad input is refused without writing, readers never see drafts, login and sessions.

use crate::common::*;
use gazette::model::{ArticleStatus, Role, SavedArticle};
use serde_json::json;

/// Every admin server function with arguments that would succeed for an editor.
fn admin_calls(id: i64, version: i64) -> Vec<(&'static str, serde_json::Value)> {
    vec![
        ("list_articles", json!({})),
        ("get_article", json!({ "id": id })),
        (
            "save_article",
            json!({ "id": null, "base_version": null, "draft": sample_draft("Anonymous attempt") }),
        ),
        (
            "save_article",
            json!({ "id": id, "base_version": version, "draft": sample_draft("Overwrite attempt") }),
        ),
        ("publish_article", json!({ "id": id, "version": version })),
    ]
}

#[tokio::test]
async fn anonymous_calls_to_every_admin_function_are_refused_and_change_nothing() {
    let site = Site::new().await;
    let editor = site.session(Role::Editor).await;
    let a = site.saved(&editor, "Existing draft").await;
    for (name, args) in admin_calls(a.id, a.version) {
        let r = site.call(name, args, None).await;
        assert_eq!(r.status, 401, "{name}: {}", r.body);
        assert!(r.body.contains("Unauthorized"), "{name}: {}", r.body);
        assert_no_internals(&r.body);
    }
    let stored = site.store.article_by_id(a.id).await.unwrap().unwrap();
    assert_eq!(stored.version, a.version);
    assert_eq!(stored.title, "Existing draft");
    assert_eq!(stored.status, ArticleStatus::Draft);
    assert_eq!(site.article_count().await, 1);
}

#[tokio::test]
async fn a_forged_or_logged_out_session_is_anonymous() {
    let site = Site::new().await;
    let r = site
        .call("list_articles", json!({}), Some("gazette_session=forged"))
        .await;
    assert_eq!(r.status, 401);
    let editor = site.session(Role::Editor).await;
    assert_eq!(
        site.call("list_articles", json!({}), Some(&editor))
            .await
            .status,
        200
    );
    let out = site.post_form("/admin/logout", "", Some(&editor)).await;
    assert_eq!(out.status, 303);
    assert!(out.headers["set-cookie"]
        .to_str()
        .unwrap()
        .contains("Max-Age=0"));
    assert_eq!(out.headers["clear-site-data"], "\"storage\"");
    assert_eq!(
        site.call("list_articles", json!({}), Some(&editor))
            .await
            .status,
        401
    );
}

#[tokio::test]
async fn an_author_cannot_publish() {
    let site = Site::new().await;
    let author = site.session(Role::Author).await;
    let a = site.saved(&author, "Author draft").await;
    let r = site
        .call(
            "publish_article",
            json!({ "id": a.id, "version": a.version }),
            Some(&author),
        )
        .await;
    assert_eq!(r.status, 403, "{}", r.body);
    assert!(r.body.contains("Forbidden"));
    let stored = site.store.article_by_id(a.id).await.unwrap().unwrap();
    assert_eq!(stored.status, ArticleStatus::Draft);
    assert_eq!(stored.version, a.version);
}

#[tokio::test]
async fn drafts_are_hidden_until_an_editor_publishes() {
    let site = Site::new().await;
    let editor = site.session(Role::Editor).await;
    let a = site.saved(&editor, "Moon base opens").await;
    assert_eq!(a.slug, "moon-base-opens");
    let page = site.get("/articles/moon-base-opens", None).await;
    assert_eq!(page.status, 404);
    assert!(!site.get("/", None).await.body.contains("Moon base opens"));

    let r = site
        .call(
            "publish_article",
            json!({ "id": a.id, "version": a.version }),
            Some(&editor),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let page = site.get("/articles/moon-base-opens", None).await;
    assert_eq!(page.status, 200);
    for part in [
        "<h1>Moon base opens</h1>",
        "First <em>paragraph</em>.",
        "Key Takeaways",
        "Why it <strong>matters</strong>.",
        "What happened?",
        "Something <em>notable</em>.",
        "Research assisted by a language model.",
        "Space Flight",
    ] {
        assert!(page.body.contains(part), "missing {part:?}");
    }
    assert!(
        !page.body.contains("alert(1)"),
        "unsanitised script in page"
    );
    assert!(site.get("/", None).await.body.contains("Moon base opens"));
}

#[tokio::test]
async fn the_same_headline_twice_gets_a_distinct_address() {
    let site = Site::new().await;
    let editor = site.session(Role::Editor).await;
    let a = site.saved(&editor, "Same words").await;
    let b = site.saved(&editor, "Same words").await;
    assert_eq!(a.slug, "same-words");
    assert_eq!(b.slug, "same-words-2");
}

#[tokio::test]
async fn saving_from_a_stale_version_is_a_conflict_and_keeps_the_newer_text() {
    let site = Site::new().await;
    let editor = site.session(Role::Editor).await;
    let a = site.saved(&editor, "Original").await;
    let first = site
        .call(
            "save_article",
            json!({ "id": a.id, "base_version": a.version, "draft": sample_draft("First edit") }),
            Some(&editor),
        )
        .await;
    assert_eq!(first.status, 200);
    let second = site
        .call(
            "save_article",
            json!({ "id": a.id, "base_version": a.version, "draft": sample_draft("Second edit") }),
            Some(&editor),
        )
        .await;
    assert_eq!(second.status, 409, "{}", second.body);
    assert!(second.body.contains("Someone else saved this article"));
    let stored = site.store.article_by_id(a.id).await.unwrap().unwrap();
    assert_eq!(stored.title, "First edit");
    assert_eq!(stored.version, a.version + 1);
}

/// Review finding 9: the permission check read the current row, the write used the
/// version the client named. An author who names the version an editor's publish is
/// about to create passes the check on the draft, then overwrites the published text.
#[tokio::test]
async fn an_author_racing_a_publish_never_overwrites_the_published_article() {
    let site = Site::new().await;
    let editor = site.session(Role::Editor).await;
    let author = site.session(Role::Author).await;
    for round in 0..40 {
        let a = site.saved(&author, &format!("Draft {round}")).await;
        let publish = site.call(
            "publish_article",
            json!({ "id": a.id, "version": a.version }),
            Some(&editor),
        );
        let overwrite = site.call(
            "save_article",
            json!({ "id": a.id, "base_version": a.version + 1, "draft": sample_draft("Author overwrite") }),
            Some(&author),
        );
        let (published, overwritten) = tokio::join!(publish, overwrite);
        assert_eq!(published.status, 200, "{}", published.body);
        assert!(
            [403, 409].contains(&overwritten.status.as_u16()),
            "round {round}: the author's save answered {}: {}",
            overwritten.status,
            overwritten.body
        );
        let stored = site.store.article_by_id(a.id).await.unwrap().unwrap();
        assert_eq!(stored.status, ArticleStatus::Published);
        assert_eq!(stored.title, format!("Draft {round}"), "round {round}");
    }
}

/// Review finding 10: a tag no article uses any more is dropped, so tag lists (and the
/// desk's tag filter) don't fill with every word ever typed.
#[tokio::test]
async fn a_tag_no_article_uses_any_more_is_dropped() {
    let site = Site::new().await;
    let editor = site.session(Role::Editor).await;
    let a = site.saved(&editor, "Tagged twice").await;
    let b = site.saved(&editor, "Tagged once").await;
    let mut draft = sample_draft("Tagged twice");
    draft.tags = vec!["Science".into(), "Passing Word".into()];
    let r = site
        .call(
            "save_article",
            json!({ "id": a.id, "base_version": a.version, "draft": draft }),
            Some(&editor),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let a: SavedArticle = serde_json::from_str(&r.body).unwrap();
    let slugs = || site.column("SELECT slug FROM tags ORDER BY slug");
    let some = |v: &[&str]| v.iter().map(|s| Some(s.to_string())).collect::<Vec<_>>();
    assert_eq!(
        slugs().await,
        some(&["passing-word", "science", "space-flight"])
    );

    draft = sample_draft("Tagged twice");
    draft.tags = vec!["Science".into()];
    let r = site
        .call(
            "save_article",
            json!({ "id": a.id, "base_version": a.version, "draft": draft }),
            Some(&editor),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    // "Space Flight" is still on the other article; "Passing Word" was only here.
    assert_eq!(slugs().await, some(&["science", "space-flight"]));
    assert!(b.id > 0);
}

#[tokio::test]
async fn bad_article_input_is_refused_and_nothing_is_written() {
    let site = Site::new().await;
    let editor = site.session(Role::Editor).await;
    let mut huge = sample_draft("Huge body");
    huge.body = "a".repeat(1024 * 1024 + 1);
    let cases = [
        (sample_draft(""), "The headline is required."),
        (
            sample_draft(&"x".repeat(201)),
            "The headline is longer than 200 characters.",
        ),
        (huge, "The body is larger than 1 MiB."),
    ];
    for (draft, message) in cases {
        let r = site
            .call(
                "save_article",
                json!({ "id": null, "base_version": null, "draft": draft }),
                Some(&editor),
            )
            .await;
        assert_eq!(r.status, 422, "{}", &r.body[..r.body.len().min(200)]);
        assert!(r.body.contains(message), "{}", r.body);
        assert_no_internals(&r.body);
    }
    let r = site
        .call(
            "save_article",
            json!({ "draft": "not an article" }),
            Some(&editor),
        )
        .await;
    assert_eq!(r.status, 400);
    assert_no_internals(&r.body);
    assert_eq!(site.article_count().await, 0);
}

#[tokio::test]
async fn an_unknown_article_is_a_404_page() {
    let site = Site::new().await;
    let r = site.get("/articles/no-such-thing", None).await;
    assert_eq!(r.status, 404);
    assert!(r.body.contains("Page not found"));
    assert_no_internals(&r.body);
    let r = site.get("/no/such/page", None).await;
    assert_eq!(r.status, 404);
    assert!(r.body.contains("Page not found"));
}

#[tokio::test]
async fn a_wrong_password_gets_a_generic_error_and_no_session() {
    let site = Site::new().await;
    let user = site.user(Role::Editor).await;
    for form in [
        format!("email={}&password=wrong+password+here", user.email),
        "email=nobody%40example.com&password=whatever+it+is".to_string(),
    ] {
        let r = site.post_form("/admin/login", &form, None).await;
        assert_eq!(r.status, 303);
        assert_eq!(r.headers["location"], "/admin/login?error=invalid");
        assert!(r.headers.get("set-cookie").is_none());
    }
    let page = site.get("/admin/login?error=invalid", None).await;
    assert!(page.body.contains("match an account"), "{}", page.body);
}

#[tokio::test]
async fn logging_in_sets_a_strict_http_only_session_cookie() {
    let site = Site::new().await;
    let user = site.user(Role::Editor).await;
    let r = site
        .post_form(
            "/admin/login",
            &format!("email={}&password=correct+horse+battery", user.email),
            None,
        )
        .await;
    assert_eq!(r.status, 303);
    assert_eq!(r.headers["location"], "/admin");
    let cookie = r.headers["set-cookie"].to_str().unwrap();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
    assert!(
        !cookie.contains("Secure"),
        "plain HTTP must not set Secure: {cookie}"
    );
    let session = cookie.split(';').next().unwrap();
    let admin = site.get("/admin", Some(session)).await;
    assert_eq!(admin.status, 200);
    assert!(admin.body.contains("Log out"));

    let https = Site::with_public_url("https://news.example.com").await;
    let user = https.user(Role::Editor).await;
    let r = https
        .post_form(
            "/admin/login",
            &format!("email={}&password=correct+horse+battery", user.email),
            None,
        )
        .await;
    assert!(r.headers["set-cookie"]
        .to_str()
        .unwrap()
        .contains("; Secure"));
}

#[tokio::test]
async fn anonymous_admin_pages_redirect_to_login() {
    let site = Site::new().await;
    for path in ["/admin", "/admin/articles/new", "/admin/articles/1"] {
        let r = site.get(path, None).await;
        assert!(r.status.is_redirection(), "{path}: {}", r.status);
        assert_eq!(r.headers["location"], "/admin/login", "{path}");
    }
}

#[tokio::test]
async fn the_setup_link_creates_one_owner_and_then_stops_working() {
    let site = Site::new().await;
    let (token, hash) = gazette::server::auth::new_token();
    site.store.add_setup_token(&hash).await.unwrap();
    let weak = format!("token={token}&site_name=The+Herald&site_language=en&name=Olive+Owner&email=olive%40example.com&password=short");
    let r = site.post_form("/admin/setup", &weak, None).await;
    assert!(r.headers["location"]
        .to_str()
        .unwrap()
        .ends_with("error=password"));
    assert_eq!(site.store.count_users().await.unwrap(), 0);

    let good = format!(
        "token={token}&site_name=The+Herald&site_language=en&name=Olive+Owner&email=olive%40example.com&password=a+long+enough+secret"
    );
    let r = site.post_form("/admin/setup", &good, None).await;
    assert_eq!(r.headers["location"], "/admin");
    assert!(r.headers["set-cookie"]
        .to_str()
        .unwrap()
        .starts_with("gazette_session="));
    let owner = site
        .store
        .find_login("olive@example.com")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(owner.user.role, Role::Owner);
    assert!(owner.password_hash.starts_with("$argon2id$"));

    let again = good.replace("olive%40", "mallory%40");
    let r = site.post_form("/admin/setup", &again, None).await;
    assert!(r.headers["location"]
        .to_str()
        .unwrap()
        .ends_with("error=token"));
    assert_eq!(site.store.count_users().await.unwrap(), 1);
}

#[tokio::test]
async fn an_older_setup_link_stops_working_once_the_site_has_a_user() {
    let site = Site::new().await;
    // A link printed at start-up (or left in a log), then the first account is made
    // another way (`gazette user add`, an invitation): the old link must not make an owner.
    let (token, hash) = gazette::server::auth::new_token();
    site.store.add_setup_token(&hash).await.unwrap();
    site.user(Role::Editor).await;
    let form = format!(
        "token={token}&site_name=The+Herald&site_language=en&name=Mallory&email=mallory%40example.com&password=a+long+enough+secret"
    );
    let r = site.post_form("/admin/setup", &form, None).await;
    assert!(r.headers["location"]
        .to_str()
        .unwrap()
        .ends_with("error=token"));
    assert_eq!(site.store.count_users().await.unwrap(), 1);
    assert!(site
        .store
        .find_login("mallory@example.com")
        .await
        .unwrap()
        .is_none());
}

#[tokio::test]
async fn cross_site_writes_are_refused() {
    let site = Site::new().await;
    let editor = site.session(Role::Editor).await;
    let req = axum::http::Request::post("/api/save_article")
        .header("content-type", "application/json")
        .header("cookie", &editor)
        .header("origin", "https://evil.example")
        .header("host", "127.0.0.1:3000")
        .body(axum::body::Body::from(
            json!({ "id": null, "base_version": null, "draft": sample_draft("Forged") })
                .to_string(),
        ))
        .unwrap();
    assert_eq!(site.send(req).await.status, 403);
    let req = axum::http::Request::post("/admin/logout")
        .header("cookie", &editor)
        .header("sec-fetch-site", "cross-site")
        .body(axum::body::Body::empty())
        .unwrap();
    assert_eq!(site.send(req).await.status, 403);
    assert_eq!(site.article_count().await, 0);
    assert_eq!(
        site.call("list_articles", json!({}), Some(&editor))
            .await
            .status,
        200
    );
}

#[tokio::test]
async fn writes_must_come_from_the_public_origin_itself_scheme_and_all() {
    let site = Site::with_public_url("https://news.example").await;
    let editor = site.session(Role::Editor).await;
    let save = |origin: &'static str, host: &'static str| {
        axum::http::Request::post("/api/save_article")
            .header("content-type", "application/json")
            .header("cookie", &editor)
            .header("origin", origin)
            .header("host", host)
            .body(axum::body::Body::from(
                json!({ "id": null, "base_version": null, "draft": sample_draft("Forged") })
                    .to_string(),
            ))
            .unwrap()
    };
    // Same host over plain HTTP (a network attacker's page), and a forged Host header
    // agreeing with a foreign Origin: both refused.
    assert_eq!(
        site.send(save("http://news.example", "news.example"))
            .await
            .status,
        403
    );
    assert_eq!(
        site.send(save("https://evil.example", "evil.example"))
            .await
            .status,
        403
    );
    assert_eq!(site.article_count().await, 0);
    assert_eq!(
        site.send(save("https://news.example", "news.example"))
            .await
            .status,
        200
    );
}

#[tokio::test]
async fn health_and_security_headers() {
    let site = Site::new().await;
    let r = site.get("/healthz", None).await;
    assert_eq!(r.status, 200);
    let page = site.get("/", None).await;
    assert_eq!(page.headers["x-content-type-options"], "nosniff");
    assert!(page.headers["content-security-policy"]
        .to_str()
        .unwrap()
        .contains("frame-ancestors 'none'"));
    let admin = site.get("/admin/login", None).await;
    assert_eq!(admin.headers["cache-control"], "private, no-store");
}

/// Browsers and proxies may keep a public page but must ask again before showing it
/// (an ETag makes that a cheap 304): a page kept for a minute outlived publishes and
/// setting changes by up to that minute, and staff saw their own change missing. A
/// page rendered for staff (with their controls) is never stored by a shared cache.
#[tokio::test]
async fn public_pages_are_revalidated_and_staff_views_are_private() {
    let site = Site::new().await;
    let editor = site.session(Role::Editor).await;
    for path in ["/", "/feed.xml", "/search?q=harbour"] {
        let reader = site.get(path, None).await;
        assert_eq!(reader.status, 200, "{path}");
        assert_eq!(
            reader.headers["cache-control"], "public, no-cache",
            "{path}"
        );
        let staff = site.get(path, Some(&editor)).await;
        assert_eq!(
            staff.headers["cache-control"], "private, no-cache",
            "{path}"
        );
    }
}
