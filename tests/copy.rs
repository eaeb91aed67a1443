//! Moving a whole site between databases: every user, article part and revision
//! arrives unchanged, and a non-empty target is refused without a write.

use crate::common::*;
use gazette::model::Role;
use gazette::server::db::{self, DynStore};
use gazette::server::render;

async fn open(url: &str) -> DynStore {
    let store = db::connect(url).await.unwrap();
    store.migrate().await.unwrap();
    store
}

/// A site with users of each role, published and draft articles, and several revisions.
async fn populated() -> Site {
    let site = Site::new().await;
    let editor = site.user(Role::Editor).await;
    let author = site.user(Role::Author).await;
    let a = site
        .store
        .create_article(
            "first",
            &render::content(&sample_draft("First")),
            Some(&author),
            None,
        )
        .await
        .unwrap();
    let a = site
        .store
        .update_article(
            a.id,
            a.version,
            &render::content(&sample_draft("First, edited")),
            Some(&editor),
        )
        .await
        .unwrap();
    site.store
        .publish_article(a.id, a.version, Some(&editor))
        .await
        .unwrap();
    // Two-factor secrets, recovery codes, deactivation and site settings travel too.
    site.store
        .set_totp_pending(editor.id, Some("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"))
        .await
        .unwrap();
    site.store
        .enable_totp(
            editor.id,
            "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP",
            1,
            &["hash-one".into(), "hash-two".into()],
        )
        .await
        .unwrap();
    site.store
        .set_setting("require_two_factor", "on")
        .await
        .unwrap();
    let gone = site.user(Role::Author).await;
    site.store.deactivate_user(gone.id).await.unwrap();
    let mut bare = sample_draft("Second");
    bare.disclosure = None;
    bare.faq.clear();
    site.store
        .create_article("second", &render::content(&bare), None, None)
        .await
        .unwrap();
    site
}

#[tokio::test]
async fn a_site_survives_a_round_trip_through_another_database() {
    let source = populated().await;
    let original = source.store.export_site().await.unwrap();
    assert_eq!(original.users.len(), 3);
    assert_eq!(original.recovery_codes.len(), 2);
    assert_eq!(original.settings.len(), 1);
    assert!(original.users.iter().any(|u| u.totp_secret.is_some()));
    assert!(original.users.iter().any(|u| !u.active));
    assert_eq!(original.articles.len(), 2);
    assert_eq!(original.revisions.len(), 4);

    // Out to SQLite (or PostgreSQL when TEST_DATABASE_URL is set) and back again.
    let middle_db = TestDb::new().await;
    gazette::server::commands::copy(&source.url, &middle_db.url)
        .await
        .unwrap();
    let back_db = tempfile::tempdir().unwrap();
    let back_url = format!("sqlite://{}/back.db", back_db.path().display());
    gazette::server::commands::copy(&middle_db.url, &back_url)
        .await
        .unwrap();

    assert_eq!(
        open(&middle_db.url).await.export_site().await.unwrap(),
        original
    );
    let back = open(&back_url).await;
    assert_eq!(back.export_site().await.unwrap(), original);

    // The copy is a working site: new rows get fresh ids, logins still verify.
    let next = back
        .create_article(
            "third",
            &render::content(&sample_draft("Third")),
            None,
            None,
        )
        .await
        .unwrap();
    assert!(next.id > original.articles.iter().map(|(a, _)| a.id).max().unwrap());
    let middle = open(&middle_db.url).await;
    let next = middle
        .create_article(
            "third",
            &render::content(&sample_draft("Third")),
            None,
            None,
        )
        .await
        .unwrap();
    assert!(next.id > 2);
    let login = middle
        .find_login(&original.users[0].email)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(login.password_hash, original.users[0].password_hash);
}

#[tokio::test]
async fn copying_into_a_database_with_content_is_refused_and_writes_nothing() {
    let source = populated().await;
    let target = Site::new().await;
    let mine = target.user(Role::Owner).await;
    let err = gazette::server::commands::copy(&source.url, &target.url)
        .await
        .unwrap_err();
    assert!(err.contains("already holds users or articles"), "{err}");
    let after = target.store.export_site().await.unwrap();
    assert_eq!(after.users.len(), 1);
    assert_eq!(after.users[0].email, mine.email);
    assert!(after.articles.is_empty());
}
