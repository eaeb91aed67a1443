//! Several `gazette` instances on one database behave as one site: sessions, publishing,
//! edits and conflicting saves are shared. Runs on PostgreSQL when `TEST_DATABASE_URL`
//! is set, otherwise on one SQLite file shared by both processes.

use crate::common::*;
use gazette::model::{Role, SavedArticle};
use serde_json::json;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

struct Instance {
    child: Child,
    base: String,
}

impl Drop for Instance {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn start(url: &str) -> Instance {
    start_with(url, &[])
}

fn start_with(url: &str, env: &[(&str, &str)]) -> Instance {
    let port = free_port();
    let site_root = tempfile::tempdir().unwrap();
    let child = Command::new(env!("CARGO_BIN_EXE_gazette"))
        .envs(env.iter().copied())
        .env("DATABASE_URL", url)
        .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
        .env("LEPTOS_SITE_ROOT", site_root.path())
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    Instance {
        child,
        base: format!("http://127.0.0.1:{port}"),
    }
}

async fn wait_healthy(client: &reqwest::Client, i: &mut Instance) {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Some(status) = i.child.try_wait().unwrap() {
            panic!("instance at {} exited: {status}", i.base);
        }
        if let Ok(r) = client.get(format!("{}/healthz", i.base)).send().await {
            if r.status() == 200 {
                return;
            }
        }
        assert!(Instant::now() < deadline, "{} never became healthy", i.base);
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn call(
    client: &reqwest::Client,
    i: &Instance,
    name: &str,
    args: serde_json::Value,
    cookie: &str,
) -> (u16, String) {
    let r = client
        .post(format!("{}/api/{name}", i.base))
        .header("cookie", cookie)
        .header("accept", "application/json")
        .json(&args)
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

async fn get(client: &reqwest::Client, i: &Instance, path: &str) -> (u16, String) {
    let r = client
        .get(format!("{}{path}", i.base))
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

/// Security: a client that sends its request headers a byte at a time (slowloris) must
/// not hold a connection open for ever; with enough of them no one else gets in.
#[tokio::test]
async fn a_client_that_never_finishes_its_headers_is_disconnected() {
    use std::io::{Read, Write};
    let db = TestDb::new().await;
    // Idle keep-alive connections are closed after the same half second: no pooling.
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .build()
        .unwrap();
    let mut i = start_with(&db.url, &[("GAZETTE_HEADER_TIMEOUT_MS", "500")]);
    wait_healthy(&client, &mut i).await;
    let mut slow = std::net::TcpStream::connect(i.base.trim_start_matches("http://")).unwrap();
    slow.write_all(b"GET / HTTP/1.1\r\nHost: example\r\nX-Slow: 1")
        .unwrap();
    slow.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let started = Instant::now();
    let mut answer = Vec::new();
    let outcome = slow.read_to_end(&mut answer);
    let timed_out = matches!(&outcome, Err(e) if matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut));
    assert!(
        !timed_out,
        "the connection was still open after {:?}",
        started.elapsed()
    );
    assert!(
        !String::from_utf8_lossy(&answer).contains("200 OK"),
        "an unfinished request must not be answered as if complete"
    );
    assert_eq!(
        get(&client, &i, "/healthz").await.0,
        200,
        "others are served"
    );
}

#[tokio::test]
async fn two_instances_serve_one_site() {
    let db = TestDb::new().await;
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    // Both start at once on an empty database: migrations and seeding must not race.
    let mut a = start(&db.url);
    let mut b = start(&db.url);
    wait_healthy(&client, &mut a).await;
    wait_healthy(&client, &mut b).await;
    let store = gazette::server::db::connect(&db.url).await.unwrap();
    assert_eq!(
        store.count_articles().await.unwrap(),
        1,
        "the seed is imported once"
    );
    let new =
        gazette::server::auth::new_user("erin@example.com", "Erin Editor", Role::Editor, PASSWORD)
            .unwrap();
    store.create_user(&new).await.unwrap();

    // Log in on A, use the session on B.
    let login = client
        .post(format!("{}/admin/login", a.base))
        .form(&[("email", "erin@example.com"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(login.status(), 303);
    let cookie = login.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    assert_eq!(
        call(&client, &b, "list_articles", json!({}), &cookie)
            .await
            .0,
        200
    );

    // Publish on A; B serves it on its home page and at its URL.
    let draft = sample_draft("Two instances, one newsroom");
    let (status, body) = call(
        &client,
        &a,
        "save_article",
        json!({ "id": null, "base_version": null, "draft": draft }),
        &cookie,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let saved: SavedArticle = serde_json::from_str(&body).unwrap();
    assert_eq!(
        get(&client, &b, &format!("/articles/{}", saved.slug))
            .await
            .0,
        404
    );
    let (status, body) = call(
        &client,
        &a,
        "publish_article",
        json!({ "id": saved.id, "version": saved.version }),
        &cookie,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let published: SavedArticle = serde_json::from_str(&body).unwrap();
    let started = Instant::now();
    loop {
        let home = get(&client, &b, "/").await.1;
        let page = get(&client, &b, &format!("/articles/{}", saved.slug))
            .await
            .0;
        if home.contains("Two instances, one newsroom") && page == 200 {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(1),
            "B did not serve A's publish within 1 s"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    println!("publish on A visible on B after {:?}", started.elapsed());

    // Edit on B; A serves the new text.
    let mut edited = sample_draft("Two instances, one newsroom");
    edited.body = "Edited on the second instance.".into();
    let (status, body) = call(
        &client,
        &b,
        "save_article",
        json!({ "id": saved.id, "base_version": published.version, "draft": edited }),
        &cookie,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let after_edit: SavedArticle = serde_json::from_str(&body).unwrap();
    let page = get(&client, &a, &format!("/articles/{}", saved.slug))
        .await
        .1;
    assert!(page.contains("Edited on the second instance."));

    // The same base version saved on A and B at once: one wins, one conflicts.
    let mut from_a = sample_draft("Two instances, one newsroom");
    from_a.body = "A's version".into();
    let mut from_b = sample_draft("Two instances, one newsroom");
    from_b.body = "B's version".into();
    let (ra, rb) = tokio::join!(
        call(
            &client,
            &a,
            "save_article",
            json!({ "id": saved.id, "base_version": after_edit.version, "draft": from_a }),
            &cookie
        ),
        call(
            &client,
            &b,
            "save_article",
            json!({ "id": saved.id, "base_version": after_edit.version, "draft": from_b }),
            &cookie
        ),
    );
    let mut statuses = [ra.0, rb.0];
    statuses.sort();
    assert_eq!(statuses, [200, 409], "A: {ra:?} B: {rb:?}");
    let stored = store.article_by_id(saved.id).await.unwrap().unwrap();
    assert_eq!(stored.version, after_edit.version + 1);
    let winner = if ra.0 == 200 {
        "A's version"
    } else {
        "B's version"
    };
    assert_eq!(stored.body.markdown, winner);

    // Logging out on B ends the session on A.
    let out = client
        .post(format!("{}/admin/logout", b.base))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(out.status(), 303);
    assert_eq!(
        call(&client, &a, "list_articles", json!({}), &cookie)
            .await
            .0,
        401
    );
}

#[tokio::test]
async fn failed_logins_are_limited_across_instances() {
    let db = TestDb::new().await;
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let mut a = start(&db.url);
    let mut b = start(&db.url);
    wait_healthy(&client, &mut a).await;
    wait_healthy(&client, &mut b).await;
    let store = gazette::server::db::connect(&db.url).await.unwrap();
    let new =
        gazette::server::auth::new_user("target@example.com", "Target", Role::Editor, PASSWORD)
            .unwrap();
    store.create_user(&new).await.unwrap();
    let attempt = |i: &Instance, password: &'static str| {
        client
            .post(format!("{}/admin/login", i.base))
            .form(&[("email", "target@example.com"), ("password", password)])
            .send()
    };
    // Five failures spread over both instances lock the account on both; every attempt
    // counts, so each further one doubles the wait (30 s, then 60 s).
    for n in 0..5 {
        let i = if n % 2 == 0 { &a } else { &b };
        assert_eq!(attempt(i, "wrong password!").await.unwrap().status(), 303);
    }
    for (i, most) in [(&a, 30), (&b, 60)] {
        let r = attempt(i, PASSWORD).await.unwrap();
        assert_eq!(
            r.status(),
            429,
            "even the right password waits out the lock"
        );
        let retry: i64 = r.headers()["retry-after"]
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        assert!((most / 2..=most).contains(&retry), "{retry}");
    }
}

#[tokio::test]
async fn an_unreachable_database_at_start_up_is_a_clear_error() {
    let out = Command::new(env!("CARGO_BIN_EXE_gazette"))
        .arg("migrate")
        .env("DATABASE_URL", "postgres://postgres@127.0.0.1:9/gazette")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("cannot connect to PostgreSQL at 127.0.0.1:9"),
        "{err}"
    );
}

#[tokio::test]
#[ignore = "PostgreSQL only: the PostgreSQL pass runs it with --include-ignored"]
async fn an_instance_recovers_when_its_database_connections_are_killed() {
    let db = TestDb::new().await;
    let (server, name) = db
        .postgres()
        .cloned()
        .expect("this test needs TEST_DATABASE_URL naming a PostgreSQL server");
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    let mut a = start(&db.url);
    wait_healthy(&client, &mut a).await;
    assert_eq!(get(&client, &a, "/").await.0, 200);

    use sqlx::Connection;
    let mut admin = sqlx::PgConnection::connect(&server).await.unwrap();
    let killed: Vec<(bool,)> =
        sqlx::query_as("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1")
            .bind(&name)
            .fetch_all(&mut admin)
            .await
            .unwrap();
    assert!(!killed.is_empty(), "the instance held connections");

    // Every request answers (no hang); the instance reconnects on its own.
    let started = Instant::now();
    let mut failures = 0;
    loop {
        let (status, body) = get(&client, &a, "/healthz").await;
        if status == 200 {
            break;
        }
        assert_eq!(status, 503, "{body}");
        failures += 1;
        assert!(started.elapsed() < Duration::from_secs(10), "no recovery");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let (status, body) = get(&client, &a, "/").await;
    assert_eq!(status, 200);
    assert!(body.contains("China Proposes Global AI Cooperation Framework"));
    println!(
        "recovered after {:?} ({failures} failed health checks)",
        started.elapsed()
    );
}

#[tokio::test]
#[ignore = "PostgreSQL only: the PostgreSQL pass runs it with --include-ignored"]
async fn a_vanished_database_gets_503s_not_hangs() {
    let db = TestDb::new().await;
    let (server, name) = db
        .postgres()
        .cloned()
        .expect("this test needs TEST_DATABASE_URL naming a PostgreSQL server");
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(15))
        .build()
        .unwrap();
    let mut a = start(&db.url);
    wait_healthy(&client, &mut a).await;

    use sqlx::Connection;
    let mut admin = sqlx::PgConnection::connect(&server).await.unwrap();
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "DROP DATABASE {name} WITH (FORCE)"
    )))
    .execute(&mut admin)
    .await
    .unwrap();
    for path in ["/healthz", "/", "/articles/anything"] {
        let started = Instant::now();
        let (status, body) = get(&client, &a, path).await;
        assert_eq!(status, 503, "{path}: {body}");
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "{path} took {:?}",
            started.elapsed()
        );
        assert_no_internals(&body);
    }
}

#[tokio::test]
async fn an_operator_on_the_machine_reads_metrics_and_request_ids_come_back() {
    let db = TestDb::new().await;
    let client = reqwest::Client::new();
    let mut a = start(&db.url);
    wait_healthy(&client, &mut a).await;
    for _ in 0..3 {
        assert_eq!(get(&client, &a, "/").await.0, 200);
    }
    // Pages from the page cache carry a request id too, a new one each time.
    let mut ids = Vec::new();
    for _ in 0..2 {
        let page = client.get(format!("{}/", a.base)).send().await.unwrap();
        ids.push(page.headers()["x-request-id"].to_str().unwrap().to_string());
    }
    assert_ne!(ids[0], ids[1]);
    let (status, body) = get(&client, &a, "/metrics").await;
    assert_eq!(status, 200);
    assert!(
        body.lines()
            .any(|l| l.starts_with("gazette_http_requests_total{") && l.contains("class=\"home\"")),
        "{body}"
    );
    assert!(body.contains("gazette_http_request_duration_seconds_bucket"));
    assert!(body.contains("gazette_page_cache_hits_total"));
    assert!(body.contains("gazette_db_pool_connections"));
    assert!(body.contains("gazette_scheduled_publish_runs_total"));
}

#[tokio::test]
async fn a_picture_uploaded_through_one_instance_is_served_by_the_other() {
    use crate::common::images::*;
    let db = TestDb::new().await;
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let mut a = start(&db.url);
    let mut b = start(&db.url);
    wait_healthy(&client, &mut a).await;
    wait_healthy(&client, &mut b).await;
    let store = gazette::server::db::connect(&db.url).await.unwrap();
    let new =
        gazette::server::auth::new_user("ada@example.com", "Ada Author", Role::Author, PASSWORD)
            .unwrap();
    store.create_user(&new).await.unwrap();
    let login = client
        .post(format!("{}/admin/login", a.base))
        .form(&[("email", "ada@example.com"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    let cookie = login.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    let (content_type, body) = multipart(
        "Boats",
        &[(
            "dawn.jpg",
            jpeg_with_metadata(&photo(1000, 600), 1).as_slice(),
        )],
    );
    let reply = client
        .post(format!("{}/admin/media/upload", a.base))
        .header("cookie", &cookie)
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(reply.status(), 200);
    let outcomes: Vec<gazette::model::UploadOutcome> = reply.json().await.unwrap();
    let media = outcomes[0].uploaded.clone().unwrap().item.media;
    let served = client
        .get(format!("{}{}", b.base, media.url(640, "webp")))
        .send()
        .await
        .unwrap();
    assert_eq!(served.status(), 200);
    assert_eq!(served.headers()["content-type"], "image/webp");
    let bytes = served.bytes().await.unwrap();
    assert!(metadata_blocks(&bytes).is_empty());
}

#[tokio::test]
#[ignore = "PostgreSQL only: the PostgreSQL pass runs it with --include-ignored"]
async fn migrating_waits_for_a_migration_in_progress_past_the_statement_time_limit() {
    // Another instance's migration of a large table (minutes at 100,000 articles) holds
    // its locks until done; the 10-second limit on each statement is for requests, and
    // an instance starting meanwhile must wait, not fail.
    let db = TestDb::migrated().await;
    assert!(
        db.postgres().is_some(),
        "this test needs TEST_DATABASE_URL naming a PostgreSQL server"
    );
    use sqlx::Connection;
    let mut other = sqlx::PgConnection::connect(&db.url).await.unwrap();
    let mut migrating = other.begin().await.unwrap();
    sqlx::query("LOCK TABLE _sqlx_migrations IN ACCESS EXCLUSIVE MODE")
        .execute(&mut *migrating)
        .await
        .unwrap();
    let url = db.url.clone();
    let dir = db.dir.path().to_path_buf();
    let started = Instant::now();
    let migrate = tokio::task::spawn_blocking(move || gazette_at(&url, &dir, &["migrate"]));
    tokio::time::sleep(Duration::from_secs(11)).await;
    migrating.commit().await.unwrap();
    let out = migrate.await.unwrap();
    assert!(
        out.status.success(),
        "migrate failed after {:?}: {}",
        started.elapsed(),
        text(&out.stderr)
    );
    assert!(started.elapsed() >= Duration::from_secs(11));
}
