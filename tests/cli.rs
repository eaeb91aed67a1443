//! The `gazette` command line: import (all-or-nothing, duplicate headlines refused
//! unless `--update`), `user add`, and `migrate`, run as a user would run them.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

const SEED: &str = include_str!("../fixtures/seed-article.txt");

struct Cli {
    db: crate::common::TestDb,
    url: String,
}

impl Cli {
    async fn new() -> Self {
        let db = crate::common::TestDb::new().await;
        let url = db.url.clone();
        Cli { db, url }
    }

    fn run(&self, args: &[&str], stdin: Option<&str>) -> Output {
        let mut child = Command::new(env!("CARGO_BIN_EXE_gazette"))
            .args(args)
            .env("DATABASE_URL", &self.url)
            .current_dir(self.db.dir.path())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut input = child.stdin.take().unwrap();
        if let Some(text) = stdin {
            input.write_all(text.as_bytes()).unwrap();
        }
        drop(input);
        child.wait_with_output().unwrap()
    }

    fn file(&self, name: &str, bytes: &[u8]) -> String {
        let path = self.db.dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        path.to_string_lossy().into_owned()
    }

    async fn articles(&self) -> Vec<gazette::model::ArticleSummary> {
        let store = gazette::server::db::connect(&self.url).await.unwrap();
        store.migrate().await.unwrap();
        store.list_articles(None).await.unwrap()
    }
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[tokio::test]
async fn importing_the_seed_with_publish_makes_it_public() {
    let cli = Cli::new().await;
    let seed = cli.file("seed.txt", SEED.as_bytes());
    let out = cli.run(&["import", &seed, "--publish"], None);
    assert!(out.status.success(), "{}", stderr(&out));
    let list = cli.articles().await;
    assert_eq!(list.len(), 1);
    assert_eq!(
        list[0].slug,
        "china-proposes-global-ai-cooperation-framework-amid-rising-tech-tensions"
    );
    assert_eq!(list[0].status, gazette::model::ArticleStatus::Published);
}

#[tokio::test]
async fn a_malformed_file_names_file_and_line_and_nothing_is_written() {
    let cli = Cli::new().await;
    let good = cli.file("good.txt", b"A fine headline\n\nA body.\n");
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "no-answer.txt",
            b"Headline\n\nFrequently Asked Questions\nQ: Why?\n".to_vec(),
            "no-answer.txt:4:",
        ),
        (
            "empty.txt",
            b", , ,\n\n".to_vec(),
            "empty.txt:3: no headline",
        ),
        (
            "latin1.txt",
            b"Headline\n\nCaf\xe9 society\n".to_vec(),
            "latin1.txt:3: the file is not valid UTF-8",
        ),
    ];
    for (name, bytes, expected) in cases {
        let bad = cli.file(name, &bytes);
        let out = cli.run(&["import", &good, &bad, "--publish"], None);
        assert!(!out.status.success());
        let err = stderr(&out);
        assert!(err.contains(expected), "{name}: {err}");
        assert!(err.contains("nothing was imported"), "{err}");
    }
    assert!(cli.articles().await.is_empty());
}

#[tokio::test]
async fn the_same_headline_is_refused_unless_update_is_given() {
    let cli = Cli::new().await;
    let seed = cli.file("seed.txt", SEED.as_bytes());
    assert!(cli.run(&["import", &seed], None).status.success());
    let edited = cli.file(
        "edited.txt",
        SEED.replace("Wang Yi", "the foreign minister").as_bytes(),
    );
    let out = cli.run(&["import", &edited], None);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("already exists; use --update"),
        "{}",
        stderr(&out)
    );
    assert_eq!(cli.articles().await[0].version, 1);

    let out = cli.run(&["import", &edited, "--update"], None);
    assert!(out.status.success(), "{}", stderr(&out));
    let list = cli.articles().await;
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].version, 2);
    let store = gazette::server::db::connect(&cli.url).await.unwrap();
    let a = store.article_by_id(list[0].id).await.unwrap().unwrap();
    assert!(a.body.markdown.contains("the foreign minister"));
}

#[tokio::test]
async fn user_add_reads_the_password_from_stdin_and_checks_it() {
    let cli = Cli::new().await;
    let args = [
        "user",
        "add",
        "--email",
        "olive@example.com",
        "--name",
        "Olive Owner",
        "--role",
        "owner",
        "--password-stdin",
    ];
    let out = cli.run(&args, Some("short\n"));
    assert!(!out.status.success());
    assert!(stderr(&out).contains("at least 12") || stderr(&out).contains("12 to 1024"));
    let out = cli.run(&args, Some("a long enough secret\n"));
    assert!(out.status.success(), "{}", stderr(&out));
    let store = gazette::server::db::connect(&cli.url).await.unwrap();
    let u = store
        .find_login("olive@example.com")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(u.user.role, gazette::model::Role::Owner);
    assert!(u.password_hash.starts_with("$argon2id$"));
    let out = cli.run(&args, Some("a long enough secret\n"));
    assert!(!out.status.success());
    assert!(stderr(&out).contains("already exists"));
    let bad_role = cli.run(
        &[
            "user",
            "add",
            "--email",
            "x@example.com",
            "--name",
            "X",
            "--role",
            "chief",
            "--password-stdin",
        ],
        Some("a long enough secret"),
    );
    assert!(stderr(&bad_role).contains("unknown role"));
}

#[tokio::test]
async fn backup_writes_a_usable_copy() {
    let cli = Cli::new().await;
    let seed = cli.file("seed.txt", SEED.as_bytes());
    assert!(cli
        .run(&["import", &seed, "--publish"], None)
        .status
        .success());
    let target = cli.db.dir.path().join("copy.db");
    let out = cli.run(&["backup", &target.to_string_lossy()], None);
    if !cli.url.starts_with("sqlite:") {
        // PostgreSQL has its own tools; the command says so and writes nothing.
        assert!(!out.status.success());
        assert!(stderr(&out).contains("pg_dump"), "{}", stderr(&out));
        assert!(!Path::new(&target).exists());
        return;
    }
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(Path::new(&target).exists());
    let copy = gazette::server::db::connect(&format!("sqlite://{}", target.display()))
        .await
        .unwrap();
    assert_eq!(copy.count_articles().await.unwrap(), 1);
}

#[tokio::test]
async fn media_add_stores_pictures_and_refuses_all_when_one_is_bad() {
    use crate::common::images::*;
    let cli = Cli::new().await;
    let photo_file = cli.file("harbour.jpg", &jpeg_with_metadata(&photo(640, 480), 1));
    let fake = cli.file("fake.jpg", b"<html>not a picture</html>");
    let out = cli.run(
        &["media", "add", &photo_file, &fake, "--alt", "Boats"],
        None,
    );
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(
        err.contains("fake.jpg") && err.contains("nothing was stored"),
        "{err}"
    );
    let store = gazette::server::db::connect(&cli.url).await.unwrap();
    store.migrate().await.unwrap();
    assert!(store.list_media("", 10).await.unwrap().is_empty());

    let out = cli.run(&["media", "add", &photo_file, "--alt", "Boats"], None);
    assert!(out.status.success(), "{}", stderr(&out));
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(stdout.contains("media:1"), "{stdout}");
    let media = store.list_media("", 10).await.unwrap();
    assert_eq!(media.len(), 1);
    assert_eq!(media[0].alt, "Boats");
    let (content_type, bytes) = store
        .media_variant(&media[0].media.hash, "640.jpg")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(content_type, "image/jpeg");
    assert!(metadata_blocks(&bytes).is_empty());
}

#[tokio::test]
async fn an_image_line_gives_the_imported_article_its_lead_image() {
    use crate::common::images::*;
    let cli = Cli::new().await;
    std::fs::create_dir_all(cli.db.dir.path().join("pictures")).unwrap();
    cli.file("pictures/dawn.jpg", &encode_jpeg(&photo(1600, 900), 85));
    let text = "Harbour wakes up\nImage: pictures/dawn.jpg | Boats leaving at dawn | The first boats. | Ada Photographer\n\nA body.\n";
    let article = cli.file("story.txt", text.as_bytes());
    let out = cli.run(&["import", &article, "--publish"], None);
    assert!(out.status.success(), "{}", stderr(&out));
    let store = gazette::server::db::connect(&cli.url).await.unwrap();
    let a = store
        .article_by_slug("harbour-wakes-up")
        .await
        .unwrap()
        .unwrap();
    let image = a.lead_image.expect("a lead image");
    assert_eq!(image.alt, "Boats leaving at dawn");
    assert_eq!(image.caption, "The first boats.");
    assert_eq!(image.credit, "Ada Photographer");
    assert_eq!((image.media.width, image.media.height), (1600, 900));
    assert_eq!(a.body.markdown, "A body.");
}

#[tokio::test]
async fn a_missing_or_refused_image_refuses_the_import_naming_file_and_line() {
    let cli = Cli::new().await;
    cli.file("page.jpg", b"<!doctype html><p>not a picture</p>");
    let cases = [
        (
            "missing.txt",
            "Headline one\nImage: nowhere.jpg | Alt\n\nBody.\n",
            "missing.txt:2: cannot read the image 'nowhere.jpg'",
        ),
        (
            "refused.txt",
            "Headline two\n\nImage: page.jpg | Alt | | \n\nBody.\n",
            "refused.txt:3: the image 'page.jpg' was refused",
        ),
        (
            "no-alt.txt",
            "Headline three\nImage: page.jpg\n\nBody.\n",
            "no-alt.txt:2: the Image line needs alt text",
        ),
    ];
    let good = cli.file("good.txt", b"A fine headline\n\nA body.\n");
    for (name, text, expected) in cases {
        let file = cli.file(name, text.as_bytes());
        let out = cli.run(&["import", &good, &file], None);
        assert!(!out.status.success());
        let err = stderr(&out);
        assert!(err.contains(expected), "{name}: {err}");
        assert!(err.contains("nothing was imported"), "{err}");
    }
    assert!(cli.articles().await.is_empty());
    let store = gazette::server::db::connect(&cli.url).await.unwrap();
    assert!(store.list_media("", 10).await.unwrap().is_empty());
}

/// An import killed at any moment stores every article or none: a run is one
/// transaction, so running the same command again afterwards works.
#[tokio::test]
async fn an_import_killed_part_way_stores_all_or_nothing() {
    let cli = Cli::new().await;
    assert!(cli.run(&["migrate"], None).status.success());
    let headline = "China Proposes Global AI Cooperation Framework Amid Rising Tech Tensions";
    let files: Vec<String> = (0..300)
        .map(|n| {
            let text = SEED.replace(headline, &format!("Harbour report number {n}"));
            cli.file(&format!("a{n}.txt"), text.as_bytes())
        })
        .collect();
    let mut args = vec!["import", "--publish"];
    args.extend(files.iter().map(String::as_str));
    let mut seen = Vec::new();
    for delay_ms in [150, 300, 500, 800, 1200] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_gazette"))
            .args(&args)
            .env("DATABASE_URL", &cli.url)
            .current_dir(cli.db.dir.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        tokio::time::sleep(std::time::Duration::from_millis(delay_ms)).await;
        child.kill().unwrap();
        child.wait().unwrap();
        let stored = cli.articles().await.len();
        assert!(
            stored == 0 || stored == 300,
            "killed after {delay_ms} ms: {stored} of 300 articles stored"
        );
        seen.push(stored);
        if stored == 300 {
            break;
        }
    }
    if seen.last() == Some(&0) {
        let out = cli.run(&args, None);
        assert!(out.status.success(), "{}", stderr(&out));
    }
    assert_eq!(cli.articles().await.len(), 300);
}

#[tokio::test]
async fn copy_moves_a_site_into_an_empty_database_and_refuses_a_full_one() {
    let cli = Cli::new().await;
    let seed = cli.file("seed.txt", SEED.as_bytes());
    assert!(cli
        .run(&["import", &seed, "--publish"], None)
        .status
        .success());
    let target = crate::common::TestDb::new().await;
    let out = cli.run(&["copy", "--from", &cli.url, "--to", &target.url], None);
    assert!(out.status.success(), "{}", stderr(&out));
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(said.contains("1 article(s)"), "{said}");
    let copy = gazette::server::db::connect(&target.url).await.unwrap();
    let articles = copy.list_articles(None).await.unwrap();
    assert_eq!(articles.len(), 1);
    assert_eq!(articles[0].slug, cli.articles().await[0].slug);

    // A second copy would mix two sites: refused, with nothing written.
    let again = cli.run(&["copy", "--from", &cli.url, "--to", &target.url], None);
    assert!(!again.status.success());
    assert!(
        stderr(&again).contains("already holds users or articles"),
        "{}",
        stderr(&again)
    );
    assert_eq!(copy.list_articles(None).await.unwrap().len(), 1);
    let nowhere = cli.run(&["copy", "--from", &cli.url, "--to", "mysql://x"], None);
    assert!(!nowhere.status.success());
    assert!(stderr(&nowhere).contains("sqlite:// or postgres://"));
}
