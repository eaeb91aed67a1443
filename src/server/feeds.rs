//! Machine-read documents: RSS 2.0 feeds (site and per tag) with full sanitised content,
//! the sitemap, the Google News sitemap and robots.txt.

use super::db::LanguageLink;
use super::render::escape;
use super::settings::CurrentSite;
use super::state::AppState;
use crate::error::AppError;
use crate::model::{Article, SiteSettings};
use axum::extract::{Extension, Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::{Duration, Utc};
use rss::{ChannelBuilder, GuidBuilder, ItemBuilder};

const FEED_ITEMS: i64 = 20;
const SITEMAP_MAX: i64 = 50_000;
const NEWS_SITEMAP_MAX: i64 = 1_000;

fn xml(body: String, content_type: &'static str) -> Response {
    ([(header::CONTENT_TYPE, content_type)], body).into_response()
}

fn failure(e: AppError) -> Response {
    let status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (status, e.to_string()).into_response()
}

/// The article as one HTML document: body, takeaways, analysis, FAQ and disclosure.
fn full_html(a: &Article) -> String {
    let mut html = a.body.html.clone();
    if !a.takeaways.is_empty() {
        html.push_str("<h2>Key Takeaways</h2><ul>");
        for t in &a.takeaways {
            html.push_str(&format!("<li>{}</li>", escape(t)));
        }
        html.push_str("</ul>");
    }
    if !a.analysis.html.is_empty() {
        html.push_str("<h2>Editor’s Analysis &amp; Impact</h2>");
        html.push_str(&a.analysis.html);
    }
    if !a.faq.is_empty() {
        html.push_str("<h2>Frequently Asked Questions</h2>");
        for f in &a.faq {
            html.push_str(&format!(
                "<h3>{}</h3>{}",
                escape(&f.question),
                f.answer.html
            ));
        }
    }
    if let Some(d) = &a.disclosure {
        html.push_str(&format!(
            "<h2>AI Disclosure</h2><p><strong>{}</strong></p><p>{}</p>",
            d.level.label(),
            escape(&d.statement)
        ));
    }
    html
}

/// The Media RSS namespace (`media:content` for each item's lead image).
const MEDIA_RSS: &str = "http://search.yahoo.com/mrss/";

/// `media:content` for the lead image: its 1280-pixel JPEG (or the largest below),
/// with its size and alt text.
fn media_content(base: &str, a: &Article) -> rss::extension::ExtensionMap {
    let mut map = rss::extension::ExtensionMap::default();
    let Some(image) = &a.lead_image else {
        return map;
    };
    let m = &image.media;
    let width = m.width_for(1280);
    let mut attrs = std::collections::BTreeMap::new();
    attrs.insert("url".to_string(), format!("{base}{}", m.url(width, "jpg")));
    attrs.insert("type".to_string(), "image/jpeg".to_string());
    attrs.insert("medium".to_string(), "image".to_string());
    attrs.insert("width".to_string(), width.to_string());
    attrs.insert("height".to_string(), m.height_at(width).to_string());
    let mut children = std::collections::BTreeMap::new();
    if !image.alt.is_empty() {
        children.insert(
            "description".to_string(),
            vec![rss::extension::Extension {
                name: "media:description".into(),
                value: Some(image.alt.clone()),
                attrs: Default::default(),
                children: Default::default(),
            }],
        );
    }
    let content = rss::extension::Extension {
        name: "media:content".into(),
        value: None,
        attrs,
        children,
    };
    map.entry("media".to_string())
        .or_default()
        .insert("content".to_string(), vec![content]);
    map
}

fn rss_feed(
    state: &AppState,
    site: &SiteSettings,
    title: String,
    link: String,
    articles: &[Article],
) -> String {
    let base = &state.config.public_url;
    let items = articles
        .iter()
        .map(|a| {
            let url = format!("{base}/articles/{}", a.slug);
            ItemBuilder::default()
                .title(Some(a.title.clone()))
                .link(Some(url.clone()))
                .guid(Some(
                    GuidBuilder::default().value(url).permalink(true).build(),
                ))
                .pub_date(a.published_at.map(|t| t.to_rfc2822()))
                .description((!a.dek.is_empty()).then(|| a.dek.clone()))
                .author((!a.authors.is_empty()).then(|| {
                    a.authors
                        .iter()
                        .map(|p| p.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                }))
                .categories(
                    a.tags
                        .iter()
                        .map(|t| rss::Category {
                            name: t.name.clone(),
                            domain: None,
                        })
                        .collect::<Vec<_>>(),
                )
                .content(Some(full_html(a)))
                .extensions(media_content(base, a))
                .dublin_core_ext(a.language.as_ref().map(|language| {
                    rss::extension::dublincore::DublinCoreExtension {
                        languages: vec![language.clone()],
                        ..Default::default()
                    }
                }))
                .build()
        })
        .collect::<Vec<_>>();
    ChannelBuilder::default()
        .title(title)
        .link(link)
        .description(site.describe())
        .language(Some(site.language.clone()))
        .last_build_date(articles.first().map(|a| a.updated_at.to_rfc2822()))
        .items(items)
        .namespaces([("media".to_string(), MEDIA_RSS.to_string())])
        .build()
        .to_string()
}

/// `GET /feed.xml`
pub async fn site_feed(
    State(state): State<AppState>,
    Extension(CurrentSite(site)): Extension<CurrentSite>,
) -> Response {
    match state.store.latest_published_full(None, FEED_ITEMS).await {
        Ok(articles) => {
            let link = format!("{}/", state.config.public_url);
            xml(
                rss_feed(&state, &site, site.name.clone(), link, &articles),
                "application/rss+xml; charset=utf-8",
            )
        }
        Err(e) => failure(e),
    }
}

/// `GET /tags/{slug}/feed.xml`
pub async fn tag_feed(
    State(state): State<AppState>,
    Extension(CurrentSite(site)): Extension<CurrentSite>,
    Path(slug): Path<String>,
) -> Response {
    let tag = match state.store.tag_by_slug(&slug).await {
        Ok(Some(tag)) => tag,
        Ok(None) => return failure(AppError::NotFound),
        Err(e) => return failure(e),
    };
    match state
        .store
        .latest_published_full(Some(&slug), FEED_ITEMS)
        .await
    {
        Ok(articles) => {
            let link = format!("{}/tags/{slug}", state.config.public_url);
            let title = format!("{}: {}", site.name, tag.name);
            xml(
                rss_feed(&state, &site, title, link, &articles),
                "application/rss+xml; charset=utf-8",
            )
        }
        Err(e) => failure(e),
    }
}

/// `GET /sitemap.xml`: a sitemap index naming one file per [`SITEMAP_MAX`] published
/// articles (the protocol's limit per file), so a site of any size stays readable.
pub async fn sitemap(State(state): State<AppState>) -> Response {
    let base = &state.config.public_url;
    match state.store.count_published().await {
        Ok(count) => {
            let files = ((count + SITEMAP_MAX - 1) / SITEMAP_MAX).max(1);
            let mut out = String::from(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
                 <sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
            );
            for n in 1..=files {
                out.push_str(&format!(
                    "<sitemap><loc>{}</loc></sitemap>\n",
                    escape(&format!("{base}/sitemaps/{n}.xml"))
                ));
            }
            out.push_str("</sitemapindex>\n");
            xml(out, "application/xml; charset=utf-8")
        }
        Err(e) => failure(e),
    }
}

/// `GET /sitemaps/{n}.xml`: the n-th [`SITEMAP_MAX`] published articles, newest first,
/// each with its last change (the first file also names the home page).
pub async fn sitemap_file(
    State(state): State<AppState>,
    Extension(CurrentSite(site)): Extension<CurrentSite>,
    Path(file): Path<String>,
) -> Response {
    let Some(n) = file
        .strip_suffix(".xml")
        .and_then(|n| n.parse::<i64>().ok())
        .filter(|n| (1..=1_000).contains(n))
    else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let base = &state.config.public_url;
    let links = match state.store.published_language_links().await {
        Ok(links) => links,
        Err(e) => return failure(e),
    };
    let languages = Languages::new(links, &site.language);
    match state
        .store
        .list_published(SITEMAP_MAX, (n - 1) * SITEMAP_MAX)
        .await
    {
        Ok(list) if list.is_empty() && n > 1 => StatusCode::NOT_FOUND.into_response(),
        Ok(list) => {
            let mut out = String::from(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
                 <urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" \
                 xmlns:xhtml=\"http://www.w3.org/1999/xhtml\">\n",
            );
            if n == 1 {
                out.push_str(&format!("<url><loc>{}/</loc></url>\n", escape(base)));
            }
            for a in list {
                let mut alternates = String::new();
                for (hreflang, slug) in languages.alternates(a.id) {
                    alternates.push_str(&format!(
                        "<xhtml:link rel=\"alternate\" hreflang=\"{}\" href=\"{}\"/>",
                        escape(&hreflang),
                        escape(&format!("{base}/articles/{slug}"))
                    ));
                }
                out.push_str(&format!(
                    "<url><loc>{}</loc><lastmod>{}</lastmod>{alternates}</url>\n",
                    escape(&format!("{base}/articles/{}", a.slug)),
                    a.updated_at.to_rfc3339()
                ));
            }
            out.push_str("</urlset>\n");
            xml(out, "application/xml; charset=utf-8")
        }
        Err(e) => failure(e),
    }
}

/// `GET /news-sitemap.xml`: articles of the last 48 hours (at most 1,000), with the
/// Google News extension.
pub async fn news_sitemap(
    State(state): State<AppState>,
    Extension(CurrentSite(site)): Extension<CurrentSite>,
) -> Response {
    let base = &state.config.public_url;
    let since = Utc::now() - Duration::hours(48);
    let languages = match state.store.published_language_links().await {
        Ok(links) => Languages::new(links, &site.language),
        Err(e) => return failure(e),
    };
    match state.store.published_since(since, NEWS_SITEMAP_MAX).await {
        Ok(list) => {
            let mut out = String::from(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
                 <urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" \
                 xmlns:news=\"http://www.google.com/schemas/sitemap-news/0.9\">\n",
            );
            for a in list {
                let Some(published) = a.published_at else {
                    continue;
                };
                out.push_str(&format!(
                    "<url><loc>{}</loc><news:news><news:publication><news:name>{}</news:name>\
                     <news:language>{}</news:language></news:publication>\
                     <news:publication_date>{}</news:publication_date><news:title>{}</news:title>\
                     </news:news></url>\n",
                    escape(&format!("{base}/articles/{}", a.slug)),
                    escape(&site.name),
                    escape(languages.of(a.id)),
                    published.to_rfc3339(),
                    escape(&a.title)
                ));
            }
            out.push_str("</urlset>\n");
            xml(out, "application/xml; charset=utf-8")
        }
        Err(e) => failure(e),
    }
}

/// The languages and translation links of published articles, for the sitemaps.
struct Languages {
    site: String,
    by_id: std::collections::HashMap<i64, LanguageLink>,
    groups: std::collections::HashMap<i64, Vec<i64>>,
}

impl Languages {
    fn new(links: Vec<LanguageLink>, site_language: &str) -> Self {
        let mut groups: std::collections::HashMap<i64, Vec<i64>> = Default::default();
        for l in &links {
            if let Some(g) = l.translation_group {
                groups.entry(g).or_default().push(l.id);
            }
        }
        Languages {
            site: site_language.to_string(),
            by_id: links.into_iter().map(|l| (l.id, l)).collect(),
            groups,
        }
    }

    /// The language article `id` is in.
    fn of(&self, id: i64) -> &str {
        self.by_id
            .get(&id)
            .and_then(|l| l.language.as_deref())
            .unwrap_or(&self.site)
    }

    /// `(hreflang, slug)` of every published translation of article `id`, itself
    /// included, then `x-default` (the original); nothing for an article without any.
    fn alternates(&self, id: i64) -> Vec<(String, String)> {
        let Some(group) = self.by_id.get(&id).and_then(|l| l.translation_group) else {
            return Vec::new();
        };
        let members = &self.groups[&group];
        if members.len() < 2 {
            return Vec::new();
        }
        let mut out: Vec<(String, String)> = members
            .iter()
            .map(|m| (self.of(*m).to_string(), self.by_id[m].slug.clone()))
            .collect();
        let original = members.iter().find(|m| **m == group).unwrap_or(&members[0]);
        out.push(("x-default".into(), self.by_id[original].slug.clone()));
        out
    }
}

/// `GET /robots.txt`
pub async fn robots(State(state): State<AppState>) -> Response {
    let base = &state.config.public_url;
    let body = format!(
        "User-agent: *\nDisallow: /admin\nDisallow: /api/\n\nSitemap: {base}/sitemap.xml\nSitemap: {base}/news-sitemap.xml\n"
    );
    ([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], body).into_response()
}
