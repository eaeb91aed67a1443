//! Two-factor sign-in (enrolment, the code step, replay, recovery codes, the owner's
//! requirement), login limits behind a trusted proxy, and the editor's autosave and
//! preview server functions.

use crate::common::*;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{header, Request};
use gazette::model::{Role, SavedArticle, User};
use serde_json::{json, Value};
use std::net::SocketAddr;

fn cookie_of(r: &Reply, name: &str) -> Option<String> {
    r.headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .map(|v| v.split(';').next().unwrap_or_default().to_string())
        .find(|c| c.starts_with(&format!("{name}=")) && !c.ends_with('='))
}

fn location(r: &Reply) -> String {
    r.headers[header::LOCATION].to_str().unwrap().to_string()
}

/// A login form post from `peer`, optionally through a proxy header.
async fn login_from(
    site: &Site,
    email: &str,
    password: &str,
    peer: &str,
    forwarded: Option<&str>,
) -> Reply {
    let form = format!(
        "email={}&password={}",
        email.replace('@', "%40"),
        password.replace(' ', "+")
    );
    let mut req = Request::post("/admin/login")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
    if let Some(f) = forwarded {
        req = req.header("x-forwarded-for", f);
    }
    let mut req = req.body(Body::from(form)).unwrap();
    let addr: SocketAddr = format!("{peer}:40000").parse().unwrap();
    req.extensions_mut().insert(ConnectInfo(addr));
    site.send(req).await
}

async fn login(site: &Site, email: &str) -> Reply {
    login_from(site, email, PASSWORD, "192.0.2.1", None).await
}

fn code_at(secret: &str, time: u64) -> String {
    let secret = totp_rs::Secret::try_from_base32(secret.replace(' ', "")).unwrap();
    totp_rs::Builder::new()
        .with_secret(secret)
        .build()
        .unwrap()
        .generate(time)
        .to_string()
}

fn now() -> u64 {
    chrono::Utc::now().timestamp() as u64
}

/// Logs `user` in (password only) and returns the session cookie.
async fn session_of(site: &Site, user: &User) -> String {
    let r = login(site, &user.email).await;
    cookie_of(&r, "gazette_session").expect("a session cookie")
}

/// Turns two-factor sign-in on for the logged-in user; returns the secret and the
/// recovery codes shown.
async fn enrol(site: &Site, cookie: &str) -> (String, Vec<String>) {
    let r = site
        .post_form(
            "/admin/account/two-factor/start",
            "password=wrong",
            Some(cookie),
        )
        .await;
    assert!(
        location(&r).ends_with("error=current"),
        "the password is asked again"
    );
    let status = site.call("get_two_factor", json!({}), Some(cookie)).await;
    assert!(status.body.contains("\"pending\":null"), "{}", status.body);
    let r = site
        .post_form(
            "/admin/account/two-factor/start",
            &format!("password={}", PASSWORD.replace(' ', "+")),
            Some(cookie),
        )
        .await;
    assert_eq!(location(&r), "/admin/account#two-factor");
    let status = site.call("get_two_factor", json!({}), Some(cookie)).await;
    assert_eq!(status.status, 200, "{}", status.body);
    let status: Value = serde_json::from_str(&status.body).unwrap();
    let secret = status["pending"]["secret"]
        .as_str()
        .unwrap()
        .replace(' ', "");
    assert!(status["pending"]["qr_data_uri"]
        .as_str()
        .unwrap()
        .starts_with("data:image/svg+xml;base64,"));
    let wrong = site
        .post_form(
            "/admin/account/two-factor/confirm",
            "code=000000",
            Some(cookie),
        )
        .await;
    if !code_at(&secret, now()).eq("000000") {
        assert!(
            location(&wrong).ends_with("error=code"),
            "{}",
            location(&wrong)
        );
    }
    let r = site
        .post_form(
            "/admin/account/two-factor/confirm",
            &format!("code={}", code_at(&secret, now())),
            Some(cookie),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let codes: Vec<String> = r
        .body
        .split("<code data-test-recovery-code>")
        .skip(1)
        .map(|c| c.split('<').next().unwrap().to_string())
        .collect();
    assert_eq!(codes.len(), 10, "{}", r.body);
    (secret, codes)
}

/// The second login step with `code`, using the challenge cookie from `first`.
async fn second_step(site: &Site, first: &Reply, code: &str) -> Reply {
    let challenge = cookie_of(first, "gazette_login").expect("a challenge cookie");
    site.post_form(
        "/admin/login/two-factor",
        &format!("code={}", code.replace(' ', "+")),
        Some(&challenge),
    )
    .await
}

#[tokio::test]
async fn enrolled_staff_need_a_code_each_code_works_once_and_recovery_codes_work_once() {
    let site = Site::new().await;
    let user = site.user(Role::Editor).await;
    let cookie = session_of(&site, &user).await;
    let (secret, codes) = enrol(&site, &cookie).await;
    let status: Value = serde_json::from_str(
        &site
            .call("get_two_factor", json!({}), Some(&cookie))
            .await
            .body,
    )
    .unwrap();
    assert!(status["enabled_at"].is_string());
    assert_eq!(status["recovery_codes_left"], 10);
    assert!(status["pending"].is_null(), "the secret is not shown again");
    // A session alone can't move the account to another phone.
    site.post_form(
        "/admin/account/two-factor/start",
        &format!("password={}", PASSWORD.replace(' ', "+")),
        Some(&cookie),
    )
    .await;
    let status = site.call("get_two_factor", json!({}), Some(&cookie)).await;
    assert!(status.body.contains("\"pending\":null"), "{}", status.body);

    // The password alone no longer makes a session.
    let first = login(&site, &user.email).await;
    assert_eq!(location(&first), "/admin/login/two-factor");
    assert!(cookie_of(&first, "gazette_session").is_none());

    // The code used at enrolment was spent; the next step's code works, once.
    let next = code_at(&secret, now() + 30);
    let ok = second_step(&site, &first, &next).await;
    assert_eq!(location(&ok), "/admin");
    let session = cookie_of(&ok, "gazette_session").unwrap();
    assert_eq!(
        site.call("list_articles", json!({}), Some(&session))
            .await
            .status,
        200
    );
    let again = login(&site, &user.email).await;
    let replay = second_step(&site, &again, &next).await;
    assert!(
        location(&replay).ends_with("error=code"),
        "a code is accepted once"
    );
    assert!(cookie_of(&replay, "gazette_session").is_none());

    // A recovery code (typed loosely) works once.
    let loose = codes[0].to_uppercase().replace('-', " ");
    let ok = second_step(&site, &again, &loose).await;
    assert_eq!(location(&ok), "/admin");
    let third = login(&site, &user.email).await;
    let reused = second_step(&site, &third, &codes[0]).await;
    assert!(location(&reused).ends_with("error=code"));

    // Five wrong codes end the attempt: the password must be entered again.
    let fourth = login(&site, &user.email).await;
    for _ in 0..5 {
        second_step(&site, &fourth, "not-a-code").await;
    }
    let late = second_step(&site, &fourth, &codes[1]).await;
    assert!(
        location(&late).starts_with("/admin/login?error="),
        "{}",
        location(&late)
    );
    assert!(cookie_of(&late, "gazette_session").is_none());
    let admin = admin_cookie(&site).await;
    let log = site.call("list_audit", json!({}), Some(&admin)).await.body;
    assert!(log.contains("two-factor sign-in turned on"), "{log}");
    assert!(log.contains("login (password and recovery code)"), "{log}");
    assert!(log.contains("two-factor code refused"), "{log}");
}

async fn admin_cookie(site: &Site) -> String {
    site.session(Role::Admin).await
}

#[tokio::test]
async fn a_second_step_without_the_password_step_or_with_a_forged_cookie_fails() {
    let site = Site::new().await;
    let r = site
        .post_form("/admin/login/two-factor", "code=123456", None)
        .await;
    assert_eq!(location(&r), "/admin/login?error=expired");
    let r = site
        .post_form(
            "/admin/login/two-factor",
            "code=123456",
            Some("gazette_login=forged"),
        )
        .await;
    assert_eq!(location(&r), "/admin/login?error=expired");
    assert!(cookie_of(&r, "gazette_session").is_none());
}

/// The recovery codes shown on a page.
fn codes_in(body: &str) -> Vec<String> {
    body.split("<code data-test-recovery-code>")
        .skip(1)
        .map(|c| c.split('<').next().unwrap().to_string())
        .collect()
}

/// A form field with spaces as `+`.
fn field(value: &str) -> String {
    value.replace(' ', "+")
}

/// A session made by logging in with the password and `code`.
async fn session_with_code(site: &Site, user: &User, code: &str) -> String {
    let first = login(site, &user.email).await;
    let ok = second_step(site, &first, code).await;
    assert_eq!(location(&ok), "/admin", "{}", location(&ok));
    cookie_of(&ok, "gazette_session").unwrap()
}

async fn is_live(site: &Site, cookie: &str) -> bool {
    site.call("list_my_sessions", json!({}), Some(cookie))
        .await
        .status
        == 200
}

#[tokio::test]
async fn replacing_recovery_codes_and_turning_two_factor_off_need_the_password_and_a_code() {
    let site = Site::new().await;
    let user = site.user(Role::Author).await;
    let cookie = session_of(&site, &user).await;
    let (secret, old_codes) = enrol(&site, &cookie).await;
    let wrong = site
        .post_form(
            "/admin/account/two-factor/recovery-codes",
            &format!("password=nope&code={}", code_at(&secret, now() + 30)),
            Some(&cookie),
        )
        .await;
    assert!(location(&wrong).ends_with("error=current"));
    for form in [
        format!("password={}", field(PASSWORD)),
        format!("password={}&code=000000", field(PASSWORD)),
    ] {
        let refused = site
            .post_form(
                "/admin/account/two-factor/recovery-codes",
                &form,
                Some(&cookie),
            )
            .await;
        assert!(
            location(&refused).ends_with("error=code"),
            "{form}: {}",
            location(&refused)
        );
    }
    let r = site
        .post_form(
            "/admin/account/two-factor/recovery-codes",
            &format!(
                "password={}&code={}",
                field(PASSWORD),
                code_at(&secret, now() + 30)
            ),
            Some(&cookie),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(!r.body.contains(&old_codes[0]), "new codes replace the old");
    let first = login(&site, &user.email).await;
    let refused = second_step(&site, &first, &old_codes[0]).await;
    assert!(location(&refused).ends_with("error=code"));

    for form in [
        format!("password={}", field(PASSWORD)),
        format!("password={}&code=not-a-code", field(PASSWORD)),
    ] {
        let refused = site
            .post_form("/admin/account/two-factor/disable", &form, Some(&cookie))
            .await;
        assert!(location(&refused).ends_with("error=code"), "{form}");
    }
    assert!(site
        .store
        .two_factor(user.id)
        .await
        .unwrap()
        .secret
        .is_some());
    let codes = codes_in(&r.body);
    let r = site
        .post_form(
            "/admin/account/two-factor/disable",
            &format!("password={}&code={}", field(PASSWORD), field(&codes[0])),
            Some(&cookie),
        )
        .await;
    assert_eq!(location(&r), "/admin/account?done=two-factor-off");
    let plain = login(&site, &user.email).await;
    assert_eq!(location(&plain), "/admin");
    assert!(cookie_of(&plain, "gazette_session").is_some());
}

#[tokio::test]
async fn recovery_codes_carry_at_least_112_bits_and_are_stored_salted() {
    let site = Site::new().await;
    let user = site.user(Role::Editor).await;
    let cookie = session_of(&site, &user).await;
    let (_, codes) = enrol(&site, &cookie).await;
    let base32 = "abcdefghijklmnopqrstuvwxyz234567";
    for code in &codes {
        let symbols: String = code.chars().filter(|c| *c != '-').collect();
        assert!(symbols.chars().all(|c| base32.contains(c)), "{code}");
        assert!(symbols.len() * 5 >= 112, "{code} carries too few bits");
    }
    let stored = site.column("SELECT code_hash FROM recovery_codes").await;
    assert_eq!(stored.len(), codes.len());
    for code in &codes {
        let plain = gazette::server::auth::hash_token(&code.replace('-', ""));
        assert!(!stored.contains(&Some(plain)), "{code} is stored unsalted");
    }
    // Each code still works once, typed loosely.
    let first = login(&site, &user.email).await;
    let loose = codes[3].to_uppercase().replace('-', " ");
    assert_eq!(
        location(&second_step(&site, &first, &loose).await),
        "/admin"
    );
    let again = login(&site, &user.email).await;
    let reused = second_step(&site, &again, &codes[3]).await;
    assert!(location(&reused).ends_with("error=code"));
}

#[tokio::test]
async fn with_a_secret_key_totp_secrets_are_stored_encrypted() {
    let site = Site::with_secret_key([42; 32]).await;
    let user = site.user(Role::Editor).await;
    let cookie = session_of(&site, &user).await;
    let (secret, _) = enrol(&site, &cookie).await;
    let stored = site
        .column("SELECT totp_secret FROM users WHERE totp_secret IS NOT NULL")
        .await;
    assert_eq!(stored.len(), 1);
    let stored = stored[0].clone().unwrap();
    assert!(stored.starts_with("x1:"), "{stored}");
    assert!(!stored.contains(&secret), "{stored}");
    let first = login(&site, &user.email).await;
    let ok = second_step(&site, &first, &code_at(&secret, now() + 30)).await;
    assert_eq!(location(&ok), "/admin");

    // Without a key the secret is stored as it is.
    let plain = Site::new().await;
    let user = plain.user(Role::Editor).await;
    let cookie = session_of(&plain, &user).await;
    let (secret, _) = enrol(&plain, &cookie).await;
    let stored = plain
        .column("SELECT totp_secret FROM users WHERE totp_secret IS NOT NULL")
        .await;
    assert_eq!(stored, vec![Some(secret)]);
}

#[tokio::test]
async fn every_two_factor_change_ends_the_other_sessions() {
    let site = Site::new().await;
    let user = site.user(Role::Editor).await;
    let cookie = session_of(&site, &user).await;
    let elsewhere = session_of(&site, &user).await;
    let (secret, codes) = enrol(&site, &cookie).await;
    assert!(!is_live(&site, &elsewhere).await, "turning it on");
    assert!(is_live(&site, &cookie).await, "this session stays");

    let elsewhere = session_with_code(&site, &user, &codes[0]).await;
    let r = site
        .post_form(
            "/admin/account/two-factor/recovery-codes",
            &format!("password={}&code={}", field(PASSWORD), field(&codes[1])),
            Some(&cookie),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let codes = codes_in(&r.body);
    assert!(!is_live(&site, &elsewhere).await, "new recovery codes");
    assert!(is_live(&site, &cookie).await);

    let elsewhere = session_with_code(&site, &user, &code_at(&secret, now() + 30)).await;
    let r = site
        .post_form(
            "/admin/account/two-factor/disable",
            &format!(
                "password={}&code={}",
                field(PASSWORD),
                code_at(&secret, now() - 30)
            ),
            Some(&cookie),
        )
        .await;
    // The code 30 s ahead was spent by the login; an older one can't be replayed.
    assert!(location(&r).ends_with("error=code"), "{}", location(&r));
    assert!(site
        .store
        .two_factor(user.id)
        .await
        .unwrap()
        .secret
        .is_some());
    assert!(
        is_live(&site, &elsewhere).await,
        "refused changes end nothing"
    );
    let r = site
        .post_form(
            "/admin/account/two-factor/disable",
            &format!("password={}&code={}", field(PASSWORD), field(&codes[0])),
            Some(&cookie),
        )
        .await;
    assert_eq!(location(&r), "/admin/account?done=two-factor-off");
    assert!(!is_live(&site, &elsewhere).await, "turning it off");
    assert!(is_live(&site, &cookie).await);
}

#[tokio::test]
async fn wrong_passwords_on_the_account_page_are_throttled_like_logins() {
    let site = Site::new().await;
    let user = site.user(Role::Editor).await;
    let cookie = session_of(&site, &user).await;
    for _ in 0..5 {
        let r = site
            .post_form(
                "/admin/account/two-factor/start",
                "password=wrong",
                Some(&cookie),
            )
            .await;
        assert!(location(&r).ends_with("error=current"));
    }
    for form in [
        (
            "/admin/account/two-factor/start",
            "password=wrong".to_string(),
        ),
        (
            "/admin/account/two-factor/start",
            format!("password={}", field(PASSWORD)),
        ),
        (
            "/admin/account/password",
            format!("current={}&new=plum+orchard+at+dusk", field(PASSWORD)),
        ),
    ] {
        let r = site.post_form(form.0, &form.1, Some(&cookie)).await;
        assert_eq!(r.status, 429, "{form:?}");
        assert!(r.headers.contains_key("retry-after"));
    }
    assert!(site
        .store
        .two_factor(user.id)
        .await
        .unwrap()
        .pending
        .is_none());

    // The current password on the password form counts the same way.
    let other = site.user(Role::Author).await;
    let cookie = session_of(&site, &other).await;
    for _ in 0..5 {
        let r = site
            .post_form(
                "/admin/account/password",
                "current=wrong&new=plum+orchard+at+dusk",
                Some(&cookie),
            )
            .await;
        assert!(location(&r).ends_with("error=current"));
    }
    let r = site
        .post_form(
            "/admin/account/password",
            &format!("current={}&new=plum+orchard+at+dusk", field(PASSWORD)),
            Some(&cookie),
        )
        .await;
    assert_eq!(r.status, 429);
    let log = site
        .call("list_audit", json!({}), Some(&admin_cookie(&site).await))
        .await
        .body;
    assert!(!log.contains("password changed"), "{log}");
}

#[tokio::test]
async fn an_owner_can_require_two_factor_and_staff_without_it_may_only_set_it_up() {
    let site = Site::new().await;
    let owner = site.user(Role::Owner).await;
    let owner_cookie = session_of(&site, &owner).await;
    let r = site
        .call(
            "set_two_factor_required",
            json!({ "required": true }),
            Some(&owner_cookie),
        )
        .await;
    assert_eq!(r.status, 422, "the owner must use it first: {}", r.body);
    enrol(&site, &owner_cookie).await;
    let r = site
        .call(
            "set_two_factor_required",
            json!({ "required": true }),
            Some(&owner_cookie),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);

    let author = site.user(Role::Author).await;
    let login_reply = login(&site, &author.email).await;
    assert_eq!(
        location(&login_reply),
        "/admin/account?enrol=required#two-factor"
    );
    let cookie = cookie_of(&login_reply, "gazette_session").unwrap();
    let refused = site.call("list_articles", json!({}), Some(&cookie)).await;
    assert_eq!(refused.status, 403);
    assert!(
        refused.body.contains("TwoFactorRequired"),
        "{}",
        refused.body
    );
    let saved = site
        .call(
            "save_article",
            json!({ "id": null, "base_version": null, "draft": sample_draft("Sneaky") }),
            Some(&cookie),
        )
        .await;
    assert_eq!(saved.status, 403);
    assert_eq!(site.article_count().await, 0);
    let me: Value = serde_json::from_str(
        &site
            .call("get_current_user", json!({}), Some(&cookie))
            .await
            .body,
    )
    .unwrap();
    assert_eq!(me["needs_two_factor"], true);
    assert_eq!(
        site.call("list_my_sessions", json!({}), Some(&cookie))
            .await
            .status,
        200
    );

    enrol(&site, &cookie).await;
    assert_eq!(
        site.call("list_articles", json!({}), Some(&cookie))
            .await
            .status,
        200
    );
    let off = site
        .post_form(
            "/admin/account/two-factor/disable",
            &format!("password={}", PASSWORD.replace(' ', "+")),
            Some(&cookie),
        )
        .await;
    assert!(location(&off).ends_with("error=two-factor-required"));
}

#[tokio::test]
async fn without_a_trusted_proxy_rotating_x_forwarded_for_does_not_escape_the_address_limit() {
    let site = Site::new().await;
    for n in 0..20 {
        let r = login_from(
            &site,
            &format!("nobody{n}@example.com"),
            "wrong password!",
            "10.0.0.1",
            Some(&format!("198.51.100.{n}")),
        )
        .await;
        assert_eq!(r.status, 303);
    }
    let r = login_from(
        &site,
        "someone-else@example.com",
        "wrong password!",
        "10.0.0.1",
        Some("203.0.113.200"),
    )
    .await;
    assert_eq!(r.status, 429);
}

#[tokio::test]
async fn behind_a_trusted_proxy_limits_apply_to_the_forwarded_client() {
    let site = Site::with_config("http://127.0.0.1:3000", "10.0.0.1").await;
    for n in 0..20 {
        let r = login_from(
            &site,
            &format!("nobody{n}@example.com"),
            "wrong password!",
            "10.0.0.1",
            Some("6.6.6.6, 198.51.100.7"),
        )
        .await;
        assert_eq!(r.status, 303);
    }
    // The client that failed is locked out however it fills the part it controls...
    let r = login_from(
        &site,
        "x@example.com",
        "wrong password!",
        "10.0.0.1",
        Some("1.2.3.4, 198.51.100.7"),
    )
    .await;
    assert_eq!(r.status, 429);
    // ...and another client behind the same proxy is not.
    let r = login_from(
        &site,
        "x@example.com",
        "wrong password!",
        "10.0.0.1",
        Some("198.51.100.8"),
    )
    .await;
    assert_eq!(r.status, 303);
    let log = site
        .call("list_audit", json!({}), Some(&admin_cookie(&site).await))
        .await
        .body;
    assert!(
        log.contains("198.51.100.7"),
        "the audit log names the client"
    );
}

async fn save(
    site: &Site,
    cookie: &str,
    id: Option<i64>,
    version: Option<i64>,
    autosave: bool,
    title: &str,
) -> Reply {
    site.call(
        "save_article",
        json!({ "id": id, "base_version": version, "draft": sample_draft(title), "autosave": autosave }),
        Some(cookie),
    )
    .await
}

#[tokio::test]
async fn autosaves_fold_into_one_revision_and_never_touch_published_articles() {
    let site = Site::new().await;
    let editor = site.session(Role::Editor).await;
    let first: SavedArticle = serde_json::from_str(
        &save(&site, &editor, None, None, false, "Draft one")
            .await
            .body,
    )
    .unwrap();
    let mut version = first.version;
    for n in 0..3 {
        let r = save(
            &site,
            &editor,
            Some(first.id),
            Some(version),
            true,
            &format!("Typing {n}"),
        )
        .await;
        assert_eq!(r.status, 200, "{}", r.body);
        version = serde_json::from_str::<SavedArticle>(&r.body)
            .unwrap()
            .version;
    }
    let history: Value = serde_json::from_str(
        &site
            .call("list_revisions", json!({ "id": first.id }), Some(&editor))
            .await
            .body,
    )
    .unwrap();
    let history = history.as_array().unwrap();
    assert_eq!(
        history.len(),
        2,
        "the first save and one autosave: {history:?}"
    );
    assert_eq!(history[0]["title"], "Typing 2");
    assert_eq!(history[0]["autosave"], true);
    assert_eq!(history[1]["title"], "Draft one");

    let manual = save(
        &site,
        &editor,
        Some(first.id),
        Some(version),
        false,
        "Checked",
    )
    .await;
    let manual: SavedArticle = serde_json::from_str(&manual.body).unwrap();
    let published = site
        .call(
            "publish_article",
            json!({ "id": first.id, "version": manual.version }),
            Some(&editor),
        )
        .await;
    let published: SavedArticle = serde_json::from_str(&published.body).unwrap();
    let before = site.store.article_by_id(first.id).await.unwrap();
    let r = save(
        &site,
        &editor,
        Some(first.id),
        Some(published.version),
        true,
        "Live edit",
    )
    .await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert_eq!(site.store.article_by_id(first.id).await.unwrap(), before);
}

#[tokio::test]
async fn the_preview_renders_and_sanitises_like_a_save() {
    let site = Site::new().await;
    let author = site.session(Role::Author).await;
    let r = site
        .call(
            "preview_markdown",
            json!({ "markdown": "Hello **world** <script>alert(1)</script> [x](javascript:alert(1))" }),
            Some(&author),
        )
        .await;
    assert_eq!(r.status, 200);
    let html: String = serde_json::from_str(&r.body).unwrap();
    assert!(html.contains("<strong>world</strong>"), "{html}");
    assert!(!html.contains("<script"), "{html}");
    assert!(!html.contains("javascript:"), "{html}");
    let huge = "a".repeat(2 * 1024 * 1024);
    let r = site
        .call(
            "preview_markdown",
            json!({ "markdown": huge }),
            Some(&author),
        )
        .await;
    assert!(r.status == 422 || r.status == 413, "{}", r.status);
}
