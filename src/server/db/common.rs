//! Row types, article assembly, search highlighting and the listing queries: the parts
//! of the store that do not depend on the backend. The SQL both backends run is in
//! `shared/`, included into `sqlite.rs` and `postgres.rs`.

use crate::model::{
    AiDisclosure, AiLevel, Article, ArticleStatus, ArticleSummary, Author, FaqItem, Rich, Role,
    Tag, User,
};
use chrono::{DateTime, Utc};
use std::borrow::Cow;

#[derive(sqlx::FromRow)]
pub struct UserRow {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub slug: String,
    pub role: String,
}

impl From<UserRow> for User {
    fn from(r: UserRow) -> Self {
        User {
            id: r.id,
            email: r.email,
            name: r.name,
            slug: r.slug,
            role: Role::parse(&r.role).unwrap_or(Role::Author),
            needs_two_factor: false,
        }
    }
}

/// A correction with the article it belongs to, for `/corrections`.
#[derive(sqlx::FromRow)]
pub struct CorrectionRow {
    #[sqlx(flatten)]
    pub article: SummaryRow,
    pub note: String,
    pub corrected_at: DateTime<Utc>,
}

#[derive(sqlx::FromRow)]
pub struct SessionUserRow {
    #[sqlx(flatten)]
    pub user: UserRow,
    pub last_seen_at: DateTime<Utc>,
    pub needs_two_factor: bool,
}

#[derive(sqlx::FromRow)]
pub struct UserHashRow {
    #[sqlx(flatten)]
    pub user: UserRow,
    pub password_hash: String,
}

#[derive(sqlx::FromRow)]
pub struct ArticleRow {
    pub id: i64,
    pub slug: String,
    pub title: String,
    pub dek: String,
    pub body_md: String,
    pub body_html: String,
    pub analysis_md: String,
    pub analysis_html: String,
    pub disclosure_level: Option<String>,
    pub disclosure_statement: Option<String>,
    pub disclosure_tool: Option<String>,
    pub disclosure_reviewer: Option<String>,
    pub status: String,
    pub published_at: Option<DateTime<Utc>>,
    pub scheduled_at: Option<DateTime<Utc>>,
    pub modified_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
    pub lead_media_id: Option<i64>,
    pub lead_alt: String,
    pub lead_caption: String,
    pub lead_credit: String,
    pub language: Option<String>,
    pub translation_group: Option<i64>,
}

#[derive(sqlx::FromRow)]
pub struct SummaryRow {
    pub id: i64,
    pub slug: String,
    pub title: String,
    pub dek: String,
    pub status: String,
    pub published_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
}

impl From<SummaryRow> for ArticleSummary {
    fn from(r: SummaryRow) -> Self {
        ArticleSummary {
            id: r.id,
            slug: r.slug,
            title: r.title,
            dek: r.dek,
            status: ArticleStatus::parse(&r.status).unwrap_or_default(),
            published_at: r.published_at,
            updated_at: r.updated_at,
            version: r.version,
            image: None,
            authors: Vec::new(),
            tags: Vec::new(),
        }
    }
}

#[derive(sqlx::FromRow)]
pub struct FaqRow {
    pub anchor: String,
    pub question: String,
    pub answer_md: String,
    pub answer_html: String,
}

#[derive(sqlx::FromRow)]
pub struct SlugNameRow {
    pub slug: String,
    pub name: String,
}

/// The current time at the precision both backends store (microseconds), so a copied
/// site compares equal to its source.
pub fn now() -> DateTime<Utc> {
    use chrono::SubsecRound;
    Utc::now().trunc_subsecs(6)
}

/// Assembles an article from its row and the rows of its parts.
pub fn assemble(
    r: ArticleRow,
    takeaways: Vec<String>,
    faq: Vec<FaqRow>,
    tags: Vec<SlugNameRow>,
    authors: Vec<SlugNameRow>,
    corrections: Vec<(String, DateTime<Utc>)>,
    lead_media: Option<crate::model::MediaRef>,
) -> Article {
    let disclosure = r.disclosure_level.as_deref().map(|level| AiDisclosure {
        level: AiLevel::parse(level).unwrap_or_default(),
        statement: r.disclosure_statement.unwrap_or_default(),
        tool: r.disclosure_tool,
        reviewer: r.disclosure_reviewer,
    });
    let lead_image = lead_media.map(|media| crate::model::ArticleImage {
        media,
        alt: r.lead_alt,
        caption: r.lead_caption,
        credit: r.lead_credit,
    });
    Article {
        lead_image,
        id: r.id,
        slug: r.slug,
        title: r.title,
        dek: r.dek,
        body: Rich {
            markdown: r.body_md,
            html: r.body_html,
        },
        takeaways,
        analysis: Rich {
            markdown: r.analysis_md,
            html: r.analysis_html,
        },
        faq: faq
            .into_iter()
            .map(|f| FaqItem {
                anchor: f.anchor,
                question: f.question,
                answer: Rich {
                    markdown: f.answer_md,
                    html: f.answer_html,
                },
            })
            .collect(),
        disclosure,
        tags: tags
            .into_iter()
            .map(|t| Tag {
                slug: t.slug,
                name: t.name,
            })
            .collect(),
        authors: authors
            .into_iter()
            .map(|a| Author {
                slug: a.slug,
                name: a.name,
            })
            .collect(),
        status: ArticleStatus::parse(&r.status).unwrap_or_default(),
        published_at: r.published_at,
        scheduled_at: r.scheduled_at,
        modified_at: r.modified_at,
        updated_at: r.updated_at,
        version: r.version,
        corrections: corrections
            .into_iter()
            .map(|(note, at)| crate::model::Correction { note, at })
            .collect(),
        language: r.language,
        translation_group: r.translation_group,
    }
}

/// A search hit: the article's summary and the text its snippet is cut from.
#[derive(sqlx::FromRow)]
pub struct SearchRow {
    #[sqlx(flatten)]
    pub summary: SummaryRow,
    pub search_dek: String,
    pub search_body: String,
    pub search_takeaways: String,
    pub search_faq: String,
}

impl SearchRow {
    /// The snippet for `terms`, from the dek, body, takeaways and FAQ in that order of
    /// preference.
    pub fn snippet(&self, terms: &super::snippet::Terms) -> String {
        super::snippet::snippet(
            terms,
            &[
                &self.search_dek,
                &self.search_body,
                &self.search_takeaways,
                &self.search_faq,
            ],
        )
    }
}

/// Marks a search snippet wraps around each match.
pub const MATCH_START: char = '\u{1}';
pub const MATCH_END: char = '\u{2}';

/// Escapes a snippet for HTML and turns the match marks into `<mark>` elements.
pub fn highlight(snippet: &str) -> String {
    let mut out = String::with_capacity(snippet.len() + 32);
    for c in snippet.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            MATCH_START => out.push_str("<mark>"),
            MATCH_END => out.push_str("</mark>"),
            c => out.push(c),
        }
    }
    out
}

/// The key an article is looked up by.
pub enum KeyArg<'a> {
    Id(i64),
    Slug(&'a str),
}

/// The article columns after its texts, shared by [`ARTICLE_SELECT`] and
/// [`ARTICLE_SELECT_HTML`].
macro_rules! article_columns_after_texts {
    () => {
        "disclosure_level, disclosure_statement, disclosure_tool, disclosure_reviewer, \
         status, published_at, scheduled_at, modified_at, updated_at, version, lead_media_id, \
         lead_alt, lead_caption, lead_credit, language, translation_group FROM articles WHERE "
    };
}

/// The article columns, for a query that appends its `WHERE` condition.
pub const ARTICLE_SELECT: &str = concat!(
    "SELECT id, slug, title, dek, body_md, body_html, analysis_md, analysis_html, ",
    article_columns_after_texts!()
);

/// [`ARTICLE_SELECT`] with the Markdown sources left empty, for documents made of the
/// HTML alone (feeds). The sources are as long as the HTML and, on PostgreSQL, stored
/// compressed: reading them doubled what a feed's twenty articles cost the database.
pub const ARTICLE_SELECT_HTML: &str = concat!(
    "SELECT id, slug, title, dek, '' AS body_md, body_html, '' AS analysis_md, analysis_html, ",
    article_columns_after_texts!()
);

/// The columns of a [`SummaryRow`] from `articles a`.
pub const SUMMARY_SELECT: &str = "SELECT a.id, a.slug, a.title, a.dek, a.status, a.published_at, \
     a.updated_at, a.version FROM articles a";

const NEWEST_FIRST: &str = "ORDER BY a.published_at DESC, a.id DESC";

/// The offset from which a reader's page finds its ids first (see
/// [`Listing::ids_first`]). Before it, fetching the rows passed over costs about what
/// planning the statement each time would.
const IDS_FIRST_FROM: i64 = 200;

/// Above this many matching articles, a filter (a tag, an author, search words) is
/// checked row by row while walking the list's order, so a page is found after a few
/// hundred rows; at or below it the matches are collected first and sorted, since a walk
/// would pass over most of the table. Measured on 100,000 articles: collecting the 20,000
/// articles of one author for the desk took 150 ms, and collecting a tag's 15,000 for
/// its fifth public page 107 ms on PostgreSQL.
pub const MANY_MATCHES: i64 = 1_000;

/// A filter by a tag's or an author's slug (staff and byline-only authors share one set
/// of slugs), in the forms the reader's listings and the desk both use.
#[derive(Clone, Copy)]
pub enum SlugFilter {
    Tag,
    Author,
}

impl SlugFilter {
    /// The ids of the matching articles, with the slug as `$n`.
    pub fn ids(self, n: usize) -> String {
        match self {
            SlugFilter::Tag => format!(
                "SELECT at.article_id FROM article_tags at \
                 JOIN tags t ON t.id = at.tag_id WHERE t.slug = ${n}"
            ),
            SlugFilter::Author => format!(
                "SELECT aa.article_id FROM article_authors aa \
                 JOIN users u ON u.id = aa.user_id WHERE u.slug = ${n} \
                 UNION ALL SELECT ab.article_id FROM article_bylines ab \
                 JOIN bylines b ON b.id = ab.byline_id WHERE b.slug = ${n}"
            ),
        }
    }

    /// A check of article `a` (rows when it matches), with the slug as `$n`.
    pub fn check(self, n: usize) -> String {
        match self {
            SlugFilter::Tag => format!(
                "SELECT 1 FROM article_tags at WHERE at.article_id = a.id \
                 AND at.tag_id = (SELECT id FROM tags WHERE slug = ${n})"
            ),
            SlugFilter::Author => format!(
                "SELECT 1 FROM article_authors aa JOIN users u ON u.id = aa.user_id \
                 WHERE aa.article_id = a.id AND u.slug = ${n} \
                 UNION ALL SELECT 1 FROM article_bylines ab JOIN bylines b ON b.id = ab.byline_id \
                 WHERE ab.article_id = a.id AND b.slug = ${n}"
            ),
        }
    }

    /// How many articles match the slug `$1`, counted up to `$2` through the indexes.
    pub fn count_sql(self) -> String {
        format!("SELECT COUNT(*) FROM ({} LIMIT $2) x", self.ids(1))
    }
}

/// An article filter: a row-by-row `EXISTS (check)` when `walk`, else `a.id IN (ids)`,
/// a list collected once (see [`MANY_MATCHES`]).
pub fn walk_or_collect(walk: bool, check: &str, ids: &str) -> String {
    if walk {
        format!("EXISTS ({check})")
    } else {
        format!("a.id IN ({ids})")
    }
}

/// Which article summaries a listing returns, and in what order.
pub enum Listing<'a> {
    /// Every article in every state, newest change first; only `author_id`'s when given.
    Staff { author_id: Option<i64> },
    /// Published articles, newest first.
    Published,
    /// Published articles under the tag with this slug, newest first.
    Tag(&'a str),
    /// Published articles by the author with this slug, newest first.
    Author(&'a str),
    /// Published articles first published after this time, newest first.
    Since(DateTime<Utc>),
    /// Published articles after this publication time and id, oldest first. (Compared as
    /// a row value: PostgreSQL's generic plan for the spelled-out `OR` walked the whole
    /// publication-time index, 200 ms at 100,000 articles.)
    Newer(DateTime<Utc>, i64),
    /// Published articles before this publication time and id, newest first.
    Older(DateTime<Utc>, i64),
}

impl Listing<'_> {
    /// How many parameters the listing's own condition takes (`$1`, `$2`).
    fn params(&self) -> usize {
        match self {
            Listing::Published => 0,
            Listing::Newer(..) | Listing::Older(..) => 2,
            _ => 1,
        }
    }

    /// The author filter of an author listing, with its slug. (A tag listing needs none:
    /// it reads a range of the tag rows' publication-time index.)
    pub fn slug_filter(&self) -> Option<(SlugFilter, &str)> {
        match self {
            Listing::Author(slug) => Some((SlugFilter::Author, slug)),
            _ => None,
        }
    }

    /// The query: the listing's own parameters first, then `LIMIT` and `OFFSET` for a
    /// `page` of `(limit, offset)`, as parameters or, on a reader's listing (see
    /// [`Listing::page_in_text`]), in the text. With `walk`, an author listing walks
    /// published articles newest first and checks each one (quick when the author has
    /// many articles); otherwise it collects the author's articles and sorts them (quick
    /// when they are few). See [`MANY_MATCHES`].
    pub fn sql(&self, page: Option<(i64, i64)>, walk: bool) -> String {
        let walked = |f: SlugFilter| {
            Cow::Owned(format!(
                "a.status = 'published' AND EXISTS ({})",
                f.check(1)
            ))
        };
        let (joins, condition, order): (Cow<str>, Cow<str>, &str) = match self {
            Listing::Staff { .. } => (
                "".into(),
                "$1 IS NULL OR EXISTS (SELECT 1 FROM article_authors aa \
                 WHERE aa.article_id = a.id AND aa.user_id = $1)"
                    .into(),
                "ORDER BY a.updated_at DESC, a.id DESC",
            ),
            Listing::Published => ("".into(), "a.status = 'published'".into(), NEWEST_FIRST),
            // The tag rows carry their article's publication time while it is published
            // (migration 0018), so a page is a range of their index whatever the tag.
            Listing::Tag(_) => (
                " JOIN article_tags at ON at.article_id = a.id".into(),
                "at.tag_id = (SELECT id FROM tags WHERE slug = $1) \
                 AND at.published_at IS NOT NULL"
                    .into(),
                "ORDER BY at.published_at DESC, at.article_id DESC",
            ),
            Listing::Author(_) if walk => ("".into(), walked(SlugFilter::Author), NEWEST_FIRST),
            Listing::Author(_) => (
                format!(
                    " JOIN ({}) x ON x.article_id = a.id",
                    SlugFilter::Author.ids(1)
                )
                .into(),
                "a.status = 'published'".into(),
                NEWEST_FIRST,
            ),
            Listing::Since(_) => (
                "".into(),
                "a.status = 'published' AND a.published_at > $1".into(),
                NEWEST_FIRST,
            ),
            Listing::Newer(..) => (
                "".into(),
                "a.status = 'published' AND (a.published_at, a.id) > ($1, $2)".into(),
                "ORDER BY a.published_at ASC, a.id ASC",
            ),
            Listing::Older(..) => (
                "".into(),
                "a.status = 'published' AND (a.published_at, a.id) < ($1, $2)".into(),
                NEWEST_FIRST,
            ),
        };
        let Some((limit, offset)) = page else {
            return format!("{SUMMARY_SELECT}{joins} WHERE {condition} {order}");
        };
        if self.ids_first(page) {
            format!(
                "{SUMMARY_SELECT} WHERE a.id IN (SELECT a.id FROM articles a{joins} \
                 WHERE {condition} {order} LIMIT {limit} OFFSET {offset}) {NEWEST_FIRST}"
            )
        } else if self.page_in_text(page) {
            format!(
                "{SUMMARY_SELECT}{joins} WHERE {condition} {order} LIMIT {limit} OFFSET {offset}"
            )
        } else {
            let n = self.params();
            format!(
                "{SUMMARY_SELECT}{joins} WHERE {condition} {order} LIMIT ${} OFFSET ${}",
                n + 1,
                n + 2
            )
        }
    }

    /// Whether `page`'s limit and offset are numbers in the statement's text rather than
    /// parameters: on a reader's listing, always. PostgreSQL plans a statement whose limit
    /// is a parameter again on every run (its plan for any limit would assume a tenth of
    /// the table), 0.1–0.26 ms of planning per page, against none for a kept statement
    /// with the numbers in it. The shallow pages' statements are few (ten offsets per
    /// listing) and stay prepared; the deep ones are made for one request (see
    /// [`Listing::ids_first`]).
    pub fn page_in_text(&self, page: Option<(i64, i64)>) -> bool {
        matches!(
            self,
            Listing::Published | Listing::Tag(_) | Listing::Author(_)
        ) && page.is_some()
    }

    /// Whether `page` of this listing finds its ids first and then reads only their rows:
    /// a reader's listing from [`IDS_FIRST_FROM`] articles in. PostgreSQL otherwise
    /// fetches the row of every article the offset passes over (1,000 rows for page 50 of
    /// the home page: 7.8 ms, against 0.3 ms from the index alone). The limit and offset are then
    /// numbers in the statement's text, which is not kept prepared (see
    /// `bare_summaries`): as parameters, PostgreSQL's plan for any page assumed a tenth
    /// of the table and read all of it (146 ms). The listing's order is the articles'
    /// publication order (a tag row's time is its article's).
    pub fn ids_first(&self, page: Option<(i64, i64)>) -> bool {
        matches!(
            self,
            Listing::Published | Listing::Tag(_) | Listing::Author(_)
        ) && page.is_some_and(|(_, offset)| offset >= IDS_FIRST_FROM)
    }
}
