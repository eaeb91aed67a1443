//! Staff accounts: common passwords refused, password change ends other sessions,
//! sessions listed and revoked, rotation at login, idle expiry, and staff pages when the
//! session cannot be checked.

use crate::common::*;
use gazette::model::{FormError, Role};
use gazette::server::auth;
use serde_json::json;

async fn login(site: &Site, email: &str, password: &str, cookie: Option<&str>) -> Reply {
    let form = format!(
        "email={}&password={}",
        email.replace('@', "%40"),
        password.replace(' ', "+")
    );
    site.post_form("/admin/login", &form, cookie).await
}

fn cookie_of(r: &Reply) -> String {
    r.headers["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string()
}

#[tokio::test]
async fn common_and_short_passwords_are_refused() {
    for (password, error) in [
        ("short", FormError::ShortPassword),
        ("password1234", FormError::CommonPassword),
        ("CorrectHorseBatteryStaple", FormError::CommonPassword),
        ("zzzzzzzzzzzzzzzz", FormError::CommonPassword),
    ] {
        let e = auth::new_user("a@example.com", "A", Role::Author, password).unwrap_err();
        assert_eq!(e, error, "{password}");
    }
    assert!(auth::new_user("a@example.com", "A", Role::Author, "plum orchard at dusk").is_ok());
}

#[test]
fn guessable_passwords_off_the_old_list_are_refused_too() {
    for password in [
        "qwertyuiop123",
        "iloveyou1234",
        "abcabcabcabc",
        "Password2024!",
    ] {
        let e = auth::new_user("a@example.com", "A", Role::Author, password).unwrap_err();
        assert_eq!(e, FormError::CommonPassword, "{password}");
    }
}

#[test]
fn new_accounts_get_full_strength_argon2id_hashes() {
    let new = auth::new_user("a@example.com", "A", Role::Author, "plum orchard at dusk").unwrap();
    let hash = argon2::PasswordHash::new(&new.password_hash).unwrap();
    assert_eq!(hash.algorithm.as_str(), "argon2id");
    let params = argon2::Params::try_from(&hash).unwrap();
    let default = argon2::Params::default();
    assert_eq!(
        (params.m_cost(), params.t_cost(), params.p_cost()),
        (default.m_cost(), default.t_cost(), default.p_cost())
    );
    assert!(
        params.m_cost() >= 19 * 1024,
        "memory cost {}",
        params.m_cost()
    );
}

#[tokio::test]
async fn changing_the_password_ends_every_other_session() {
    let site = Site::new().await;
    let user = site.user(Role::Editor).await;
    let here = cookie_of(&login(&site, &user.email, PASSWORD, None).await);
    let elsewhere = cookie_of(&login(&site, &user.email, PASSWORD, None).await);
    let sessions = site.call("list_my_sessions", json!({}), Some(&here)).await;
    let list: serde_json::Value = serde_json::from_str(&sessions.body).unwrap();
    assert_eq!(list.as_array().unwrap().len(), 2);
    assert_eq!(
        list.as_array()
            .unwrap()
            .iter()
            .filter(|s| s["current"] == true)
            .count(),
        1
    );

    let wrong = site
        .post_form(
            "/admin/account/password",
            "current=nope+nope+nope&new=plum+orchard+at+dusk",
            Some(&here),
        )
        .await;
    assert!(wrong.headers["location"]
        .to_str()
        .unwrap()
        .ends_with("error=current"));
    let common = site
        .post_form(
            "/admin/account/password",
            "current=correct+horse+battery&new=password1234",
            Some(&here),
        )
        .await;
    assert!(common.headers["location"]
        .to_str()
        .unwrap()
        .ends_with("error=common"));
    assert_eq!(
        site.call("list_articles", json!({}), Some(&elsewhere))
            .await
            .status,
        200
    );

    let ok = site
        .post_form(
            "/admin/account/password",
            "current=correct+horse+battery&new=plum+orchard+at+dusk",
            Some(&here),
        )
        .await;
    assert_eq!(ok.headers["location"], "/admin/account?done=password");
    assert_eq!(
        site.call("list_articles", json!({}), Some(&here))
            .await
            .status,
        200
    );
    assert_eq!(
        site.call("list_articles", json!({}), Some(&elsewhere))
            .await
            .status,
        401
    );
    let old = login(&site, &user.email, PASSWORD, None).await;
    assert_eq!(old.headers["location"], "/admin/login?error=invalid");
    let new = login(&site, &user.email, "plum orchard at dusk", None).await;
    assert_eq!(new.headers["location"], "/admin");
}

#[tokio::test]
async fn sessions_can_be_revoked_but_only_your_own() {
    let site = Site::new().await;
    let a = site.user(Role::Editor).await;
    let b = site.user(Role::Editor).await;
    let a1 = cookie_of(&login(&site, &a.email, PASSWORD, None).await);
    let a2 = cookie_of(&login(&site, &a.email, PASSWORD, None).await);
    let b1 = cookie_of(&login(&site, &b.email, PASSWORD, None).await);
    let b_key = auth::hash_token(b1.split_once('=').unwrap().1);
    let a2_key = auth::hash_token(a2.split_once('=').unwrap().1);

    site.post_form(
        "/admin/account/revoke",
        &format!("session={b_key}"),
        Some(&a1),
    )
    .await;
    assert_eq!(
        site.call("list_articles", json!({}), Some(&b1))
            .await
            .status,
        200,
        "B's session survives A's attempt"
    );
    site.post_form(
        "/admin/account/revoke",
        &format!("session={a2_key}"),
        Some(&a1),
    )
    .await;
    assert_eq!(
        site.call("list_articles", json!({}), Some(&a2))
            .await
            .status,
        401
    );

    let a3 = cookie_of(&login(&site, &a.email, PASSWORD, None).await);
    site.post_form("/admin/account/logout-others", "", Some(&a1))
        .await;
    assert_eq!(
        site.call("list_articles", json!({}), Some(&a3))
            .await
            .status,
        401
    );
    assert_eq!(
        site.call("list_articles", json!({}), Some(&a1))
            .await
            .status,
        200
    );
    let anonymous = site
        .post_form("/admin/account/logout-others", "", None)
        .await;
    assert_eq!(anonymous.headers["location"], "/admin/login");
}

#[tokio::test]
async fn logging_in_replaces_a_planted_session() {
    let site = Site::new().await;
    let user = site.user(Role::Editor).await;
    let first = cookie_of(&login(&site, &user.email, PASSWORD, None).await);
    let second = login(&site, &user.email, PASSWORD, Some(&first)).await;
    assert_ne!(cookie_of(&second), first);
    assert_eq!(
        site.call("list_articles", json!({}), Some(&first))
            .await
            .status,
        401
    );
}

#[tokio::test]
async fn a_database_failure_on_an_account_form_is_unavailable_not_the_login_page() {
    let site = Site::new().await;
    let cookie = site.session(Role::Editor).await;
    site.store.close().await;
    for (path, form) in [
        ("/admin/account/password", "current=x&new=y"),
        ("/admin/account/logout-others", ""),
        ("/admin/account/revoke", "session=abc"),
        ("/admin/account/two-factor/start", "password=x"),
        ("/admin/account/two-factor/cancel", ""),
        ("/admin/account/two-factor/confirm", "code=123456"),
        ("/admin/account/two-factor/recovery-codes", "password=x"),
        ("/admin/account/two-factor/disable", "password=x"),
    ] {
        let r = site.post_form(path, form, Some(&cookie)).await;
        assert_eq!(r.status, 503, "{path}: {}", r.body);
        assert!(!r.headers.contains_key("location"), "{path}");
        assert!(r.body.contains("Please try again"), "{path}: {}", r.body);
        assert_no_internals(&r.body);
    }
    let anonymous = site
        .post_form("/admin/account/logout-others", "", None)
        .await;
    assert_eq!(anonymous.headers["location"], "/admin/login");
}

#[tokio::test]
async fn over_https_the_session_cookie_is_host_prefixed() {
    let site = Site::with_public_url("https://news.example.com").await;
    let user = site.user(Role::Editor).await;
    let r = login(&site, &user.email, PASSWORD, None).await;
    let set = r.headers["set-cookie"].to_str().unwrap().to_string();
    assert!(set.starts_with("__Host-gazette_session="), "{set}");
    assert!(set.contains("; Secure") && set.contains("Path=/;"), "{set}");
    assert!(!set.contains("Domain"), "{set}");
    let cookie = cookie_of(&r);
    assert_eq!(
        site.call("list_articles", json!({}), Some(&cookie))
            .await
            .status,
        200
    );
    // A plain-named cookie (which a sibling subdomain could set) is not a session here.
    let token = cookie.split_once('=').unwrap().1;
    let plain = format!("gazette_session={token}");
    assert_eq!(
        site.call("list_articles", json!({}), Some(&plain))
            .await
            .status,
        401
    );
    let out = site.post_form("/admin/logout", "", Some(&cookie)).await;
    let cleared = out.headers["set-cookie"].to_str().unwrap();
    assert!(cleared.starts_with("__Host-gazette_session=;"), "{cleared}");
}

#[tokio::test]
async fn a_session_cookie_sent_twice_is_no_session() {
    for public_url in ["http://127.0.0.1:3000", "https://news.example.com"] {
        let site = Site::with_public_url(public_url).await;
        let user = site.user(Role::Editor).await;
        let good = cookie_of(&login(&site, &user.email, PASSWORD, None).await);
        let name = good.split_once('=').unwrap().0;
        let planted = format!("{name}=planted-by-a-sibling");
        for twice in [format!("{planted}; {good}"), format!("{good}; {planted}")] {
            let r = site.call("list_articles", json!({}), Some(&twice)).await;
            assert_eq!(r.status, 401, "{public_url} {twice}");
            let r = site
                .post_form("/admin/account/logout-others", "", Some(&twice))
                .await;
            assert_eq!(r.headers["location"], "/admin/login", "{twice}");
        }
        let r = site.call("list_articles", json!({}), Some(&good)).await;
        assert_eq!(r.status, 200);
    }
}

#[tokio::test]
async fn an_idle_session_ends() {
    let site = Site::new().await;
    let user = site.user(Role::Author).await;
    let (token, hash) = auth::new_token();
    site.store
        .create_session(
            user.id,
            &hash,
            chrono::Utc::now() + chrono::Duration::days(7),
        )
        .await
        .unwrap();
    let cookie = format!("{}={token}", auth::SESSION_COOKIE);
    assert_eq!(
        site.call("list_articles", json!({}), Some(&cookie))
            .await
            .status,
        200
    );
    let stale = chrono::Utc::now() - chrono::Duration::hours(13);
    if site.url.starts_with("sqlite:") {
        let pool = sqlx::SqlitePool::connect(&site.url).await.unwrap();
        sqlx::query("UPDATE sessions SET last_seen_at = $1")
            .bind(stale)
            .execute(&pool)
            .await
            .unwrap();
    } else {
        let pool = sqlx::PgPool::connect(&site.url).await.unwrap();
        sqlx::query("UPDATE sessions SET last_seen_at = $1")
            .bind(stale)
            .execute(&pool)
            .await
            .unwrap();
    }
    assert_eq!(
        site.call("list_articles", json!({}), Some(&cookie))
            .await
            .status,
        401
    );
}

#[tokio::test]
async fn logins_failures_and_publishing_reach_the_audit_log() {
    let site = Site::new().await;
    let editor = site.user(Role::Editor).await;
    login(&site, &editor.email, "not the password!", None).await;
    let cookie = cookie_of(&login(&site, &editor.email, PASSWORD, None).await);
    let s = site.saved(&cookie, "Audited").await;
    site.call(
        "publish_article",
        json!({ "id": s.id, "version": s.version }),
        Some(&cookie),
    )
    .await;

    assert_eq!(
        site.call("list_audit", json!({}), Some(&cookie))
            .await
            .status,
        403
    );
    let admin = site.session(Role::Admin).await;
    let r = site.call("list_audit", json!({}), Some(&admin)).await;
    assert_eq!(r.status, 200);
    let log: Vec<gazette::model::AuditEntry> = serde_json::from_str(&r.body).unwrap();
    let actions: Vec<(&str, &str)> = log
        .iter()
        .map(|e| (e.action.as_str(), e.actor.as_deref().unwrap_or("")))
        .collect();
    assert!(
        actions.contains(&("login failed", editor.email.as_str())),
        "{actions:?}"
    );
    assert!(
        actions.contains(&("login", editor.email.as_str())),
        "{actions:?}"
    );
    assert!(
        log.iter()
            .any(|e| e.action == "published" && e.subject == "audited"),
        "{actions:?}"
    );
    let page = site.get("/admin/audit", Some(&admin)).await;
    assert!(page.body.contains("login failed"));
}

#[tokio::test]
async fn an_invitation_creates_one_account_with_its_role() {
    let site = Site::new().await;
    let admin = site.session(Role::Admin).await;
    let r = site
        .call(
            "invite_user",
            json!({ "email": "nia@example.com", "name": "Nia News", "role": "editor" }),
            Some(&admin),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let path: String = serde_json::from_str(&r.body).unwrap();
    let token = path.split("token=").nth(1).unwrap().to_string();
    let page = site.get(&path, None).await;
    assert!(page.body.contains("Join the newsroom"));
    let weak = site
        .post_form(
            "/admin/invite",
            &format!("token={token}&password=password1234"),
            None,
        )
        .await;
    assert!(weak.headers["location"]
        .to_str()
        .unwrap()
        .ends_with("error=common"));
    let ok = site
        .post_form(
            "/admin/invite",
            &format!("token={token}&password=plum+orchard+at+dusk"),
            None,
        )
        .await;
    assert_eq!(ok.headers["location"], "/admin");
    let nia = site
        .store
        .find_login("nia@example.com")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(nia.user.role, Role::Editor);
    let again = site
        .post_form(
            "/admin/invite",
            &format!("token={token}&password=another+long+secret"),
            None,
        )
        .await;
    assert!(again.headers["location"]
        .to_str()
        .unwrap()
        .ends_with("error=token"));

    let r = site
        .call(
            "invite_user",
            json!({ "email": "boss@example.com", "name": "Boss", "role": "owner" }),
            Some(&admin),
        )
        .await;
    assert_eq!(r.status, 403, "only owners invite owners");
}

/// Review finding 13: an invitation sent to the wrong address could not be withdrawn.
#[tokio::test]
async fn an_open_invitation_is_listed_and_can_be_revoked() {
    let site = Site::new().await;
    let admin = site.session(Role::Admin).await;
    let r = site
        .call(
            "invite_user",
            json!({ "email": "wrong@example.com", "name": "Wrong Address", "role": "editor" }),
            Some(&admin),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let path: String = serde_json::from_str(&r.body).unwrap();
    let token = path.split("token=").nth(1).unwrap().to_string();

    let listed = site.call("list_invites", json!({}), Some(&admin)).await;
    assert_eq!(listed.status, 200, "{}", listed.body);
    assert!(listed.body.contains("wrong@example.com"), "{}", listed.body);
    assert!(
        !listed.body.contains(&token),
        "the list never shows the link"
    );
    let page = site.get("/admin/users", Some(&admin)).await;
    assert!(page.body.contains("Open invitations"));
    assert!(page.body.contains("wrong@example.com"));

    let editor = site.session(Role::Editor).await;
    let refused = site
        .call(
            "revoke_invite",
            json!({ "email": "wrong@example.com" }),
            Some(&editor),
        )
        .await;
    assert_eq!(refused.status, 403);

    let revoked = site
        .call(
            "revoke_invite",
            json!({ "email": "WRONG@example.com" }),
            Some(&admin),
        )
        .await;
    assert_eq!(revoked.status, 200, "{}", revoked.body);
    let listed = site.call("list_invites", json!({}), Some(&admin)).await;
    assert!(
        !listed.body.contains("wrong@example.com"),
        "{}",
        listed.body
    );
    let used = site
        .post_form(
            "/admin/invite",
            &format!("token={token}&password=plum+orchard+at+dusk"),
            None,
        )
        .await;
    assert!(used.headers["location"]
        .to_str()
        .unwrap()
        .ends_with("error=token"));
    assert!(site
        .store
        .find_login("wrong@example.com")
        .await
        .unwrap()
        .is_none());
    let again = site
        .call(
            "revoke_invite",
            json!({ "email": "wrong@example.com" }),
            Some(&admin),
        )
        .await;
    assert_eq!(again.status, 404);
}

#[tokio::test]
async fn deactivation_ends_sessions_and_the_last_owner_stays() {
    let site = Site::new().await;
    let owner = site.user(Role::Owner).await;
    let owner_cookie = cookie_of(&login(&site, &owner.email, PASSWORD, None).await);
    let editor = site.user(Role::Editor).await;
    let editor_cookie = cookie_of(&login(&site, &editor.email, PASSWORD, None).await);

    for (name, args) in [
        (
            "change_role",
            json!({ "user_id": owner.id, "role": "admin" }),
        ),
        ("deactivate_user", json!({ "user_id": owner.id })),
    ] {
        let r = site.call(name, args, Some(&owner_cookie)).await;
        assert_eq!(r.status, 409, "{name}: {}", r.body);
        assert!(r.body.contains("last owner"));
    }
    let admin = site.session(Role::Admin).await;
    let r = site
        .call(
            "change_role",
            json!({ "user_id": editor.id, "role": "owner" }),
            Some(&admin),
        )
        .await;
    assert_eq!(r.status, 403, "admins can't make owners");
    let r = site
        .call(
            "change_role",
            json!({ "user_id": editor.id, "role": "author" }),
            Some(&admin),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(
        site.call(
            "publish_article",
            json!({ "id": 1, "version": 1 }),
            Some(&editor_cookie)
        )
        .await
        .status,
        403
    );

    let r = site
        .call(
            "deactivate_user",
            json!({ "user_id": editor.id }),
            Some(&admin),
        )
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(
        site.call("list_articles", json!({}), Some(&editor_cookie))
            .await
            .status,
        401
    );
    let relogin = login(&site, &editor.email, PASSWORD, None).await;
    assert_eq!(relogin.headers["location"], "/admin/login?error=invalid");
    let users = site
        .call("list_users", json!({}), Some(&owner_cookie))
        .await;
    let list: Vec<gazette::model::StaffMember> = serde_json::from_str(&users.body).unwrap();
    assert!(!list.iter().find(|m| m.user.id == editor.id).unwrap().active);
}

#[tokio::test]
async fn fifty_parallel_wrong_logins_get_at_most_five_password_checks() {
    let site = std::sync::Arc::new(Site::new().await);
    let user = site.user(Role::Editor).await;
    let tries = (0..50).map(|i| {
        let site = site.clone();
        let email = user.email.clone();
        tokio::spawn(
            async move { login(&site, &email, &format!("wrong guess {i:02}"), None).await },
        )
    });
    let mut evaluated = 0;
    let mut refused = 0;
    for t in tries {
        let r = t.await.unwrap();
        match r.status.as_u16() {
            429 => refused += 1,
            303 => {
                assert!(r.headers["location"].to_str().unwrap().contains("error="));
                evaluated += 1;
            }
            other => panic!("unexpected {other}: {}", r.body),
        }
    }
    assert!(evaluated <= 5, "{evaluated} guesses were checked");
    assert_eq!(evaluated + refused, 50);
    // The right password is refused too while the account is locked.
    assert_eq!(login(&site, &user.email, PASSWORD, None).await.status, 429);
}

#[tokio::test]
async fn staff_logging_in_from_one_office_address_are_not_locked_out() {
    let site = Site::new().await;
    // Every request here comes from the same (unknown) address; 25 successful logins
    // are more than the address's 20 free failures.
    for _ in 0..25 {
        let user = site.user(Role::Author).await;
        let r = login(&site, &user.email, PASSWORD, None).await;
        assert_eq!(r.headers["location"], "/admin", "{}", r.body);
    }
}

#[tokio::test]
async fn staff_pages_show_a_failed_session_check_instead_of_the_login_page() {
    let site = Site::new().await;
    let owner = site.session(Role::Owner).await;
    // Without its sessions table every session check fails, as in a database outage.
    let drop_sessions = "DROP TABLE sessions";
    if site.url.starts_with("sqlite:") {
        let pool = sqlx::SqlitePool::connect(&site.url).await.unwrap();
        sqlx::query(drop_sessions).execute(&pool).await.unwrap();
    } else {
        let pool = sqlx::PgPool::connect(&site.url).await.unwrap();
        sqlx::query(drop_sessions).execute(&pool).await.unwrap();
    }
    for path in [
        "/admin",
        "/admin/account",
        "/admin/audit",
        "/admin/users",
        "/admin/articles/new",
        "/admin/articles/1",
        "/admin/articles/1/history",
        "/admin/articles/1/preview",
    ] {
        let page = site.get(path, Some(&owner)).await;
        assert!(page.status.is_server_error(), "{path}: {}", page.status);
        assert!(!page.headers.contains_key("location"), "{path} redirects");
        assert!(page.body.contains("class=\"error-note\""), "{path}");
        assert_no_internals(&page.body);
    }
    // A visitor without a session cookie has nothing to check: the login page.
    assert!(site.get("/admin", None).await.status.is_redirection());
}
