//! Markdown to sanitised HTML, done once when an article is saved.

use super::db::Content;
use crate::model::{AiDisclosure, ArticleDraft, FaqItem, MediaRef, Rich, Tag, COLUMN_SIZES};
use pulldown_cmark::{html, CowStr, Event, HeadingLevel, Options, Parser, Tag as Md, TagEnd};
use std::collections::HashMap;

/// The uploaded pictures Markdown may show (`![alt](media:ID "caption")`), by id.
pub type Pictures = HashMap<i64, MediaRef>;

/// Renders and sanitises every Markdown field of a draft, trimming what an editor typed.
/// Pictures are left out (their alt text stands in): see [`content_with`].
pub fn content(draft: &ArticleDraft) -> Content {
    content_with(draft, &Pictures::new())
}

/// Like [`content`], showing the uploaded pictures the Markdown refers to that are in
/// `pictures` (the caller looks them up, refusing references to anything else).
pub fn content_with(draft: &ArticleDraft, pictures: &Pictures) -> Content {
    let mut tags: Vec<Tag> = Vec::new();
    for name in draft
        .tags
        .iter()
        .map(|t| t.trim())
        .filter(|t| !t.is_empty())
    {
        let slug = slugify(name);
        if !tags.iter().any(|t| t.slug == slug) {
            tags.push(Tag {
                slug,
                name: name.to_string(),
            });
        }
    }
    let disclosure = draft
        .disclosure
        .as_ref()
        .filter(|d| !d.statement.trim().is_empty())
        .map(|d| AiDisclosure {
            level: d.level,
            statement: d.statement.trim().to_string(),
            tool: d
                .tool
                .as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(String::from),
            reviewer: d
                .reviewer
                .as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(String::from),
        });
    Content {
        title: draft.title.trim().to_string(),
        dek: draft.dek.trim().to_string(),
        body: markdown_with(&draft.body, pictures),
        takeaways: draft
            .takeaways
            .iter()
            .map(|t| t.trim())
            .filter(|t| !t.is_empty())
            .map(String::from)
            .collect(),
        analysis: markdown_in(&draft.analysis, "an", pictures),
        faq: faq_with(draft, pictures),
        disclosure,
        tags,
        substantive: false,
        autosave: false,
        slug: Some(draft.slug.trim())
            .filter(|s| !s.is_empty())
            .map(String::from),
        bylines: Some(
            draft
                .bylines
                .iter()
                .map(|b| b.trim())
                .filter(|b| !b.is_empty())
                .map(String::from)
                .collect::<Vec<_>>(),
        )
        .filter(|b| !b.is_empty()),
        lead_image: draft.lead_image.clone().map(|mut l| {
            l.alt = l.alt.trim().to_string();
            l.caption = l.caption.trim().to_string();
            l.credit = l.credit.trim().to_string();
            l
        }),
        media_ids: pictures.keys().copied().collect(),
    }
}

/// Renders Markdown and strips anything unsafe (scripts, event handlers, `javascript:` URLs).
/// Section headings (`##`, `###`) get `sec-…` ids for the table of contents. Images are
/// left out (their alt text stands in): see [`markdown_with`].
pub fn markdown(source: &str) -> Rich {
    markdown_with(source, &Pictures::new())
}

/// Like [`markdown`], rendering `![alt](media:ID "caption")` as a responsive picture when
/// `ID` is in `pictures` (a figure with its caption when it stands alone in a paragraph).
/// Any other image, Markdown or HTML, is dropped: pages never load pictures from
/// elsewhere.
pub fn markdown_with(source: &str, pictures: &Pictures) -> Rich {
    markdown_in(source, "sec", pictures)
}

/// [`markdown_with`] for a field whose headings get ids starting `{prefix}-` (the body
/// `sec-`, the analysis `an-`, the FAQ answers `qa1-`, `qa2-`, …), so no two fields of a
/// page can give the same id. Ids written in raw HTML are dropped: only the ones made
/// here survive, so a heading can never take an id the page uses for something else.
pub fn markdown_in(source: &str, prefix: &str, pictures: &Pictures) -> Rich {
    let mut opts = Options::empty();
    opts.insert(Options::ENABLE_TABLES);
    opts.insert(Options::ENABLE_STRIKETHROUGH);
    opts.insert(Options::ENABLE_SMART_PUNCTUATION);
    let events: Vec<Event> = Parser::new_ext(source, opts).collect();
    let ids = heading_ids(&events, prefix);
    let ours: std::collections::HashSet<String> = ids.iter().map(|(id, _)| id.clone()).collect();
    let mut next_id = ids.into_iter();
    let events = events.into_iter().map(|e| match e {
        Event::Start(Md::Heading {
            level: level @ (HeadingLevel::H2 | HeadingLevel::H3),
            classes,
            attrs,
            ..
        }) => Event::Start(Md::Heading {
            level,
            id: next_id.next().map(|(id, _)| id.into()),
            classes,
            attrs,
        }),
        e => e,
    });
    let events = with_pictures(events.collect(), pictures);
    let mut raw = String::with_capacity(source.len() * 3 / 2);
    html::push_html(&mut raw, events.into_iter());
    let clean = ammonia::Builder::default()
        .link_rel(Some("noopener noreferrer"))
        .add_tag_attributes("h2", &["id"])
        .add_tag_attributes("h3", &["id"])
        .add_tags(&["picture", "source"])
        .add_tag_attributes("source", &["type", "srcset", "sizes"])
        .add_tag_attributes("img", &["srcset", "sizes", "loading", "decoding"])
        .attribute_filter(
            move |element, attribute, value| match (element, attribute) {
                ("img", "src" | "srcset") | ("source", "srcset") => {
                    only_uploaded(value).then(|| value.into())
                }
                ("h2" | "h3", "id") => ours.contains(value).then(|| value.into()),
                _ => Some(value.into()),
            },
        )
        .clean(&raw)
        .to_string();
    Rich {
        markdown: source.to_string(),
        html: clean,
    }
}

/// Whether every address in a `src` or `srcset` value is an uploaded picture's.
fn only_uploaded(value: &str) -> bool {
    value.split(',').all(|candidate| {
        candidate
            .split_whitespace()
            .next()
            .is_some_and(|url| url.starts_with("/media/") && !url.contains(".."))
    })
}

/// The uploaded picture an image address (`media:ID`) names, if it is in `pictures`.
pub fn picture_id(dest: &str) -> Option<i64> {
    dest.trim().strip_prefix("media:")?.trim().parse().ok()
}

/// Index of the `End(Image)` closing the image that starts at `start`.
fn image_end(events: &[Event], start: usize) -> usize {
    let mut depth = 0;
    for (i, e) in events.iter().enumerate().skip(start) {
        match e {
            Event::Start(Md::Image { .. }) => depth += 1,
            Event::End(TagEnd::Image) => {
                depth -= 1;
                if depth == 0 {
                    return i;
                }
            }
            _ => {}
        }
    }
    events.len().saturating_sub(1)
}

/// The plain text of an image's alt events.
fn alt_text(events: &[Event]) -> String {
    events
        .iter()
        .filter_map(|e| match e {
            Event::Text(t) | Event::Code(t) => Some(t.as_ref()),
            _ => None,
        })
        .collect()
}

/// Replaces Markdown images: uploaded pictures become `<picture>` (inside a `<figure>`
/// with the title as caption when alone in a paragraph), anything else its alt text.
fn with_pictures<'a>(events: Vec<Event<'a>>, pictures: &Pictures) -> Vec<Event<'a>> {
    let mut out = Vec::with_capacity(events.len());
    let mut i = 0;
    while i < events.len() {
        let alone = matches!(events[i], Event::Start(Md::Paragraph))
            && matches!(events.get(i + 1), Some(Event::Start(Md::Image { .. })))
            && matches!(
                events.get(image_end(&events, i + 1) + 1),
                Some(Event::End(TagEnd::Paragraph))
            );
        let at = if alone { i + 1 } else { i };
        let Event::Start(Md::Image {
            dest_url, title, ..
        }) = &events[at]
        else {
            out.push(events[i].clone());
            i += 1;
            continue;
        };
        let end = image_end(&events, at);
        let alt = alt_text(&events[at + 1..end]);
        let picture = picture_id(dest_url).and_then(|id| pictures.get(&id));
        match (picture, alone) {
            (Some(m), true) => out.push(Event::Html(CowStr::from(figure_html(m, &alt, title)))),
            (Some(m), false) => out.push(Event::InlineHtml(CowStr::from(picture_html(m, &alt)))),
            (None, true) if !alt.is_empty() => {
                out.push(Event::Start(Md::Paragraph));
                out.push(Event::Text(CowStr::from(alt)));
                out.push(Event::End(TagEnd::Paragraph));
            }
            (None, true) => {}
            (None, false) => out.push(Event::Text(CowStr::from(alt))),
        }
        i = if alone { end + 2 } else { end + 1 };
    }
    out
}

/// Escapes text for an HTML or XML attribute or element (`&`, `<`, `>`, `"`, `'`), in
/// one pass.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    let _ = pulldown_cmark_escape::escape_html(&mut out, text);
    out
}

/// A picture in the article column, loaded lazily: WebP for browsers that take it, JPEG
/// otherwise, every width offered, and its size given so the page doesn't jump.
fn picture_html(m: &MediaRef, alt: &str) -> String {
    let fallback = m.width_for(960);
    format!(
        "<picture><source type=\"image/webp\" srcset=\"{webp}\" sizes=\"{COLUMN_SIZES}\">\
         <img src=\"{src}\" srcset=\"{jpeg}\" sizes=\"{COLUMN_SIZES}\" width=\"{w}\" \
         height=\"{h}\" alt=\"{alt}\" loading=\"lazy\" decoding=\"async\"></picture>",
        webp = m.srcset("webp"),
        jpeg = m.srcset("jpg"),
        src = m.url(fallback, "jpg"),
        w = m.width,
        h = m.height,
        alt = escape(alt),
    )
}

/// [`picture_html`] in a figure, with `caption` under it when there is one.
fn figure_html(m: &MediaRef, alt: &str, caption: &str) -> String {
    let caption = caption.trim();
    let caption = if caption.is_empty() {
        String::new()
    } else {
        format!("<figcaption>{}</figcaption>", escape(caption))
    };
    format!("<figure>{}{caption}</figure>\n", picture_html(m, alt))
}

/// The `##`/`###` headings of `events` with unique `{prefix}-…` ids, in order.
fn heading_ids(events: &[Event], prefix: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    let mut current: Option<String> = None;
    for e in events {
        match e {
            Event::Start(Md::Heading {
                level: HeadingLevel::H2 | HeadingLevel::H3,
                ..
            }) => current = Some(String::new()),
            Event::Text(t) | Event::Code(t) => {
                if let Some(text) = current.as_mut() {
                    text.push_str(t);
                }
            }
            Event::End(TagEnd::Heading(HeadingLevel::H2 | HeadingLevel::H3)) => {
                if let Some(text) = current.take() {
                    let base = format!("{prefix}-{}", slugify(&text));
                    let mut id = base.clone();
                    let mut n = 2;
                    while out.iter().any(|(used, _)| *used == id) {
                        id = format!("{base}-{n}");
                        n += 1;
                    }
                    out.push((id, text));
                }
            }
            _ => {}
        }
    }
    out
}

/// The table of contents of a Markdown body: (anchor id, heading text) per section,
/// matching the ids [`markdown`] gives the headings.
pub fn table_of_contents(source: &str) -> Vec<(String, String)> {
    let events: Vec<Event> = Parser::new_ext(source, Options::ENABLE_SMART_PUNCTUATION).collect();
    heading_ids(&events, "sec")
}

/// The text of sanitised HTML, as a reader sees it: tags dropped (block ends become line
/// breaks) and the entities the renderer writes decoded. What search indexes and quotes,
/// so nothing of the Markdown source (comments, say) is ever found or shown.
pub fn html_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        out.push_str(&rest[..start]);
        match rest[start..].find('>') {
            Some(end) => {
                let tag = &rest[start..start + end + 1];
                const BLOCK_ENDS: [&str; 7] =
                    ["</p", "</li", "<br", "</h", "</blockquote", "</pre", "</tr"];
                if BLOCK_ENDS.iter().any(|b| tag.starts_with(b)) {
                    out.push('\n');
                }
                rest = &rest[start + end + 1..];
            }
            None => {
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// A URL- and id-safe slug; never empty.
pub fn slugify(text: &str) -> String {
    let s = slug::slugify(text);
    if s.is_empty() {
        "untitled".into()
    } else {
        s
    }
}

/// The rendered FAQ with a stable, unique `faq-…` anchor per question.
pub fn faq(draft: &ArticleDraft) -> Vec<FaqItem> {
    faq_with(draft, &Pictures::new())
}

/// [`faq`], showing the uploaded pictures in `pictures`.
fn faq_with(draft: &ArticleDraft, pictures: &Pictures) -> Vec<FaqItem> {
    let mut seen = std::collections::HashSet::new();
    draft
        .faq
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let base: String = slugify(&item.question).chars().take(60).collect();
            let base = format!("faq-{}", base.trim_end_matches('-'));
            let mut anchor = base.clone();
            let mut n = 2;
            while !seen.insert(anchor.clone()) {
                anchor = format!("{base}-{n}");
                n += 1;
            }
            FaqItem {
                anchor,
                question: item.question.trim().to_string(),
                answer: markdown_in(item.answer.trim(), &format!("qa{}", i + 1), pictures),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::FaqDraft;

    #[test]
    fn scripts_and_handlers_are_removed() {
        let r =
            markdown("Hi <script>alert(1)</script> <a href=\"javascript:x\" onclick=\"y\">l</a>");
        assert!(!r.html.contains("<script"));
        assert!(!r.html.contains("javascript:"));
        assert!(!r.html.contains("onclick"));
        assert!(r.html.contains("<p>Hi"));
    }

    #[test]
    fn section_headings_get_ids_matching_the_table_of_contents() {
        let md = "Intro.\n\n## What happened\n\nText.\n\n### Reaction\n\n## What happened\n";
        let r = markdown(md);
        assert!(
            r.html
                .contains(r#"<h2 id="sec-what-happened">What happened</h2>"#),
            "{}",
            r.html
        );
        assert!(r.html.contains(r#"<h3 id="sec-reaction">Reaction</h3>"#));
        assert!(r.html.contains(r#"<h2 id="sec-what-happened-2">"#));
        let toc: Vec<_> = table_of_contents(md)
            .into_iter()
            .map(|(id, _)| id)
            .collect();
        assert_eq!(
            toc,
            ["sec-what-happened", "sec-reaction", "sec-what-happened-2"]
        );
    }

    #[test]
    fn heading_ids_are_unique_per_field_and_raw_html_ids_are_dropped() {
        let draft = ArticleDraft {
            body: "## Context\n\n<h2 id=\"faq-what-happened\">Planted</h2>".into(),
            analysis: "## Context".into(),
            faq: vec![FaqDraft {
                question: "What happened?".into(),
                answer: "## Context\n\nText.".into(),
            }],
            ..ArticleDraft::default()
        };
        let c = content(&draft);
        assert!(
            c.body.html.contains(r#"<h2 id="sec-context">"#),
            "{}",
            c.body.html
        );
        assert!(c.body.html.contains("<h2>Planted</h2>"), "{}", c.body.html);
        assert!(!c.body.html.contains("faq-what-happened"));
        assert!(
            c.analysis.html.contains(r#"<h2 id="an-context">"#),
            "{}",
            c.analysis.html
        );
        assert!(c.faq[0].answer.html.contains(r#"<h2 id="qa1-context">"#));
        assert_eq!(c.faq[0].anchor, "faq-what-happened");
    }

    #[test]
    fn indexed_text_has_no_markup_and_no_hidden_source() {
        let r = markdown("A *bold* claim &amp; more.\n\n<!-- off the record -->\n\n- one\n- two");
        let text = html_text(&r.html);
        assert!(text.contains("A bold claim & more."), "{text}");
        assert!(
            text.contains("one\ntwo") || text.contains("one\n\ntwo"),
            "{text:?}"
        );
        assert!(
            !text.contains('<') && !text.contains("off the record"),
            "{text}"
        );
    }

    #[test]
    fn duplicate_questions_get_distinct_anchors() {
        let d = ArticleDraft {
            faq: vec![
                FaqDraft {
                    question: "Why?".into(),
                    answer: "a".into(),
                },
                FaqDraft {
                    question: "Why?".into(),
                    answer: "b".into(),
                },
            ],
            ..Default::default()
        };
        let items = faq(&d);
        assert_eq!(items[0].anchor, "faq-why");
        assert_eq!(items[1].anchor, "faq-why-2");
    }
}
