//! Pictures on the server: processing uploads ([`process`]), the upload endpoint and
//! serving variants ([`http`]), and resolving the pictures an article refers to before
//! it is saved.

pub mod avif;
pub mod http;
pub mod process;

pub use process::{Processed, Refused, Variant};

use super::db::DynStore;
use super::render::{self, Pictures};
use crate::error::AppError;
use crate::model::{ArticleDraft, User};
use pulldown_cmark::{Event, Parser, Tag};
use quick_cache::sync::Cache;
use quick_cache::Weighter;
use std::sync::Arc;
use tokio::sync::Semaphore;

/// Uploads processed at once per instance: each takes a core and a few hundred MB.
const PROCESSING_PERMITS: usize = 2;
/// Memory for variants served from memory (per instance).
const CACHE_BYTES: u64 = 64 * 1024 * 1024;

/// A variant held in memory: its content type and bytes.
pub type Cached = Arc<(String, axum::body::Bytes)>;

/// Weighs cached variants by their bytes.
#[derive(Clone)]
pub struct ByBytes;

impl Weighter<String, Cached> for ByBytes {
    fn weight(&self, key: &String, v: &Cached) -> u64 {
        (key.len() + v.1.len() + 64) as u64
    }
}

/// Per-instance picture state: places for processing and the variants read so far.
pub struct MediaState {
    pub processing: Semaphore,
    pub cache: Cache<String, Cached, ByBytes>,
}

impl Default for MediaState {
    fn default() -> Self {
        MediaState {
            processing: Semaphore::new(PROCESSING_PERMITS),
            cache: Cache::with_weighter(4096, CACHE_BYTES, ByBytes),
        }
    }
}

impl MediaState {
    /// Processes an upload on the blocking pool, at most [`PROCESSING_PERMITS`] at once.
    pub async fn process(&self, bytes: Arc<Vec<u8>>) -> Result<Processed, AppError> {
        let _permit = self
            .processing
            .acquire()
            .await
            .map_err(|_| AppError::Unavailable)?;
        tokio::task::spawn_blocking(move || process::process(&bytes))
            .await
            .map_err(|_| AppError::Internal)?
            .map_err(|r| AppError::Validation(r.0))
    }
}

/// Stores an upload (processed off the async runtime), or finds the same file already
/// stored. Refused files store nothing.
pub async fn add(
    media: &MediaState,
    store: &DynStore,
    bytes: Vec<u8>,
    alt: &str,
    by: Option<&User>,
) -> Result<crate::model::Uploaded, AppError> {
    if alt.chars().count() > crate::model::MAX_MEDIA_TEXT_CHARS {
        return Err(AppError::Validation(format!(
            "The alt text is longer than {} characters.",
            crate::model::MAX_MEDIA_TEXT_CHARS
        )));
    }
    let bytes = Arc::new(bytes);
    let processed = media.process(bytes.clone()).await?;
    let (item, existing) = store.add_media(&processed, &bytes, alt.trim(), by).await?;
    Ok(crate::model::Uploaded { item, existing })
}

/// The `media:ID` pictures a Markdown text refers to, and the first image address that
/// isn't one (an outside URL, which pages never load).
fn references(markdown: &str, ids: &mut Vec<i64>) -> Option<String> {
    let mut outside = None;
    for event in Parser::new(markdown) {
        if let Event::Start(Tag::Image { dest_url, .. }) = event {
            match render::picture_id(&dest_url) {
                Some(id) => ids.push(id),
                None => {
                    outside.get_or_insert_with(|| dest_url.to_string());
                }
            }
        }
    }
    outside
}

/// Renders a draft for saving, with the pictures it refers to. Refuses images from
/// outside the media library, references to pictures that don't exist, and a lead
/// image that doesn't exist or whose words are too long.
pub async fn resolve(
    store: &DynStore,
    draft: &ArticleDraft,
) -> Result<super::db::Content, AppError> {
    let mut ids = Vec::new();
    let texts = [draft.body.as_str(), draft.analysis.as_str()]
        .into_iter()
        .chain(draft.faq.iter().map(|f| f.answer.as_str()));
    for text in texts {
        if let Some(url) = references(text, &mut ids) {
            let shown: String = url.chars().take(80).collect();
            return Err(AppError::Validation(format!(
                "Pictures must come from the media library: upload the picture and write \
                 ![alt](media:ID \"caption\") instead of “{shown}”."
            )));
        }
    }
    if let Some(lead) = &draft.lead_image {
        lead.validate().map_err(AppError::Validation)?;
    }
    ids.sort_unstable();
    ids.dedup();
    let mut wanted = ids.clone();
    wanted.extend(draft.lead_image.as_ref().map(|l| l.media_id));
    let found = store.media_refs(&wanted).await?;
    let missing = wanted.iter().find(|id| !found.iter().any(|m| m.id == **id));
    if let Some(id) = missing {
        return Err(AppError::Validation(format!(
            "Picture {id} is not in the media library; upload it first."
        )));
    }
    let pictures: Pictures = found
        .into_iter()
        .filter(|m| ids.contains(&m.id))
        .map(|m| (m.id, m))
        .collect();
    Ok(render::content_with(draft, &pictures))
}

/// Markdown rendered with its pictures, for the editor's preview (unknown or outside
/// images are left out rather than refused while typing).
pub async fn preview(store: &DynStore, markdown: &str) -> Result<String, AppError> {
    let mut ids = Vec::new();
    references(markdown, &mut ids);
    ids.sort_unstable();
    ids.dedup();
    let pictures: Pictures = store
        .media_refs(&ids)
        .await?
        .into_iter()
        .map(|m| (m.id, m))
        .collect();
    Ok(render::markdown_with(markdown, &pictures).html)
}
