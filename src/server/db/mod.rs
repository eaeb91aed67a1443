//! The store: one trait per part of what the site keeps, gathered in [`Store`], with a
//! SQLite and a PostgreSQL implementation picked from the `DATABASE_URL` scheme. The SQL
//! both backends share is in `shared/`, included into each backend as plain modules.

mod common;
pub(crate) mod snippet;
pub use common::now;
pub mod postgres;
pub mod sqlite;

use crate::error::AppError;
use crate::model::{
    AiDisclosure, Article, ArticleStatus, ArticleSummary, AuthorProfile, CorrectionEntry, FaqItem,
    RevisionInfo, Rich, SearchResults, Tag, User,
};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use std::sync::Arc;

/// Sessions last this long from login.
pub const SESSION_LIFETIME_DAYS: i64 = 14;
/// A session unused for this long ends.
pub const SESSION_IDLE_HOURS: i64 = 12;

pub type Result<T> = std::result::Result<T, AppError>;

/// A staff account with its password hash; deliberately not `Serialize`.
#[derive(Clone, Debug)]
pub struct UserPasshash {
    pub user: User,
    pub password_hash: String,
}

/// A user's two-factor sign-in state. Holds the TOTP secrets, so it is deliberately not
/// `Serialize`: pages get only what they show.
#[derive(Clone, Debug, Default)]
pub struct TwoFactor {
    /// The confirmed secret (base32) once two-factor sign-in is on.
    pub secret: Option<String>,
    /// A secret shown for enrolment but not yet confirmed with a code.
    pub pending: Option<String>,
    pub enabled_at: Option<DateTime<Utc>>,
    pub recovery_codes_left: i64,
}

/// A new staff account; the password is already hashed.
#[derive(Clone, Debug)]
pub struct NewUser {
    pub email: String,
    pub name: String,
    pub role: crate::model::Role,
    pub password_hash: String,
}

/// One article of a `gazette import` run: stored at `slug` (replacing the article
/// there, if any), published when `published_at` is given.
#[derive(Clone, Debug)]
pub struct ImportItem {
    pub slug: String,
    pub content: Content,
    pub published_at: Option<DateTime<Utc>>,
}

/// Article content ready to store: Markdown already rendered and sanitised.
#[derive(Clone, Debug, PartialEq)]
pub struct Content {
    pub title: String,
    pub dek: String,
    pub body: Rich,
    pub takeaways: Vec<String>,
    pub analysis: Rich,
    pub faq: Vec<FaqItem>,
    pub disclosure: Option<AiDisclosure>,
    pub tags: Vec<Tag>,
    /// Whether readers are told this change updated the article.
    pub substantive: bool,
    /// Saved by the editor's autosave: folds into the same person's previous autosave
    /// revision when that is the newest and under ten minutes old.
    pub autosave: bool,
    /// A new address for an existing article; a published article's old one then
    /// answers 301 to it. `None` keeps the address.
    pub slug: Option<String>,
    /// The bylines, by name or staff email, in order: each is a staff account (by email
    /// or name), else a byline-only author, created when new. `None` keeps the current
    /// bylines and credits the writer.
    pub bylines: Option<Vec<String>>,
    /// The lead image and the words that go with it here.
    pub lead_image: Option<crate::model::LeadImageDraft>,
    /// Every uploaded picture the article shows (lead and inline), for "where used".
    pub media_ids: Vec<i64>,
}

impl Content {
    /// A stored article's content as it is, its HTML already rendered (a copy writes it
    /// back unchanged rather than rendering the Markdown again).
    pub fn stored(a: &crate::model::Article) -> Self {
        Content {
            title: a.title.clone(),
            dek: a.dek.clone(),
            body: a.body.clone(),
            takeaways: a.takeaways.clone(),
            analysis: a.analysis.clone(),
            faq: a.faq.clone(),
            disclosure: a.disclosure.clone(),
            tags: a.tags.clone(),
            substantive: false,
            autosave: false,
            slug: None,
            bylines: None,
            lead_image: a.lead_image.as_ref().map(Into::into),
            media_ids: Vec::new(),
        }
    }
}

/// A staff account as copied between databases, hash included; never `Serialize`.
#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct UserRecord {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub slug: String,
    pub role: String,
    pub password_hash: String,
    pub bio: String,
    pub created_at: DateTime<Utc>,
    pub active: bool,
    pub totp_secret: Option<String>,
    pub totp_last_step: i64,
    pub totp_enabled_at: Option<DateTime<Utc>>,
}

#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct RevisionRecord {
    pub article_id: i64,
    pub version: i64,
    pub snapshot: String,
    pub user_id: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub autosave: bool,
}

/// Everything a site keeps that must survive a move between databases: users (with
/// their two-factor secrets and recovery-code hashes), articles with every part, their
/// revisions, and site settings. Sessions are not moved.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SiteCopy {
    pub users: Vec<UserRecord>,
    pub articles: Vec<(Article, DateTime<Utc>)>,
    pub revisions: Vec<RevisionRecord>,
    /// `(user_id, code_hash)`.
    pub recovery_codes: Vec<(i64, String)>,
    /// `(key, value)`.
    pub settings: Vec<(String, String)>,
    pub bylines: Vec<BylineRecord>,
    /// `(old_slug, article_id, created_at)`.
    pub redirects: Vec<(String, i64, DateTime<Utc>)>,
    /// Uploaded pictures with their originals and variants.
    pub media: Vec<MediaRecord>,
    /// `(article_id, media_id)`: which articles show which pictures.
    pub article_media: Vec<(i64, i64)>,
}

/// A byline-only author as copied between databases.
#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct BylineRecord {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub bio: String,
    pub user_id: Option<i64>,
    pub created_at: DateTime<Utc>,
}

/// An uploaded picture as copied between databases: every column and every variant.
#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct MediaRecord {
    pub id: i64,
    pub hash: String,
    pub width: i64,
    pub height: i64,
    pub format: String,
    pub original: Vec<u8>,
    pub alt: String,
    pub caption: String,
    pub credit: String,
    pub focus_x: i64,
    pub focus_y: i64,
    pub uploaded_by: Option<i64>,
    pub created_at: DateTime<Utc>,
    #[sqlx(skip)]
    pub variants: Vec<VariantRecord>,
}

/// One stored variant of a picture.
#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct VariantRecord {
    pub name: String,
    pub content_type: String,
    pub width: i64,
    pub height: i64,
    pub bytes: Vec<u8>,
}

/// Uploaded pictures: stored once per distinct file, with their variants.
#[async_trait]
pub trait MediaStore: Send + Sync {
    /// Stores a processed upload unless the same file is already there; returns the
    /// stored picture and whether it already existed. `alt` is its default alt text.
    async fn add_media(
        &self,
        processed: &crate::server::media::Processed,
        original: &[u8],
        alt: &str,
        by: Option<&User>,
    ) -> Result<(crate::model::MediaItem, bool)>;
    /// One variant's content type and bytes, by the picture's hash and the variant name.
    async fn media_variant(&self, hash: &str, name: &str) -> Result<Option<(String, Vec<u8>)>>;
    /// The pictures with these ids (unknown ids are left out).
    async fn media_refs(&self, ids: &[i64]) -> Result<Vec<crate::model::MediaRef>>;
    async fn media_item(&self, id: i64) -> Result<Option<crate::model::MediaItem>>;
    /// Who uploaded picture `id`.
    async fn media_uploader(&self, id: i64) -> Result<Option<i64>>;
    /// The newest uploads whose alt text, caption or credit contain `query` (all when empty).
    async fn list_media(&self, query: &str, limit: i64) -> Result<Vec<crate::model::MediaItem>>;
    async fn update_media_text(
        &self,
        id: i64,
        alt: &str,
        caption: &str,
        credit: &str,
    ) -> Result<()>;
    /// The file as uploaded, to make new crops from.
    async fn media_original(&self, id: i64) -> Result<Option<Vec<u8>>>;
    /// Moves the focal point and replaces the crops with `crops` (made for it).
    async fn set_media_focus(
        &self,
        id: i64,
        focus_x: u32,
        focus_y: u32,
        crops: &[crate::server::media::Variant],
    ) -> Result<()>;
    /// Deletes an unused picture; `Conflict` naming the articles that still show it.
    async fn delete_media(&self, id: i64) -> Result<()>;
}

/// Schema migrations and the health check.
#[async_trait]
pub trait MaintenanceStore: Send + Sync {
    /// Applies pending migrations; safe to call from several instances at once.
    async fn migrate(&self) -> Result<()>;
    async fn ping(&self) -> Result<()>;
    /// Closes every connection (at shutdown, once requests in flight have finished);
    /// any later call fails as unavailable.
    async fn close(&self);
    /// The content version: a counter the database bumps on every change readers can
    /// see, whichever process made it (see the `content_version` migration).
    async fn content_version(&self) -> Result<i64>;
    /// Open and idle connections in the pool (for `/metrics`).
    fn pool_use(&self) -> (u32, usize);
    /// After a bulk load: brings the query planner's statistics up to date, so the
    /// next reads are planned for the data now there (see the backends).
    async fn refresh_statistics(&self) -> Result<()>;
    /// Tidies the kept status counts (see the `status_counts` migration); the scheduler
    /// calls it on every tick, and it costs one small read when there is nothing to do.
    async fn fold_status_counts(&self) -> Result<()>;
}

/// Staff accounts, invites, roles, set-up tokens, passwords, the audit log, failed
/// logins and site settings.
#[async_trait]
pub trait AccountStore: Send + Sync {
    async fn count_users(&self) -> Result<i64>;
    async fn create_user(&self, new: &NewUser) -> Result<User>;
    async fn find_login(&self, email: &str) -> Result<Option<UserPasshash>>;

    async fn add_setup_token(&self, token_hash: &str) -> Result<()>;
    /// Creates the first owner if `token_hash` names a live set-up token, consuming every
    /// set-up token and storing the publication settings `site` (`(key, value)`, already
    /// checked) in the same transaction. `Unauthorized` when the token is not valid.
    async fn create_owner_with_token(
        &self,
        token_hash: &str,
        new: &NewUser,
        site: &[(String, String)],
    ) -> Result<User>;

    async fn set_password(&self, user_id: i64, password_hash: &str) -> Result<()>;
    async fn audit(&self, entry: &crate::model::AuditEntry) -> Result<()>;
    async fn list_users(&self) -> Result<Vec<crate::model::StaffMember>>;
    /// Changes a user's role; `Conflict` if that would leave no active owner.
    async fn set_role(&self, user_id: i64, role: crate::model::Role) -> Result<()>;
    /// Deactivates a user and ends their sessions at once; `Conflict` for the last owner.
    async fn deactivate_user(&self, user_id: i64) -> Result<()>;
    async fn create_invite(
        &self,
        token_hash: &str,
        email: &str,
        name: &str,
        role: crate::model::Role,
        expires_at: DateTime<Utc>,
    ) -> Result<()>;
    /// The invitations still open, oldest first.
    async fn list_invites(&self) -> Result<Vec<crate::model::PendingInvite>>;
    /// Withdraws every open invitation to `email` (its links stop working); `NotFound`
    /// when there is none.
    async fn revoke_invites(&self, email: &str) -> Result<()>;
    /// Creates the invited account if the invite is live, consuming it; `Unauthorized` if not.
    async fn accept_invite(&self, token_hash: &str, password_hash: &str) -> Result<User>;
    /// One staff member by id, active or not.
    async fn user_by_id(&self, user_id: i64) -> Result<Option<crate::model::StaffMember>>;
    async fn setting(&self, key: &str) -> Result<Option<String>>;
    async fn set_setting(&self, key: &str, value: &str) -> Result<()>;
    /// The newest audit entries.
    async fn list_audit(&self, limit: i64) -> Result<Vec<crate::model::AuditEntry>>;

    /// Failed logins recorded for `key` since `since`: how many, and when the last was.
    async fn login_failures(
        &self,
        key: &str,
        since: DateTime<Utc>,
    ) -> Result<(i64, Option<DateTime<Utc>>)>;
    /// Records one failed login under each key, pruning records older than an hour.
    async fn record_login_failure(&self, keys: &[String]) -> Result<()>;
    async fn clear_login_failures(&self, key: &str) -> Result<()>;
    /// Forgets the latest attempt recorded under `key` (one that turned out to succeed),
    /// leaving the others counted.
    async fn forget_latest_attempt(&self, key: &str) -> Result<()>;
}

/// Login sessions.
#[async_trait]
pub trait SessionStore: Send + Sync {
    async fn create_session(
        &self,
        user_id: i64,
        token_hash: &str,
        expires_at: DateTime<Utc>,
    ) -> Result<()>;
    /// The user a live session belongs to; refreshes its last-seen time.
    async fn session_user(&self, token_hash: &str) -> Result<Option<User>>;
    async fn delete_session(&self, token_hash: &str) -> Result<()>;
    /// A user's live sessions, newest first (`current` is left false).
    async fn list_sessions(&self, user_id: i64) -> Result<Vec<crate::model::SessionInfo>>;
    /// Ends one of a user's sessions; another user's session is left alone.
    async fn delete_session_of(&self, user_id: i64, token_hash: &str) -> Result<()>;
    /// Ends every session of a user except `keep`.
    async fn delete_sessions_of(&self, user_id: i64, keep: Option<&str>) -> Result<()>;
}

/// Two-factor sign-in: TOTP secrets, recovery codes and the second step of a login.
#[async_trait]
pub trait TwoFactorStore: Send + Sync {
    async fn two_factor(&self, user_id: i64) -> Result<TwoFactor>;
    /// Starts enrolment with a new secret (replacing any pending one); `None` cancels it.
    async fn set_totp_pending(&self, user_id: i64, secret: Option<&str>) -> Result<()>;
    /// Turns two-factor sign-in on with `secret` if it is still the pending one (else
    /// `Conflict`), marks time step `step` used and replaces the recovery codes.
    async fn enable_totp(
        &self,
        user_id: i64,
        secret: &str,
        step: i64,
        code_hashes: &[String],
    ) -> Result<()>;
    /// Turns two-factor sign-in off and forgets the secret and recovery codes.
    async fn disable_totp(&self, user_id: i64) -> Result<()>;
    /// Marks time step `step` used if it is newer than the last one used: false for a
    /// replayed code, even when two instances see it at once.
    async fn use_totp_step(&self, user_id: i64, step: i64) -> Result<bool>;
    /// The stored hashes of a user's unspent recovery codes.
    async fn recovery_codes(&self, user_id: i64) -> Result<Vec<String>>;
    /// Spends the recovery code stored as `code_hash`; false if it is unknown or was
    /// already spent (by a request on any instance).
    async fn use_recovery_code(&self, user_id: i64, code_hash: &str) -> Result<bool>;
    async fn replace_recovery_codes(&self, user_id: i64, code_hashes: &[String]) -> Result<()>;
    /// Remembers that `user_id` passed the password step of a login.
    async fn create_login_challenge(
        &self,
        token_hash: &str,
        user_id: i64,
        expires_at: DateTime<Utc>,
    ) -> Result<()>;
    /// Counts one attempt at a login's second step and returns whose login it is; `None`
    /// once it has expired, had `max_attempts` attempts, or never existed.
    async fn attempt_login_challenge(
        &self,
        token_hash: &str,
        max_attempts: i64,
    ) -> Result<Option<i64>>;
    async fn delete_login_challenge(&self, token_hash: &str) -> Result<()>;
}

/// Articles as the newsroom works on them: writing, workflow and corrections.
#[async_trait]
pub trait ArticleStore: Send + Sync {
    /// Every article in every state, newest change first; only those `author_id` wrote
    /// when given.
    async fn list_articles(&self, author_id: Option<i64>) -> Result<Vec<ArticleSummary>>;
    async fn count_articles(&self) -> Result<i64>;
    async fn slug_taken(&self, slug: &str) -> Result<bool>;
    async fn article_by_slug(&self, slug: &str) -> Result<Option<Article>>;
    async fn article_by_id(&self, id: i64) -> Result<Option<Article>>;

    /// Creates an article (a draft unless `published_at` is given) and its first revision.
    async fn create_article(
        &self,
        slug: &str,
        content: &Content,
        by: Option<&User>,
        published_at: Option<DateTime<Utc>>,
    ) -> Result<Article>;
    /// Replaces the content of article `id` if it is still at `base_version`; otherwise
    /// `Conflict`. Writes a revision.
    async fn update_article(
        &self,
        id: i64,
        base_version: i64,
        content: &Content,
        by: Option<&User>,
    ) -> Result<Article>;
    /// Moves article `id` (if still at `base_version`) to state `to`; the first move to
    /// published sets the publication time. Writes a revision.
    async fn set_status(
        &self,
        id: i64,
        base_version: i64,
        to: ArticleStatus,
        scheduled_at: Option<DateTime<Utc>>,
        by: Option<&User>,
    ) -> Result<Article>;
    /// Publishes article `id` if it is still at `base_version`.
    async fn publish_article(
        &self,
        id: i64,
        base_version: i64,
        by: Option<&User>,
    ) -> Result<Article> {
        self.set_status(id, base_version, ArticleStatus::Published, None, by)
            .await
    }
    /// Stores every article of an import in one transaction: all of them, or (on any
    /// error, or if the process dies) none. An article already at an item's address is
    /// replaced, and published when the item is.
    async fn import_articles(&self, items: &[ImportItem]) -> Result<Vec<Article>>;
    /// Publishes every scheduled article whose time has come, each exactly once even
    /// when several instances run this at the same moment.
    async fn publish_due(&self, at: DateTime<Utc>) -> Result<Vec<Article>>;
    /// Appends a correction to a published article; a substantive one moves its
    /// "updated" time.
    async fn add_correction(
        &self,
        id: i64,
        note: &str,
        substantive: bool,
        by: &User,
    ) -> Result<Article>;
}

/// The saved versions of each article.
#[async_trait]
pub trait RevisionStore: Send + Sync {
    async fn list_revisions(&self, id: i64) -> Result<Vec<RevisionInfo>>;
    async fn revision(&self, id: i64, version: i64) -> Result<Option<Article>>;
}

/// How many matching articles search ranks: the newest this many (see each backend's
/// `search_rows`); results are paged within them.
pub const SEARCH_WINDOW: i64 = 300;

/// What readers see: published articles, listings, tag and author pages, feeds and search.
#[async_trait]
pub trait ReaderStore: Send + Sync {
    /// How many articles are published.
    async fn count_published(&self) -> Result<i64>;
    async fn list_published(&self, limit: i64, offset: i64) -> Result<Vec<ArticleSummary>>;
    /// The newest corrections on published articles.
    async fn list_corrections(&self, limit: i64) -> Result<Vec<CorrectionEntry>>;

    /// Published articles sharing tags with article `id`, most shared tags first.
    async fn related_published(&self, id: i64, limit: i64) -> Result<Vec<ArticleSummary>>;
    /// The published articles just after and just before `article` (newer, older).
    async fn neighbours(
        &self,
        article: &Article,
    ) -> Result<(Option<ArticleSummary>, Option<ArticleSummary>)>;
    async fn tag_by_slug(&self, slug: &str) -> Result<Option<Tag>>;
    async fn list_published_by_tag(
        &self,
        tag_slug: &str,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<ArticleSummary>>;
    async fn author_by_slug(&self, slug: &str) -> Result<Option<AuthorProfile>>;
    async fn list_published_by_author(
        &self,
        author_slug: &str,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<ArticleSummary>>;
    /// Published articles first published after `since`, newest first.
    async fn published_since(
        &self,
        since: DateTime<Utc>,
        limit: i64,
    ) -> Result<Vec<ArticleSummary>>;
    /// The newest published articles in full as readers see them (for feeds), optionally
    /// under one tag: their HTML, without the Markdown sources.
    async fn latest_published_full(
        &self,
        tag_slug: Option<&str>,
        limit: i64,
    ) -> Result<Vec<Article>>;
    /// Full-text search over published articles, best match first: `limit` hits from
    /// `offset` on, and whether more follow them. `terms` are plain words (already
    /// stripped of query syntax).
    async fn search(&self, terms: &[String], limit: i64, offset: i64) -> Result<SearchResults>;
}

/// The order a desk query returns: one of the desk's sorts, or the review queue.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeskOrder {
    Sort(crate::model::DeskSort),
    /// Articles in review, the longest waiting first.
    Review,
}

/// A desk query with every filter resolved: which articles, in what order, from where.
#[derive(Clone, Debug)]
pub struct DeskQuery<'a> {
    pub status: Option<ArticleStatus>,
    /// Only articles under this user's byline (an author's own, or "Mine").
    pub byline: Option<i64>,
    /// Only articles by the author with this slug.
    pub author_slug: Option<&'a str>,
    pub tag_slug: Option<&'a str>,
    /// The sort time from this instant on.
    pub from: Option<DateTime<Utc>>,
    /// The sort time before this instant.
    pub until: Option<DateTime<Utc>>,
    /// Plain words (already stripped of query syntax) the headline or text must hold.
    pub terms: &'a [String],
    pub order: DeskOrder,
    /// The rows after (`false`) or before (`true`) this place, rather than the first.
    pub cursor: Option<(crate::model::DeskCursor, bool)>,
    pub limit: i64,
}

/// The staff desk (the article list under `/admin`) and editor presence.
#[async_trait]
pub trait DeskStore: Send + Sync {
    /// Up to `query.limit` rows in the query's order; when the cursor looks backwards,
    /// the rows just before it, still in the query's order.
    async fn desk_rows(&self, query: &DeskQuery<'_>) -> Result<Vec<crate::model::DeskRow>>;
    /// How many articles are in each status; only those under `byline` when given.
    async fn desk_counts(&self, byline: Option<i64>) -> Result<Vec<(ArticleStatus, i64)>>;
    /// Staff and byline-only authors with at least one article, by name.
    async fn desk_authors(&self) -> Result<Vec<crate::model::Author>>;
    /// Tags by name, at most `limit`.
    async fn desk_tags(&self, limit: i64) -> Result<Vec<Tag>>;
    /// Records that `user_id` has article `article_id` open at `at` (keeping when they
    /// opened it, unless their last sign of life is older than `expiry`), and returns the
    /// others who have it open, seen within `expiry`, longest first.
    async fn touch_presence(
        &self,
        article_id: i64,
        user_id: i64,
        at: DateTime<Utc>,
        expiry: chrono::Duration,
    ) -> Result<Vec<crate::model::EditorPresence>>;
    /// Forgets that `user_id` has article `article_id` open (the editor was closed).
    async fn leave_presence(&self, article_id: i64, user_id: i64) -> Result<()>;
}

/// Old addresses: renamed articles and byline-only authors linked to a staff account.
#[async_trait]
pub trait RedirectStore: Send + Sync {
    /// The current address of the published article that was at `/articles/{old_slug}`.
    async fn moved_article(&self, old_slug: &str) -> Result<Option<String>>;
    /// The staff author page that byline-only author `slug` was linked to.
    async fn moved_author(&self, slug: &str) -> Result<Option<String>>;
}

/// Byline-only authors (wire services, freelancers, "Staff").
#[async_trait]
pub trait BylineStore: Send + Sync {
    /// Links byline-only author `slug` to staff account `user_id`: its articles are
    /// credited to the account (in the same place in each byline) and its author page
    /// answers 301 to the account's. `NotFound` for an unknown or already linked byline.
    async fn link_byline(&self, slug: &str, user_id: i64) -> Result<()>;
}

/// A published article's language and translation link.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct LanguageLink {
    pub id: i64,
    pub slug: String,
    /// `None`: the site's language.
    pub language: Option<String>,
    pub translation_group: Option<i64>,
}

/// The publication's settings and the languages of articles.
#[async_trait]
pub trait SiteStore: Send + Sync {
    /// The stored publication settings as `(key, value)`; keys never set are absent.
    async fn site_settings(&self) -> Result<Vec<(String, String)>>;
    /// Stores every `(key, value)` in one transaction (values already checked).
    async fn set_site_settings(&self, values: &[(String, String)]) -> Result<()>;
    /// Sets article `id`'s language (`None`: the site's) and links it to the translations
    /// of article `translation_of` (`None` unlinks it). Leaves its version alone.
    async fn set_article_language(
        &self,
        id: i64,
        language: Option<&str>,
        translation_of: Option<i64>,
    ) -> Result<()>;
    /// The language of the article at `slug` when it has its own (`None`: the site's,
    /// or no such article).
    async fn article_language(&self, slug: &str) -> Result<Option<String>>;
    /// The published articles of translation group `group`, oldest first.
    async fn published_translations(&self, group: i64) -> Result<Vec<LanguageLink>>;
    /// Every published article with its own language or a translation link.
    async fn published_language_links(&self) -> Result<Vec<LanguageLink>>;
}

/// The parts of a site in the order a copy writes them: each refers only to parts
/// written before it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CopyPart {
    Users,
    RecoveryCodes,
    Settings,
    Bylines,
    Media,
    Articles,
    Redirects,
    ArticleMedia,
    Revisions,
}

impl CopyPart {
    pub const ALL: [CopyPart; 9] = [
        CopyPart::Users,
        CopyPart::RecoveryCodes,
        CopyPart::Settings,
        CopyPart::Bylines,
        CopyPart::Media,
        CopyPart::Articles,
        CopyPart::Redirects,
        CopyPart::ArticleMedia,
        CopyPart::Revisions,
    ];

    /// What the part holds, for progress lines.
    pub fn label(self) -> &'static str {
        match self {
            CopyPart::Users => "users",
            CopyPart::RecoveryCodes => "recovery codes",
            CopyPart::Settings => "settings",
            CopyPart::Bylines => "bylines",
            CopyPart::Media => "pictures",
            CopyPart::Articles => "articles",
            CopyPart::Redirects => "old addresses",
            CopyPart::ArticleMedia => "picture uses",
            CopyPart::Revisions => "revisions",
        }
    }
}

/// One batch of one part of a site being copied.
#[derive(Clone, Debug, PartialEq)]
pub enum CopyBatch {
    Users(Vec<UserRecord>),
    RecoveryCodes(Vec<(i64, String)>),
    Settings(Vec<(String, String)>),
    Bylines(Vec<BylineRecord>),
    Media(Vec<MediaRecord>),
    Articles(Vec<(Article, DateTime<Utc>)>),
    Redirects(Vec<(String, i64, DateTime<Utc>)>),
    ArticleMedia(Vec<(i64, i64)>),
    Revisions(Vec<RevisionRecord>),
}

impl CopyBatch {
    /// How many records the batch holds.
    pub fn len(&self) -> usize {
        match self {
            CopyBatch::Users(v) => v.len(),
            CopyBatch::RecoveryCodes(v) => v.len(),
            CopyBatch::Settings(v) => v.len(),
            CopyBatch::Bylines(v) => v.len(),
            CopyBatch::Media(v) => v.len(),
            CopyBatch::Articles(v) => v.len(),
            CopyBatch::Redirects(v) => v.len(),
            CopyBatch::ArticleMedia(v) => v.len(),
            CopyBatch::Revisions(v) => v.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl SiteCopy {
    /// Adds a batch's records to the matching part.
    pub fn add(&mut self, batch: CopyBatch) {
        match batch {
            CopyBatch::Users(v) => self.users.extend(v),
            CopyBatch::RecoveryCodes(v) => self.recovery_codes.extend(v),
            CopyBatch::Settings(v) => self.settings.extend(v),
            CopyBatch::Bylines(v) => self.bylines.extend(v),
            CopyBatch::Media(v) => self.media.extend(v),
            CopyBatch::Articles(v) => self.articles.extend(v),
            CopyBatch::Redirects(v) => self.redirects.extend(v),
            CopyBatch::ArticleMedia(v) => self.article_media.extend(v),
            CopyBatch::Revisions(v) => self.revisions.extend(v),
        }
    }

    /// The whole site as one batch per part, in writing order.
    pub fn batches(&self) -> Vec<CopyBatch> {
        vec![
            CopyBatch::Users(self.users.clone()),
            CopyBatch::RecoveryCodes(self.recovery_codes.clone()),
            CopyBatch::Settings(self.settings.clone()),
            CopyBatch::Bylines(self.bylines.clone()),
            CopyBatch::Media(self.media.clone()),
            CopyBatch::Articles(self.articles.clone()),
            CopyBatch::Redirects(self.redirects.clone()),
            CopyBatch::ArticleMedia(self.article_media.clone()),
            CopyBatch::Revisions(self.revisions.clone()),
        ]
    }
}

/// Reads a site in batches, all from one snapshot of its database, so a site that keeps
/// changing meanwhile is still copied as it was at one moment.
#[async_trait]
pub trait SiteReader: Send {
    /// The batch of `part` that follows cursor `after` (0 for the first), and the
    /// cursor of the next batch (`None`: the part is done).
    async fn read(&mut self, part: CopyPart, after: i64) -> Result<(CopyBatch, Option<i64>)>;
}

/// Writes a copied site into an empty database, all in one transaction: batches can
/// arrive one at a time, and nothing is kept unless [`SiteWriter::finish`] is reached.
#[async_trait]
pub trait SiteWriter: Send {
    async fn write(&mut self, batch: &CopyBatch) -> Result<()>;
    /// Commits everything written. Dropping the writer instead writes nothing.
    async fn finish(self: Box<Self>) -> Result<()>;
}

/// Copying a whole site between databases, keeping ids.
#[async_trait]
pub trait CopyStore: Send + Sync {
    /// Starts reading the site in batches (memory stays bounded whatever its size).
    async fn read_site(&self) -> Result<Box<dyn SiteReader>>;
    /// Starts writing a site into this database: `Conflict` if it already holds users
    /// or articles.
    async fn write_site(&self) -> Result<Box<dyn SiteWriter>>;

    /// Reads the whole site into memory (for comparing two sites).
    async fn export_site(&self) -> Result<SiteCopy> {
        let mut reader = self.read_site().await?;
        let mut site = SiteCopy::default();
        for part in CopyPart::ALL {
            let mut after = 0;
            loop {
                let (batch, next) = reader.read(part, after).await?;
                site.add(batch);
                match next {
                    Some(cursor) => after = cursor,
                    None => break,
                }
            }
        }
        Ok(site)
    }

    /// Writes a whole site held in memory into this (empty) database.
    async fn import_site(&self, site: &SiteCopy) -> Result<()> {
        let mut writer = self.write_site().await?;
        for batch in site.batches() {
            writer.write(&batch).await?;
        }
        writer.finish().await
    }
}

/// Everything the site keeps: each part is its own trait, so a caller brings into scope
/// the parts it uses.
pub trait Store:
    MaintenanceStore
    + AccountStore
    + SessionStore
    + TwoFactorStore
    + ArticleStore
    + RevisionStore
    + ReaderStore
    + DeskStore
    + CopyStore
    + RedirectStore
    + BylineStore
    + MediaStore
    + SiteStore
    + Send
    + Sync
    + 'static
{
}

impl<T> Store for T where
    T: MaintenanceStore
        + AccountStore
        + SessionStore
        + TwoFactorStore
        + ArticleStore
        + RevisionStore
        + ReaderStore
        + DeskStore
        + CopyStore
        + RedirectStore
        + BylineStore
        + MediaStore
        + SiteStore
        + Send
        + Sync
        + 'static
{
}

pub type DynStore = Arc<dyn Store>;

/// Opens the store named by `url` (`sqlite://…` or `postgres://…`).
pub async fn connect(url: &str) -> std::result::Result<DynStore, String> {
    if url.starts_with("sqlite:") {
        Ok(Arc::new(sqlite::SqliteStore::connect(url).await?))
    } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
        Ok(Arc::new(postgres::PgStore::connect(url).await?))
    } else {
        Err("DATABASE_URL must start with sqlite:// or postgres://".into())
    }
}
