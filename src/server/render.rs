//! Markdown to sanitised HTML, done once when an article is saved.

use super::db::Content;
use crate::model::{AiDisclosure, ArticleDraft, FaqItem, Rich, Tag};
use pulldown_cmark::{html, Options, Parser};

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
    }
}

/// Renders Markdown and strips anything unsafe (scripts, event handlers, `javascript:` URLs).
pub fn markdown(source: &str) -> Rich {
    let mut opts = Options::empty();
    opts.insert(Options::ENABLE_TABLES);
    opts.insert(Options::ENABLE_STRIKETHROUGH);
    opts.insert(Options::ENABLE_SMART_PUNCTUATION);
    let mut raw = String::with_capacity(source.len() * 3 / 2);
    html::push_html(&mut raw, Parser::new_ext(source, opts));
    let clean = ammonia::Builder::default()
        .link_rel(Some("noopener noreferrer"))
        .clean(&raw)
        .to_string();
    Rich {
        markdown: source.to_string(),
        html: clean,
    }
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
