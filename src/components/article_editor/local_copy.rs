//! Unsaved editor text kept in the browser's local storage, so that a crash or reload of
//! the tab can bring it back. One copy per article, under `gazette-draft:{id}` (`:new`
//! before the first save); logging out clears them all.

use super::browser;
use crate::model::ArticleDraft;

/// Unsaved editor text kept in the browser.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct LocalCopy {
    /// When it was written (milliseconds since the epoch).
    pub at: f64,
    pub draft: ArticleDraft,
}

fn key(id: Option<i64>) -> String {
    match id {
        Some(id) => format!("gazette-draft:{id}"),
        None => "gazette-draft:new".into(),
    }
}

/// Keeps `draft` as the unsaved text of article `id` (`None`: not saved yet).
pub fn keep(id: Option<i64>, draft: ArticleDraft) {
    let copy = LocalCopy {
        at: browser::now_ms(),
        draft,
    };
    if let Ok(json) = serde_json::to_string(&copy) {
        browser::store(&key(id), &json);
    }
}

/// The copy kept for article `id`; one that can't be read is forgotten.
pub fn load(id: Option<i64>) -> Option<LocalCopy> {
    let json = browser::load(&key(id))?;
    let copy = serde_json::from_str(&json).ok();
    if copy.is_none() {
        forget(id);
    }
    copy
}

pub fn forget(id: Option<i64>) {
    browser::forget(&key(id));
}
