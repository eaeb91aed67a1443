//! What readers and machines get from the public site: tag, author and search pages,
//! feeds a real parser accepts, sitemaps, robots.txt, JSON-LD and conditional GET.

use crate::common::*;
use gazette::model::{AiLevel, Role};
use gazette::server::render;
use serde_json::Value;

const SEED: &str = include_str!("../fixtures/seed-article.txt");
const SEED_SLUG: &str = "china-proposes-global-ai-cooperation-framework-amid-rising-tech-tensions";

/// A site with the seed (published, no author) and one authored, tagged article.
async fn site_with_articles() -> Site {
    let site = Site::new().await;
    let parsed = gazette::server::import::parse(SEED).unwrap();
    gazette::server::commands::import_parsed(
        &site.store,
        vec![("seed.txt".into(), parsed)],
        true,
        false,
    )
    .await
    .unwrap();
    let author = site.user(Role::Editor).await;
    site.article("Comet passes close to Earth")
        .by(&author)
        .draft(|d| {
            d.takeaways = vec!["Visible with binoculars tonight".into()];
            d.faq[0].answer = "Astronomers used the Zwicky telescope.".into();
        })
        .published()
        .await;
    site
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
async fn the_seed_articles_json_ld_has_every_property() {
    let site = site_with_articles().await;
    let page = site.get(&format!("/articles/{SEED_SLUG}"), None).await;
    assert_eq!(page.status, 200);
    let ld = json_ld(&page.body);
    assert_eq!(ld["@context"], "https://schema.org");
    let graph = ld["@graph"].as_array().unwrap();
    let article = &graph[0];
    let url = format!("http://127.0.0.1:3000/articles/{SEED_SLUG}");
    assert_eq!(article["@type"], "NewsArticle");
    assert_eq!(
        article["headline"],
        "China Proposes Global AI Cooperation Framework Amid Rising Tech Tensions"
    );
    assert!(article["description"]
        .as_str()
        .unwrap()
        .starts_with("China is actively seeking"));
    assert_eq!(article["author"], serde_json::json!([]));
    assert!(article["datePublished"].as_str().unwrap().starts_with("20"));
    assert!(article["dateModified"].as_str().unwrap().starts_with("20"));
    assert_eq!(article["publisher"]["name"], "Gazette");
    assert_eq!(article["mainEntityOfPage"]["@id"], url);
    assert_eq!(article["keywords"], serde_json::json!([]));
    assert!(
        article.get("digitalSourceType").is_none(),
        "AI-assisted is not AI-generated"
    );
    let faq = &graph[1];
    assert_eq!(faq["@type"], "FAQPage");
    let questions = faq["mainEntity"].as_array().unwrap();
    assert_eq!(questions.len(), 2);
    assert_eq!(
        questions[0]["name"],
        "What is China's proposed 'AI Capacity Building for All' initiative?"
    );
    assert!(questions[1]["acceptedAnswer"]["text"]
        .as_str()
        .unwrap()
        .contains("fully downloadable"));
    assert!(page
        .body
        .contains(&format!(r#"<link href="{url}" rel="canonical">"#)));
    assert!(page
        .body
        .contains(r#"<meta property="og:type" content="article""#));
    assert!(page
        .body
        .contains(r#"<meta name="twitter:card" content="summary""#));
}

#[tokio::test]
async fn authors_tags_and_ai_generated_text_reach_the_json_ld() {
    let site = Site::new().await;
    let author = site.user(Role::Editor).await;
    site.article("Robots write </script><script>alert(1)</script> news")
        .slug("robots")
        .by(&author)
        .draft(|d| d.disclosure.as_mut().unwrap().level = AiLevel::GeneratedReviewed)
        .published()
        .await;
    let page = site.get("/articles/robots", None).await;
    assert!(page.body.contains(
        "<h1>Robots write &lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt; news</h1>"
    ));
    // The JSON-LD still parses up to its own closing tag: nothing broke out of it.
    let ld = json_ld(&page.body);
    let article = &ld["@graph"][0];
    assert_eq!(
        article["headline"],
        "Robots write </script><script>alert(1)</script> news"
    );
    assert_eq!(article["author"][0]["@type"], "Person");
    assert_eq!(article["author"][0]["name"], author.name);
    assert_eq!(
        article["author"][0]["url"],
        format!("http://127.0.0.1:3000/authors/{}", author.slug)
    );
    assert_eq!(
        article["keywords"],
        serde_json::json!(["Science", "Space Flight"])
    );
    assert_eq!(
        article["digitalSourceType"],
        "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"
    );
}

#[tokio::test]
async fn tag_and_author_pages_list_their_articles() {
    let site = site_with_articles().await;
    let tag = site.get("/tags/space-flight", None).await;
    assert_eq!(tag.status, 200);
    assert!(tag
        .body
        .contains("<h1 class=\"page-title\">Space Flight</h1>"));
    assert!(tag.body.contains("Comet passes close to Earth"));
    assert!(!tag.body.contains("China Proposes"));
    let article = site
        .get("/articles/comet-passes-close-to-earth", None)
        .await;
    let author_href = article
        .body
        .split("href=\"/authors/")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();
    let author = site.get(&format!("/authors/{author_href}"), None).await;
    assert_eq!(author.status, 200);
    assert!(author.body.contains("Comet passes close to Earth"));
    assert_eq!(site.get("/tags/no-such-tag", None).await.status, 404);
    assert_eq!(site.get("/authors/no-such-person", None).await.status, 404);
}

#[tokio::test]
async fn search_finds_words_in_faq_answers_and_takeaways_only() {
    let site = site_with_articles().await;
    let faq_only = site.get("/search?q=Zwicky", None).await;
    assert_eq!(faq_only.status, 200);
    assert!(faq_only.body.contains("Comet passes close to Earth"));
    assert!(faq_only.body.contains("<mark>Zwicky</mark>"));
    let takeaway_only = site.get("/search?q=binoculars", None).await;
    assert!(takeaway_only.body.contains("Comet passes close to Earth"));
    let seed_word = site.get("/search?q=splinternet", None).await;
    assert!(seed_word
        .body
        .contains("China Proposes Global AI Cooperation Framework"));
    let nothing = site.get("/search?q=xylophonist", None).await;
    assert!(nothing.body.contains("No articles match"));
    assert!(!nothing.body.contains("Comet passes"));
}

#[tokio::test]
async fn search_finds_a_published_story_behind_many_newer_drafts_and_marks_the_words() {
    let site = Site::new().await;
    let editor = site.user(Role::Editor).await;
    site.article("Ferry timetable changes")
        .by(&editor)
        .draft(|d| d.dek = "The harbour authority published new Zanzibar sailings.".into())
        .published()
        .await;
    // Seventy newer drafts that rank above it (the word in their headline and dek).
    for n in 0..70 {
        site.article(&format!("Zanzibar Zanzibar draft {n}"))
            .by(&editor)
            .draft(|d| d.dek = "Zanzibar, Zanzibar and Zanzibar.".into())
            .create()
            .await;
    }
    let page = site.get("/search?q=zanzibar", None).await;
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("Ferry timetable changes"),
        "{}",
        page.body
    );
    assert!(!page.body.contains("Zanzibar draft"), "drafts stay private");
    let page = site.get("/search?q=zanzibar+sailing", None).await;
    assert!(
        page.body
            .contains("<mark>Zanzibar</mark> <mark>sailings</mark>"),
        "the snippet marks both words, stemmed: {}",
        page.body
    );
}

#[tokio::test]
async fn a_word_deep_in_a_long_body_is_marked_in_the_snippet() {
    let site = Site::new().await;
    let editor = site.user(Role::Editor).await;
    let opening = "The council met on Tuesday to discuss the budget. ".repeat(120);
    site.article("Council budget meeting")
        .by(&editor)
        .draft(|d| d.body = format!("{opening}\n\nIn closing, the mayor thanked the lamplighters."))
        .published()
        .await;
    let page = site.get("/search?q=lamplighters", None).await;
    assert!(
        page.body.contains("Council budget meeting"),
        "{}",
        page.body
    );
    assert!(
        page.body.contains("thanked the <mark>lamplighters</mark>"),
        "the snippet shows the match, however far into the body: {}",
        page.body
    );
}

#[tokio::test]
async fn search_ranks_headline_matches_first_then_deks_then_the_rest_newest_first() {
    let site = Site::new().await;
    let editor = site.user(Role::Editor).await;
    // Published oldest first. A word-counting ranking would put the first above the
    // second (three times in a short headline) and the dek above the body by weight,
    // not by tier.
    site.article("Harbour, harbour, harbour")
        .by(&editor)
        .published()
        .await;
    site.article("Plans for the harbour approved after a long debate among councillors")
        .by(&editor)
        .published()
        .await;
    site.article("Council budget agreed")
        .by(&editor)
        .draft(|d| d.dek = "A levy on harbour berths pays for it.".into())
        .published()
        .await;
    site.article("Rail strike called off")
        .by(&editor)
        .draft(|d| d.body = "Trains run again. The harbour line reopens on Monday, harbour staff said; harbour harbour harbour.".into())
        .published()
        .await;
    let page = site.get("/search?q=harbour", None).await;
    let at = |title: &str| {
        page.body
            .find(title)
            .unwrap_or_else(|| panic!("{title} missing: {}", page.body))
    };
    let order = [
        at("Plans for the harbour approved"),
        at("Harbour, harbour, harbour"),
        at("Council budget agreed"),
        at("Rail strike called off"),
    ];
    assert!(
        order.windows(2).all(|w| w[0] < w[1]),
        "newer headline, older headline, dek, body: {order:?}"
    );
}

#[tokio::test]
async fn search_results_come_ten_to_a_page_with_links_both_ways() {
    let site = Site::new().await;
    let editor = site.user(Role::Editor).await;
    for n in 0..13 {
        site.article(&format!("Quokka sighting {n}"))
            .by(&editor)
            .published()
            .await;
    }
    let titles = |body: &str| -> Vec<String> {
        body.split("<h2><a href=\"/articles/")
            .skip(1)
            .map(|part| {
                part.split('>')
                    .nth(1)
                    .unwrap()
                    .split('<')
                    .next()
                    .unwrap()
                    .to_string()
            })
            .collect()
    };
    // The words come back in the links as one query value, whatever they hold.
    let first = site.get("/search?q=quokka+%26+sighting", None).await;
    assert_eq!(first.status, 200);
    assert!(
        first
            .body
            .contains("Results 1–10 for “quokka &amp; sighting”"),
        "{}",
        first.body
    );
    let first_titles = titles(&first.body);
    assert_eq!(first_titles.len(), 10, "{first_titles:?}");
    assert_eq!(first_titles[0], "Quokka sighting 12", "newest first");
    assert!(first.body.contains(
        r#"<a rel="next" href="/search?q=quokka+%26+sighting&amp;page=2">More results →</a>"#
    ));
    assert!(!first.body.contains(r#"rel="prev""#), "{}", first.body);

    let second = site.get("/search?q=quokka+%26+sighting&page=2", None).await;
    assert_eq!(second.status, 200);
    assert!(
        second
            .body
            .contains("Results 11–13 for “quokka &amp; sighting”"),
        "{}",
        second.body
    );
    let second_titles = titles(&second.body);
    assert_eq!(
        second_titles,
        [
            "Quokka sighting 2",
            "Quokka sighting 1",
            "Quokka sighting 0"
        ]
    );
    assert!(second
        .body
        .contains(r#"<a rel="prev" href="/search?q=quokka+%26+sighting">← Previous</a>"#));
    assert!(!second.body.contains(r#"rel="next""#), "{}", second.body);
    assert!(first_titles.iter().all(|t| !second_titles.contains(t)));

    let past = site.get("/search?q=quokka&page=3", None).await;
    assert_eq!(past.status, 200);
    assert!(
        past.body.contains("No more results for “quokka”."),
        "{}",
        past.body
    );
    assert!(past
        .body
        .contains(r#"href="/search?q=quokka">← First results</a>"#));
    for bad in ["0", "-1", "two", "31", "99999999999999999999"] {
        let r = site
            .get(&format!("/search?q=quokka&page={bad}"), None)
            .await;
        assert_eq!(r.status, 404, "page={bad}");
    }
    let one = site.get("/search?q=sighting+12", None).await;
    assert!(
        one.body.contains("1 result for “sighting 12”"),
        "{}",
        one.body
    );
    assert!(!one.body.contains(r#"class="pager""#), "{}", one.body);
}

#[tokio::test]
async fn hostile_search_queries_never_fail() {
    let site = site_with_articles().await;
    let long = "a".repeat(1000);
    let queries = [
        "",
        "%22",
        "%22%22%22",
        "*",
        "OR",
        "AND+NOT",
        "NEAR(a+b)",
        "comet*",
        "%22unbalanced",
        "a+OR+b",
        "-comet",
        "title:comet",
        "%F0%9F%9A%80%F0%9F%94%A5",
        "%00",
        "%27%3B+DROP+TABLE+articles%3B--",
        "(((",
        "%5E",
        "comet+%26+earth",
        &long,
    ];
    for q in queries {
        let r = site.get(&format!("/search?q={q}"), None).await;
        assert_eq!(r.status, 200, "q={q}");
        assert_no_internals(&r.body);
    }
    let r = site.get("/search?q=comet*", None).await;
    assert!(r.body.contains("Comet passes close to Earth"));
}

#[tokio::test]
async fn the_feeds_parse_with_full_content() {
    let site = site_with_articles().await;
    let r = site.get("/feed.xml", None).await;
    assert_eq!(r.status, 200);
    assert!(r.headers["content-type"]
        .to_str()
        .unwrap()
        .starts_with("application/rss+xml"));
    let feed = feed_rs::parser::parse(r.body.as_bytes()).expect("a valid RSS feed");
    assert_eq!(feed.entries.len(), 2);
    let comet = &feed.entries[0];
    assert_eq!(
        comet.title.as_ref().unwrap().content,
        "Comet passes close to Earth"
    );
    assert_eq!(
        comet.links[0].href,
        "http://127.0.0.1:3000/articles/comet-passes-close-to-earth"
    );
    let content = comet.content.as_ref().unwrap().body.as_ref().unwrap();
    assert!(content.contains("Visible with binoculars tonight"));
    assert!(content.contains("Zwicky"));
    assert!(!content.contains("<script"));
    assert!(comet.published.is_some());
    // The feed loads its articles' parts in one query per kind of part: each entry
    // carries its own tags, byline and text, none of the other's.
    let categories = |e: &feed_rs::model::Entry| -> Vec<String> {
        e.categories.iter().map(|c| c.term.clone()).collect()
    };
    assert_eq!(categories(comet), ["Science", "Space Flight"]);
    let items: Vec<&str> = r.body.split("<item>").skip(1).collect();
    assert!(
        items[0].contains("<author>Test editor</author>"),
        "{}",
        items[0]
    );
    assert!(!items[1].contains("<author>"), "{}", items[1]);
    let seed = &feed.entries[1];
    assert!(seed
        .title
        .as_ref()
        .unwrap()
        .content
        .starts_with("China Proposes"));
    let seed_content = seed.content.as_ref().unwrap().body.as_ref().unwrap();
    assert!(seed_content.contains("Wang Yi"));
    assert!(!seed_content.contains("Zwicky"));
    assert!(!seed_content.contains("Visible with binoculars"));
    assert!(!content.contains("Wang Yi"));
    assert!(!categories(seed).iter().any(|c| c == "Space Flight"));

    let tag = site.get("/tags/science/feed.xml", None).await;
    let feed = feed_rs::parser::parse(tag.body.as_bytes()).expect("a valid tag feed");
    assert_eq!(feed.entries.len(), 1);
    assert_eq!(site.get("/tags/nothing/feed.xml", None).await.status, 404);
}

#[tokio::test]
async fn sitemaps_and_robots_point_machines_at_every_article() {
    let site = site_with_articles().await;
    let index = site.get("/sitemap.xml", None).await;
    let doc = roxmltree::Document::parse(&index.body).expect("sitemap index is XML");
    let ns = "http://www.sitemaps.org/schemas/sitemap/0.9";
    assert_eq!(doc.root_element().tag_name().name(), "sitemapindex");
    let files: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name((ns, "loc")))
        .filter_map(|n| n.text())
        .collect();
    assert_eq!(files, ["http://127.0.0.1:3000/sitemaps/1.xml"]);
    assert_eq!(site.get("/sitemaps/2.xml", None).await.status, 404);
    assert_eq!(site.get("/sitemaps/nope", None).await.status, 404);
    let r = site.get("/sitemaps/1.xml", None).await;
    let doc = roxmltree::Document::parse(&r.body).expect("sitemap is XML");
    assert_eq!(doc.root_element().tag_name().namespace(), Some(ns));
    let urls: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name((ns, "url")))
        .collect();
    assert_eq!(urls.len(), 3, "home and two articles");
    let seed = urls
        .iter()
        .find(|u| {
            u.descendants()
                .any(|n| n.text() == Some(&format!("http://127.0.0.1:3000/articles/{SEED_SLUG}")))
        })
        .expect("seed in sitemap");
    assert!(seed.descendants().any(|n| n.has_tag_name((ns, "lastmod"))));

    let r = site.get("/news-sitemap.xml", None).await;
    let doc = roxmltree::Document::parse(&r.body).expect("news sitemap is XML");
    let news = "http://www.google.com/schemas/sitemap-news/0.9";
    let entries: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name((news, "news")))
        .collect();
    assert_eq!(entries.len(), 2);
    for e in &entries {
        for name in [
            "publication",
            "name",
            "language",
            "publication_date",
            "title",
        ] {
            assert!(
                e.descendants().any(|n| n.has_tag_name((news, name))),
                "missing news:{name}"
            );
        }
    }

    let robots = site.get("/robots.txt", None).await;
    assert!(robots
        .body
        .contains("Sitemap: http://127.0.0.1:3000/sitemap.xml"));
    assert!(robots
        .body
        .contains("Sitemap: http://127.0.0.1:3000/news-sitemap.xml"));
    assert!(robots.body.contains("Disallow: /admin"));
}

#[tokio::test]
async fn unchanged_pages_and_feeds_answer_304() {
    let site = site_with_articles().await;
    for path in [
        "/",
        &format!("/articles/{SEED_SLUG}"),
        "/feed.xml",
        "/sitemap.xml",
    ] {
        let first = site.get(path, None).await;
        let etag = first.headers["etag"].to_str().unwrap().to_string();
        let req = axum::http::Request::get(path)
            .header("if-none-match", &etag)
            .body(axum::body::Body::empty())
            .unwrap();
        let again = site.send(req).await;
        assert_eq!(again.status, 304, "{path}");
        assert!(again.body.is_empty());
        let req = axum::http::Request::get(path)
            .header("if-none-match", "W/\"stale\"")
            .body(axum::body::Body::empty())
            .unwrap();
        assert_eq!(site.send(req).await.status, 200);
    }
}

#[tokio::test]
async fn articles_link_to_related_and_neighbouring_stories() {
    let site = site_with_articles().await;
    let author = site.user(Role::Editor).await;
    site.article("Second comet follows")
        .by(&author)
        .tags(&["Space Flight"])
        .published()
        .await;
    let page = site
        .get("/articles/comet-passes-close-to-earth", None)
        .await;
    let related = page
        .body
        .split("id=\"related-heading\"")
        .nth(1)
        .expect("related section");
    assert!(related.contains("Second comet follows"));
    let nav = page
        .body
        .split("aria-label=\"More stories\"")
        .nth(1)
        .expect("newer/older links");
    let nav = &nav[..nav.find("</nav>").unwrap()];
    assert!(
        nav.contains("href=\"/articles/second-comet-follows\""),
        "{nav}"
    );
    assert!(
        nav.contains(&format!("href=\"/articles/{SEED_SLUG}\"")),
        "{nav}"
    );
    assert!(page.body.contains("min read"));
}

/// The headlines a tag's listing holds, newest first, as the store lists them.
async fn tag_listing(site: &Site, slug: &str) -> Vec<String> {
    site.store
        .list_published_by_tag(slug, 50, 0)
        .await
        .unwrap()
        .into_iter()
        .map(|a| a.title)
        .collect()
}

#[tokio::test]
async fn a_tags_listing_follows_its_articles_through_every_change() {
    use gazette::model::{Article, ArticleStatus};
    let site = Site::new().await;
    let editor = site.user(Role::Editor).await;
    let store = &site.store;
    let move_to = |a: &Article, status, at| {
        let (id, version) = (a.id, a.version);
        let editor = &editor;
        async move {
            store
                .set_status(id, version, status, at, Some(editor))
                .await
                .unwrap()
        }
    };
    let retag = |a: &Article, tags: &[&str]| {
        let mut draft = sample_draft(&a.title);
        draft.tags = tags.iter().map(|t| t.to_string()).collect();
        let (id, version) = (a.id, a.version);
        let editor = &editor;
        async move {
            store
                .update_article(id, version, &render::content(&draft), Some(editor))
                .await
                .unwrap()
        }
    };

    let low = site
        .article("Low tide at noon")
        .by(&editor)
        .tags(&["Tide Tables"])
        .create()
        .await;
    assert!(
        tag_listing(&site, "tide-tables").await.is_empty(),
        "a draft"
    );
    let low = move_to(&low, ArticleStatus::Published, None).await;
    let spring = site
        .article("Spring tide warning")
        .by(&editor)
        .tags(&["Tide Tables"])
        .published()
        .await;
    assert_eq!(
        tag_listing(&site, "tide-tables").await,
        ["Spring tide warning", "Low tide at noon"]
    );

    let low = move_to(&low, ArticleStatus::Archived, None).await;
    assert_eq!(
        tag_listing(&site, "tide-tables").await,
        ["Spring tide warning"]
    );

    let spring = retag(&spring, &["Weather"]).await;
    assert!(
        tag_listing(&site, "tide-tables").await.is_empty(),
        "tag removed"
    );
    assert_eq!(site.get("/tags/tide-tables", None).await.status, 404);
    assert_eq!(tag_listing(&site, "weather").await, ["Spring tide warning"]);
    retag(&spring, &["Weather", "Tide Tables"]).await;

    // Back from the archive with its first publication time: behind the newer story.
    move_to(&low, ArticleStatus::Published, None).await;
    assert_eq!(
        tag_listing(&site, "tide-tables").await,
        ["Spring tide warning", "Low tide at noon"]
    );

    // A scheduled story joins the tag when it goes live, as the newest.
    let neap = site
        .article("Neap tide ahead")
        .by(&editor)
        .tags(&["Tide Tables"])
        .create()
        .await;
    let at = chrono::Utc::now() + chrono::Duration::seconds(2);
    move_to(&neap, ArticleStatus::Scheduled, Some(at)).await;
    assert_eq!(tag_listing(&site, "tide-tables").await.len(), 2, "not yet");
    store
        .publish_due(at + chrono::Duration::seconds(1))
        .await
        .unwrap();
    assert_eq!(
        tag_listing(&site, "tide-tables").await,
        ["Neap tide ahead", "Spring tide warning", "Low tide at noon"]
    );
    let page = site.get("/tags/tide-tables", None).await;
    assert_eq!(page.status, 200);
    let first = page.body.find("Neap tide ahead").unwrap();
    let last = page.body.find("Low tide at noon").unwrap();
    assert!(first < last, "newest first on the page too");
}

#[tokio::test]
async fn long_articles_get_a_table_of_contents() {
    let site = site_with_articles().await;
    let author = site.user(Role::Editor).await;
    site.article("Inside the budget")
        .by(&author)
        .draft(|d| {
            d.body =
                "Intro.\n\n## Spending\n\nMore.\n\n## Taxes\n\nLess.\n\n### Reaction\n\nMixed."
                    .into();
        })
        .published()
        .await;
    let page = site.get("/articles/inside-the-budget", None).await;
    let nav = page
        .body
        .split("aria-label=\"Contents\"")
        .nth(1)
        .expect("contents nav");
    let nav = &nav[..nav.find("</nav>").unwrap()];
    for (id, text) in [
        ("sec-spending", "Spending"),
        ("sec-taxes", "Taxes"),
        ("sec-reaction", "Reaction"),
    ] {
        assert!(nav.contains(&format!("href=\"#{id}\">{text}</a>")), "{nav}");
        assert!(page.body.contains(&format!("id=\"{id}\"")));
    }
    let seed = site.get(&format!("/articles/{SEED_SLUG}"), None).await;
    assert!(!seed.body.contains("aria-label=\"Contents\""));
}

/// Calls a public server function as a browser would (form-encoded arguments, JSON back).
async fn public_call(site: &Site, name: &str, form: &str) -> Reply {
    let req = axum::http::Request::post(format!("/api/{name}"))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("accept", "application/json")
        .body(axum::body::Body::from(form.to_string()))
        .unwrap();
    site.send(req).await
}

#[tokio::test]
async fn readers_get_rendered_text_never_the_markdown_source() {
    let site = Site::new().await;
    let editor = site.user(Role::Editor).await;
    site.article("Quarry expansion approved")
        .by(&editor)
        .draft(|d| {
            d.body =
                "The *council* voted.\n\n<!-- source: the deputy mayor, off the record -->".into();
            d.faq[0].answer = "A **second** vote <!-- tip from a clerk --> follows.".into();
        })
        .published()
        .await;
    let api = public_call(&site, "get_article_page", "slug=quarry-expansion-approved").await;
    assert_eq!(api.status, 200);
    let page = site.get("/articles/quarry-expansion-approved", None).await;
    for body in [&api.body, &page.body] {
        assert!(!body.contains("deputy mayor"), "{body}");
        assert!(!body.contains("tip from a clerk"));
        assert!(!body.contains("*council*"));
        assert!(!body.contains("**second**"));
    }
    assert!(api.body.contains("<em>council</em>"));
    assert!(page.body.contains("<strong>second</strong>"));
}

#[tokio::test]
async fn tags_only_drafts_use_and_staff_without_bylines_have_no_public_page() {
    let site = site_with_articles().await;
    let editor = site.user(Role::Editor).await;
    site.article("Embargoed merger talks")
        .by(&editor)
        .tags(&["Secret Merger"])
        .create()
        .await;
    assert_eq!(site.get("/tags/secret-merger", None).await.status, 404);
    assert_eq!(
        site.get("/tags/secret-merger/feed.xml", None).await.status,
        404
    );
    assert_eq!(
        site.get(&format!("/authors/{}", editor.slug), None)
            .await
            .status,
        404
    );
    // The tags and author of the published article keep their pages.
    assert_eq!(site.get("/tags/science", None).await.status, 200);
}

#[tokio::test]
async fn impossible_page_numbers_are_not_found_not_a_crash() {
    let site = site_with_articles().await;
    for page in ["0", "-1", "9223372036854775807", "abc", "100001"] {
        assert_eq!(
            site.get(&format!("/?page={page}"), None).await.status,
            404,
            "{page}"
        );
        assert_eq!(
            site.get(&format!("/tags/science?page={page}"), None)
                .await
                .status,
            404,
            "{page}"
        );
    }
    let r = public_call(
        &site,
        "list_published_articles",
        &format!("page={}", i64::MAX),
    )
    .await;
    assert_eq!(r.status, 404, "{}", r.body);
    assert_eq!(site.get("/?page=1", None).await.status, 200);
}

#[tokio::test]
async fn the_article_keeps_answering_while_thirty_two_searches_run() {
    let site = std::sync::Arc::new(site_with_articles().await);
    let editor = site.user(Role::Editor).await;
    for i in 0..150 {
        site.article(&format!("Harbour bridge report {i}"))
            .slug(&format!("harbour-{i}"))
            .by(&editor)
            .draft(|d| d.body = "The harbour bridge and the harbour wall. ".repeat(40))
            .published()
            .await;
    }
    let searches: Vec<_> = (0..32)
        .map(|_| {
            let site = site.clone();
            tokio::spawn(async move { site.get("/search?q=harbour+bridge", None).await.status })
        })
        .collect();
    let started = std::time::Instant::now();
    for _ in 0..10 {
        let page = site.get(&format!("/articles/{SEED_SLUG}"), None).await;
        assert_eq!(page.status, 200);
    }
    println!(
        "10 article reads during 32 searches: {:?}",
        started.elapsed()
    );
    for s in searches {
        let status = s.await.unwrap();
        assert!(status == 200 || status == 503, "search answered {status}");
    }
}
