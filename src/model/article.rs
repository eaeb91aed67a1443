//! Articles as stored and read: rich text, FAQ, AI disclosure, status, summaries and the
//! reader pages' view types.

use super::User;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Longest headline accepted, in characters.
pub const MAX_TITLE_CHARS: usize = 200;
/// Longest dek (standfirst) accepted, in characters.
pub const MAX_DEK_CHARS: usize = 500;
/// Largest Markdown field accepted (body, analysis or one FAQ answer), in bytes.
pub const MAX_MARKDOWN_BYTES: usize = 1024 * 1024;
/// Most FAQ items one article may carry.
pub const MAX_FAQ_ITEMS: usize = 50;
/// Most takeaways one article may carry.
pub const MAX_TAKEAWAYS: usize = 20;
/// Longest takeaway, FAQ question or AI-disclosure statement, in characters.
pub const MAX_LINE_CHARS: usize = 1_000;
/// Most tags one article may carry.
pub const MAX_TAGS: usize = 20;
/// Longest tag name, in characters.
pub const MAX_TAG_CHARS: usize = 60;
/// Longest AI tool or reviewer name, in characters.
pub const MAX_NAME_CHARS: usize = 200;

/// Markdown as written plus the sanitised HTML rendered from it when it was saved.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rich {
    pub markdown: String,
    pub html: String,
}

/// One question and answer; `anchor` is the stable fragment id (`faq-…`) used for deep links.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FaqItem {
    pub anchor: String,
    pub question: String,
    pub answer: Rich,
}

/// How much of an article a machine wrote.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AiLevel {
    #[default]
    None,
    Assisted,
    GeneratedReviewed,
}

impl AiLevel {
    pub const ALL: [AiLevel; 3] = [AiLevel::None, AiLevel::Assisted, AiLevel::GeneratedReviewed];

    pub fn as_str(self) -> &'static str {
        match self {
            AiLevel::None => "none",
            AiLevel::Assisted => "assisted",
            AiLevel::GeneratedReviewed => "generated_reviewed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|l| l.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            AiLevel::None => "No AI involvement",
            AiLevel::Assisted => "AI-assisted",
            AiLevel::GeneratedReviewed => "AI-generated, reviewed by an editor",
        }
    }
}

/// The reader-facing note on how AI was used in producing an article.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AiDisclosure {
    pub level: AiLevel,
    pub statement: String,
    pub tool: Option<String>,
    pub reviewer: Option<String>,
}

/// Where an article is in its life.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ArticleStatus {
    #[default]
    Draft,
    InReview,
    Scheduled,
    Published,
    Archived,
}

impl ArticleStatus {
    pub const ALL: [ArticleStatus; 5] = [
        ArticleStatus::Draft,
        ArticleStatus::InReview,
        ArticleStatus::Scheduled,
        ArticleStatus::Published,
        ArticleStatus::Archived,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ArticleStatus::Draft => "draft",
            ArticleStatus::InReview => "in_review",
            ArticleStatus::Scheduled => "scheduled",
            ArticleStatus::Published => "published",
            ArticleStatus::Archived => "archived",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|l| l.as_str() == s)
    }

    /// The workflow: which state changes are allowed at all (who may make them is
    /// [`Permission`]'s business).
    pub fn can_move_to(self, to: ArticleStatus) -> bool {
        use ArticleStatus::*;
        matches!(
            (self, to),
            (Draft, InReview | Scheduled | Published | Archived)
                | (InReview, Draft | Scheduled | Published | Archived)
                | (Scheduled, Draft | Published | Archived)
                | (Published, Archived)
                | (Archived, Draft)
        )
    }

    pub fn label(self) -> &'static str {
        match self {
            ArticleStatus::Draft => "Draft",
            ArticleStatus::InReview => "In review",
            ArticleStatus::Scheduled => "Scheduled",
            ArticleStatus::Published => "Published",
            ArticleStatus::Archived => "Archived",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tag {
    pub slug: String,
    pub name: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Author {
    pub slug: String,
    pub name: String,
}

/// A complete article as stored and as rendered to readers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Article {
    pub id: i64,
    pub slug: String,
    pub title: String,
    pub dek: String,
    pub body: Rich,
    pub takeaways: Vec<String>,
    pub analysis: Rich,
    pub faq: Vec<FaqItem>,
    pub disclosure: Option<AiDisclosure>,
    pub tags: Vec<Tag>,
    pub authors: Vec<Author>,
    pub status: ArticleStatus,
    pub published_at: Option<DateTime<Utc>>,
    /// When a scheduled article goes live.
    pub scheduled_at: Option<DateTime<Utc>>,
    /// The last substantive change readers are told about ("Updated", `dateModified`).
    pub modified_at: Option<DateTime<Utc>>,
    /// Technical time of the last write of any kind.
    pub updated_at: DateTime<Utc>,
    pub version: i64,
    /// Dated correction notes, oldest first; never edited or removed.
    pub corrections: Vec<Correction>,
    /// The picture at the top of the article and on cards, social cards and feeds.
    #[serde(default)]
    pub lead_image: Option<super::ArticleImage>,
    /// BCP 47 tag when the article is not in the site's language.
    #[serde(default)]
    pub language: Option<String>,
    /// The id of the article its translations hang together under (the original).
    #[serde(default)]
    pub translation_group: Option<i64>,
}

impl Article {
    /// When readers should see the article as last updated, if it was updated at all.
    pub fn reader_modified(&self) -> Option<DateTime<Utc>> {
        match (self.modified_at, self.published_at) {
            (Some(m), Some(p)) if m > p => Some(m),
            _ => None,
        }
    }

    pub fn is_by(&self, user: &User) -> bool {
        self.authors.iter().any(|a| a.slug == user.slug)
    }
}

/// An append-only note correcting a published article.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Correction {
    pub note: String,
    pub at: DateTime<Utc>,
}

/// A correction with the article it belongs to, for the corrections page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CorrectionEntry {
    pub article: ArticleSummary,
    pub correction: Correction,
}

/// The row shown in article lists (home page, admin list).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArticleSummary {
    pub id: i64,
    pub slug: String,
    pub title: String,
    pub dek: String,
    pub status: ArticleStatus,
    pub published_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
    /// For reader listings (front page, tag and author pages): the lead image, bylines
    /// and tags a card shows. Empty elsewhere.
    #[serde(default)]
    pub image: Option<super::ArticleImage>,
    #[serde(default)]
    pub authors: Vec<Author>,
    #[serde(default)]
    pub tags: Vec<Tag>,
}

/// Everything the article page shows besides the article: its neighbours and the site's
/// public address (for canonical links and structured data).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArticlePage {
    pub article: Article,
    pub public_url: String,
    pub related: Vec<ArticleSummary>,
    pub newer: Option<ArticleSummary>,
    pub older: Option<ArticleSummary>,
    /// Section anchors and headings, when the article is long enough to need a contents list.
    pub contents: Vec<(String, String)>,
    /// The language the article is in (its own, else the site's).
    pub language: String,
    /// Its published translations, itself included, when it has any.
    pub alternates: Vec<super::Alternate>,
    /// The slug `x-default` points to: the original of the translations.
    pub x_default: Option<String>,
}

/// Sections an article needs before the page shows a table of contents.
pub const MIN_SECTIONS_FOR_CONTENTS: usize = 3;

/// A public author page's subject.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthorProfile {
    pub slug: String,
    pub name: String,
    pub bio: String,
}

/// A list of articles under a heading (a tag or an author page).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Listing<T> {
    pub subject: T,
    pub articles: Vec<ArticleSummary>,
    pub more: bool,
}

/// One search result; `snippet_html` is escaped text with matches in `<mark>`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchHit {
    pub article: ArticleSummary,
    pub snippet_html: String,
}

/// One page of search results, best first, and whether more follow it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchResults {
    pub hits: Vec<SearchHit>,
    pub more: bool,
}

/// The words of sanitised HTML, not counting its tags (for reading times).
pub fn html_words(html: &str) -> usize {
    let mut words = 0;
    let mut in_tag = false;
    let mut in_word = false;
    for c in html.chars() {
        match c {
            '<' => {
                in_tag = true;
                in_word = false;
            }
            '>' => in_tag = false,
            _ if in_tag => {}
            c if c.is_whitespace() => in_word = false,
            _ => {
                if !in_word {
                    words += 1;
                }
                in_word = true;
            }
        }
    }
    words
}

impl Rich {
    /// The same text without its Markdown source, for anything sent to readers: the
    /// source can hold what the sanitiser removes from the page (HTML comments, say).
    pub fn published(self) -> Rich {
        Rich {
            markdown: String::new(),
            html: self.html,
        }
    }
}

/// Minutes a reader needs for `words` words, at least one.
pub fn reading_minutes(words: usize) -> usize {
    words.div_ceil(230).max(1)
}

/// What a successful save tells the editor.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedArticle {
    pub id: i64,
    pub slug: String,
    pub version: i64,
    pub status: ArticleStatus,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_counted_outside_tags() {
        assert_eq!(
            html_words("<p>Two <em>words</em></p>\n<p>and three more</p>"),
            5
        );
        assert_eq!(html_words("<a href=\"x y z\">link</a>"), 1);
    }

    #[test]
    fn published_articles_only_move_to_the_archive() {
        use ArticleStatus::*;
        assert!(Draft.can_move_to(InReview));
        assert!(InReview.can_move_to(Published));
        assert!(Scheduled.can_move_to(Published));
        assert!(Published.can_move_to(Archived));
        assert!(!Published.can_move_to(Draft));
        assert!(!Published.can_move_to(InReview));
        assert!(!Archived.can_move_to(Published));
    }
}
