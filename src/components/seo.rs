//! What machines read in an article page: `<head>` tags (description, canonical,
//! OpenGraph, Twitter card, `hreflang` alternates of its translations) and one JSON-LD
//! graph (`NewsArticle` + `FAQPage`).

use crate::model::{AiLevel, ArticlePage, SiteSettings};
use leptos::prelude::*;
use leptos_meta::{Link, Meta, Title};
use serde_json::{json, Value};

/// The IPTC digital source type for text a trained model generated.
pub const IPTC_TRAINED_ALGORITHMIC_MEDIA: &str =
    "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia";

/// The text a page describes itself with: the dek, else the first takeaway.
pub fn description(page: &ArticlePage) -> String {
    let a = &page.article;
    if !a.dek.is_empty() {
        a.dek.clone()
    } else {
        a.takeaways.first().cloned().unwrap_or_default()
    }
}

pub fn canonical(page: &ArticlePage) -> String {
    format!("{}/articles/{}", page.public_url, page.article.slug)
}

/// The JSON-LD graph, escaped so that no field can close the `<script>` it sits in.
pub fn json_ld(page: &ArticlePage, site: &SiteSettings) -> String {
    let a = &page.article;
    let url = canonical(page);
    let authors: Vec<Value> = a
        .authors
        .iter()
        .map(|p| {
            json!({
                "@type": "Person",
                "name": p.name,
                "url": format!("{}/authors/{}", page.public_url, p.slug),
            })
        })
        .collect();
    let mut article = json!({
        "@type": "NewsArticle",
        "@id": format!("{url}#article"),
        "headline": a.title,
        "description": description(page),
        "author": authors,
        "datePublished": a.published_at.map(|t| t.to_rfc3339()),
        "dateModified": a.reader_modified().or(a.published_at).map(|t| t.to_rfc3339()),
        "publisher": publisher(page, site),
        "inLanguage": page.language,
        "mainEntityOfPage": { "@type": "WebPage", "@id": url },
        "keywords": a.tags.iter().map(|t| t.name.as_str()).collect::<Vec<_>>(),
        "isAccessibleForFree": true,
    });
    if let Some(image) = &a.lead_image {
        article["image"] = json!(image
            .media
            .crops()
            .into_iter()
            .map(|(path, width, height)| json!({
                "@type": "ImageObject",
                "url": format!("{}{path}", page.public_url),
                "width": width,
                "height": height,
                "caption": image.alt,
            }))
            .collect::<Vec<_>>());
    }
    if a.disclosure
        .as_ref()
        .is_some_and(|d| d.level == AiLevel::GeneratedReviewed)
    {
        article["digitalSourceType"] = json!(IPTC_TRAINED_ALGORITHMIC_MEDIA);
    }
    if !a.corrections.is_empty() {
        article["correction"] = json!(a
            .corrections
            .iter()
            .map(|c| json!({
                "@type": "CorrectionComment",
                "text": c.note,
                "datePublished": c.at.to_rfc3339(),
            }))
            .collect::<Vec<_>>());
    }
    let mut graph = vec![article];
    if !a.faq.is_empty() {
        graph.push(json!({
            "@type": "FAQPage",
            "@id": format!("{url}#faq"),
            "mainEntity": a.faq.iter().map(|f| json!({
                "@type": "Question",
                "name": f.question,
                "acceptedAnswer": { "@type": "Answer", "text": f.answer.html },
            })).collect::<Vec<_>>(),
        }));
    }
    escape_for_script(&json!({ "@context": "https://schema.org", "@graph": graph }).to_string())
}

/// The publication as an `Organization`, with its social profiles.
fn publisher(page: &ArticlePage, site: &SiteSettings) -> Value {
    let mut org = json!({
        "@type": "Organization",
        "name": site.name,
        "url": page.public_url,
    });
    if !site.same_as.is_empty() {
        org["sameAs"] = json!(site.same_as);
    }
    if let Some((logo, width)) = site.logo_at(LOGO_WIDTH) {
        org["logo"] = json!({
            "@type": "ImageObject",
            "url": format!("{}{}", page.public_url, logo.url(width, "jpg")),
            "width": width,
            "height": logo.height_at(width),
        });
    }
    org
}

/// The logo variant search engines get (Google asks for at least 112 pixels).
const LOGO_WIDTH: u32 = 640;

/// Makes JSON safe inside `<script>`: `<`, `>` and `&` become `\u` escapes, which JSON
/// parsers read back as the same characters.
pub fn escape_for_script(json: &str) -> String {
    json.replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
        .replace('\u{2028}', "\\u2028")
        .replace('\u{2029}', "\\u2029")
}

#[component]
pub fn ArticleHead(page: ArticlePage) -> impl IntoView {
    let site = super::site::site();
    let a = &page.article;
    let title = format!("{} · {}", a.title, site.name);
    let desc = description(&page);
    let url = canonical(&page);
    let published = a.published_at.map(|t| t.to_rfc3339()).unwrap_or_default();
    let modified = a
        .reader_modified()
        .or(a.published_at)
        .map(|t| t.to_rfc3339())
        .unwrap_or_default();
    let ld = json_ld(&page, &site);
    // The 16:9 crop: what social networks show in a large card.
    let image = a.lead_image.as_ref().and_then(|i| {
        let (path, width, height) = i.media.crops().into_iter().next()?;
        Some(view! {
            <Meta property="og:image" content=format!("{}{path}", page.public_url)/>
            <Meta property="og:image:width" content=width.to_string()/>
            <Meta property="og:image:height" content=height.to_string()/>
            <Meta property="og:image:alt" content=i.alt.clone()/>
            <Meta name="twitter:image:alt" content=i.alt.clone()/>
        })
    });
    let card = if image.is_some() {
        "summary_large_image"
    } else {
        "summary"
    };
    let alternates = (!page.alternates.is_empty()).then(|| {
        let link = |lang: String, slug: &str| {
            let href = format!("{}/articles/{slug}", page.public_url);
            view! { <Link rel="alternate" hreflang=lang href=href/> }
        };
        let mut links: Vec<_> = page
            .alternates
            .iter()
            .map(|alt| link(alt.language.clone(), &alt.slug))
            .collect();
        if let Some(slug) = &page.x_default {
            links.push(link("x-default".into(), slug));
        }
        links
    });
    view! {
        <Title text=title/>
        <Meta name="description" content=desc.clone()/>
        <Link rel="canonical" href=url.clone()/>
        <Meta property="og:type" content="article"/>
        <Meta property="og:site_name" content=site.name.clone()/>
        <Meta property="og:locale" content=SiteSettings::og_locale(&page.language)/>
        <Meta property="og:title" content=a.title.clone()/>
        <Meta property="og:description" content=desc.clone()/>
        <Meta property="og:url" content=url/>
        <Meta property="article:published_time" content=published/>
        <Meta property="article:modified_time" content=modified/>
        {image}
        <Meta name="twitter:card" content=card/>
        <Meta name="twitter:title" content=a.title.clone()/>
        <Meta name="twitter:description" content=desc/>
        {alternates}
        <script type="application/ld+json" inner_html=ld></script>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_breakouts_are_escaped() {
        let s = escape_for_script(r#"{"a":"</script><b>&"}"#);
        assert!(!s.contains('<') && !s.contains('>'));
        let back: Value = serde_json::from_str(&s).unwrap();
        assert_eq!(back["a"], "</script><b>&");
    }
}
