//! The newsroom workflow through the HTTP API: the permission table applied to every
//! registered admin server function, authors' own drafts, review, scheduling,
//! corrections, revisions, and the AI-disclosure rule.

use crate::common::*;
use gazette::model::{AiLevel, ArticleStatus, Permission, Role, SavedArticle};
use serde_json::{json, Value};

/// Server functions anyone may call.
const PUBLIC: [&str; 7] = [
    "get_article_page",
    "list_published_articles",
    "list_tag",
    "list_author",
    "search_articles",
    "list_corrections",
    "get_current_user",
];

/// Every admin server function, with arguments that would succeed, and the permission
/// its first line checks.
fn admin_functions(id: i64, version: i64) -> Vec<(&'static str, Value, Permission)> {
    let future = (chrono::Utc::now() + chrono::Duration::hours(2)).to_rfc3339();
    vec![
        ("list_articles", json!({}), Permission::WriteDrafts),
        (
            "list_desk",
            json!({ "filter": {} }),
            Permission::WriteDrafts,
        ),
        (
            "list_review_queue",
            json!({ "filter": {} }),
            Permission::EditAny,
        ),
        (
            "editor_heartbeat",
            json!({ "id": id }),
            Permission::WriteDrafts,
        ),
        ("leave_editor", json!({ "id": id }), Permission::WriteDrafts),
        ("get_article", json!({ "id": id }), Permission::WriteDrafts),
        (
            "save_article",
            json!({ "id": null, "base_version": null, "draft": sample_draft("New") }),
            Permission::WriteDrafts,
        ),
        (
            "submit_for_review",
            json!({ "id": id, "version": version }),
            Permission::SubmitForReview,
        ),
        (
            "return_to_draft",
            json!({ "id": id, "version": version }),
            Permission::EditAny,
        ),
        (
            "publish_article",
            json!({ "id": id, "version": version }),
            Permission::Publish,
        ),
        (
            "schedule_article",
            json!({ "id": id, "version": version, "at": future }),
            Permission::Schedule,
        ),
        (
            "archive_article",
            json!({ "id": id, "version": version }),
            Permission::Archive,
        ),
        (
            "add_correction",
            json!({ "id": id, "note": "We misspelled a name." }),
            Permission::AddCorrection,
        ),
        (
            "list_revisions",
            json!({ "id": id }),
            Permission::WriteDrafts,
        ),
        (
            "restore_revision",
            json!({ "id": id, "revision": 1, "base_version": version }),
            Permission::EditAny,
        ),
        (
            "diff_revisions",
            json!({ "id": id, "from": 1, "to": version }),
            Permission::WriteDrafts,
        ),
        ("list_my_sessions", json!({}), Permission::OwnAccount),
        ("get_two_factor", json!({}), Permission::OwnAccount),
        (
            "set_two_factor_required",
            json!({ "required": false }),
            Permission::ManageSecurity,
        ),
        (
            "preview_markdown",
            json!({ "markdown": "Some *text*." }),
            Permission::WriteDrafts,
        ),
        ("list_audit", json!({}), Permission::ViewAudit),
        ("list_users", json!({}), Permission::ManageUsers),
        (
            "invite_user",
            json!({ "email": "new@example.com", "name": "New", "role": "author" }),
            Permission::ManageUsers,
        ),
        ("list_invites", json!({}), Permission::ManageUsers),
        (
            "revoke_invite",
            json!({ "email": "new@example.com" }),
            Permission::ManageUsers,
        ),
        (
            "change_role",
            json!({ "user_id": 1, "role": "author" }),
            Permission::ManageUsers,
        ),
        (
            "deactivate_user",
            json!({ "user_id": 1 }),
            Permission::ManageUsers,
        ),
        (
            "list_media",
            json!({ "query": "" }),
            Permission::WriteDrafts,
        ),
        ("get_media", json!({ "id": 1 }), Permission::WriteDrafts),
        (
            "update_media",
            json!({ "id": 1, "alt": "a", "caption": "", "credit": "" }),
            Permission::WriteDrafts,
        ),
        (
            "set_media_focus",
            json!({ "id": 1, "x": 50, "y": 50 }),
            Permission::WriteDrafts,
        ),
        ("delete_media", json!({ "id": 1 }), Permission::EditAny),
        ("get_site_settings", json!({}), Permission::ManageSettings),
        (
            "save_site_settings",
            json!({ "settings": gazette::model::SiteSettings::default() }),
            Permission::ManageSettings,
        ),
        (
            "get_article_language",
            json!({ "id": id }),
            Permission::WriteDrafts,
        ),
        (
            "set_article_language",
            json!({ "id": id, "language": "fr", "translation_of": "" }),
            Permission::WriteDrafts,
        ),
    ]
}

#[tokio::test]
async fn every_registered_server_function_is_public_or_in_the_permission_table() {
    let _site = Site::new().await;
    let admin: Vec<&str> = admin_functions(1, 1).iter().map(|(n, _, _)| *n).collect();
    let mut seen = 0;
    for (path, _) in leptos::server_fn::axum::server_fn_paths() {
        let name = path.strip_prefix("/api/").unwrap_or(path);
        assert!(
            PUBLIC.contains(&name) || admin.contains(&name),
            "server function {path} has no permission test: add it to admin_functions or PUBLIC"
        );
        seen += 1;
    }
    assert_eq!(
        seen,
        PUBLIC.len() + admin.iter().collect::<std::collections::HashSet<_>>().len()
    );
}

#[tokio::test]
async fn every_admin_function_refuses_anonymous_callers_and_roles_without_its_permission() {
    let functions = admin_functions(1, 1)
        .into_iter()
        .map(|(name, _, permission)| (name, permission));
    each_concurrently(functions, |(name, permission)| async move {
        let site = Site::new().await;
        let editor = site.session(Role::Editor).await;
        let a = site.saved(&editor, "Target").await;
        let before = site.store.export_site().await.unwrap();
        let (_, args, _) = admin_functions(a.id, a.version)
            .into_iter()
            .find(|(n, _, _)| *n == name)
            .unwrap();
        let r = site.call(name, args.clone(), None).await;
        assert_eq!(r.status, 401, "anonymous {name}: {}", r.body);
        let allowed = allowed_roles(permission);
        for role in Role::ALL.into_iter().filter(|r| !allowed.contains(r)) {
            let cookie = site.session(role).await;
            let r = site.call(name, args.clone(), Some(&cookie)).await;
            assert_eq!(r.status, 403, "{role:?} {name}: {}", r.body);
        }
        let after = site.store.export_site().await.unwrap();
        assert_eq!(
            before.articles, after.articles,
            "{name} changed an article while refusing"
        );
        assert_eq!(
            before.revisions, after.revisions,
            "{name} wrote a revision while refusing"
        );
    })
    .await;
}

/// The permission table written out, independently of `Role::can`: who may call an
/// admin function needing each permission.
fn allowed_roles(permission: Permission) -> &'static [Role] {
    use Role::*;
    match permission {
        Permission::OwnAccount | Permission::WriteDrafts | Permission::SubmitForReview => {
            &[Owner, Admin, Editor, Author]
        }
        Permission::EditAny
        | Permission::Publish
        | Permission::Schedule
        | Permission::Archive
        | Permission::AddCorrection => &[Owner, Admin, Editor],
        Permission::ViewAudit | Permission::ManageUsers | Permission::ManageSettings => {
            &[Owner, Admin]
        }
        Permission::ManageSecurity => &[Owner],
    }
}

#[tokio::test]
async fn every_admin_function_admits_the_roles_its_permission_allows() {
    let cases = admin_functions(1, 1)
        .into_iter()
        .flat_map(|(name, _, permission)| {
            allowed_roles(permission)
                .iter()
                .map(move |role| (name, *role))
        });
    each_concurrently(cases, |(name, role)| async move {
        let site = Site::new().await;
        let cookie = site.session(role).await;
        // The caller's own draft, so authors may act on it too.
        let a = site.saved(&cookie, "Target").await;
        let (_, args, _) = admin_functions(a.id, a.version)
            .into_iter()
            .find(|(n, _, _)| *n == name)
            .unwrap();
        let r = site.call(name, args, Some(&cookie)).await;
        assert!(
            ![401, 403].contains(&r.status.as_u16()) && r.status.as_u16() < 500,
            "{role:?} {name} was refused: {} {}",
            r.status,
            r.body
        );
    })
    .await;
}

#[tokio::test]
async fn authors_work_only_on_their_own_drafts() {
    let site = Site::new().await;
    let editor = site.session(Role::Editor).await;
    let author = site.session(Role::Author).await;
    let theirs = site.saved(&editor, "Editor's piece").await;
    let mine = site.saved(&author, "Author's piece").await;
    for (name, args) in [
        ("get_article", json!({ "id": theirs.id })),
        (
            "save_article",
            json!({ "id": theirs.id, "base_version": theirs.version, "draft": sample_draft("Hijack") }),
        ),
        (
            "submit_for_review",
            json!({ "id": theirs.id, "version": theirs.version }),
        ),
        ("list_revisions", json!({ "id": theirs.id })),
    ] {
        assert_eq!(
            site.call(name, args, Some(&author)).await.status,
            403,
            "{name}"
        );
    }
    let listed = site.call_ok("list_articles", json!({}), &author).await;
    let titles: Vec<_> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["title"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(titles, vec!["Author's piece"]);

    // The author submits; the editor publishes; then the author can no longer edit it.
    let submitted = site
        .call_ok(
            "submit_for_review",
            json!({ "id": mine.id, "version": mine.version }),
            &author,
        )
        .await;
    assert_eq!(submitted["status"], "in_review");
    let published = site
        .call_ok(
            "publish_article",
            json!({ "id": mine.id, "version": submitted["version"] }),
            &editor,
        )
        .await;
    assert_eq!(published["status"], "published");
    let r = site
        .call("save_article", json!({ "id": mine.id, "base_version": published["version"], "draft": sample_draft("Sneaky edit") }), Some(&author))
        .await;
    assert_eq!(r.status, 403);
    assert_eq!(
        site.get(&format!("/articles/{}", mine.slug), None)
            .await
            .status,
        200
    );
}

#[tokio::test]
async fn the_workflow_refuses_impossible_moves() {
    let site = Site::new().await;
    let editor = site.session(Role::Editor).await;
    let a = site.saved(&editor, "Moves").await;
    let p = site
        .call_ok(
            "publish_article",
            json!({ "id": a.id, "version": a.version }),
            &editor,
        )
        .await;
    let r = site
        .call(
            "submit_for_review",
            json!({ "id": a.id, "version": p["version"] }),
            Some(&editor),
        )
        .await;
    assert_eq!(r.status, 422);
    assert!(
        r.body
            .contains("A published article can't become in review."),
        "{}",
        r.body
    );
    let archived = site
        .call_ok(
            "archive_article",
            json!({ "id": a.id, "version": p["version"] }),
            &editor,
        )
        .await;
    assert_eq!(archived["status"], "archived");
    assert_eq!(
        site.get(&format!("/articles/{}", a.slug), None)
            .await
            .status,
        404
    );
}

#[tokio::test]
async fn ai_generated_articles_need_a_reviewing_editor_to_publish() {
    let site = Site::new().await;
    let editor = site.session(Role::Editor).await;
    let mut draft = sample_draft("Machine written");
    let d = draft.disclosure.as_mut().unwrap();
    d.level = AiLevel::GeneratedReviewed;
    d.reviewer = None;
    let s: SavedArticle = serde_json::from_value(
        site.call_ok(
            "save_article",
            json!({ "id": null, "base_version": null, "draft": draft }),
            &editor,
        )
        .await,
    )
    .unwrap();
    let r = site
        .call(
            "publish_article",
            json!({ "id": s.id, "version": s.version }),
            Some(&editor),
        )
        .await;
    assert_eq!(r.status, 422);
    assert!(r.body.contains("must name the reviewing editor"));
    assert_eq!(
        site.store
            .article_by_id(s.id)
            .await
            .unwrap()
            .unwrap()
            .status,
        ArticleStatus::Draft
    );
    let mut draft = sample_draft("Machine written");
    let d = draft.disclosure.as_mut().unwrap();
    d.level = AiLevel::GeneratedReviewed;
    d.reviewer = Some("Erin Editor".into());
    let s2 = site
        .call_ok(
            "save_article",
            json!({ "id": s.id, "base_version": s.version, "draft": draft }),
            &editor,
        )
        .await;
    site.call_ok(
        "publish_article",
        json!({ "id": s.id, "version": s2["version"] }),
        &editor,
    )
    .await;
}

#[tokio::test]
async fn scheduled_articles_go_live_once_when_due() {
    let site = Site::new().await;
    let editor = site.session(Role::Editor).await;
    let a = site.saved(&editor, "Embargoed report").await;
    let past = (chrono::Utc::now() - chrono::Duration::minutes(1)).to_rfc3339();
    let r = site
        .call(
            "schedule_article",
            json!({ "id": a.id, "version": a.version, "at": past }),
            Some(&editor),
        )
        .await;
    assert_eq!(r.status, 422);
    let at = chrono::Utc::now() + chrono::Duration::minutes(30);
    let s = site
        .call_ok(
            "schedule_article",
            json!({ "id": a.id, "version": a.version, "at": at.to_rfc3339() }),
            &editor,
        )
        .await;
    assert_eq!(s["status"], "scheduled");
    assert_eq!(
        site.get("/articles/embargoed-report", None).await.status,
        404
    );
    assert!(site
        .store
        .publish_due(chrono::Utc::now())
        .await
        .unwrap()
        .is_empty());

    // Several instances checking at the same moment publish it exactly once.
    let later = at + chrono::Duration::seconds(1);
    let (x, y, z) = tokio::join!(
        site.store.publish_due(later),
        site.store.publish_due(later),
        site.store.publish_due(later)
    );
    let total = x.unwrap().len() + y.unwrap().len() + z.unwrap().len();
    assert_eq!(total, 1);
    let article = site.store.article_by_id(a.id).await.unwrap().unwrap();
    assert_eq!(article.status, ArticleStatus::Published);
    assert_eq!(article.published_at.unwrap().timestamp(), at.timestamp());
    let revisions = site.store.list_revisions(a.id).await.unwrap();
    assert_eq!(
        revisions
            .iter()
            .filter(|r| r.status == ArticleStatus::Published)
            .count(),
        1
    );
    assert_eq!(
        site.get("/articles/embargoed-report", None).await.status,
        200
    );
}

#[tokio::test]
async fn corrections_are_appended_shown_and_dated() {
    let site = Site::new().await;
    let editor = site.session(Role::Editor).await;
    let a = site.saved(&editor, "Bridge opens").await;
    let r = site
        .call(
            "add_correction",
            json!({ "id": a.id, "note": "Too early." }),
            Some(&editor),
        )
        .await;
    assert_eq!(r.status, 422, "drafts have no corrections");
    site.call_ok(
        "publish_article",
        json!({ "id": a.id, "version": a.version }),
        &editor,
    )
    .await;
    let before = site.store.article_by_id(a.id).await.unwrap().unwrap();
    assert!(before.reader_modified().is_none());

    site.call_ok(
        "add_correction",
        json!({ "id": a.id, "note": "A typo in the mayor's name.", "minor": true }),
        &editor,
    )
    .await;
    let minor = site.store.article_by_id(a.id).await.unwrap().unwrap();
    assert!(
        minor.reader_modified().is_none(),
        "a minor correction doesn't move 'Updated'"
    );

    site.call_ok(
        "add_correction",
        json!({ "id": a.id, "note": "The bridge opens on Tuesday, not Monday." }),
        &editor,
    )
    .await;
    let after = site.store.article_by_id(a.id).await.unwrap().unwrap();
    assert_eq!(after.corrections.len(), 2);
    assert!(after.reader_modified().is_some());

    let page = site.get("/articles/bridge-opens", None).await;
    assert!(page
        .body
        .contains("The bridge opens on Tuesday, not Monday."));
    assert!(page.body.contains("Updated"));
    let ld_start = page.body.find("application/ld+json").unwrap();
    assert!(page.body[ld_start..].contains("CorrectionComment"));
    let log = site.get("/corrections", None).await;
    assert_eq!(log.status, 200);
    assert!(log.body.contains("A typo in the mayor"));
    assert!(log.body.contains("Bridge opens"));
}

#[tokio::test]
async fn history_diffs_and_restores_revisions() {
    let site = Site::new().await;
    let editor = site.session(Role::Editor).await;
    let a = site.saved(&editor, "First headline").await;
    let mut second = sample_draft("Second headline");
    second.body = "A new body.".into();
    let v2 = site
        .call_ok(
            "save_article",
            json!({ "id": a.id, "base_version": a.version, "draft": second }),
            &editor,
        )
        .await;
    let history = site
        .call_ok("list_revisions", json!({ "id": a.id }), &editor)
        .await;
    let versions: Vec<i64> = history
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["version"].as_i64().unwrap())
        .collect();
    assert_eq!(versions, vec![2, 1]);
    assert_eq!(history[0]["by"], "Test editor");

    let diff = site
        .call_ok(
            "diff_revisions",
            json!({ "id": a.id, "from": 1, "to": 2 }),
            &editor,
        )
        .await;
    let fields: Vec<&str> = diff
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, vec!["Headline", "Body"]);
    assert!(diff[0]["lines"].to_string().contains("Second headline"));

    let restored = site
        .call_ok(
            "restore_revision",
            json!({ "id": a.id, "revision": 1, "base_version": v2["version"] }),
            &editor,
        )
        .await;
    assert_eq!(restored["version"], 3);
    let now = site.store.article_by_id(a.id).await.unwrap().unwrap();
    assert_eq!(now.title, "First headline");
    assert_eq!(site.store.list_revisions(a.id).await.unwrap().len(), 3);
    let page = site
        .get(&format!("/admin/articles/{}/history", a.id), Some(&editor))
        .await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Restore v2"));
}

#[tokio::test]
async fn staff_preview_drafts_and_readers_cannot() {
    let site = Site::new().await;
    let editor = site.session(Role::Editor).await;
    let a = site.saved(&editor, "Unpublished scoop").await;
    let preview = site
        .get(&format!("/admin/articles/{}/preview", a.id), Some(&editor))
        .await;
    assert_eq!(preview.status, 200);
    assert!(preview.body.contains("<h1>Unpublished scoop</h1>"));
    assert!(preview.body.contains("Key Takeaways"));
    let anonymous = site
        .get(&format!("/admin/articles/{}/preview", a.id), None)
        .await;
    assert!(anonymous.status.is_redirection());
    assert!(!anonymous.body.contains("Unpublished scoop"));
}

#[tokio::test]
async fn the_editor_page_holds_the_article_and_offers_corrections_once_published() {
    let site = Site::new().await;
    let editor = site.session(Role::Editor).await;
    let a = site.saved(&editor, "Ferry strike ends").await;
    let path = format!("/admin/articles/{}", a.id);
    let draft = site.get(&path, Some(&editor)).await;
    assert_eq!(draft.status, 200);
    assert!(draft.body.contains("data-hydrated=\"false\""));
    // One question input per FAQ item of the draft.
    assert!(draft.body.contains("id=\"ed-q-1\""));
    assert!(!draft.body.contains("id=\"ed-q-2\""));
    assert!(!draft.body.contains("Add a correction"));

    site.call_ok(
        "publish_article",
        json!({ "id": a.id, "version": a.version }),
        &editor,
    )
    .await;
    let published = site.get(&path, Some(&editor)).await;
    assert!(published.body.contains("Add a correction"));
    // The correction form renders inside the editor island, not as one of its own (the
    // other island is the article's language form).
    assert_eq!(published.body.matches("<leptos-island").count(), 2);
    assert!(!published.body.contains("data-component=\"CorrectionForm"));
    assert!(published.body.contains("Language and translations"));
}
