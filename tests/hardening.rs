//! Faults a running site meets: another process holding the SQLite write lock, and
//! database errors that mean "try again shortly" rather than a bug.

use crate::common::*;
use gazette::error::AppError;
use gazette::model::Role;
use serde_json::json;

/// A long write by another process (a backup, `gazette import`) holds SQLite's lock:
/// a save waits out the busy timeout and then gets a clear 503 (it used to be a 500),
/// readers go on meanwhile, and the next save works without a restart. PostgreSQL
/// has no file lock; its statement time limit is covered by the search tests.
#[tokio::test]
async fn sqlite_only_a_database_locked_by_another_process_answers_503_and_recovers() {
    let site = Site::new().await;
    assert!(
        site.url.starts_with("sqlite:"),
        "SQLite only: the PostgreSQL pass skips tests named sqlite_only"
    );
    let editor = site.session(Role::Editor).await;
    let other = sqlx::SqlitePool::connect(&site.url).await.unwrap();
    let mut lock = other.acquire().await.unwrap();
    sqlx::query("BEGIN IMMEDIATE")
        .execute(&mut *lock)
        .await
        .unwrap();

    let home = site.get("/", None).await;
    assert_eq!(home.status, 200, "readers go on while the lock is held");
    let save = || {
        site.call(
            "save_article",
            json!({ "id": null, "base_version": null, "draft": sample_draft("Held up") }),
            Some(&editor),
        )
    };
    let refused = save().await;
    assert_eq!(refused.status, 503, "{}", refused.body);
    let error: AppError = serde_json::from_str(&refused.body).unwrap();
    assert_eq!(error, AppError::Unavailable);
    assert!(error.to_string().contains("temporarily unavailable"));
    assert_eq!(site.article_count().await, 0);

    sqlx::query("ROLLBACK").execute(&mut *lock).await.unwrap();
    let saved = save().await;
    assert_eq!(saved.status, 200, "{}", saved.body);
    assert_eq!(site.article_count().await, 1);
}
