//! An article's history: revisions and the line diff between two of them.

use super::ArticleStatus;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// One entry in an article's history.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RevisionInfo {
    pub version: i64,
    pub at: DateTime<Utc>,
    pub by: Option<String>,
    pub title: String,
    pub status: ArticleStatus,
    /// Saved by the editor's autosave rather than by a person pressing a button.
    #[serde(default)]
    pub autosave: bool,
}

/// How a line differs between two revisions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum DiffKind {
    Same,
    Added,
    Removed,
}

/// One field's changes between two revisions, line by line.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldDiff {
    pub field: String,
    pub lines: Vec<(DiffKind, String)>,
}
