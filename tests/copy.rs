//! Moving a whole site between databases: every user, article part, picture and
//! revision arrives unchanged, in both directions between SQLite and PostgreSQL, a site
//! larger than one batch arrives whole, and a non-empty target is refused without a
//! write.

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
    let a = site.article("First").by(&author).create().await;
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
    site.article("Second")
        .draft(|d| {
            d.disclosure = None;
            d.faq.clear();
        })
        .create()
        .await;
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
    // And from SQLite to the other backend (PostgreSQL when TEST_DATABASE_URL is set).
    let last_db = TestDb::new().await;
    gazette::server::commands::copy(&back_url, &last_db.url)
        .await
        .unwrap();
    assert_eq!(
        open(&last_db.url).await.export_site().await.unwrap(),
        original
    );

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

/// How many rows of each kind `url`'s database holds, read with SQL rather than through
/// the copy's own reader (which both sides of a comparison would otherwise share).
async fn row_counts(url: &str) -> Vec<i64> {
    let sql = "SELECT (SELECT COUNT(*) FROM articles), (SELECT COUNT(*) FROM revisions), \
               (SELECT COUNT(*) FROM media), (SELECT COUNT(*) FROM media_variants), \
               (SELECT COUNT(*) FROM takeaways), (SELECT COUNT(*) FROM faq_items), \
               (SELECT COUNT(*) FROM article_tags), (SELECT COUNT(*) FROM article_authors)";
    type Counts = (i64, i64, i64, i64, i64, i64, i64, i64);
    let c: Counts = if url.starts_with("sqlite:") {
        let pool = sqlx::SqlitePool::connect(url).await.unwrap();
        sqlx::query_as(sql).fetch_one(&pool).await.unwrap()
    } else {
        let pool = sqlx::PgPool::connect(url).await.unwrap();
        sqlx::query_as(sql).fetch_one(&pool).await.unwrap()
    };
    vec![c.0, c.1, c.2, c.3, c.4, c.5, c.6, c.7]
}

/// The copy reads 100 articles, 50 articles' revisions and 2 pictures at a time: a
/// site with more of each arrives whole, nothing lost or doubled at a batch's edge.
#[tokio::test]
async fn a_site_larger_than_one_batch_arrives_whole() {
    use crate::common::images::{encode_jpeg, photo};
    let source = Site::new().await;
    let editor_cookie = source.session(Role::Editor).await;
    for n in 0..3 {
        let bytes = encode_jpeg(&photo(64 + n, 48), 80);
        let reply = source
            .upload(Some(&editor_cookie), "A picture", &[("p.jpg", &bytes)])
            .await;
        assert_eq!(reply.status, 200, "{}", reply.body);
    }
    let editor = source.user(Role::Editor).await;
    for n in 0..130 {
        let article = source.article(&format!("Story number {n}")).by(&editor);
        if n % 3 == 0 {
            article.published().await;
        } else {
            article.create().await;
        }
    }
    let before = row_counts(&source.url).await;
    assert_eq!(before[0], 130);
    assert_eq!(before[2], 3);

    let target = TestDb::new().await;
    gazette::server::commands::copy(&source.url, &target.url)
        .await
        .unwrap();
    assert_eq!(row_counts(&target.url).await, before);
    let copied = open(&target.url).await.export_site().await.unwrap();
    assert_eq!(copied, source.store.export_site().await.unwrap());
}
