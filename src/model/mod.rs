//! Shared content and user types, compiled for the server and the browser alike.
//!
//! These are plain serde structs with no server imports: the store returns them, the
//! server functions take and return them, and islands receive them as props.

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

/// Minutes a reader needs for `words` words, at least one.
pub fn reading_minutes(words: usize) -> usize {
    words.div_ceil(230).max(1)
}

/// One FAQ entry as an editor writes it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FaqDraft {
    pub question: String,
    pub answer: String,
}

/// Everything an editor (or the importer) supplies for an article; Markdown is rendered
/// and sanitised from this on the server at save time.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArticleDraft {
    pub title: String,
    pub dek: String,
    pub body: String,
    pub takeaways: Vec<String>,
    pub analysis: String,
    pub faq: Vec<FaqDraft>,
    pub disclosure: Option<AiDisclosure>,
    pub tags: Vec<String>,
}

impl ArticleDraft {
    /// The editable form of a stored article.
    pub fn from_article(a: &Article) -> Self {
        ArticleDraft {
            title: a.title.clone(),
            dek: a.dek.clone(),
            body: a.body.markdown.clone(),
            takeaways: a.takeaways.clone(),
            analysis: a.analysis.markdown.clone(),
            faq: a
                .faq
                .iter()
                .map(|f| FaqDraft {
                    question: f.question.clone(),
                    answer: f.answer.markdown.clone(),
                })
                .collect(),
            disclosure: a.disclosure.clone(),
            tags: a.tags.iter().map(|t| t.name.clone()).collect(),
        }
    }

    /// Checks limits a reader or editor would expect; returns the first problem found.
    pub fn validate(&self) -> Result<(), String> {
        let title = self.title.trim();
        if title.is_empty() {
            return Err("The headline is required.".into());
        }
        if title.chars().count() > MAX_TITLE_CHARS {
            return Err(format!(
                "The headline is longer than {MAX_TITLE_CHARS} characters."
            ));
        }
        if self.dek.chars().count() > MAX_DEK_CHARS {
            return Err(format!(
                "The dek is longer than {MAX_DEK_CHARS} characters."
            ));
        }
        for (name, text) in [("body", &self.body), ("analysis", &self.analysis)] {
            if text.len() > MAX_MARKDOWN_BYTES {
                return Err(format!("The {name} is larger than 1 MiB."));
            }
        }
        if self.takeaways.len() > MAX_TAKEAWAYS {
            return Err(format!("At most {MAX_TAKEAWAYS} takeaways are allowed."));
        }
        if self.faq.len() > MAX_FAQ_ITEMS {
            return Err(format!("At most {MAX_FAQ_ITEMS} FAQ items are allowed."));
        }
        for (i, item) in self.faq.iter().enumerate() {
            if item.question.trim().is_empty() || item.answer.trim().is_empty() {
                return Err(format!(
                    "FAQ item {} needs both a question and an answer.",
                    i + 1
                ));
            }
            if item.answer.len() > MAX_MARKDOWN_BYTES {
                return Err(format!(
                    "The answer to FAQ item {} is larger than 1 MiB.",
                    i + 1
                ));
            }
        }
        Ok(())
    }
}

/// A staff member's role; what each may do is [`Role::can`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Owner,
    Admin,
    Editor,
    Author,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Owner, Role::Admin, Role::Editor, Role::Author];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Owner => "owner",
            Role::Admin => "admin",
            Role::Editor => "editor",
            Role::Author => "author",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

/// Everything a staff member can be allowed to do. [`Role::can`] is the one permission
/// table; every admin server function checks one of these on its first line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Permission {
    /// See the admin article list, open articles they may edit, write new drafts.
    WriteDrafts,
    /// Hand a draft to the editors.
    SubmitForReview,
    /// Edit any article in any state, see its history and restore revisions.
    EditAny,
    Publish,
    Schedule,
    Archive,
    AddCorrection,
    /// Read the audit log.
    ViewAudit,
    /// Invite staff, change roles, deactivate accounts.
    ManageUsers,
    /// One's own account: sessions, password, two-factor sign-in.
    OwnAccount,
    /// Site-wide security settings, such as requiring two-factor sign-in for all staff.
    ManageSecurity,
}

impl Permission {
    pub const ALL: [Permission; 11] = [
        Permission::OwnAccount,
        Permission::ManageSecurity,
        Permission::ManageUsers,
        Permission::ViewAudit,
        Permission::WriteDrafts,
        Permission::SubmitForReview,
        Permission::EditAny,
        Permission::Publish,
        Permission::Schedule,
        Permission::Archive,
        Permission::AddCorrection,
    ];
}

impl Role {
    /// The permission table.
    pub fn can(self, permission: Permission) -> bool {
        use Permission::*;
        match permission {
            OwnAccount | WriteDrafts | SubmitForReview => true,
            EditAny | Publish | Schedule | Archive | AddCorrection => {
                matches!(self, Role::Owner | Role::Admin | Role::Editor)
            }
            ViewAudit | ManageUsers => matches!(self, Role::Owner | Role::Admin),
            ManageSecurity => self == Role::Owner,
        }
    }
}

/// A staff account as the rest of the system sees it (never the password hash).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub slug: String,
    pub role: Role,
    /// The site requires two-factor sign-in and this user has not set it up yet: until
    /// they do, only their own account page is open to them.
    #[serde(default)]
    pub needs_two_factor: bool,
}

/// A two-factor enrolment in progress, shown only to its own user.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TotpEnrolment {
    /// The base32 secret in groups of four, for typing into an app.
    pub secret: String,
    pub otpauth_uri: String,
    /// The `otpauth://` link as an SVG QR code in a `data:` URI.
    pub qr_data_uri: String,
}

/// The account page's view of a user's two-factor sign-in.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TwoFactorStatus {
    pub enabled_at: Option<DateTime<Utc>>,
    pub recovery_codes_left: i64,
    pub pending: Option<TotpEnrolment>,
    /// The site requires two-factor sign-in of all staff.
    pub required: bool,
    /// The caller may change whether it is required (owners).
    pub can_require: bool,
}

/// One of a user's live sessions, for the "your sessions" list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionInfo {
    /// The stored hash of the session's token: names it for revoking, useless as a login.
    pub key: String,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    pub current: bool,
}

/// A staff account in the users admin.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffMember {
    pub user: User,
    pub active: bool,
}

/// One line of the audit log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub at: DateTime<Utc>,
    /// Who acted (their email, or the email tried for a failed login).
    pub actor: Option<String>,
    pub action: String,
    pub subject: String,
    /// The client address the request came from.
    pub address: Option<String>,
}

/// What a successful save tells the editor.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedArticle {
    pub id: i64,
    pub slug: String,
    pub version: i64,
    pub status: ArticleStatus,
}

/// Why a login, logout or set-up form was refused; travels as a short code in the
/// redirect URL so the page shows a fixed message, never text from the URL.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum FormError {
    InvalidLogin,
    ShortPassword,
    BadEmail,
    BadName,
    BadToken,
    EmailTaken,
    Unavailable,
    CommonPassword,
    WrongPassword,
    InvalidCode,
    LoginExpired,
    TwoFactorRequired,
}

impl FormError {
    pub const ALL: [FormError; 12] = [
        FormError::InvalidCode,
        FormError::LoginExpired,
        FormError::TwoFactorRequired,
        FormError::CommonPassword,
        FormError::WrongPassword,
        FormError::InvalidLogin,
        FormError::ShortPassword,
        FormError::BadEmail,
        FormError::BadName,
        FormError::BadToken,
        FormError::EmailTaken,
        FormError::Unavailable,
    ];

    pub fn code(self) -> &'static str {
        match self {
            FormError::InvalidLogin => "invalid",
            FormError::ShortPassword => "password",
            FormError::BadEmail => "email",
            FormError::BadName => "name",
            FormError::BadToken => "token",
            FormError::EmailTaken => "taken",
            FormError::Unavailable => "unavailable",
            FormError::CommonPassword => "common",
            FormError::WrongPassword => "current",
            FormError::InvalidCode => "code",
            FormError::LoginExpired => "expired",
            FormError::TwoFactorRequired => "two-factor-required",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|e| e.code() == code)
    }

    pub fn message(self) -> &'static str {
        match self {
            FormError::InvalidLogin => "That email and password don't match an account.",
            FormError::ShortPassword => "The password must be 12 to 1024 characters long.",
            FormError::BadEmail => "Enter a valid email address.",
            FormError::BadName => "Enter a name of 1 to 100 characters.",
            FormError::BadToken => "This set-up link is not valid or has already been used.",
            FormError::EmailTaken => "A user with that email already exists.",
            FormError::Unavailable => "Something went wrong on our side. Please try again.",
            FormError::CommonPassword => {
                "That password is on a list of common passwords. Choose another."
            }
            FormError::WrongPassword => "Your current password was not right.",
            FormError::InvalidCode => {
                "That code was not right. Enter the current 6-digit code from your authenticator app, or an unused recovery code."
            }
            FormError::LoginExpired => "That step has expired. Please start again.",
            FormError::TwoFactorRequired => {
                "This site requires two-factor sign-in, so it can't be turned off."
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft() -> ArticleDraft {
        ArticleDraft {
            title: "A headline".into(),
            ..Default::default()
        }
    }

    #[test]
    fn empty_headline_is_refused() {
        let d = ArticleDraft {
            title: "   ".into(),
            ..draft()
        };
        assert_eq!(d.validate().unwrap_err(), "The headline is required.");
    }

    #[test]
    fn over_long_headline_is_refused() {
        let d = ArticleDraft {
            title: "x".repeat(MAX_TITLE_CHARS + 1),
            ..draft()
        };
        assert!(d.validate().unwrap_err().contains("longer than"));
    }

    #[test]
    fn body_over_one_mebibyte_is_refused() {
        let d = ArticleDraft {
            body: "a".repeat(MAX_MARKDOWN_BYTES + 1),
            ..draft()
        };
        assert!(d.validate().unwrap_err().contains("1 MiB"));
    }

    #[test]
    fn faq_item_without_answer_is_refused() {
        let d = ArticleDraft {
            faq: vec![FaqDraft {
                question: "Why?".into(),
                answer: " ".into(),
            }],
            ..draft()
        };
        assert!(d.validate().unwrap_err().contains("FAQ item 1"));
    }

    #[test]
    fn authors_write_and_submit_but_editors_decide() {
        assert!(!Role::Editor.can(Permission::ViewAudit));
        for p in Permission::ALL.into_iter().filter(|p| {
            !matches!(
                p,
                Permission::ViewAudit | Permission::ManageUsers | Permission::ManageSecurity
            )
        }) {
            assert!(
                Role::Owner.can(p) && Role::Admin.can(p) && Role::Editor.can(p),
                "{p:?}"
            );
        }
        assert!(Role::Author.can(Permission::WriteDrafts));
        assert!(Role::Author.can(Permission::SubmitForReview));
        assert!(Role::Author.can(Permission::OwnAccount));
        for role in [Role::Admin, Role::Editor, Role::Author] {
            assert!(!role.can(Permission::ManageSecurity), "{role:?}");
        }
        assert!(Role::Owner.can(Permission::ManageSecurity));
        for p in [
            Permission::EditAny,
            Permission::Publish,
            Permission::Schedule,
            Permission::Archive,
            Permission::AddCorrection,
        ] {
            assert!(!Role::Author.can(p), "{p:?}");
        }
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
