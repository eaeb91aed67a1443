//! The command-line tasks: migrate, add a user, import articles, add pictures, back up.

use super::config::Config;
use super::db::{self, DynStore};
use super::import;
use crate::model::Role;
use std::io::Read;
use std::path::{Path, PathBuf};

/// Connects to the configured database and applies migrations.
pub async fn open_store() -> Result<(Config, DynStore), String> {
    let config = Config::from_env()?;
    let store = db::connect(&config.database_url).await?;
    store.migrate().await.map_err(|_| {
        "the database migrations could not be applied (see the log above)".to_string()
    })?;
    Ok((config, store))
}

pub async fn migrate() -> Result<(), String> {
    open_store().await?;
    println!("migrations applied");
    Ok(())
}

pub async fn user_add(
    email: &str,
    name: &str,
    role: &str,
    password_stdin: bool,
) -> Result<(), String> {
    let role = Role::parse(role)
        .ok_or_else(|| format!("unknown role '{role}': use owner, admin, editor or author"))?;
    if !password_stdin {
        return Err("pass --password-stdin and write the password to standard input".into());
    }
    let mut password = String::new();
    std::io::stdin()
        .read_to_string(&mut password)
        .map_err(|_| "could not read the password from standard input".to_string())?;
    let password = password.trim_end_matches(['\r', '\n']);
    let new =
        super::auth::new_user(email, name, role, password).map_err(|e| e.message().to_string())?;
    let (_, store) = open_store().await?;
    let user = store.create_user(&new).await.map_err(|e| e.to_string())?;
    println!(
        "created {} <{}> as {}",
        user.name,
        user.email,
        user.role.as_str()
    );
    Ok(())
}

/// Parses every file first; if any is malformed, nothing at all is written.
pub async fn import(files: &[PathBuf], publish: bool, update: bool) -> Result<(), String> {
    let parsed = parse_files(files)?;
    let (_, store) = open_store().await?;
    let count = import_parsed(&store, parsed, publish, update).await?;
    println!("imported {count} article(s)");
    Ok(())
}

/// Reads and parses files, collecting every error as `FILE:LINE: message`.
pub fn parse_files(files: &[PathBuf]) -> Result<Vec<(PathBuf, import::Imported)>, String> {
    let mut ok = Vec::new();
    let mut errors = Vec::new();
    for path in files {
        match std::fs::read(path) {
            Err(e) => errors.push(format!("{}: cannot read: {e}", path.display())),
            Ok(bytes) => match import::decode(&bytes).and_then(import::parse) {
                Ok(a) => match a.draft.validate() {
                    Ok(()) => ok.push((path.clone(), a)),
                    Err(m) => errors.push(format!("{}: {m}", path.display())),
                },
                Err(e) => errors.push(format!("{}:{}: {}", path.display(), e.line, e.message)),
            },
        }
    }
    if errors.is_empty() {
        Ok(ok)
    } else {
        Err(format!("nothing was imported:\n  {}", errors.join("\n  ")))
    }
}

/// From this many articles an import is a bulk load, after which the database's
/// statistics are refreshed.
const BULK_IMPORT: usize = 1_000;

/// Stores parsed articles. A headline that already exists is refused (all are checked
/// before any is written) unless `update` replaces it.
pub async fn import_parsed(
    store: &DynStore,
    parsed: Vec<(PathBuf, import::Imported)>,
    publish: bool,
    update: bool,
) -> Result<usize, String> {
    let mut seen = std::collections::HashSet::new();
    for (path, a) in &parsed {
        let slug = import::slug_of(&a.draft);
        if !seen.insert(slug.clone()) {
            return Err(format!(
                "{}: another file in this import has the same headline; nothing was imported",
                path.display()
            ));
        }
        if !update && store.slug_taken(&slug).await.map_err(|e| e.to_string())? {
            return Err(format!(
                "{}: an article at /articles/{slug} already exists; use --update to replace it. Nothing was imported",
                path.display()
            ));
        }
    }
    let images = lead_images(&parsed).await?;
    // Pictures go into the library first (each is stored once, by its content, so a
    // failed run leaves at most unused pictures); the articles then go in together.
    let mut items = Vec::with_capacity(parsed.len());
    for ((path, a), image) in parsed.iter().zip(images) {
        let mut draft = a.draft.clone();
        if let Some((line, bytes, processed)) = image {
            let (item, _) = store
                .add_media(&processed, &bytes, &line.alt, None)
                .await
                .map_err(|e| format!("{}:{}: {e}", path.display(), line.line))?;
            draft.lead_image = Some(crate::model::LeadImageDraft {
                media_id: item.media.id,
                alt: line.alt,
                caption: line.caption,
                credit: line.credit,
            });
        }
        let content = super::media::resolve(store, &draft)
            .await
            .map_err(|e| format!("{}: {e}", path.display()))?;
        items.push(crate::server::db::ImportItem {
            slug: import::slug_of(&a.draft),
            content,
            published_at: publish.then(|| a.published_at.unwrap_or_else(chrono::Utc::now)),
        });
    }
    store
        .import_articles(&items)
        .await
        .map_err(|e| format!("{e}; nothing was imported"))?;
    if items.len() >= BULK_IMPORT {
        store
            .refresh_statistics()
            .await
            .map_err(|e| format!("the articles were imported, but then: {e}"))?;
    }
    for ((path, _), item) in parsed.iter().zip(&items) {
        println!("{} -> /articles/{}", path.display(), item.slug);
    }
    Ok(parsed.len())
}

/// Links byline-only author `slug` to the staff account with `email`.
pub async fn byline_link(slug: &str, email: &str) -> Result<(), String> {
    let (_, store) = open_store().await?;
    let user = store
        .find_login(email)
        .await
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("no staff account has the email {email}"))?
        .user;
    store
        .link_byline(slug, user.id)
        .await
        .map_err(|e| match e {
            crate::error::AppError::NotFound => {
                format!("no byline-only author /authors/{slug} (or it is linked already)")
            }
            other => other.to_string(),
        })?;
    println!("/authors/{slug} now leads to /authors/{}", user.slug);
    Ok(())
}

/// Writes each published article (every article with `all`) into `dir` as
/// `{slug}.txt` in the plain-text format, warning about anything the format can't hold.
pub async fn export(dir: &Path, all: bool) -> Result<(), String> {
    let shown = dir.display();
    if dir.exists() && !dir.is_dir() {
        return Err(format!("{shown} is not a folder"));
    }
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create the folder {shown}: {e}"))?;
    // Found out before anything is read: a folder we can't write to fails at once.
    let probe = dir.join(".gazette-export-probe");
    std::fs::write(&probe, b"")
        .and_then(|()| std::fs::remove_file(&probe))
        .map_err(|e| format!("cannot write to {shown}: {e}"))?;
    let (_, store) = open_store().await?;
    let summaries = store.list_articles(None).await.map_err(|e| e.to_string())?;
    let mut written = 0;
    for s in summaries {
        if !all && s.status != crate::model::ArticleStatus::Published {
            continue;
        }
        let Some(article) = store.article_by_id(s.id).await.map_err(|e| e.to_string())? else {
            continue;
        };
        if let Some(image) = &article.lead_image {
            let path = dir.join(super::export::picture_path(image));
            if !path.exists() {
                let bytes = store
                    .media_original(image.media.id)
                    .await
                    .map_err(|e| e.to_string())?
                    .ok_or_else(|| format!("{}: its lead image is missing", article.slug))?;
                write_whole(&path, &bytes)?;
            }
        }
        let text = super::export::to_text(&article);
        let name = format!("{}.txt", article.slug);
        write_whole(&dir.join(&name), text.as_bytes())?;
        let losses = super::export::losses(&article, &text);
        if !losses.is_empty() {
            eprintln!(
                "warning: {name}: the plain-text format does not keep this exactly: {}",
                losses.join(", ")
            );
        }
        written += 1;
    }
    println!("exported {written} article(s) to {shown}");
    Ok(())
}

/// Writes `bytes` to `path` through a temporary file and a rename, so a file at `path`
/// is never half-written.
fn write_whole(path: &Path, bytes: &[u8]) -> Result<(), String> {
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    let partial = path.with_file_name(format!(".{name}.partial"));
    path.parent()
        .map_or(Ok(()), std::fs::create_dir_all)
        .and_then(|()| std::fs::write(&partial, bytes))
        .and_then(|()| std::fs::rename(&partial, path))
        .map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// A lead image read from disk and processed, with the line that named it.
type LeadImage = (import::ImageLine, Vec<u8>, super::media::Processed);

/// Reads and processes the lead image each article names (relative to its file), before
/// anything is written: a missing or refused picture refuses the whole import with
/// `FILE:LINE: …`.
async fn lead_images(
    parsed: &[(PathBuf, import::Imported)],
) -> Result<Vec<Option<LeadImage>>, String> {
    let mut out = Vec::with_capacity(parsed.len());
    let mut errors = Vec::new();
    for (path, a) in parsed {
        let Some(line) = &a.image else {
            out.push(None);
            continue;
        };
        let at = format!("{}:{}", path.display(), line.line);
        let file = path.parent().unwrap_or(Path::new("")).join(&line.path);
        let bytes = match std::fs::read(&file) {
            Ok(b) => b,
            Err(_) => {
                errors.push(format!("{at}: cannot read the image '{}'", line.path));
                out.push(None);
                continue;
            }
        };
        match process_file(bytes).await {
            Ok((bytes, processed)) => out.push(Some((line.clone(), bytes, processed))),
            Err(message) => {
                errors.push(format!(
                    "{at}: the image '{}' was refused: {message}",
                    line.path
                ));
                out.push(None);
            }
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(format!("nothing was imported:\n  {}", errors.join("\n  ")))
    }
}

/// Processes a picture on the blocking pool.
async fn process_file(bytes: Vec<u8>) -> Result<(Vec<u8>, super::media::Processed), String> {
    tokio::task::spawn_blocking(move || super::media::process::process(&bytes).map(|p| (bytes, p)))
        .await
        .map_err(|_| "processing failed".to_string())?
        .map_err(|r| r.0)
}

/// `gazette media add FILE... --alt TEXT`: stores pictures in the media library. Every
/// file is checked and processed first; if any is refused, nothing is stored.
pub async fn media_add(files: &[PathBuf], alt: &str) -> Result<(), String> {
    if alt.trim().is_empty() {
        return Err("give the pictures alt text with --alt: what they show".into());
    }
    let mut ready = Vec::new();
    let mut errors = Vec::new();
    for path in files {
        match std::fs::read(path) {
            Err(e) => errors.push(format!("{}: cannot read: {e}", path.display())),
            Ok(bytes) => match process_file(bytes).await {
                Ok(done) => ready.push((path, done)),
                Err(message) => errors.push(format!("{}: {message}", path.display())),
            },
        }
    }
    if !errors.is_empty() {
        return Err(format!("nothing was stored:\n  {}", errors.join("\n  ")));
    }
    let (_, store) = open_store().await?;
    for (path, (bytes, processed)) in ready {
        let (item, existing) = store
            .add_media(&processed, &bytes, alt.trim(), None)
            .await
            .map_err(|e| format!("{}: {e}", path.display()))?;
        let m = &item.media;
        println!(
            "{} -> media:{} ({}×{}, {}){}",
            path.display(),
            m.id,
            m.width,
            m.height,
            m.url(*m.widths().last().unwrap_or(&m.width), "webp"),
            if existing { ", already stored" } else { "" }
        );
    }
    Ok(())
}

/// Copies a whole site (users, articles, revisions, pictures) into an empty database,
/// in either direction between SQLite and PostgreSQL. The source is read in batches
/// from one snapshot and the target written in one transaction, so memory stays
/// bounded at any size and nothing is written if the copy fails or the target is not
/// empty. Progress goes to standard error.
pub async fn copy(from: &str, to: &str) -> Result<(), String> {
    use db::{CopyPart, SiteReader, SiteWriter};
    let open = |url: String| async move {
        let store = db::connect(&url).await?;
        store
            .migrate()
            .await
            .map_err(|_| format!("the migrations could not be applied to {}", redact(&url)))?;
        Ok::<_, String>(store)
    };
    let source = open(from.to_string()).await?;
    let target = open(to.to_string()).await?;
    let mut reader: Box<dyn SiteReader> = source.read_site().await.map_err(|e| e.to_string())?;
    let mut writer: Box<dyn SiteWriter> = target.write_site().await.map_err(|e| e.to_string())?;
    let mut copied = Vec::new();
    for part in CopyPart::ALL {
        let (mut after, mut count, mut reported) = (0, 0, 0);
        loop {
            let (batch, next) = reader.read(part, after).await.map_err(|e| e.to_string())?;
            writer.write(&batch).await.map_err(|e| e.to_string())?;
            count += batch.len();
            if count >= reported + 5_000 {
                eprintln!("copying {}: {count}", part.label());
                reported = count;
            }
            match next {
                Some(cursor) => after = cursor,
                None => break,
            }
        }
        copied.push((part, count));
    }
    eprintln!("committing");
    writer.finish().await.map_err(|e| e.to_string())?;
    let n = |part| {
        copied
            .iter()
            .find(|(p, _)| *p == part)
            .map_or(0, |(_, n)| *n)
    };
    println!(
        "copied {} user(s), {} article(s), {} revision(s), {} picture(s)",
        n(CopyPart::Users),
        n(CopyPart::Articles),
        n(CopyPart::Revisions),
        n(CopyPart::Media)
    );
    Ok(())
}

/// A database URL without its password, for messages.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            format!("{}://…@{}", &url[..scheme], &url[at + 1..])
        }
        _ => url.to_string(),
    }
}

pub async fn backup(path: &Path) -> Result<(), String> {
    let config = Config::from_env()?;
    if !config.database_url.starts_with("sqlite:") {
        return Err("backup copies the SQLite database; for PostgreSQL use pg_dump".into());
    }
    if path.exists() {
        return Err(format!(
            "{} already exists; choose a new file",
            path.display()
        ));
    }
    let store = db::sqlite::SqliteStore::connect(&config.database_url).await?;
    store
        .backup(&path.to_string_lossy())
        .await
        .map_err(|e| e.to_string())?;
    println!("backed up to {}", path.display());
    Ok(())
}
