//! `gazette export DIR [--all]`: articles written back in the plain-text format, one
//! file each, so that importing them into an empty site gives the same articles.

use crate::common::*;
use gazette::model::{Article, Role};
use gazette::server::db::{self, DynStore};
use gazette::server::render;

const SEED: &str = include_str!("../fixtures/seed-article.txt");

async fn open(url: &str) -> DynStore {
    let store = db::connect(url).await.unwrap();
    store.migrate().await.unwrap();
    store
}

/// What an article is, apart from where and when this copy of it was stored.
fn essence(a: &Article) -> impl PartialEq + std::fmt::Debug {
    (
        a.slug.clone(),
        a.title.clone(),
        a.dek.clone(),
        a.body.clone(),
        a.takeaways.clone(),
        a.analysis.clone(),
        a.faq.clone(),
        a.disclosure.clone(),
        a.tags.clone(),
        a.authors
            .iter()
            .map(|au| au.name.clone())
            .collect::<Vec<_>>(),
        a.published_at,
        a.lead_image.as_ref().map(|i| {
            (
                i.alt.clone(),
                i.caption.clone(),
                i.credit.clone(),
                i.media.width,
                i.media.height,
            )
        }),
    )
}

async fn published_articles(store: &DynStore) -> Vec<Article> {
    let mut out = Vec::new();
    for s in store.list_articles(None).await.unwrap() {
        let a = store.article_by_id(s.id).await.unwrap().unwrap();
        if a.status == gazette::model::ArticleStatus::Published {
            out.push(a);
        }
    }
    out.sort_by(|a, b| a.slug.cmp(&b.slug));
    out
}

/// A site with the seed, an imported story with two bylines, an article written in the
/// editor (dek, FAQ, renamed after publication) and a draft.
async fn populated() -> Site {
    let site = Site::new().await;
    let editor = site.user(Role::Editor).await;
    let files = [
        ("seed.txt", SEED),
        (
            "story.txt",
            "A. Writer; Wire Service, 2026-11-20T08:15:00Z, World, Shipping; Ports\n\
             Harbour bridge reopens\n\
             Image: bridge.jpg | The bridge at dusk | Open again. | Ada Photographer\n\n\
             The bridge carries traffic again.\n\n\
             Key Takeaways\n• Open again\n",
        ),
    ];
    let picture = crate::common::images::photo(800, 450);
    std::fs::write(
        site.dir().join("bridge.jpg"),
        crate::common::images::encode_jpeg(&picture, 85),
    )
    .unwrap();
    for (name, body) in files {
        let parsed = gazette::server::import::parse(body).unwrap();
        gazette::server::commands::import_parsed(
            &site.store,
            vec![(site.dir().join(name), parsed)],
            true,
            false,
        )
        .await
        .unwrap();
    }
    let mut draft = sample_draft("Comet passes close to Earth");
    if let Some(d) = draft.disclosure.as_mut() {
        // The format holds the statement only.
        d.tool = None;
        d.reviewer = None;
    }
    let a = site
        .store
        .create_article("comet", &render::content(&draft), Some(&editor), None)
        .await
        .unwrap();
    let a = site
        .store
        .publish_article(a.id, a.version, Some(&editor))
        .await
        .unwrap();
    let mut content = render::content(&draft);
    content.slug = Some("comet-close-to-earth".into());
    site.store
        .update_article(a.id, a.version, &content, Some(&editor))
        .await
        .unwrap();
    site.article("Unfinished draft")
        .slug("unfinished")
        .by(&editor)
        .create()
        .await;
    site
}

#[tokio::test]
async fn export_then_import_into_an_empty_site_gives_the_same_articles() {
    let site = populated().await;
    let out = site.dir().join("export");
    let o = gazette_at(&site.url, site.dir(), &["export", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(
        text(&o.stdout).contains("exported 3 article(s)"),
        "{}",
        text(&o.stdout)
    );
    assert_eq!(text(&o.stderr), "", "nothing should be lost");
    let mut names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n != "media")
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "china-proposes-global-ai-cooperation-framework-amid-rising-tech-tensions.txt",
            "comet-close-to-earth.txt",
            "harbour-bridge-reopens.txt",
        ]
    );
    let story = std::fs::read_to_string(out.join("harbour-bridge-reopens.txt")).unwrap();
    assert!(
        story
            .starts_with("A. Writer; Wire Service, 2026-11-20T08:15:00Z, World, Shipping; Ports\n"),
        "{story}"
    );
    // The lead picture's original goes into media/, named by its content.
    assert!(
        story.contains("Image: media/")
            && story.contains(" | The bridge at dusk | Open again. | Ada Photographer"),
        "{story}"
    );
    assert_eq!(std::fs::read_dir(out.join("media")).unwrap().count(), 1);

    let target = TestDb::new().await;
    let mut args = vec!["import".to_string(), "--publish".into()];
    args.extend(
        names
            .iter()
            .map(|n| out.join(n).to_string_lossy().into_owned()),
    );
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let o = gazette_at(&target.url, target.dir.path(), &args);
    assert!(
        o.status.success(),
        "{}: {}{}",
        o.status,
        text(&o.stdout),
        text(&o.stderr)
    );

    let before = published_articles(&site.store).await;
    let after = published_articles(&open(&target.url).await).await;
    assert_eq!(before.len(), 3);
    assert_eq!(
        before.iter().map(essence).collect::<Vec<_>>(),
        after.iter().map(essence).collect::<Vec<_>>()
    );
}

#[tokio::test]
async fn export_all_includes_drafts_and_names_what_the_format_cannot_hold() {
    let site = populated().await;
    let editor = site.user(Role::Editor).await;
    // An AI reviewer's name has no place in the format: the export says so.
    site.store
        .create_article(
            "reviewed",
            &render::content(&sample_draft("Reviewed piece")),
            Some(&editor),
            Some(chrono::Utc::now()),
        )
        .await
        .unwrap();
    let out = site.dir().join("all");
    let o = gazette_at(
        &site.url,
        site.dir(),
        &["export", "--all", out.to_str().unwrap()],
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(
        text(&o.stdout).contains("exported 5 article(s)"),
        "{}",
        text(&o.stdout)
    );
    assert!(out.join("unfinished.txt").exists());
    let err = text(&o.stderr);
    assert!(
        err.contains("warning: reviewed.txt") && err.contains("AI disclosure"),
        "{err}"
    );
    let draft = std::fs::read_to_string(out.join("unfinished.txt")).unwrap();
    assert!(
        draft.starts_with("Test editor, , Science, Space Flight\nUnfinished draft\n"),
        "{draft}"
    );
}

#[tokio::test]
async fn export_to_a_place_that_cannot_hold_files_fails_clearly() {
    let site = populated().await;
    let file = site.dir().join("a-file");
    std::fs::write(&file, "x").unwrap();
    let o = gazette_at(&site.url, site.dir(), &["export", file.to_str().unwrap()]);
    assert!(!o.status.success());
    assert!(
        text(&o.stderr).contains("is not a folder"),
        "{}",
        text(&o.stderr)
    );
    let o = gazette_at(&site.url, site.dir(), &["export", "/dev/null/inside"]);
    assert!(!o.status.success());
    assert!(
        text(&o.stderr).contains("cannot create the folder /dev/null/inside"),
        "{}",
        text(&o.stderr)
    );
}
