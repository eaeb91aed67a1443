//! The staff desk under `/admin`: filters by status (with counts), author, tag, words
//! and dates, the three sorts, keyset pages, authors' own view, the editors' review
//! queue, and editor presence — through the HTTP API and the server-rendered page.

use crate::common::*;
use chrono::{DateTime, Duration, TimeZone, Utc};
use gazette::model::{
    ArticleDraft, ArticleStatus, DeskPage, EditorPresence, Role, SavedArticle, User, DESK_PAGE_SIZE,
};
use gazette::server::{auth, render};
use serde_json::{json, Value};

/// A new user with `role` and a session cookie for them.
async fn staff(site: &Site, role: Role) -> (User, String) {
    let user = site.user(role).await;
    let (token, hash) = auth::new_token();
    site.store
        .create_session(user.id, &hash, Utc::now() + Duration::days(1))
        .await
        .unwrap();
    (user, format!("{}={token}", site.session_cookie))
}

fn draft(title: &str, body: &str, tags: &[&str]) -> ArticleDraft {
    ArticleDraft {
        title: title.into(),
        body: body.into(),
        tags: tags.iter().map(|t| t.to_string()).collect(),
        ..sample_draft(title)
    }
}

/// Creates an article through the API as the cookie's user.
async fn write(site: &Site, cookie: &str, d: ArticleDraft) -> SavedArticle {
    let v = site
        .call_ok(
            "save_article",
            json!({ "id": null, "base_version": null, "draft": d }),
            cookie,
        )
        .await;
    serde_json::from_value(v).unwrap()
}

async fn desk(site: &Site, cookie: &str, filter: Value) -> DeskPage {
    serde_json::from_value(
        site.call_ok("list_desk", json!({ "filter": filter }), cookie)
            .await,
    )
    .unwrap()
}

async fn queue(site: &Site, cookie: &str, filter: Value) -> DeskPage {
    let v = site
        .call_ok("list_review_queue", json!({ "filter": filter }), cookie)
        .await;
    serde_json::from_value(v).unwrap()
}

fn titles(page: &DeskPage) -> Vec<&str> {
    page.rows.iter().map(|r| r.title.as_str()).collect()
}

fn at(y: i32, m: u32, d: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, 12, 0, 0).unwrap()
}

#[tokio::test]
async fn the_desk_filters_by_status_and_counts_every_status() {
    let site = Site::new().await;
    let (_, editor) = staff(&site, Role::Editor).await;
    let draft_a = write(&site, &editor, draft("Quiet draft", "Text.", &[])).await;
    let review = write(&site, &editor, draft("Waiting piece", "Text.", &[])).await;
    let live = write(&site, &editor, draft("Live piece", "Text.", &[])).await;
    let later = write(&site, &editor, draft("Later piece", "Text.", &[])).await;
    let args = |s: &SavedArticle| json!({ "id": s.id, "version": s.version });
    site.call_ok("submit_for_review", args(&review), &editor)
        .await;
    site.call_ok("publish_article", args(&live), &editor).await;
    let when = (Utc::now() + Duration::hours(3)).to_rfc3339();
    site.call_ok(
        "schedule_article",
        json!({ "id": later.id, "version": later.version, "at": when }),
        &editor,
    )
    .await;

    let all = desk(&site, &editor, json!({})).await;
    assert_eq!(all.rows.len(), 4);
    for (status, n) in [
        (ArticleStatus::Draft, 1),
        (ArticleStatus::InReview, 1),
        (ArticleStatus::Scheduled, 1),
        (ArticleStatus::Published, 1),
        (ArticleStatus::Archived, 0),
    ] {
        assert_eq!(all.count(status), n, "{status:?}");
    }
    // Newest change first: the scheduled one moved last.
    assert_eq!(titles(&all)[0], "Later piece");

    let drafts = desk(&site, &editor, json!({ "status": "draft" })).await;
    assert_eq!(titles(&drafts), ["Quiet draft"]);
    assert_eq!(drafts.rows[0].id, draft_a.id);
    // The counts stay those of every status, so the other tabs say what they hold.
    assert_eq!(drafts.count(ArticleStatus::Published), 1);
    let published = desk(&site, &editor, json!({ "status": "published" })).await;
    assert_eq!(titles(&published), ["Live piece"]);
}

#[tokio::test]
async fn the_desk_filters_by_author_tag_words_and_dates() {
    let site = Site::new().await;
    let (erin, editor) = staff(&site, Role::Editor).await;
    let (arlo, _) = staff(&site, Role::Author).await;
    let store = &site.store;
    let add =
        |title: &'static str, body: &'static str, tags: &'static [&'static str], by: User, on| {
            let store = store.clone();
            async move {
                let slug = render::slugify(title);
                let content = render::content(&draft(title, body, tags));
                store
                    .create_article(&slug, &content, Some(&by), on)
                    .await
                    .unwrap()
            }
        };
    add(
        "Harbour ferries return",
        "The ferries sail again.",
        &["Transport"],
        erin.clone(),
        Some(at(2026, 3, 10)),
    )
    .await;
    add(
        "Budget vote delayed",
        "Council argues over rents.",
        &["Politics"],
        arlo.clone(),
        Some(at(2026, 5, 2)),
    )
    .await;
    add(
        "Night trains planned",
        "A sleeper service for the valley.",
        &["Transport"],
        arlo.clone(),
        None,
    )
    .await;

    let by_arlo = desk(&site, &editor, json!({ "author": arlo.slug })).await;
    let mut got = titles(&by_arlo);
    got.sort();
    assert_eq!(got, ["Budget vote delayed", "Night trains planned"]);
    assert!(by_arlo.authors.iter().any(|a| a.slug == arlo.slug));
    assert_eq!(by_arlo.rows[0].authors, std::slice::from_ref(&arlo.name));

    let mine = desk(&site, &editor, json!({ "mine": true })).await;
    assert_eq!(titles(&mine), ["Harbour ferries return"]);

    let transport = desk(&site, &editor, json!({ "tag": "transport" })).await;
    assert_eq!(transport.rows.len(), 2);
    let both = desk(
        &site,
        &editor,
        json!({ "tag": "transport", "author": arlo.slug }),
    )
    .await;
    assert_eq!(titles(&both), ["Night trains planned"]);

    // Words in the headline or only in the text; every word must match.
    assert_eq!(
        titles(&desk(&site, &editor, json!({ "q": "ferries" })).await),
        ["Harbour ferries return"]
    );
    assert_eq!(
        titles(&desk(&site, &editor, json!({ "q": "sleeper" })).await),
        ["Night trains planned"]
    );
    assert_eq!(
        desk(&site, &editor, json!({ "q": "sleeper council" }))
            .await
            .rows
            .len(),
        0
    );
    // Query syntax is read as plain words.
    assert_eq!(
        titles(&desk(&site, &editor, json!({ "q": "\"rents\" NEAR ferries" })).await).len(),
        0
    );
    assert_eq!(
        titles(&desk(&site, &editor, json!({ "q": "rents*" })).await),
        ["Budget vote delayed"]
    );

    // Dates apply to the sorted time: publication here, so the unpublished one is out.
    let spring = desk(
        &site,
        &editor,
        json!({ "sort": "published", "from": "2026-03-01", "to": "2026-04-30" }),
    )
    .await;
    assert_eq!(titles(&spring), ["Harbour ferries return"]);
    let by_published = desk(&site, &editor, json!({ "sort": "published" })).await;
    assert_eq!(
        titles(&by_published),
        ["Budget vote delayed", "Harbour ferries return"]
    );
    // The last day is included whole.
    let to_day = desk(
        &site,
        &editor,
        json!({ "sort": "published", "from": "2026-05-02", "to": "2026-05-02" }),
    )
    .await;
    assert_eq!(titles(&to_day), ["Budget vote delayed"]);

    // Days are the publication's: at 23:30 UTC on 1 May it is already 2 May in Tokyo.
    add(
        "Late ferry",
        "Past midnight in Tokyo.",
        &["Transport"],
        erin.clone(),
        Some(at(2026, 5, 1) + chrono::Duration::minutes(11 * 60 + 30)),
    )
    .await;
    let day = json!({ "sort": "published", "from": "2026-05-02", "to": "2026-05-02" });
    assert_eq!(
        titles(&desk(&site, &editor, day.clone()).await),
        ["Budget vote delayed"]
    );
    site.store
        .set_site_settings(&[("timezone".into(), "Asia/Tokyo".into())])
        .await
        .unwrap();
    let tokyo_page = desk(&site, &editor, day).await;
    let mut tokyo = titles(&tokyo_page);
    tokyo.sort();
    assert_eq!(tokyo, ["Budget vote delayed", "Late ferry"]);
}

/// Wire copy and freelancers have no login: their bylines show in the desk's author
/// column, are offered in the author filter, and filter like staff bylines.
#[tokio::test]
async fn byline_only_authors_appear_on_the_desk_and_filter_it() {
    let site = Site::new().await;
    let (_, editor) = staff(&site, Role::Editor).await;
    let mut wire = draft("Storm closes the coast road", "Wire copy.", &["Weather"]);
    wire.bylines = vec!["Coastal Wire Service".into()];
    write(&site, &editor, wire).await;
    write(&site, &editor, draft("Staff story", "Ours.", &["Weather"])).await;

    let all = desk(&site, &editor, json!({})).await;
    let row = all
        .rows
        .iter()
        .find(|r| r.title == "Storm closes the coast road")
        .unwrap();
    assert_eq!(row.authors, ["Coastal Wire Service"]);
    let offered = all
        .authors
        .iter()
        .find(|a| a.name == "Coastal Wire Service")
        .expect("the byline-only author is offered in the filter");
    let filtered = desk(&site, &editor, json!({ "author": offered.slug })).await;
    assert_eq!(titles(&filtered), ["Storm closes the coast road"]);
}

#[tokio::test]
async fn scheduled_articles_are_listed_soonest_first_with_their_times() {
    let site = Site::new().await;
    let (_, editor) = staff(&site, Role::Editor).await;
    let late = write(&site, &editor, draft("Goes out late", "Text.", &[])).await;
    let soon = write(&site, &editor, draft("Goes out soon", "Text.", &[])).await;
    write(&site, &editor, draft("Never scheduled", "Text.", &[])).await;
    let times = [(late, Duration::hours(5)), (soon, Duration::hours(1))];
    for (a, later) in &times {
        let when = now_plus(*later);
        site.call_ok(
            "schedule_article",
            json!({ "id": a.id, "version": a.version, "at": when.to_rfc3339() }),
            &editor,
        )
        .await;
    }
    let page = desk(&site, &editor, json!({ "sort": "scheduled" })).await;
    assert_eq!(titles(&page), ["Goes out soon", "Goes out late"]);
    let soon_at = page.rows[0].scheduled_at.unwrap();
    assert!(
        (soon_at - Utc::now() - Duration::hours(1))
            .num_seconds()
            .abs()
            < 60
    );
    assert_eq!(page.rows[0].sort_at, soon_at);

    let html = site
        .get("/admin?status=scheduled&sort=scheduled", Some(&editor))
        .await;
    assert_eq!(html.status, 200);
    assert!(html.body.contains("Goes out soon"), "{}", html.body);
    // The time shows in the status and in the sorted column.
    let machine = gazette::components::article_body::machine_date(soon_at);
    assert!(html.body.matches(&machine).count() >= 2, "{}", html.body);
    assert!(!html.body.contains("Never scheduled"));
}

fn now_plus(d: Duration) -> DateTime<Utc> {
    Utc::now() + d
}

/// An author or search words matching over a thousand articles are checked row by row
/// while the desk walks its order, a different query from the one fewer matches get:
/// every matching article still comes exactly once across the pages, and nothing else.
#[tokio::test]
async fn filters_matching_over_a_thousand_articles_still_page_through_every_match() {
    let site = Site::new().await;
    let (writer, editor) = staff(&site, Role::Editor).await;
    let seed: Vec<&str> = include_str!("../fixtures/seed-article.txt")
        .split('\n')
        .collect();
    let file = |byline: &str, title: String| {
        let mut lines: Vec<String> = seed.iter().map(|l| l.to_string()).collect();
        lines[0] = format!("{byline}, , , Harbour");
        lines[2] = title;
        gazette::server::import::parse(&lines.join("\n")).unwrap()
    };
    let total = 1_010;
    let mut files: Vec<_> = (0..total)
        .map(|n| {
            let name = format!("{n}.txt");
            (
                std::path::PathBuf::from(name),
                file(&writer.name, format!("Lighthouse log {n}")),
            )
        })
        .collect();
    files.push(("other.txt".into(), file("Coastal Wire", "Wire copy".into())));
    gazette::server::commands::import_parsed(&site.store, files, true, false)
        .await
        .unwrap();

    // The tag also holds the wire copy.
    for (filter, expected) in [
        (json!({ "author": writer.slug }), total),
        (json!({ "q": "lighthouse" }), total),
        (json!({ "tag": "harbour" }), total + 1),
    ] {
        let mut seen = std::collections::HashSet::new();
        let mut page = desk(&site, &editor, filter.clone()).await;
        loop {
            for row in &page.rows {
                if row.title != "Wire copy" || expected == total {
                    assert!(
                        row.title.starts_with("Lighthouse log"),
                        "{filter}: {}",
                        row.title
                    );
                    assert_eq!(row.authors, std::slice::from_ref(&writer.name));
                }
                assert!(seen.insert(row.id), "{filter}: {} twice", row.title);
            }
            let Some(next) = page.next else { break };
            let mut query = filter.clone();
            query["after"] = json!(next);
            page = desk(&site, &editor, query).await;
        }
        assert_eq!(seen.len(), expected, "{filter}");
    }

    // Readers' tag and author pages check such a tag or author article by article while
    // walking the newest first, and search ranks only the newest matches: the pages
    // still list newest first with nothing repeated, and only what belongs.
    let number = |slug: &str| {
        slug.strip_prefix("lighthouse-log-")
            .map(|n| n.parse::<u32>().unwrap())
    };
    for listing in [
        "/tags/harbour".to_string(),
        format!("/authors/{}", writer.slug),
    ] {
        let first = article_links(&site.get(&listing, None).await.body);
        let second = article_links(&site.get(&format!("{listing}?page=2"), None).await.body);
        assert_eq!((first.len(), second.len()), (20, 20), "{listing}");
        let numbers: Vec<u32> = first
            .iter()
            .chain(&second)
            .filter_map(|s| number(s))
            .collect();
        let expected = if listing.starts_with("/tags") { 39 } else { 40 };
        assert_eq!(numbers.len(), expected, "{listing}: {first:?} {second:?}");
        assert!(
            numbers.windows(2).all(|w| w[0] > w[1]),
            "{listing}: {numbers:?}"
        );
        assert_eq!(numbers[0], total as u32 - 1, "{listing}");
    }
    // Deep pages (from the 200th article on, read ids first) carry on where the page
    // before them ends.
    for listing in [
        "/".to_string(),
        "/tags/harbour".to_string(),
        format!("/authors/{}", writer.slug),
    ] {
        let mut numbers = Vec::new();
        for page in 10..=12 {
            let links =
                article_links(&site.get(&format!("{listing}?page={page}"), None).await.body);
            assert_eq!(links.len(), 20, "{listing} page {page}");
            numbers.extend(links.iter().map(|s| number(s).unwrap()));
        }
        assert!(
            numbers.windows(2).all(|w| w[0] == w[1] + 1),
            "{listing}: {numbers:?}"
        );
    }

    // Search pages through the newest matches it ranks, following each page's link to
    // the next, ten at a time, newest first and nothing twice; no page lies past them.
    let per_page = gazette::api::public::SEARCH_PAGE_SIZE as usize;
    let ranked = gazette::server::db::SEARCH_WINDOW as usize;
    let mut numbers = Vec::new();
    let mut next = Some("/search?q=lighthouse".to_string());
    let mut pages = 0;
    while let Some(url) = next.take() {
        let page = site.get(&url, None).await;
        assert_eq!(page.status, 200, "{url}");
        let hits = article_links(&page.body);
        assert_eq!(hits.len(), per_page, "{url}: {hits:?}");
        numbers.extend(hits.iter().map(|s| number(s).unwrap()));
        pages += 1;
        next = page
            .body
            .split("<a rel=\"next\" href=\"")
            .nth(1)
            .map(|rest| rest.split('"').next().unwrap().replace("&amp;", "&"));
    }
    assert_eq!(pages, ranked / per_page);
    assert_eq!(numbers.len(), ranked);
    assert!(numbers.windows(2).all(|w| w[0] > w[1]), "{numbers:?}");
    assert_eq!(numbers[0], total as u32 - 1);
    let past = format!("/search?q=lighthouse&page={}", ranked / per_page + 1);
    assert_eq!(site.get(&past, None).await.status, 404);
}

/// The desk first checks search words on the newest few hundred rows only (enough for a
/// common word): a word held only by an article behind more newer ones than that must
/// still be found, and one that no article holds finds nothing.
#[tokio::test]
async fn search_words_find_an_article_behind_hundreds_of_newer_ones() {
    let site = Site::new().await;
    let (_, editor) = staff(&site, Role::Editor).await;
    let seed = include_str!("../fixtures/seed-article.txt");
    let file = |n: usize, title: &str| {
        let mut lines: Vec<String> = seed.split('\n').map(str::to_string).collect();
        lines[2] = title.to_string();
        (
            std::path::PathBuf::from(format!("{n}.txt")),
            gazette::server::import::parse(&lines.join("\n")).unwrap(),
        )
    };
    // Imported in order: the first is the oldest, behind 600 newer articles.
    let mut files = vec![file(0, "Beacon keeper retires")];
    files.extend((1..=600).map(|n| file(n, &format!("Tide table {n}"))));
    gazette::server::commands::import_parsed(&site.store, files, false, false)
        .await
        .unwrap();

    let found = desk(&site, &editor, json!({ "q": "beacon" })).await;
    assert_eq!(titles(&found), ["Beacon keeper retires"]);
    assert!(found.next.is_none());
    let drafts = desk(&site, &editor, json!({ "q": "beacon", "status": "draft" })).await;
    assert_eq!(titles(&drafts), ["Beacon keeper retires"]);
    let none = desk(&site, &editor, json!({ "q": "zeppelin" })).await;
    assert!(none.rows.is_empty());
    // A common word still pages through every match.
    let mut seen = 0;
    let mut page = desk(&site, &editor, json!({ "q": "tide" })).await;
    loop {
        seen += page.rows.len();
        let Some(next) = page.next else { break };
        page = desk(&site, &editor, json!({ "q": "tide", "after": next })).await;
    }
    assert_eq!(seen, 600);
}

/// The distinct article addresses a page links to, in order of first appearance.
fn article_links(body: &str) -> Vec<String> {
    let mut links: Vec<String> = Vec::new();
    for part in body.split("href=\"/articles/").skip(1) {
        let slug = part.split('"').next().unwrap_or_default().to_string();
        if !links.contains(&slug) {
            links.push(slug);
        }
    }
    links
}

#[tokio::test]
async fn the_desk_pages_through_every_article_once_and_back() {
    let site = Site::new().await;
    let (erin, editor) = staff(&site, Role::Editor).await;
    let total = DESK_PAGE_SIZE as usize * 2 + 7;
    let content = render::content(&draft("Paged", "Text.", &[]));
    for i in 0..total {
        site.store
            .create_article(&format!("paged-{i}"), &content, Some(&erin), None)
            .await
            .unwrap();
    }
    let mut pages = vec![desk(&site, &editor, json!({})).await];
    assert!(pages[0].prev.is_none());
    while let Some(next) = pages.last().unwrap().next {
        let page = desk(&site, &editor, json!({ "after": next })).await;
        pages.push(page);
    }
    assert_eq!(pages.len(), 3);
    let ids: Vec<i64> = pages
        .iter()
        .flat_map(|p| p.rows.iter().map(|r| r.id))
        .collect();
    assert_eq!(ids.len(), total);
    // Newest first, each exactly once (ids grow with creation time here).
    let mut sorted = ids.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(ids, sorted);
    // "Newer" from the last page gives back the middle page, and from there the first.
    let back = desk(&site, &editor, json!({ "before": pages[2].prev.unwrap() })).await;
    assert_eq!(back.rows, pages[1].rows);
    let first = desk(&site, &editor, json!({ "before": back.prev.unwrap() })).await;
    assert_eq!(first.rows, pages[0].rows);
    assert!(first.prev.is_none());
}

#[tokio::test]
async fn authors_see_and_count_only_their_own_articles() {
    let site = Site::new().await;
    let (_, editor) = staff(&site, Role::Editor).await;
    let (arlo, author) = staff(&site, Role::Author).await;
    let (_, other) = staff(&site, Role::Author).await;
    write(&site, &editor, draft("Editor's draft", "Text.", &[])).await;
    write(&site, &other, draft("Someone else's draft", "Text.", &[])).await;
    let mine = write(&site, &author, draft("Arlo's draft", "Text.", &[])).await;
    let submitted: SavedArticle = serde_json::from_value(
        site.call_ok(
            "submit_for_review",
            json!({ "id": mine.id, "version": mine.version }),
            &author,
        )
        .await,
    )
    .unwrap();

    let page = desk(&site, &author, json!({})).await;
    assert_eq!(titles(&page), ["Arlo's draft"]);
    assert!(page.own_only);
    assert_eq!(page.count(ArticleStatus::InReview), 1);
    assert_eq!(page.count(ArticleStatus::Draft), 0);
    assert!(page.authors.is_empty(), "authors get no list of colleagues");
    // Naming another author doesn't widen the view.
    let theirs = desk(&site, &author, json!({ "author": "test-editor" })).await;
    assert!(theirs.rows.is_empty());
    assert_eq!(page.rows[0].authors, [arlo.name]);

    // The counts follow the article when someone else moves it on.
    site.call_ok(
        "publish_article",
        json!({ "id": submitted.id, "version": submitted.version }),
        &editor,
    )
    .await;
    let page = desk(&site, &author, json!({})).await;
    assert_eq!(page.count(ArticleStatus::Published), 1);
    assert_eq!(page.count(ArticleStatus::InReview), 0);
}

#[tokio::test]
async fn the_review_queue_lists_articles_in_review_longest_waiting_first() {
    let site = Site::new().await;
    let (_, editor) = staff(&site, Role::Editor).await;
    let (_, author) = staff(&site, Role::Author).await;
    let first = write(&site, &author, draft("Submitted first", "Text.", &[])).await;
    let second = write(&site, &author, draft("Submitted second", "Text.", &[])).await;
    write(&site, &author, draft("Still a draft", "Text.", &[])).await;
    let submit = |s: &SavedArticle| json!({ "id": s.id, "version": s.version });
    let first: SavedArticle = serde_json::from_value(
        site.call_ok("submit_for_review", submit(&first), &author)
            .await,
    )
    .unwrap();
    site.call_ok("submit_for_review", submit(&second), &author)
        .await;
    // An edit while in review doesn't send the article to the back of the queue.
    site.call_ok("save_article",
        json!({ "id": first.id, "base_version": first.version, "draft": draft("Submitted first", "Fixed a typo.", &[]) }),
        &editor,
    )
    .await;

    let q = queue(&site, &editor, json!({})).await;
    assert_eq!(titles(&q), ["Submitted first", "Submitted second"]);
    assert!(q.rows.iter().all(|r| r.status == ArticleStatus::InReview));
    // Filters narrow the queue too.
    let narrowed = queue(&site, &editor, json!({ "q": "typo" })).await;
    assert_eq!(titles(&narrowed), ["Submitted first"]);

    let html = site.get("/admin?view=review", Some(&editor)).await;
    assert_eq!(html.status, 200);
    let a = html.body.find("Submitted first").unwrap();
    let b = html.body.find("Submitted second").unwrap();
    assert!(a < b, "oldest first on the page");
    assert!(html.body.contains("In review since"));
    assert!(!html.body.contains("Still a draft"));
}

#[tokio::test]
async fn the_review_queue_is_refused_to_authors_and_anonymous_callers() {
    let site = Site::new().await;
    let (_, author) = staff(&site, Role::Author).await;
    let r = site
        .call("list_review_queue", json!({ "filter": {} }), None)
        .await;
    assert_eq!(r.status, 401, "{}", r.body);
    let r = site
        .call("list_review_queue", json!({ "filter": {} }), Some(&author))
        .await;
    assert_eq!(r.status, 403, "{}", r.body);
    let r = site.call("list_desk", json!({ "filter": {} }), None).await;
    assert_eq!(r.status, 401, "{}", r.body);
    // The page says so rather than showing an empty queue.
    let page = site.get("/admin?view=review", Some(&author)).await;
    assert!(
        page.body.contains("You are not allowed to do that."),
        "{}",
        page.body
    );
    assert!(
        !page.body.contains("Review queue</a>"),
        "no link for authors"
    );
}

#[tokio::test]
async fn bad_desk_filters_are_refused_with_a_clear_message() {
    let site = Site::new().await;
    let (_, editor) = staff(&site, Role::Editor).await;
    write(&site, &editor, draft("Anything", "Text.", &[])).await;
    for (filter, says) in [
        (json!({ "q": "x".repeat(201) }), "at most 200"),
        (
            json!({ "from": "2026-05-02", "to": "2026-05-01" }),
            "must not be after",
        ),
    ] {
        let r = site
            .call("list_desk", json!({ "filter": filter }), Some(&editor))
            .await;
        assert_eq!(r.status, 422, "{}", r.body);
        assert!(r.body.contains(says), "{}", r.body);
    }
    let r = site
        .call(
            "list_desk",
            json!({ "filter": { "status": "lost" } }),
            Some(&editor),
        )
        .await;
    assert_eq!(r.status, 400, "{}", r.body);
    assert_no_internals(&r.body);
    let page = site
        .get("/admin?status=lost&from=soon", Some(&editor))
        .await;
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("There is no status “lost”."),
        "{}",
        page.body
    );
    assert!(!page.body.contains("Anything"));
}

#[tokio::test]
async fn the_desk_page_works_from_the_url_alone() {
    let site = Site::new().await;
    let (_, editor) = staff(&site, Role::Editor).await;
    write(
        &site,
        &editor,
        draft("Harbour ferries return", "Ferries.", &["Transport"]),
    )
    .await;
    write(
        &site,
        &editor,
        draft("Budget vote delayed", "Rents.", &["Politics"]),
    )
    .await;
    let page = site
        .get("/admin?q=ferries&tag=Transport", Some(&editor))
        .await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Harbour ferries return"));
    assert!(!page.body.contains("Budget vote delayed"));
    // The form shows the filters it was given, so the next submit keeps them.
    assert!(
        page.body
            .contains(r#"name="q" type="search" value="ferries""#),
        "{}",
        page.body
    );
    assert!(page.body.contains(r#"value="Transport""#));
    // Status tabs keep the other filters and show counts.
    assert!(
        page.body
            .contains("/admin?status=draft&amp;tag=transport&amp;q=ferries"),
        "{}",
        page.body
    );
    assert!(page.body.contains(r#"<span class="count">2</span>"#));
}

#[tokio::test]
async fn an_open_editor_learns_who_else_has_the_article_open() {
    let site = Site::new().await;
    let (erin, first) = staff(&site, Role::Editor).await;
    let (_, second) = staff(&site, Role::Editor).await;
    let id = write(&site, &first, draft("Shared story", "Text.", &[]))
        .await
        .id;
    let beat = |cookie: String| {
        let site = &site;
        async move {
            let v = site
                .call_ok("editor_heartbeat", json!({ "id": id }), &cookie)
                .await;
            serde_json::from_value::<Vec<EditorPresence>>(v).unwrap()
        }
    };
    assert!(beat(first.clone()).await.is_empty(), "alone at first");
    let seen = beat(second.clone()).await;
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].name, erin.name);
    let opened = seen[0].since;
    assert!((Utc::now() - opened).num_seconds() < 30);
    assert_eq!(
        beat(first.clone()).await.len(),
        1,
        "the first sees the second"
    );
    // Later beats keep the time the article was opened.
    assert_eq!(beat(second.clone()).await[0].since, opened);
    site.call_ok("leave_editor", json!({ "id": id }), &second)
        .await;
    assert!(beat(first.clone()).await.is_empty(), "gone once closed");
}

#[tokio::test]
async fn presence_expires_and_follows_who_may_open_the_article() {
    let site = Site::new().await;
    let (erin, editor) = staff(&site, Role::Editor).await;
    let (other, _) = staff(&site, Role::Editor).await;
    let (_, author) = staff(&site, Role::Author).await;
    let a = write(&site, &editor, draft("Editor only", "Text.", &[])).await;
    // Someone whose editor last spoke two minutes ago has closed it.
    let long_ago = Utc::now() - Duration::minutes(2);
    site.store
        .touch_presence(a.id, other.id, long_ago, Duration::seconds(60))
        .await
        .unwrap();
    let seen = site
        .store
        .touch_presence(a.id, erin.id, Utc::now(), Duration::seconds(60))
        .await
        .unwrap();
    assert!(seen.is_empty(), "{seen:?}");
    // An author can't announce themselves on (or learn about) an article they can't open.
    let r = site
        .call("editor_heartbeat", json!({ "id": a.id }), Some(&author))
        .await;
    assert_eq!(r.status, 403);
    let r = site
        .call("editor_heartbeat", json!({ "id": a.id }), None)
        .await;
    assert_eq!(r.status, 401);
    let r = site
        .call("editor_heartbeat", json!({ "id": 999_999 }), Some(&editor))
        .await;
    assert_eq!(r.status, 404);
}

/// The status counts are kept as articles change rather than counted on each view (see
/// the `status_counts` migration); folding the kept rows, as every scheduler tick does,
/// changes no count and leaves one row per status.
#[tokio::test]
async fn kept_status_counts_follow_every_change_and_survive_folding() {
    let site = Site::new().await;
    let editor = site.user(Role::Editor).await;
    let mut articles = Vec::new();
    for n in 0..40 {
        let a = site.article(&format!("Counted story {n}")).by(&editor);
        articles.push(a.create().await);
    }
    let store = &site.store;
    let to = |a: &gazette::model::Article, status| {
        store.set_status(a.id, a.version, status, None, Some(&editor))
    };
    for a in &articles[..5] {
        to(a, ArticleStatus::Published).await.unwrap();
    }
    for a in &articles[5..7] {
        to(a, ArticleStatus::InReview).await.unwrap();
    }
    let stale = to(&articles[0], ArticleStatus::Archived).await;
    assert!(stale.is_err(), "a stale version moves nothing");
    let fresh = store.article_by_id(articles[0].id).await.unwrap().unwrap();
    to(&fresh, ArticleStatus::Archived).await.unwrap();

    let expected = [
        (ArticleStatus::Draft, 33),
        (ArticleStatus::InReview, 2),
        (ArticleStatus::Scheduled, 0),
        (ArticleStatus::Published, 4),
        (ArticleStatus::Archived, 1),
    ];
    let check = || async {
        let counts = store.desk_counts(None).await.unwrap();
        for (status, n) in expected {
            let got = counts.iter().find(|(s, _)| *s == status).map(|(_, n)| *n);
            assert_eq!(got, Some(n), "{status:?}");
        }
        assert_eq!(store.count_published().await.unwrap(), 4);
    };
    check().await;
    store.fold_status_counts().await.unwrap();
    check().await;
    let sql = "SELECT COUNT(*) FROM article_status_counts";
    let rows: i64 = if site.url.starts_with("sqlite:") {
        let pool = sqlx::SqlitePool::connect(&site.url).await.unwrap();
        sqlx::query_scalar(sql).fetch_one(&pool).await.unwrap()
    } else {
        let pool = sqlx::PgPool::connect(&site.url).await.unwrap();
        sqlx::query_scalar(sql).fetch_one(&pool).await.unwrap()
    };
    assert!(rows <= 5, "{rows} rows after folding");
}
