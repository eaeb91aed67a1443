//! The publication's settings as readers, machines and staff meet them: a new name and
//! language reach every page, feed and sitemap (also through the page cache and on a
//! second instance), no "Gazette" is left once the "powered by" line is off, dates in
//! the site's time zone, the settings page and its server functions (owners and admins
//! only, bad values refused and nothing changed), first-run set-up, the command line,
//! and articles in other languages linked to their translations.

use crate::common::*;
use gazette::model::{FieldProblem, Role, SiteSettings};
use gazette::server::render;
use serde_json::{json, Value};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// A published article by a new editor; returns its slug.
async fn published(site: &Site, title: &str, at: Option<chrono::DateTime<chrono::Utc>>) -> String {
    let editor = site.user(Role::Editor).await;
    let slug = render::slugify(title);
    let a = site
        .store
        .create_article(
            &slug,
            &render::content(&sample_draft(title)),
            Some(&editor),
            at,
        )
        .await
        .unwrap();
    if at.is_none() {
        site.store
            .publish_article(a.id, a.version, Some(&editor))
            .await
            .unwrap();
    }
    slug
}

fn herald() -> SiteSettings {
    SiteSettings {
        name: "The Harbour Herald".into(),
        tagline: "Nachrichten vom Hafen".into(),
        language: "de-CH".into(),
        timezone: "Europe/Zurich".into(),
        same_as: vec!["https://social.example/@herald".into()],
        ..SiteSettings::default()
    }
}

async fn save(site: &Site, cookie: Option<&str>, settings: &SiteSettings) -> Reply {
    site.call(
        "save_site_settings",
        json!({ "settings": settings }),
        cookie,
    )
    .await
}

async fn stored(site: &Site) -> SiteSettings {
    gazette::server::settings::load(&site.store).await.unwrap()
}

/// A page as a reader's browser shows it: without the empty comments leptos leaves
/// between pieces of text for hydration.
fn shown(body: &str) -> String {
    body.replace("<!---->", "")
}

fn json_ld(html: &str) -> Value {
    let start = html
        .find(r#"<script type="application/ld+json">"#)
        .expect("JSON-LD script")
        + 35;
    let end = start + html[start..].find("</script>").unwrap();
    serde_json::from_str(&html[start..end]).unwrap()
}

#[tokio::test]
async fn a_new_name_and_language_reach_every_page_feed_and_sitemap() {
    let site = Site::new().await;
    let slug = published(&site, "Ferry timetable changes", None).await;
    let owner = site.session(Role::Owner).await;
    let r = save(&site, Some(&owner), &herald()).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body, "[]");

    let home = shown(&site.get("/", None).await.body);
    assert!(home.contains(r#"<html lang="de-CH""#), "{home}");
    assert!(home.contains(r#"<a href="/" class="brand">The Harbour Herald</a>"#));
    assert!(home.contains("<title>The Harbour Herald — latest news</title>"));
    assert!(home.contains("The Harbour Herald — Nachrichten vom Hafen"));

    let page = shown(&site.get(&format!("/articles/{slug}"), None).await.body);
    assert!(page.contains(r#"<html lang="de-CH""#));
    assert!(page.contains("<title>Ferry timetable changes · The Harbour Herald</title>"));
    assert!(page.contains(r#"<meta property="og:site_name" content="The Harbour Herald">"#));
    assert!(page.contains(r#"<meta property="og:locale" content="de_CH">"#));
    let ld = json_ld(&page);
    let publisher = &ld["@graph"][0]["publisher"];
    assert_eq!(publisher["name"], "The Harbour Herald");
    assert_eq!(publisher["sameAs"][0], "https://social.example/@herald");
    assert_eq!(ld["@graph"][0]["inLanguage"], "de-CH");

    let feed = site.get("/feed.xml", None).await.body;
    let channel = rss::Channel::read_from(feed.as_bytes()).unwrap();
    assert_eq!(channel.title(), "The Harbour Herald");
    assert_eq!(channel.language(), Some("de-CH"));
    assert!(channel.description().contains("The Harbour Herald"));
    let tag_feed = site.get("/tags/science/feed.xml", None).await.body;
    assert!(tag_feed.contains("<title>The Harbour Herald: Science</title>"));

    let news = site.get("/news-sitemap.xml", None).await.body;
    assert!(news.contains("<news:name>The Harbour Herald</news:name>"));
    assert!(news.contains("<news:language>de-CH</news:language>"));
}

#[tokio::test]
async fn with_the_powered_by_line_off_no_reader_output_says_gazette() {
    let site = Site::new().await;
    let slug = published(&site, "Lighthouse keeper retires", None).await;
    let tag = "/tags/science";
    let author = site
        .store
        .article_by_slug(&slug)
        .await
        .unwrap()
        .unwrap()
        .authors[0]
        .slug
        .clone();
    let paths = [
        "/".to_string(),
        format!("/articles/{slug}"),
        tag.to_string(),
        format!("/authors/{author}"),
        "/search?q=lighthouse".to_string(),
        "/corrections".to_string(),
        "/feed.xml".to_string(),
        format!("{tag}/feed.xml"),
        "/sitemap.xml".to_string(),
        "/sitemaps/1.xml".to_string(),
        "/news-sitemap.xml".to_string(),
        "/robots.txt".to_string(),
        "/no-such-page".to_string(),
    ];
    let generator = r#"<meta name="generator" content="Gazette">"#;
    // Before: the product's name is in the footer line the owner can switch off.
    let home = shown(&site.get("/", None).await.body);
    assert!(home.contains("Powered by Gazette"));

    let owner = site.session(Role::Owner).await;
    let mut settings = herald();
    settings.powered_by = false;
    assert_eq!(save(&site, Some(&owner), &settings).await.body, "[]");
    for path in &paths {
        let r = site.get(path, None).await;
        assert!(
            r.status == 200 || path == "/no-such-page",
            "{path}: {}",
            r.status
        );
        let body = shown(&r.body).replace(generator, "");
        assert!(!body.contains("Gazette"), "{path} says Gazette:\n{body}");
    }
    assert!(shown(&site.get("/", None).await.body).contains(generator));
}

#[tokio::test]
async fn readers_see_dates_in_the_sites_time_zone() {
    let site = Site::new().await;
    let at = "2026-11-28T20:00:00Z".parse().unwrap();
    let slug = published(&site, "Late night council vote", Some(at)).await;
    let page = shown(&site.get(&format!("/articles/{slug}"), None).await.body);
    assert!(page.contains("28 November 2026"));
    assert!(!page.contains("29 November 2026"));
    site.store
        .set_site_settings(&[("timezone".into(), "Pacific/Auckland".into())])
        .await
        .unwrap();
    // Written past this instance: its next look at the content version (every 250 ms)
    // finds the change.
    gazette::server::page_cache::refresh(&site.cache, &site.store).await;
    let page = shown(&site.get(&format!("/articles/{slug}"), None).await.body);
    assert!(page.contains("29 November 2026"), "{page}");
    // Machines still get the instant itself.
    assert!(page.contains(r#"datetime="2026-11-28T20:00:00Z""#));
}

#[tokio::test]
async fn a_settings_change_reaches_readers_through_the_page_cache() {
    let site = Site::with_page_cache(8 * 1024 * 1024).await;
    let home = shown(&site.get("/", None).await.body);
    assert!(home.contains(r#"<a href="/" class="brand">Gazette</a>"#));
    assert!(site.cache.holds("/"));
    // Written by another process (the command line, another instance): the content
    // version moves, and the next look at it (every 250 ms) drops the cached page.
    site.store
        .set_site_settings(&[("name".into(), "The Harbour Herald".into())])
        .await
        .unwrap();
    gazette::server::page_cache::refresh(&site.cache, &site.store).await;
    let home = shown(&site.get("/", None).await.body);
    assert!(home.contains(r#"<a href="/" class="brand">The Harbour Herald</a>"#));
}

#[tokio::test]
async fn bad_values_are_refused_by_field_and_nothing_is_saved() {
    let site = Site::new().await;
    let admin = site.session(Role::Admin).await;
    let mut wanted = herald();
    wanted.language = "Swiss German".into();
    wanted.timezone = "Europe/Atlantis".into();
    wanted.same_as = vec!["javascript:alert(1)".into()];
    let r = save(&site, Some(&admin), &wanted).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let problems: Vec<FieldProblem> = serde_json::from_str(&r.body).unwrap();
    let keys: Vec<&str> = problems.iter().map(|p| p.key.as_str()).collect();
    assert_eq!(keys, ["language", "timezone", "same_as"]);
    assert!(problems[0].message.contains("BCP 47"));
    assert!(problems[1].message.contains("IANA"));
    assert_eq!(
        stored(&site).await,
        SiteSettings::default(),
        "nothing was saved"
    );

    wanted.name = "  ".into();
    let problems: Vec<FieldProblem> =
        serde_json::from_str(&save(&site, Some(&admin), &wanted).await.body).unwrap();
    assert_eq!(problems[0].key, "name");
}

/// A logo from the media library shows in the masthead and as the publisher's logo in
/// JSON-LD; a logo that is no picture in the library is refused (nothing saved), and
/// the logo's picture can't be deleted while it is the logo.
#[tokio::test]
async fn a_logo_from_the_library_reaches_the_masthead_and_structured_data() {
    use crate::common::images::{encode_jpeg, photo};
    let site = Site::new().await;
    let admin = site.session(Role::Admin).await;
    let slug = published(&site, "Ferry timetable changes", None).await;
    let bytes = encode_jpeg(&photo(800, 200), 85);
    let logo = site
        .upload_ok(&admin, "Harbour Herald logo", "logo.jpg", &bytes)
        .await
        .media;

    let mut wanted = herald();
    wanted.logo = "media:999999".into();
    let problems: Vec<FieldProblem> =
        serde_json::from_str(&save(&site, Some(&admin), &wanted).await.body).unwrap();
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].key, "logo");
    assert!(problems[0].message.contains("media:999999"));
    assert_eq!(
        stored(&site).await,
        SiteSettings::default(),
        "nothing saved"
    );

    wanted.logo = format!("media:{}", logo.id);
    let r = save(&site, Some(&admin), &wanted).await;
    assert_eq!(r.body, "[]");
    assert_eq!(stored(&site).await.logo, logo.id.to_string());

    let home = site.get("/", None).await;
    let masthead = &home.body[home.body.find("class=\"masthead\"").unwrap()..];
    let masthead = &masthead[..masthead.find("</header>").unwrap()];
    assert!(
        masthead.contains(&format!("src=\"/media/{}-320.webp\"", logo.hash)),
        "{masthead}"
    );
    let article = site.get(&format!("/articles/{slug}"), None).await;
    let ld = json_ld(&article.body);
    let publisher = &ld["@graph"][0]["publisher"];
    assert_eq!(publisher["logo"]["@type"], "ImageObject");
    assert_eq!(
        publisher["logo"]["url"],
        format!("http://127.0.0.1:3000/media/{}-640.jpg", logo.hash)
    );
    assert_eq!(publisher["logo"]["width"], 640);
    assert_eq!(publisher["logo"]["height"], 160);
    let fetched = site
        .get(&format!("/media/{}-640.jpg", logo.hash), None)
        .await;
    assert_eq!(fetched.status, 200);

    let refused = site
        .call("delete_media", json!({ "id": logo.id }), Some(&admin))
        .await;
    assert_eq!(refused.status, 409, "{}", refused.body);
    assert!(refused.body.contains("logo"));
    assert_eq!(stored(&site).await.logo_image.unwrap().hash, logo.hash);
}

#[tokio::test]
async fn only_owners_and_admins_read_or_change_the_settings() {
    let site = Site::new().await;
    for (cookie, status) in [
        (None, 401),
        (Some(site.session(Role::Editor).await), 403),
        (Some(site.session(Role::Author).await), 403),
    ] {
        let r = site
            .call("get_site_settings", json!({}), cookie.as_deref())
            .await;
        assert_eq!(r.status, status, "{}", r.body);
        let r = save(&site, cookie.as_deref(), &herald()).await;
        assert_eq!(r.status, status, "{}", r.body);
        assert_no_internals(&r.body);
    }
    assert_eq!(stored(&site).await, SiteSettings::default());
    for role in [Role::Owner, Role::Admin] {
        let cookie = site.session(role).await;
        let r = site
            .call("get_site_settings", json!({}), Some(&cookie))
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
    }
}

#[tokio::test]
async fn the_settings_page_is_for_owners_and_admins_and_linked_from_their_admin_bar() {
    let site = Site::new().await;
    let admin = site.session(Role::Admin).await;
    let page = site.get("/admin/settings", Some(&admin)).await;
    assert_eq!(page.status, 200);
    assert!(page
        .body
        .contains(r#"<a href="/admin/settings">Settings</a>"#));
    assert!(page.body.contains(r#"id="setting-name""#));
    assert!(page.body.contains("Europe/Berlin"));
    let editor = site.session(Role::Editor).await;
    let page = site.get("/admin/settings", Some(&editor)).await;
    assert_eq!(page.status, 403);
    let list = site.get("/admin", Some(&editor)).await.body;
    assert!(!list.contains(r#"href="/admin/settings""#));
    let anonymous = site.get("/admin/settings", None).await;
    assert_eq!(anonymous.headers["location"], "/admin/login");
}

#[tokio::test]
async fn first_run_set_up_names_the_publication_with_the_owner_account() {
    let site = Site::new().await;
    let (token, hash) = gazette::server::auth::new_token();
    site.store.add_setup_token(&hash).await.unwrap();
    let form = |name: &str, language: &str| {
        format!(
            "token={token}&site_name={name}&site_language={language}&name=Olive+Owner\
             &email=olive%40example.com&password=a+long+enough+secret"
        )
    };
    let r = site
        .post_form("/admin/setup", &form("The+Herald", "not+a+language"), None)
        .await;
    assert!(r.headers["location"]
        .to_str()
        .unwrap()
        .ends_with("error=language"));
    let r = site.post_form("/admin/setup", &form("", "en"), None).await;
    assert!(r.headers["location"]
        .to_str()
        .unwrap()
        .ends_with("error=site-name"));
    assert_eq!(site.store.count_users().await.unwrap(), 0);
    assert_eq!(stored(&site).await, SiteSettings::default());

    let setup_page = site
        .get(&format!("/admin/setup?token={token}"), None)
        .await
        .body;
    let name_field = setup_page.find(r#"name="site_name""#).unwrap();
    assert!(name_field < setup_page.find(r#"name="email""#).unwrap());

    let r = site
        .post_form("/admin/setup", &form("The+Herald", "nb-NO"), None)
        .await;
    assert_eq!(r.headers["location"], "/admin");
    let site_settings = stored(&site).await;
    assert_eq!(site_settings.name, "The Herald");
    assert_eq!(site_settings.language, "nb-NO");
    assert_eq!(site.store.count_users().await.unwrap(), 1);
}

#[tokio::test]
async fn the_authenticator_app_lists_the_publications_name() {
    let site = Site::new().await;
    site.store
        .set_site_settings(&[("name".into(), "The Harbour Herald".into())])
        .await
        .unwrap();
    let owner = site.session(Role::Owner).await;
    let password = format!("password={}", PASSWORD.replace(' ', "+"));
    let r = site
        .post_form("/admin/account/two-factor/start", &password, Some(&owner))
        .await;
    assert!(r.status.is_redirection(), "{}", r.status);
    let r = site.call("get_two_factor", json!({}), Some(&owner)).await;
    let status: Value = serde_json::from_str(&r.body).unwrap();
    let uri = status["pending"]["otpauth_uri"].as_str().unwrap();
    assert!(uri.contains("issuer=The%20Harbour%20Herald"), "{uri}");
    assert!(!uri.contains("Gazette"), "{uri}");
}

// Articles in other languages.

async fn link(site: &Site, cookie: &str, id: i64, language: &str, of: &str) -> Reply {
    site.call(
        "set_article_language",
        json!({ "id": id, "language": language, "translation_of": of }),
        Some(cookie),
    )
    .await
}

#[tokio::test]
async fn linked_translations_carry_hreflang_pairs_on_both_sides_and_in_the_sitemap() {
    let site = Site::new().await;
    let en = published(&site, "Harbour bridge reopens", None).await;
    let de = published(&site, "Hafenbrücke wieder offen", None).await;
    let de_id = site.store.article_by_slug(&de).await.unwrap().unwrap().id;
    let editor = site.session(Role::Editor).await;
    let r = link(&site, &editor, de_id, "de", &en).await;
    assert_eq!(r.status, 200, "{}", r.body);

    let base = "http://127.0.0.1:3000/articles";
    for slug in [&en, &de] {
        let page = shown(&site.get(&format!("/articles/{slug}"), None).await.body);
        for (lang, target) in [("en", &en), ("de", &de), ("x-default", &en)] {
            let tag = format!(r#"<link href="{base}/{target}" hreflang="{lang}" rel="alternate">"#);
            assert!(page.contains(&tag), "{slug} lacks {tag}:\n{page}");
        }
    }
    let de_page = site.get(&format!("/articles/{de}"), None).await.body;
    assert!(de_page.contains(r#"<html lang="de""#));
    assert!(de_page.contains(r#"<meta property="og:locale" content="de">"#));
    assert_eq!(json_ld(&de_page)["@graph"][0]["inLanguage"], "de");
    let en_page = site.get(&format!("/articles/{en}"), None).await.body;
    assert!(en_page.contains(r#"<html lang="en""#));

    let sitemap = site.get("/sitemaps/1.xml", None).await.body;
    let doc = roxmltree::Document::parse(&sitemap).unwrap();
    let xhtml = "http://www.w3.org/1999/xhtml";
    for slug in [&en, &de] {
        let url = doc
            .descendants()
            .find(|n| n.has_tag_name("loc") && n.text() == Some(format!("{base}/{slug}").as_str()))
            .and_then(|loc| loc.parent())
            .unwrap();
        let links: Vec<(String, String)> = url
            .children()
            .filter(|n| n.has_tag_name((xhtml, "link")))
            .map(|n| {
                (
                    n.attribute("hreflang").unwrap().to_string(),
                    n.attribute("href").unwrap().to_string(),
                )
            })
            .collect();
        assert_eq!(
            links,
            [
                ("en".to_string(), format!("{base}/{en}")),
                ("de".to_string(), format!("{base}/{de}")),
                ("x-default".to_string(), format!("{base}/{en}")),
            ],
            "{slug}"
        );
    }
    let news = site.get("/news-sitemap.xml", None).await.body;
    assert!(news.contains("<news:language>de</news:language>"));
    assert!(news.contains("<news:language>en</news:language>"));
    let feed = site.get("/feed.xml", None).await.body;
    assert!(feed.contains("<dc:language>de</dc:language>"), "{feed}");

    // Unlinking removes the pairs from both.
    assert_eq!(link(&site, &editor, de_id, "de", "").await.status, 200);
    let en_page = site.get(&format!("/articles/{en}"), None).await.body;
    assert!(!en_page.contains("hreflang"));
    assert!(!site
        .get("/sitemaps/1.xml", None)
        .await
        .body
        .contains("xhtml:link"));
}

#[tokio::test]
async fn a_translation_needs_a_real_language_another_language_and_an_existing_article() {
    let site = Site::new().await;
    let en = published(&site, "Regatta postponed", None).await;
    let other = published(&site, "Regatta verschoben", None).await;
    let id = site
        .store
        .article_by_slug(&other)
        .await
        .unwrap()
        .unwrap()
        .id;
    let editor = site.session(Role::Editor).await;
    for (language, of, says) in [
        ("Deutsch", "", "BCP 47"),
        ("en", en.as_str(), "another language"),
        ("de", "no-such-article", "No article"),
    ] {
        let r = link(&site, &editor, id, language, of).await;
        assert_eq!(r.status, 422, "{}", r.body);
        assert!(r.body.contains(says), "{}", r.body);
    }
    let a = site.store.article_by_id(id).await.unwrap().unwrap();
    assert_eq!((a.language, a.translation_group), (None, None));
}

#[tokio::test]
async fn article_language_functions_refuse_anonymous_and_other_peoples_articles() {
    let site = Site::new().await;
    let en = published(&site, "Market day moves", None).await;
    let id = site.store.article_by_slug(&en).await.unwrap().unwrap().id;
    let author = site.session(Role::Author).await;
    for (cookie, status) in [(None, 401), (Some(author.as_str()), 403)] {
        let r = site
            .call("get_article_language", json!({ "id": id }), cookie)
            .await;
        assert_eq!(r.status, status, "{}", r.body);
        let r = site
            .call(
                "set_article_language",
                json!({ "id": id, "language": "fr", "translation_of": "" }),
                cookie,
            )
            .await;
        assert_eq!(r.status, status, "{}", r.body);
    }
    let a = site.store.article_by_id(id).await.unwrap().unwrap();
    assert_eq!(a.language, None);
}

// The command line.

#[tokio::test]
async fn the_command_line_shows_and_sets_the_settings() {
    let site = Site::new().await;
    for (key, value) in [
        ("name", "The Harbour Herald"),
        ("tagline", "News from the quay"),
        ("language", "en-gb"),
        ("timezone", "Europe/London"),
        ("powered_by", "false"),
    ] {
        let out = site.gazette(&["settings", "set", key, value]);
        assert!(out.status.success(), "{key}: {}", text(&out.stderr));
    }
    let out = site.gazette(&["settings", "show"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let listing = text(&out.stdout);
    for line in [
        "name = The Harbour Herald",
        "tagline = News from the quay",
        "language = en-GB",
        "timezone = Europe/London",
        "powered_by = false",
        "same_as = ",
    ] {
        assert!(
            listing.lines().any(|l| l.trim_end() == line.trim_end()),
            "{line:?} not in:\n{listing}"
        );
    }
    // Another process's write: this instance's next look at the content version finds it.
    gazette::server::page_cache::refresh(&site.cache, &site.store).await;
    let home = shown(&site.get("/", None).await.body);
    assert!(home.contains(r#"<html lang="en-GB""#));
    assert!(!home.contains("Powered by"));
}

#[tokio::test]
async fn the_command_line_refuses_bad_keys_and_values_and_changes_nothing() {
    let site = Site::new().await;
    for (key, value, says) in [
        ("colour", "blue", "unknown setting 'colour'"),
        ("language", "english", "BCP 47"),
        ("timezone", "Mars/Olympus_Mons", "IANA time zone"),
        ("powered_by", "yes", "not true or false"),
        ("name", "", "can't be empty"),
        ("logo", "harbour.png", "not a picture"),
        ("logo", "media:424242", "no picture media:424242"),
    ] {
        let out = site.gazette(&["settings", "set", key, value]);
        assert!(!out.status.success(), "{key} {value} was accepted");
        let err = text(&out.stderr);
        assert!(err.contains(says), "{key}: {err}");
        assert_no_internals(&err);
    }
    assert_eq!(stored(&site).await, SiteSettings::default());
}

// A second instance.

struct Instance {
    child: std::process::Child,
    base: String,
}

impl Drop for Instance {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(url: &str, site_root: &std::path::Path) -> Instance {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = Command::new(env!("CARGO_BIN_EXE_gazette"))
        .env("DATABASE_URL", url)
        .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
        .env("LEPTOS_SITE_ROOT", site_root)
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

async fn body(client: &reqwest::Client, base: &str, path: &str) -> Option<String> {
    let r = client.get(format!("{base}{path}")).send().await.ok()?;
    (r.status() == 200).then_some(shown(&r.text().await.ok()?))
}

/// Waits up to `limit` for `path` on `base` to contain `text`; returns how long it took.
async fn seen_within(
    client: &reqwest::Client,
    base: &str,
    path: &str,
    text: &str,
    limit: Duration,
) -> Option<Duration> {
    let start = Instant::now();
    while start.elapsed() < limit {
        if body(client, base, path)
            .await
            .is_some_and(|b| b.contains(text))
        {
            return Some(start.elapsed());
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    None
}

#[tokio::test]
async fn a_settings_change_on_one_instance_is_seen_on_another() {
    let db = TestDb::new().await;
    let client = reqwest::Client::new();
    let roots = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let a = start(&db.url, roots.0.path());
    let b = start(&db.url, roots.1.path());
    for i in [&a, &b] {
        assert!(
            seen_within(&client, &i.base, "/healthz", "ok", Duration::from_secs(30))
                .await
                .is_some(),
            "{} never became healthy",
            i.base
        );
    }
    // Readers of B have the home page and the feed in B's page cache.
    assert!(body(&client, &b.base, "/")
        .await
        .unwrap()
        .contains(">Gazette</a>"));
    assert!(body(&client, &b.base, "/feed.xml").await.is_some());

    let store = gazette::server::db::connect(&db.url).await.unwrap();
    let owner =
        gazette::server::auth::new_user("olive@example.com", "Olive", Role::Owner, PASSWORD)
            .unwrap();
    let owner = store.create_user(&owner).await.unwrap();
    let (token, hash) = gazette::server::auth::new_token();
    store
        .create_session(
            owner.id,
            &hash,
            chrono::Utc::now() + chrono::Duration::hours(1),
        )
        .await
        .unwrap();
    let r = client
        .post(format!("{}/api/save_site_settings", a.base))
        .header("cookie", format!("gazette_session={token}"))
        .header("accept", "application/json")
        .json(&json!({ "settings": herald() }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.text().await.unwrap(), "[]");

    let limit = Duration::from_secs(5);
    for (path, text) in [
        ("/", r#"<a href="/" class="brand">The Harbour Herald</a>"#),
        ("/", r#"<html lang="de-CH""#),
        ("/feed.xml", "<language>de-CH</language>"),
    ] {
        let took = seen_within(&client, &b.base, path, text, limit).await;
        assert!(took.is_some(), "B never showed {text} at {path}");
        eprintln!("B showed {text:?} at {path} after {:?}", took.unwrap());
    }
}
