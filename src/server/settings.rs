//! The publication's settings on the server: checking values (BCP 47 tags, IANA time
//! zones, …), reading them from the store, handing them to every page render, and the
//! `gazette settings` commands.

use super::db::DynStore;
use super::state::AppState;
use crate::error::AppError;
use crate::model::{FieldProblem, SettingKey, SiteSettings};
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method};
use axum::middleware::Next;
use axum::response::Response;
use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use std::sync::Arc;

/// Longest name, tagline or description accepted, in characters.
const MAX_SHORT_CHARS: usize = 300;
/// Longest page text (contact, corrections policy, AI disclosure), in characters.
const MAX_TEXT_CHARS: usize = 20_000;
/// Most social profiles.
const MAX_PROFILES: usize = 20;

/// The settings a request renders under: put in its extensions by [`provide`].
#[derive(Clone, Debug)]
pub struct CurrentSite(pub Arc<SiteSettings>);

/// The language of the page a request asks for, when it is not the site's (an article
/// in another language, a staff page): `<html lang>` is written before the page's data
/// loads.
#[derive(Clone, Debug)]
pub struct PageLanguage(pub String);

/// A BCP 47 language tag (RFC 5646 syntax), in the conventional case (`en-gb` →
/// `en-GB`, `zh-hant-tw` → `zh-Hant-TW`). The language subtag must be an ISO 639 code of
/// two or three letters; grandfathered tags are not accepted.
pub fn check_language(value: &str) -> Result<String, String> {
    let value = value.trim();
    language_tag(value).ok_or_else(|| {
        format!("'{value}' is not a BCP 47 language tag (for example en, en-GB, de-CH or pt-BR).")
    })
}

/// Parses `tag` as `language *extlang [script] [region] *variant *extension
/// [privateuse]` and returns it in the conventional case.
fn language_tag(tag: &str) -> Option<String> {
    let alpha = |s: &str, n: std::ops::RangeInclusive<usize>| {
        n.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphabetic())
    };
    let alnum = |s: &str, n: std::ops::RangeInclusive<usize>| {
        n.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphanumeric())
    };
    let mut parts = tag.split('-').peekable();
    let language = parts.next().filter(|s| alpha(s, 2..=3))?;
    let mut out = vec![language.to_ascii_lowercase()];
    let mut extlangs = 0;
    while let Some(s) = parts.peek().filter(|s| alpha(s, 3..=3) && extlangs < 3) {
        out.push(s.to_ascii_lowercase());
        extlangs += 1;
        parts.next();
    }
    if let Some(s) = parts.peek().filter(|s| alpha(s, 4..=4)) {
        let mut script = s.to_ascii_lowercase();
        script[..1].make_ascii_uppercase();
        out.push(script);
        parts.next();
    }
    if let Some(s) = parts
        .peek()
        .filter(|s| alpha(s, 2..=2) || (s.len() == 3 && s.bytes().all(|b| b.is_ascii_digit())))
    {
        out.push(s.to_ascii_uppercase());
        parts.next();
    }
    while let Some(s) = parts.peek().filter(|s| {
        alnum(s, 5..=8) || (s.len() == 4 && s.as_bytes()[0].is_ascii_digit() && alnum(s, 4..=4))
    }) {
        out.push(s.to_ascii_lowercase());
        parts.next();
    }
    // Extensions (a singleton, then subtags of 2 to 8) and private use (`x`, then 1 to 8).
    while let Some(singleton) = parts.next() {
        if !alnum(singleton, 1..=1) {
            return None;
        }
        let private = singleton.eq_ignore_ascii_case("x");
        let min = if private { 1 } else { 2 };
        out.push(singleton.to_ascii_lowercase());
        let mut subtags = 0;
        while let Some(s) = parts.peek().filter(|s| private || s.len() > 1) {
            if !alnum(s, min..=8) {
                return None;
            }
            out.push(s.to_ascii_lowercase());
            subtags += 1;
            parts.next();
        }
        if subtags == 0 {
            return None;
        }
        if private && parts.peek().is_some() {
            return None;
        }
    }
    Some(out.join("-"))
}

/// An IANA time zone name (`Europe/Berlin`, `UTC`).
pub fn check_timezone(value: &str) -> Result<String, String> {
    let value = value.trim();
    value
        .parse::<chrono_tz::Tz>()
        .map(|tz| tz.name().to_string())
        .map_err(|_| {
            format!("'{value}' is not an IANA time zone name (for example Europe/Berlin or America/New_York).")
        })
}

fn check_text(value: &str, max: usize, required: bool) -> Result<String, String> {
    let value = value.trim();
    if required && value.is_empty() {
        return Err("This can't be empty.".into());
    }
    if value.chars().count() > max {
        return Err(format!("Keep this under {max} characters."));
    }
    Ok(value.to_string())
}

/// Checks one setting's value as typed and returns it as stored, or says what is wrong.
pub fn check(key: SettingKey, value: &str) -> Result<String, String> {
    match key {
        SettingKey::Name => {
            let v = check_text(value, MAX_SHORT_CHARS, true)?;
            if v.contains(['\n', '\r']) {
                return Err("The name must fit on one line.".into());
            }
            Ok(v)
        }
        SettingKey::Tagline | SettingKey::Description => {
            check_text(value, MAX_SHORT_CHARS, false).map(|v| v.replace(['\r', '\n'], " "))
        }
        SettingKey::Language => check_language(value),
        SettingKey::Timezone => check_timezone(value),
        SettingKey::PoweredBy => match value.trim() {
            "true" => Ok("true".into()),
            "false" => Ok("false".into()),
            other => Err(format!("'{other}' is not true or false.")),
        },
        SettingKey::SameAs => {
            let urls: Vec<&str> = value
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .collect();
            if urls.len() > MAX_PROFILES {
                return Err(format!("List at most {MAX_PROFILES} profiles."));
            }
            for url in &urls {
                let ok = (url.starts_with("https://") || url.starts_with("http://"))
                    && url.len() <= 500
                    && !url.contains(char::is_whitespace);
                if !ok {
                    return Err(format!(
                        "'{url}' is not a web address (one https:// address a line)."
                    ));
                }
            }
            Ok(urls.join("\n"))
        }
        SettingKey::Contact | SettingKey::CorrectionsPolicy | SettingKey::AiDisclosure => {
            check_text(value, MAX_TEXT_CHARS, false)
        }
        SettingKey::Logo => {
            let id = value.trim().trim_start_matches("media:");
            if id.is_empty() {
                return Ok(String::new());
            }
            match id.parse::<i64>() {
                Ok(n) if n > 0 => Ok(n.to_string()),
                _ => Err(format!(
                    "'{}' is not a picture: give its media:ID from the media library, or \
                     leave this empty.",
                    value.trim()
                )),
            }
        }
    }
}

/// Checks that a logo among checked `rows` names a picture in the media library.
pub async fn check_logo_exists(
    store: &DynStore,
    rows: &[(String, String)],
) -> Result<Result<(), FieldProblem>, AppError> {
    let logo = rows
        .iter()
        .find(|(k, v)| k == SettingKey::Logo.as_str() && !v.is_empty());
    let Some((key, id)) = logo else {
        return Ok(Ok(()));
    };
    let id: i64 = id.parse().unwrap_or_default();
    if store.media_refs(&[id]).await?.is_empty() {
        return Ok(Err(FieldProblem {
            key: key.clone(),
            message: format!("There is no picture media:{id} in the media library."),
        }));
    }
    Ok(Ok(()))
}

/// Checks every setting of `wanted` that differs from `current`: the `(key, value)` rows
/// to store, or every problem found (then nothing may be stored).
pub fn check_changes(
    current: &SiteSettings,
    wanted: &SiteSettings,
) -> Result<Vec<(String, String)>, Vec<FieldProblem>> {
    let mut rows = Vec::new();
    let mut problems = Vec::new();
    for key in SettingKey::ALL {
        let value = wanted.get(key);
        if value == current.get(key) {
            continue;
        }
        match check(key, &value) {
            Ok(v) => rows.push((key.as_str().to_string(), v)),
            Err(message) => problems.push(FieldProblem {
                key: key.as_str().into(),
                message,
            }),
        }
    }
    if problems.is_empty() {
        Ok(rows)
    } else {
        Err(problems)
    }
}

/// A time as staff enter it: RFC 3339 (`2026-12-01T09:30:00Z`, any offset) as given, or
/// a date and time without an offset (`2026-12-01T09:30`, seconds optional) read in time
/// zone `tz`. A time the clocks skip over (spring forward) is refused; one they pass
/// twice (fall back) means the first.
pub fn site_time_to_utc(value: &str, tz: &str) -> Result<DateTime<Utc>, String> {
    let value = value.trim();
    if let Ok(at) = DateTime::parse_from_rfc3339(value) {
        return Ok(at.with_timezone(&Utc));
    }
    let naive = [
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%d %H:%M",
    ]
    .iter()
    .find_map(|f| NaiveDateTime::parse_from_str(value, f).ok())
    .ok_or_else(|| format!("'{value}' is not a date and time (for example 2026-12-01T09:30)."))?;
    let zone: chrono_tz::Tz = tz.parse().unwrap_or(chrono_tz::UTC);
    zone.from_local_datetime(&naive)
        .earliest()
        .map(|at| at.with_timezone(&Utc))
        .ok_or_else(|| {
            format!(
                "{value} does not exist in {tz}: the clocks skip that hour. Choose another time."
            )
        })
}

/// The settings stored in `store`, with the defaults for any never set.
pub async fn load(store: &DynStore) -> Result<SiteSettings, AppError> {
    let mut site = SiteSettings::default();
    for (key, value) in store.site_settings().await? {
        if let Some(key) = SettingKey::parse(&key) {
            site.set(key, &value);
        }
    }
    // A logo deleted from the library since (deleting refuses that) would just vanish.
    if let Ok(id) = site.logo.parse::<i64>() {
        site.logo_image = store.media_refs(&[id]).await?.pop();
    }
    Ok(site)
}

/// The settings of the request being served (loaded once per render by [`provide`]), or
/// from the store for a call that came another way (a server function from a browser).
pub async fn current(state: &AppState) -> Result<Arc<SiteSettings>, AppError> {
    let from_request = leptos::prelude::use_context::<axum::http::request::Parts>()
        .and_then(|p| p.extensions.get::<CurrentSite>().cloned());
    match from_request {
        Some(site) => Ok(site.0),
        None => Ok(Arc::new(load(&state.store).await?)),
    }
}

/// Middleware: gives each page, feed or sitemap rendered the settings (read once per
/// content version: see [`super::page_cache::PageCache::settings_at`]; the page cache
/// sits outside, so a cached page costs nothing), and the page's language when it
/// isn't the site's (an article's own; English for the staff pages). When the database
/// can't be read the page renders as it can (usually its error page) and is marked
/// `no-store`, so a page under the default name is never cached.
pub async fn provide(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let path = req.uri().path();
    if !matches!(*req.method(), Method::GET | Method::HEAD)
        || path.starts_with("/pkg/")
        || path.starts_with("/api/")
        || path == "/healthz"
        || path == "/metrics"
        || path == "/favicon.svg"
    {
        return next.run(req).await;
    }
    let staff = path == "/admin" || path.starts_with("/admin/");
    let slug = path
        .strip_prefix("/articles/")
        .filter(|s| !s.is_empty() && !s.contains('/'))
        .map(str::to_string);
    // Read before the settings, so settings read after a change are never kept under
    // the version before it.
    let version = state.cache.version();
    let (site, fresh) = match state.cache.settings_at(version) {
        Some(site) => (site, true),
        None => match load(&state.store).await {
            Ok(site) => {
                let site = Arc::new(site);
                state.cache.keep_settings(version, site.clone());
                (site, true)
            }
            Err(e) => {
                tracing::warn!(error = %e, "publication settings unavailable; rendering without them");
                (Arc::new(SiteSettings::default()), false)
            }
        },
    };
    let language = match slug {
        Some(slug) => state.store.article_language(&slug).await.ok().flatten(),
        // The staff pages are written in English whatever the publication's language.
        None if staff => Some("en".to_string()),
        None => None,
    };
    if let Some(language) = language {
        req.extensions_mut().insert(PageLanguage(language));
    }
    req.extensions_mut().insert(CurrentSite(site));
    let mut res = next.run(req).await;
    if !fresh {
        // Rendered without the publication's settings: never cached, here or by anyone.
        res.headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    res
}

/// `gazette settings show`: every key and its value, one a line (`same_as` URLs
/// separated by spaces).
pub async fn show() -> Result<(), String> {
    let (_, store) = super::commands::open_store().await?;
    let site = load(&store).await.map_err(|e| e.to_string())?;
    for key in SettingKey::ALL {
        let value = site.get(key).replace('\n', " ");
        println!("{} = {value}", key.as_str());
    }
    Ok(())
}

/// `gazette settings set KEY VALUE`: checks the value first; a bad key or value changes
/// nothing. `same_as` takes URLs separated by spaces or new lines.
pub async fn set(key: &str, value: &str) -> Result<(), String> {
    let names = SettingKey::ALL.map(SettingKey::as_str).join(", ");
    let parsed = SettingKey::parse(key)
        .ok_or_else(|| format!("unknown setting '{key}': the settings are {names}"))?;
    let value = if parsed == SettingKey::SameAs {
        value.split_whitespace().collect::<Vec<_>>().join("\n")
    } else {
        value.to_string()
    };
    let value = check(parsed, &value).map_err(|e| format!("{key}: {e}"))?;
    let (_, store) = super::commands::open_store().await?;
    let row = [(parsed.as_str().to_string(), value.clone())];
    if let Err(problem) = check_logo_exists(&store, &row)
        .await
        .map_err(|e| e.to_string())?
    {
        return Err(format!("{key}: {}", problem.message));
    }
    store
        .set_site_settings(&row)
        .await
        .map_err(|e| e.to_string())?;
    println!("{key} = {}", value.replace('\n', " "));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schedule_times_are_read_in_the_publication_time_zone() {
        let utc = |s: &str| DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc);
        assert_eq!(
            site_time_to_utc("2026-12-01T09:30", "Europe/Zurich").unwrap(),
            utc("2026-12-01T08:30:00Z")
        );
        assert_eq!(
            site_time_to_utc("2026-07-01T09:30:15", "America/New_York").unwrap(),
            utc("2026-07-01T13:30:15Z")
        );
        // An explicit offset wins over the zone.
        assert_eq!(
            site_time_to_utc("2026-12-01T09:30:00+05:00", "Europe/Zurich").unwrap(),
            utc("2026-12-01T04:30:00Z")
        );
        // Spring forward: 02:30 never happens in Berlin on 29 March 2026.
        let gap = site_time_to_utc("2026-03-29T02:30", "Europe/Berlin").unwrap_err();
        assert!(gap.contains("clocks skip"), "{gap}");
        // Fall back: 02:30 happens twice on 25 October 2026; the first is meant.
        assert_eq!(
            site_time_to_utc("2026-10-25T02:30", "Europe/Berlin").unwrap(),
            utc("2026-10-25T00:30:00Z")
        );
        assert!(site_time_to_utc("next tuesday", "UTC").is_err());
    }

    #[test]
    fn language_tags_are_checked_and_put_in_canonical_case() {
        assert_eq!(check_language("en").unwrap(), "en");
        assert_eq!(check_language("en-gb").unwrap(), "en-GB");
        assert_eq!(check_language("zh-hant-tw").unwrap(), "zh-Hant-TW");
        assert_eq!(check_language(" de-CH ").unwrap(), "de-CH");
        assert_eq!(check_language("sr-latn-rs").unwrap(), "sr-Latn-RS");
        assert_eq!(check_language("es-419").unwrap(), "es-419");
        assert_eq!(check_language("de-CH-1996").unwrap(), "de-CH-1996");
        assert_eq!(
            check_language("en-US-u-ca-gregory").unwrap(),
            "en-US-u-ca-gregory"
        );
        assert_eq!(check_language("en-x-house").unwrap(), "en-x-house");
        for bad in [
            "",
            "english",
            "en_GB",
            "e",
            "en-",
            "12",
            "en GB",
            "en--GB",
            "en-GB-",
            "en-u",
            "en-x",
            "de-CH-19",
            "Swiss German",
        ] {
            assert!(check_language(bad).is_err(), "{bad:?} was accepted");
        }
    }

    #[test]
    fn time_zones_must_be_iana_names() {
        assert_eq!(check_timezone("Europe/Berlin").unwrap(), "Europe/Berlin");
        assert_eq!(check_timezone("UTC").unwrap(), "UTC");
        for bad in ["", "Mars/Olympus", "CEST+1", "europe berlin"] {
            assert!(check_timezone(bad).is_err(), "{bad:?} was accepted");
        }
    }

    #[test]
    fn only_changed_settings_are_checked_and_all_problems_reported() {
        let current = SiteSettings::default();
        let mut wanted = current.clone();
        wanted.name = "The Harbour Herald".into();
        assert_eq!(
            check_changes(&current, &wanted).unwrap(),
            vec![("name".to_string(), "The Harbour Herald".to_string())]
        );
        wanted.language = "klingon!".into();
        wanted.timezone = "Nowhere".into();
        let problems = check_changes(&current, &wanted).unwrap_err();
        let keys: Vec<&str> = problems.iter().map(|p| p.key.as_str()).collect();
        assert_eq!(keys, ["language", "timezone"]);
    }
}
