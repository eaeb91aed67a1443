//! The store on its own: every field survives a round trip, versions guard writes, and
//! every save leaves a revision.

use crate::common::*;
use gazette::model::{ArticleStatus, Role};
use gazette::server::render;

#[tokio::test]
async fn every_field_survives_a_round_trip() {
    let site = Site::new().await;
    let user = site.user(Role::Editor).await;
    let draft = sample_draft("Round trip");
    let content = render::content(&draft);
    let created = site
        .store
        .create_article("round-trip", &content, Some(&user), None)
        .await
        .unwrap();
    let a = site
        .store
        .article_by_slug("round-trip")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(a, created);
    assert_eq!(a.title, "Round trip");
    assert_eq!(a.dek, draft.dek);
    assert_eq!(a.body.markdown, draft.body);
    assert!(a.body.html.contains("<em>paragraph</em>"));
    assert!(!a.body.html.contains("<script"));
    assert_eq!(a.takeaways, draft.takeaways);
    assert_eq!(a.analysis.markdown, draft.analysis);
    assert_eq!(a.analysis.html, "<p>Why it <strong>matters</strong>.</p>\n");
    assert_eq!(a.faq.len(), 2);
    assert_eq!(a.faq[0].anchor, "faq-what-happened");
    assert_eq!(a.faq[0].question, "What happened?");
    assert_eq!(a.faq[0].answer.markdown, "Something *notable*.");
    assert_eq!(a.faq[1].question, "What next?");
    assert_eq!(a.disclosure, draft.disclosure);
    let tags: Vec<_> = a
        .tags
        .iter()
        .map(|t| (t.slug.as_str(), t.name.as_str()))
        .collect();
    assert_eq!(
        tags,
        vec![("science", "Science"), ("space-flight", "Space Flight")]
    );
    assert_eq!(a.authors.len(), 1);
    assert_eq!(a.authors[0].name, user.name);
    assert_eq!(a.status, ArticleStatus::Draft);
    assert_eq!(a.version, 1);
    assert!(a.published_at.is_none());
    // The editable form also names the address and bylines.
    let editable = gazette::model::ArticleDraft {
        slug: "round-trip".into(),
        bylines: vec![user.name.clone()],
        ..draft
    };
    assert_eq!(gazette::model::ArticleDraft::from_article(&a), editable);
}

#[tokio::test]
async fn an_update_replaces_every_part_and_a_stale_one_changes_nothing() {
    let site = Site::new().await;
    let user = site.user(Role::Editor).await;
    let a = site.article("Before").slug("x").by(&user).create().await;
    let mut next = sample_draft("After");
    next.takeaways = vec!["Only one".into()];
    next.faq.truncate(1);
    next.tags = vec!["Politics".into()];
    next.disclosure = None;
    let b = site
        .store
        .update_article(a.id, a.version, &render::content(&next), Some(&user))
        .await
        .unwrap();
    assert_eq!(b.version, 2);
    assert_eq!(b.slug, "x");
    assert_eq!(b.takeaways, vec!["Only one"]);
    assert_eq!(b.faq.len(), 1);
    assert_eq!(b.tags.len(), 1);
    assert_eq!(b.disclosure, None);
    assert_eq!(b.authors.len(), 1, "the same author is not added twice");

    let stale = site
        .store
        .update_article(
            a.id,
            a.version,
            &render::content(&sample_draft("Lost?")),
            Some(&user),
        )
        .await;
    assert!(matches!(stale, Err(gazette::error::AppError::Conflict(_))));
    let missing = site
        .store
        .update_article(
            9999,
            1,
            &render::content(&sample_draft("Nowhere")),
            Some(&user),
        )
        .await;
    assert_eq!(missing.unwrap_err(), gazette::error::AppError::NotFound);
    assert_eq!(site.store.article_by_id(a.id).await.unwrap().unwrap(), b);
}

#[tokio::test]
async fn publishing_sets_the_time_once_and_lists_newest_first() {
    let site = Site::new().await;
    let user = site.user(Role::Editor).await;
    let older = site.article("Older").by(&user).create().await;
    let newer = site.article("Newer").by(&user).create().await;
    assert!(site.store.list_published(10, 0).await.unwrap().is_empty());
    let older = site
        .store
        .publish_article(older.id, older.version, Some(&user))
        .await
        .unwrap();
    let newer = site
        .store
        .publish_article(newer.id, newer.version, Some(&user))
        .await
        .unwrap();
    assert_eq!(older.status, ArticleStatus::Published);
    let list: Vec<_> = site
        .store
        .list_published(10, 0)
        .await
        .unwrap()
        .into_iter()
        .map(|a| a.slug)
        .collect();
    assert_eq!(list, vec!["newer", "older"]);
    let again = site
        .store
        .publish_article(newer.id, newer.version, Some(&user))
        .await
        .unwrap();
    assert_eq!(
        again.published_at, newer.published_at,
        "republishing keeps the first time"
    );
}

#[tokio::test]
async fn sessions_end_at_logout_and_expiry() {
    let site = Site::new().await;
    let user = site.user(Role::Author).await;
    site.store
        .create_session(
            user.id,
            "live",
            chrono::Utc::now() + chrono::Duration::hours(1),
        )
        .await
        .unwrap();
    site.store
        .create_session(
            user.id,
            "expired",
            chrono::Utc::now() - chrono::Duration::seconds(1),
        )
        .await
        .unwrap();
    assert_eq!(
        site.store.session_user("live").await.unwrap(),
        Some(user.clone())
    );
    assert_eq!(site.store.session_user("expired").await.unwrap(), None);
    site.store.delete_session("live").await.unwrap();
    assert_eq!(site.store.session_user("live").await.unwrap(), None);
}

#[tokio::test]
async fn a_duplicate_email_is_a_conflict() {
    let site = Site::new().await;
    let a =
        gazette::server::auth::new_user("same@example.com", "A", Role::Author, PASSWORD).unwrap();
    site.store.create_user(&a).await.unwrap();
    let b =
        gazette::server::auth::new_user("SAME@example.com", "B", Role::Author, PASSWORD).unwrap();
    assert!(matches!(
        site.store.create_user(&b).await,
        Err(gazette::error::AppError::Conflict(_))
    ));
}
