//! A Gazette site for tests: the full HTTP app on a fresh database, SQLite by default or
//! PostgreSQL when `TEST_DATABASE_URL` names a server (a new database per site).

#![allow(dead_code)]

pub mod images;

use axum::body::Body;
use axum::http::{header, HeaderMap, Request, StatusCode};
use axum::Router;
use gazette::model::{Article, ArticleDraft, FaqDraft, Role, SavedArticle, User};
use gazette::server::auth;
use gazette::server::config::Config;
use gazette::server::db::{self, DynStore};
use gazette::server::render;
use gazette::server::state::AppState;
use http_body_util::BodyExt;
use leptos::config::LeptosOptions;
use serde_json::json;
use std::sync::atomic::{AtomicUsize, Ordering};
use tower::ServiceExt;

pub const PASSWORD: &str = "correct horse battery";

pub struct Site {
    pub app: Router,
    pub store: DynStore,
    pub cache: gazette::server::page_cache::SharedCache,
    pub url: String,
    /// The session cookie's name on this site (it depends on the public URL's scheme).
    pub session_cookie: &'static str,
    _db: TestDb,
}

/// A fresh database: a SQLite file in a temporary folder, or a PostgreSQL database that
/// is dropped again when this goes out of scope.
pub struct TestDb {
    pub url: String,
    pub dir: tempfile::TempDir,
    postgres: Option<(String, String)>,
}

impl TestDb {
    /// An empty database, not migrated.
    pub async fn new() -> Self {
        Self::create(false).await
    }

    /// A database with every migration applied. On PostgreSQL it is a copy of a
    /// template database migrated once per set of migrations: migrating each test's
    /// own database took about a second there.
    pub async fn migrated() -> Self {
        Self::create(true).await
    }

    async fn create(migrated: bool) -> Self {
        let dir = tempfile::tempdir().unwrap();
        match std::env::var("TEST_DATABASE_URL") {
            Ok(server) if !server.is_empty() => {
                use sqlx::Connection;
                let name = format!(
                    "gazette_test_{}_{}_{}",
                    std::process::id(),
                    COUNTER.fetch_add(1, Ordering::SeqCst),
                    chrono::Utc::now().timestamp_micros()
                );
                let template = if migrated {
                    format!(" TEMPLATE {}", migrated_template(&server).await)
                } else {
                    String::new()
                };
                let mut conn = sqlx::PgConnection::connect(&server)
                    .await
                    .expect("connect to TEST_DATABASE_URL");
                sqlx::query(sqlx::AssertSqlSafe(format!(
                    "CREATE DATABASE {name}{template}"
                )))
                .execute(&mut conn)
                .await
                .expect("create test database");
                let base = server.rsplit_once('/').map(|(b, _)| b).unwrap_or(&server);
                TestDb {
                    url: format!("{base}/{name}"),
                    dir,
                    postgres: Some((server, name)),
                }
            }
            _ => TestDb {
                url: format!("sqlite://{}/gazette.db", dir.path().display()),
                dir,
                postgres: None,
            },
        }
    }
}

/// The name of a database on the PostgreSQL `server` holding every migration and
/// nothing else, made by the first test process that needs it (under an advisory lock,
/// built under a temporary name and renamed once complete) and kept for later runs;
/// templates of older migrations are dropped then.
async fn migrated_template(server: &str) -> &'static str {
    static TEMPLATE: tokio::sync::OnceCell<String> = tokio::sync::OnceCell::const_new();
    TEMPLATE
        .get_or_init(|| async {
            use sqlx::Connection;
            use std::hash::{Hash, Hasher};
            let folder = concat!(env!("CARGO_MANIFEST_DIR"), "/migrations/postgres");
            let mut files: Vec<_> = std::fs::read_dir(folder)
                .unwrap()
                .map(|e| e.unwrap().path())
                .collect();
            files.sort();
            let mut hasher = std::hash::DefaultHasher::new();
            for file in files {
                std::fs::read(file).unwrap().hash(&mut hasher);
            }
            let name = format!("gazette_test_template_{:016x}", hasher.finish());
            let mut conn = sqlx::PgConnection::connect(server)
                .await
                .expect("connect to TEST_DATABASE_URL");
            let run = |sql: String| sqlx::query(sqlx::AssertSqlSafe(sql));
            run("SELECT pg_advisory_lock(7041967)".into())
                .execute(&mut conn)
                .await
                .unwrap();
            let (exists,): (bool,) =
                sqlx::query_as("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)")
                    .bind(&name)
                    .fetch_one(&mut conn)
                    .await
                    .unwrap();
            if !exists {
                let building = format!("{name}_building");
                let stale: Vec<(String,)> = sqlx::query_as(
                    "SELECT datname FROM pg_database WHERE datname LIKE 'gazette\\_test\\_template\\_%'",
                )
                .fetch_all(&mut conn)
                .await
                .unwrap();
                for (old,) in stale {
                    run(format!("DROP DATABASE IF EXISTS {old} WITH (FORCE)"))
                        .execute(&mut conn)
                        .await
                        .unwrap();
                }
                run(format!("CREATE DATABASE {building}"))
                    .execute(&mut conn)
                    .await
                    .unwrap();
                let base = server.rsplit_once('/').map(|(b, _)| b).unwrap_or(server);
                let store = db::connect(&format!("{base}/{building}")).await.unwrap();
                store.migrate().await.unwrap();
                store.close().await;
                run(format!("ALTER DATABASE {building} RENAME TO {name}"))
                    .execute(&mut conn)
                    .await
                    .unwrap();
            }
            run("SELECT pg_advisory_unlock(7041967)".into())
                .execute(&mut conn)
                .await
                .unwrap();
            name
        })
        .await
}

impl TestDb {
    /// The PostgreSQL server URL and database name, when testing on PostgreSQL.
    pub fn postgres(&self) -> Option<&(String, String)> {
        self.postgres.as_ref()
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let Some((server, name)) = self.postgres.take() else {
            return;
        };
        // Drop runs outside async code; a short-lived runtime on its own thread does the I/O.
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async {
                use sqlx::Connection;
                if let Ok(mut conn) = sqlx::PgConnection::connect(&server).await {
                    let sql = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
                    let _ = sqlx::query(sqlx::AssertSqlSafe(sql))
                        .execute(&mut conn)
                        .await;
                }
            })
        })
        .join();
    }
}

pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

static COUNTER: AtomicUsize = AtomicUsize::new(0);

impl Site {
    pub async fn new() -> Self {
        Self::with_public_url("http://127.0.0.1:3000").await
    }

    pub async fn with_public_url(public_url: &str) -> Self {
        Self::with_config(public_url, "").await
    }

    /// A site behind the reverse proxies listed in `trusted_proxies`.
    pub async fn with_config(public_url: &str, trusted_proxies: &str) -> Self {
        Self::build(public_url, trusted_proxies, 0, None).await
    }

    /// A site that encrypts TOTP secrets with `GAZETTE_SECRET_KEY` = `key`.
    pub async fn with_secret_key(key: [u8; 32]) -> Self {
        let key = gazette::server::config::SecretKey(key);
        Self::build("http://127.0.0.1:3000", "", 0, Some(key)).await
    }

    /// A site with its page cache on (`budget` bytes), as the server runs it. The other
    /// sites leave it off, so a test that writes through the store and reads at once
    /// isn't waiting for the cache's next look at the content version.
    pub async fn with_page_cache(budget: u64) -> Self {
        Self::build("http://127.0.0.1:3000", "", budget, None).await
    }

    async fn build(
        public_url: &str,
        trusted_proxies: &str,
        page_cache_bytes: u64,
        secret_key: Option<gazette::server::config::SecretKey>,
    ) -> Self {
        let db = TestDb::migrated().await;
        let url = db.url.clone();
        let store = db::connect(&url).await.unwrap();
        store.migrate().await.unwrap();
        let config = Config {
            database_url: url.clone(),
            site_addr: "127.0.0.1:3000".parse().unwrap(),
            public_url: public_url.into(),
            trusted_proxies: gazette::server::config::parse_proxies(trusted_proxies).unwrap(),
            schedule_interval: std::time::Duration::from_secs(5),
            header_timeout: std::time::Duration::from_secs(10),
            page_cache_bytes,
            metrics_allow: Vec::new(),
            secret_key,
        };
        let session_cookie = auth::cookies::session_cookie_name(&config);
        let state = AppState::new(
            LeptosOptions::builder().output_name("gazette").build(),
            store.clone(),
            config,
        );
        let cache = state.cache.clone();
        gazette::server::page_cache::refresh(&cache, &store).await;
        Site {
            app: gazette::server::startup::app(state),
            store,
            cache,
            url,
            session_cookie,
            _db: db,
        }
    }

    /// A folder that lives as long as the site (for files a test hands to the CLI).
    pub fn dir(&self) -> &std::path::Path {
        self._db.dir.path()
    }

    /// Runs the `gazette` command line against this site's database, from its folder.
    pub fn gazette(&self, args: &[&str]) -> std::process::Output {
        gazette_at(&self.url, self.dir(), args)
    }

    pub async fn send(&self, req: Request<Body>) -> Reply {
        let res = self.app.clone().oneshot(req).await.unwrap();
        let status = res.status();
        let headers = res.headers().clone();
        let bytes = res.into_body().collect().await.unwrap().to_bytes();
        Reply {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }

    pub async fn get(&self, path: &str, cookie: Option<&str>) -> Reply {
        let mut req = Request::get(path).header(header::ACCEPT, "text/html");
        if let Some(c) = cookie {
            req = req.header(header::COOKIE, c);
        }
        self.send(req.body(Body::empty()).unwrap()).await
    }

    /// Calls a server function the way the browser islands do (JSON in, JSON out).
    pub async fn call(&self, name: &str, args: serde_json::Value, cookie: Option<&str>) -> Reply {
        let mut req = Request::post(format!("/api/{name}"))
            .header(header::CONTENT_TYPE, "application/json")
            .header(header::ACCEPT, "application/json");
        if let Some(c) = cookie {
            req = req.header(header::COOKIE, c);
        }
        self.send(req.body(Body::from(args.to_string())).unwrap())
            .await
    }

    /// Calls server function `name` as `cookie`'s user, expecting success; its JSON answer.
    pub async fn call_ok(
        &self,
        name: &str,
        args: serde_json::Value,
        cookie: &str,
    ) -> serde_json::Value {
        let r = self.call(name, args, Some(cookie)).await;
        assert_eq!(r.status, 200, "{name}: {}", r.body);
        serde_json::from_str(&r.body).unwrap()
    }

    pub async fn post_form(&self, path: &str, form: &str, cookie: Option<&str>) -> Reply {
        let mut req =
            Request::post(path).header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        if let Some(c) = cookie {
            req = req.header(header::COOKIE, c);
        }
        self.send(req.body(Body::from(form.to_string())).unwrap())
            .await
    }

    pub async fn user(&self, role: Role) -> User {
        let email = format!(
            "{}-{}@example.com",
            role.as_str(),
            COUNTER.fetch_add(1, Ordering::SeqCst)
        );
        let new = db::NewUser {
            email,
            name: format!("Test {}", role.as_str()),
            role,
            password_hash: fixture_hash().to_string(),
        };
        self.store.create_user(&new).await.unwrap()
    }

    /// A session cookie for a new user with `role`.
    pub async fn session(&self, role: Role) -> String {
        let user = self.user(role).await;
        let (token, hash) = auth::new_token();
        self.store
            .create_session(
                user.id,
                &hash,
                chrono::Utc::now() + chrono::Duration::days(1),
            )
            .await
            .unwrap();
        format!("{}={token}", self.session_cookie)
    }

    /// The first column of every row `sql` returns, as text, read straight from the
    /// database (to check what is stored at rest).
    pub async fn column(&self, sql: &'static str) -> Vec<Option<String>> {
        if self.url.starts_with("sqlite:") {
            let pool = sqlx::SqlitePool::connect(&self.url).await.unwrap();
            sqlx::query_scalar(sql).fetch_all(&pool).await.unwrap()
        } else {
            let pool = sqlx::PgPool::connect(&self.url).await.unwrap();
            sqlx::query_scalar(sql).fetch_all(&pool).await.unwrap()
        }
    }

    pub async fn article_count(&self) -> i64 {
        self.store.count_articles().await.unwrap()
    }

    /// An article to write straight through the store: [`sample_draft`] with `title`, at
    /// the address made of the title, by no one until [`ArticleBuilder::by`] says.
    pub fn article(&self, title: &str) -> ArticleBuilder<'_> {
        ArticleBuilder {
            site: self,
            draft: sample_draft(title),
            slug: render::slugify(title),
            by: None,
        }
    }

    /// A new draft of [`sample_draft`] with `title`, saved through the editor's server
    /// function by the holder of `cookie`.
    pub async fn saved(&self, cookie: &str, title: &str) -> SavedArticle {
        let r = self
            .call(
                "save_article",
                json!({ "id": null, "base_version": null, "draft": sample_draft(title) }),
                Some(cookie),
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
        serde_json::from_str(&r.body).unwrap()
    }
}

/// An article on its way into a test site's store; see [`Site::article`].
pub struct ArticleBuilder<'a> {
    site: &'a Site,
    draft: ArticleDraft,
    slug: String,
    by: Option<&'a User>,
}

impl<'a> ArticleBuilder<'a> {
    /// Written by `user`.
    pub fn by(mut self, user: &'a User) -> Self {
        self.by = Some(user);
        self
    }

    /// At the address `slug` instead of the one made of the title.
    pub fn slug(mut self, slug: &str) -> Self {
        self.slug = slug.into();
        self
    }

    /// With these tags instead of the sample's.
    pub fn tags(mut self, tags: &[&str]) -> Self {
        self.draft.tags = tags.iter().map(|t| t.to_string()).collect();
        self
    }

    /// With the draft changed by `edit`.
    pub fn draft(mut self, edit: impl FnOnce(&mut ArticleDraft)) -> Self {
        edit(&mut self.draft);
        self
    }

    /// Stores the article as a draft.
    pub async fn create(self) -> Article {
        self.site
            .store
            .create_article(&self.slug, &render::content(&self.draft), self.by, None)
            .await
            .unwrap()
    }

    /// Stores the article and publishes it; the published article.
    pub async fn published(self) -> Article {
        let (site, by) = (self.site, self.by);
        let a = self.create().await;
        site.store
            .publish_article(a.id, a.version, by)
            .await
            .unwrap()
    }
}

/// [`PASSWORD`] hashed with deliberately cheap argon2id parameters, once per test run:
/// fixtures need a valid hash, not a strong one, and a full-strength hash per test user
/// dominated the run. Verification reads the parameters from the hash itself; a test in
/// `accounts.rs` checks that real accounts get full-strength hashes.
pub fn fixture_hash() -> &'static str {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HASH.get_or_init(|| {
        use argon2::password_hash::{rand_core::OsRng, PasswordHasher, SaltString};
        let params = argon2::Params::new(256, 1, 1, None).unwrap();
        argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params)
            .hash_password(PASSWORD.as_bytes(), &SaltString::generate(&mut OsRng))
            .unwrap()
            .to_string()
    })
}

pub fn sample_draft(title: &str) -> ArticleDraft {
    ArticleDraft {
        title: title.into(),
        dek: "A short standfirst.".into(),
        body: "First *paragraph*.\n\nSecond paragraph <script>alert(1)</script>.".into(),
        takeaways: vec!["One".into(), "Two".into()],
        analysis: "Why it **matters**.".into(),
        faq: vec![
            FaqDraft {
                question: "What happened?".into(),
                answer: "Something *notable*.".into(),
            },
            FaqDraft {
                question: "What next?".into(),
                answer: "More news.".into(),
            },
        ],
        disclosure: Some(gazette::model::AiDisclosure {
            level: gazette::model::AiLevel::Assisted,
            statement: "Research assisted by a language model.".into(),
            tool: Some("ExampleLM".into()),
            reviewer: Some("Erin Editor".into()),
        }),
        tags: vec!["Science".into(), "Space Flight".into()],
        slug: String::new(),
        bylines: Vec::new(),
        lead_image: None,
    }
}

/// Text that must never reach a client.
pub fn assert_no_internals(body: &str) {
    for leak in [
        "sqlx",
        "SELECT ",
        "INSERT ",
        "UPDATE ",
        "panicked",
        "/root/",
        "src/",
        "error returned from database",
    ] {
        assert!(!body.contains(leak), "response leaks {leak:?}: {body}");
    }
}

/// Runs the `gazette` command line against the database at `url`, from `dir`, with no
/// input; waits for it to end.
pub fn gazette_at(url: &str, dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_gazette"))
        .args(args)
        .env("DATABASE_URL", url)
        .current_dir(dir)
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap()
}

/// A command's output as text.
pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Runs `check` on every item, up to eight at once: each check usually sets up its own
/// site, which mostly waits on the database. A failing check fails the test.
pub async fn each_concurrently<T, F, Fut>(items: impl IntoIterator<Item = T>, check: F)
where
    F: Fn(T) -> Fut,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    let mut running = tokio::task::JoinSet::new();
    for item in items {
        if running.len() == 8 {
            settle(running.join_next().await);
        }
        running.spawn(check(item));
    }
    while let Some(done) = running.join_next().await {
        settle(Some(done));
    }
}

/// Passes a finished check's panic on to the test.
fn settle(done: Option<Result<(), tokio::task::JoinError>>) {
    if let Some(Err(e)) = done {
        match e.try_into_panic() {
            Ok(panic) => std::panic::resume_unwind(panic),
            Err(e) => panic!("a check was cancelled: {e}"),
        }
    }
}
