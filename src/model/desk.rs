//! The staff desk: the article list's filters as they travel in the URL (so a reload,
//! a bookmark or a plain GET form without JavaScript keeps them), one page of the list,
//! and who else has an article open in the editor.

use super::ArticleStatus;
use super::{Author, Tag};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// Articles per desk page.
pub const DESK_PAGE_SIZE: i64 = 50;
/// Longest search accepted on the desk, in characters.
pub const MAX_DESK_SEARCH_CHARS: usize = 200;

/// The order of the desk's list; each sorts by one time, and lists only the articles
/// that have it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeskSort {
    /// Last change of any kind, newest first: every article.
    #[default]
    Updated,
    /// Publication time, newest first: articles that have been published.
    Published,
    /// Scheduled publication time, soonest first: scheduled articles.
    Scheduled,
}

impl DeskSort {
    pub const ALL: [DeskSort; 3] = [DeskSort::Updated, DeskSort::Published, DeskSort::Scheduled];

    pub fn as_str(self) -> &'static str {
        match self {
            DeskSort::Updated => "updated",
            DeskSort::Published => "published",
            DeskSort::Scheduled => "scheduled",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|o| o.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            DeskSort::Updated => "Last updated (newest first)",
            DeskSort::Published => "Published (newest first)",
            DeskSort::Scheduled => "Scheduled time (soonest first)",
        }
    }

    /// The heading of the column holding the time this order sorts by.
    pub fn column(self) -> &'static str {
        match self {
            DeskSort::Updated => "Updated",
            DeskSort::Published => "Published",
            DeskSort::Scheduled => "Goes live",
        }
    }
}

/// A place in the list: the sort time and id of the row next to it. In the URL as
/// `{microseconds since 1970}_{id}`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeskCursor {
    pub at: DateTime<Utc>,
    pub id: i64,
}

impl DeskCursor {
    pub fn encode(self) -> String {
        format!("{}_{}", self.at.timestamp_micros(), self.id)
    }

    pub fn decode(s: &str) -> Option<Self> {
        let (at, id) = s.split_once('_')?;
        Some(DeskCursor {
            at: DateTime::from_timestamp_micros(at.parse().ok()?)?,
            id: id.parse().ok()?,
        })
    }
}

/// What the desk shows: every filter is optional and they combine. Read from and
/// written to the URL's query string by [`DeskFilter::from_query`] and
/// [`DeskFilter::query`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct DeskFilter {
    pub status: Option<ArticleStatus>,
    /// An author's slug.
    pub author: Option<String>,
    /// A tag's slug.
    pub tag: Option<String>,
    /// First day (UTC) of the sort time shown.
    pub from: Option<NaiveDate>,
    /// Last day (UTC) of the sort time shown.
    pub to: Option<NaiveDate>,
    /// Words to find in the headline or text.
    pub q: String,
    pub sort: DeskSort,
    /// Only articles under the caller's byline.
    pub mine: bool,
    /// The page after this place.
    pub after: Option<DeskCursor>,
    /// The page before this place.
    pub before: Option<DeskCursor>,
}

impl DeskFilter {
    /// The filters in a URL query, `get` giving each parameter's value. A value that
    /// can't be read is refused with a message naming it.
    pub fn from_query(get: impl Fn(&str) -> Option<String>) -> Result<Self, String> {
        let text = |name: &str| {
            get(name)
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
        };
        let date = |name: &str, label: &str| {
            text(name)
                .map(|v| {
                    NaiveDate::parse_from_str(&v, "%Y-%m-%d")
                        .map_err(|_| format!("“{label}” must be a date such as 2026-11-29."))
                })
                .transpose()
        };
        let cursor = |name: &str| {
            text(name)
                .map(|v| DeskCursor::decode(&v).ok_or("That page link is not valid.".to_string()))
                .transpose()
        };
        let status = match text("status") {
            None => None,
            Some(s) => {
                Some(ArticleStatus::parse(&s).ok_or_else(|| format!("There is no status “{s}”."))?)
            }
        };
        let sort = match text("sort") {
            None => DeskSort::default(),
            Some(s) => DeskSort::parse(&s).ok_or_else(|| format!("There is no order “{s}”."))?,
        };
        let filter = DeskFilter {
            status,
            author: text("author"),
            tag: text("tag").map(|t| tag_slug(&t)),
            from: date("from", "From")?,
            to: date("to", "To")?,
            q: text("q").unwrap_or_default(),
            sort,
            mine: text("mine").is_some_and(|v| v != "0" && v != "false"),
            after: cursor("after")?,
            before: cursor("before")?,
        };
        filter.check()?;
        Ok(filter)
    }

    /// Whether the filters make sense together; the server checks this too.
    pub fn check(&self) -> Result<(), String> {
        if self.q.chars().count() > MAX_DESK_SEARCH_CHARS {
            return Err(format!(
                "Search for at most {MAX_DESK_SEARCH_CHARS} characters."
            ));
        }
        if let (Some(from), Some(to)) = (self.from, self.to) {
            if from > to {
                return Err("“From” must not be after “To”.".into());
            }
        }
        if self.after.is_some() && self.before.is_some() {
            return Err("That page link is not valid.".into());
        }
        Ok(())
    }

    /// These filters as a URL query string (`?…`, or empty when there are none),
    /// without the page position.
    pub fn query(&self) -> String {
        let mut pairs: Vec<(&str, String)> = Vec::new();
        if let Some(s) = self.status {
            pairs.push(("status", s.as_str().into()));
        }
        if let Some(a) = &self.author {
            pairs.push(("author", a.clone()));
        }
        if let Some(t) = &self.tag {
            pairs.push(("tag", t.clone()));
        }
        if let Some(d) = self.from {
            pairs.push(("from", d.to_string()));
        }
        if let Some(d) = self.to {
            pairs.push(("to", d.to_string()));
        }
        if !self.q.is_empty() {
            pairs.push(("q", self.q.clone()));
        }
        if self.sort != DeskSort::default() {
            pairs.push(("sort", self.sort.as_str().into()));
        }
        if self.mine {
            pairs.push(("mine", "1".into()));
        }
        query_string(&pairs)
    }

    /// The same filters at another status (all of them for `None`), from the first page.
    pub fn with_status(&self, status: Option<ArticleStatus>) -> Self {
        DeskFilter {
            status,
            after: None,
            before: None,
            ..self.clone()
        }
    }

    /// Whether any filter beyond the order is set.
    pub fn narrowed(&self) -> bool {
        self.status.is_some()
            || self.author.is_some()
            || self.tag.is_some()
            || self.from.is_some()
            || self.to.is_some()
            || !self.q.is_empty()
            || self.mine
    }
}

/// A tag name as typed, turned into the slug tags are stored under ("Space Flight" →
/// "space-flight"); a slug stays as it is.
pub fn tag_slug(name: &str) -> String {
    let mut slug = String::with_capacity(name.len());
    for c in name.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            slug.push(c);
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    slug.trim_end_matches('-').to_string()
}

/// `?a=1&b=2` with every value percent-encoded; empty for no pairs.
pub fn query_string(pairs: &[(&str, String)]) -> String {
    let mut out = String::new();
    for (i, (k, v)) in pairs.iter().enumerate() {
        out.push(if i == 0 { '?' } else { '&' });
        out.push_str(k);
        out.push('=');
        for b in v.bytes() {
            match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                    out.push(b as char)
                }
                b' ' => out.push('+'),
                b => out.push_str(&format!("%{b:02X}")),
            }
        }
    }
    out
}

/// One row of the desk.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeskRow {
    pub id: i64,
    pub slug: String,
    pub title: String,
    pub status: ArticleStatus,
    /// Names on the byline, in order.
    pub authors: Vec<String>,
    pub updated_at: DateTime<Utc>,
    pub published_at: Option<DateTime<Utc>>,
    pub scheduled_at: Option<DateTime<Utc>>,
    /// The time the list is sorted by (also the page links' cursor).
    pub sort_at: DateTime<Utc>,
}

impl DeskRow {
    pub fn cursor(&self) -> DeskCursor {
        DeskCursor {
            at: self.sort_at,
            id: self.id,
        }
    }
}

/// One page of the desk, with what its filter form offers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeskPage {
    pub rows: Vec<DeskRow>,
    /// Articles per status among those the caller may see (under "Mine" when set).
    pub counts: Vec<(ArticleStatus, i64)>,
    /// The place the next page starts after, when there is one.
    pub next: Option<DeskCursor>,
    /// The place the previous page ends before, when there is one.
    pub prev: Option<DeskCursor>,
    /// Staff and byline-only authors with articles, for the author filter (editors only).
    pub authors: Vec<Author>,
    /// Tag names offered in the tag filter.
    pub tags: Vec<Tag>,
    /// The caller sees only their own articles (authors).
    pub own_only: bool,
}

impl DeskPage {
    pub fn count(&self, status: ArticleStatus) -> i64 {
        self.counts
            .iter()
            .find(|(s, _)| *s == status)
            .map_or(0, |(_, n)| *n)
    }
}

/// Someone else with an article open in the editor.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EditorPresence {
    pub name: String,
    /// Since when they have had it open without a break.
    pub since: DateTime<Utc>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(query: &[(&str, &str)]) -> Result<DeskFilter, String> {
        DeskFilter::from_query(|k| {
            query
                .iter()
                .find(|(name, _)| *name == k)
                .map(|(_, v)| v.to_string())
        })
    }

    #[test]
    fn filters_survive_the_round_trip_through_the_url() {
        let f = read(&[
            ("status", "in_review"),
            ("author", "erin-editor"),
            ("tag", "Space Flight"),
            ("from", "2026-01-01"),
            ("to", "2026-02-01"),
            ("q", "night & day"),
            ("sort", "published"),
            ("mine", "1"),
        ])
        .unwrap();
        assert_eq!(f.tag.as_deref(), Some("space-flight"));
        let q = f.query();
        assert_eq!(
            q,
            "?status=in_review&author=erin-editor&tag=space-flight&from=2026-01-01\
             &to=2026-02-01&q=night+%26+day&sort=published&mine=1"
        );
    }

    #[test]
    fn unreadable_filters_are_refused_with_their_name() {
        assert!(read(&[("status", "lost")]).unwrap_err().contains("lost"));
        assert!(read(&[("from", "yesterday")]).unwrap_err().contains("From"));
        assert!(read(&[("from", "2026-02-02"), ("to", "2026-02-01")]).is_err());
        assert!(read(&[("after", "x")]).is_err());
        assert!(read(&[("sort", "random")]).is_err());
        assert_eq!(read(&[]).unwrap(), DeskFilter::default());
    }

    #[test]
    fn cursors_round_trip() {
        let c = DeskCursor {
            at: DateTime::from_timestamp_micros(1_764_000_000_123_456).unwrap(),
            id: 42,
        };
        assert_eq!(DeskCursor::decode(&c.encode()), Some(c));
    }
}
