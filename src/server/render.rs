//! Markdown to sanitised HTML, done once when an article is saved.

use super::db::Content;
use crate::model::{AiDisclosure, ArticleDraft, FaqItem, Rich, Tag};
use pulldown_cmark::{html, Event, HeadingLevel, Options, Parser, Tag as Md, TagEnd};

/// Renders and sanitises every Markdown field of a draft, trimming what an editor typed.
pub fn content(draft: &ArticleDraft) -> Content {
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
        body: markdown(&draft.body),
        takeaways: draft
            .takeaways
            .iter()
            .map(|t| t.trim())
            .filter(|t| !t.is_empty())
            .map(String::from)
            .collect(),
        analysis: markdown(&draft.analysis),
        faq: faq(draft),
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
    }
}

/// Renders Markdown and strips anything unsafe (scripts, event handlers, `javascript:` URLs).
/// Section headings (`##`, `###`) get `sec-…` ids for the table of contents.
pub fn markdown(source: &str) -> Rich {
    let mut opts = Options::empty();
    opts.insert(Options::ENABLE_TABLES);
    opts.insert(Options::ENABLE_STRIKETHROUGH);
    opts.insert(Options::ENABLE_SMART_PUNCTUATION);
    let events: Vec<Event> = Parser::new_ext(source, opts).collect();
    let ids = heading_ids(&events);
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
    let mut raw = String::with_capacity(source.len() * 3 / 2);
    html::push_html(&mut raw, events);
    let clean = ammonia::Builder::default()
        .link_rel(Some("noopener noreferrer"))
        .add_tag_attributes("h2", &["id"])
        .add_tag_attributes("h3", &["id"])
        .clean(&raw)
        .to_string();
    Rich {
        markdown: source.to_string(),
        html: clean,
    }
}

/// The `##`/`###` headings of `events` with unique `sec-…` ids, in order.
fn heading_ids(events: &[Event]) -> Vec<(String, String)> {
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
                    let base = format!("sec-{}", slugify(&text));
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
    heading_ids(&events)
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
    let mut seen = std::collections::HashSet::new();
    draft
        .faq
        .iter()
        .map(|item| {
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
                answer: markdown(item.answer.trim()),
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
