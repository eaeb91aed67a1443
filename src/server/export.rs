//! Writing articles back in the plain-text article format (`gazette export`), so that
//! importing the files into an empty site gives the same articles.

use super::import;
use crate::model::{Article, ArticleDraft, ArticleImage};
use chrono::SecondsFormat;

/// `a` in the plain-text format: the metadata line (bylines, publication time, section
/// and further tags), the headline, `Dek:` and `Slug:` when the headline alone would not
/// give them back, then the body and each structured section.
pub fn to_text(a: &Article) -> String {
    let bylines = a
        .authors
        .iter()
        .map(|au| au.name.as_str())
        .collect::<Vec<_>>()
        .join("; ");
    let date = a
        .published_at
        .map(|d| d.to_rfc3339_opts(SecondsFormat::AutoSi, true))
        .unwrap_or_default();
    let section = a.tags.first().map(|t| t.name.as_str()).unwrap_or_default();
    let tags = a
        .tags
        .iter()
        .skip(1)
        .map(|t| t.name.as_str())
        .collect::<Vec<_>>()
        .join("; ");
    let mut out = format!("{bylines}, {date}, {section}, {tags}\n{}\n", a.title);
    let mut header = String::new();
    if !a.dek.is_empty() {
        header.push_str(&format!("Dek: {}\n", one_line(&a.dek)));
    }
    if a.slug != super::render::slugify(&a.title) {
        header.push_str(&format!("Slug: {}\n", a.slug));
    }
    if let Some(image) = &a.lead_image {
        let part = |s: &str| one_line(s).replace('|', "/");
        header.push_str(&format!(
            "Image: {} | {} | {} | {}\n",
            picture_path(image),
            part(&image.alt),
            part(&image.caption),
            part(&image.credit)
        ));
    }
    if !header.is_empty() {
        out.push('\n');
        out.push_str(&header);
    }
    if !a.body.markdown.trim().is_empty() {
        out.push('\n');
        out.push_str(a.body.markdown.trim());
        out.push('\n');
    }
    if !a.takeaways.is_empty() {
        out.push_str("\nKey Takeaways\n");
        for t in &a.takeaways {
            out.push_str(&format!("• {}\n", one_line(t)));
        }
    }
    if !a.analysis.markdown.trim().is_empty() {
        out.push_str("\nEditor’s Analysis & Impact\n");
        out.push_str(a.analysis.markdown.trim());
        out.push('\n');
    }
    if !a.faq.is_empty() {
        out.push_str("\nFrequently Asked Questions\n");
        for f in &a.faq {
            out.push_str(&format!(
                "\nQ: {}\nA: {}\n",
                one_line(&f.question),
                f.answer.markdown.trim()
            ));
        }
    }
    if let Some(d) = &a.disclosure {
        out.push_str(&format!("\nAI Disclosure: {}\n", d.statement.trim()));
    }
    out
}

/// Where the export puts the original of `image`, relative to the article files.
pub fn picture_path(image: &ArticleImage) -> String {
    format!("media/{}", image.media.hash)
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The parts of `a` that `text` (its export) would not give back exactly on import:
/// what the format can't hold (an AI tool or reviewer name, indented Markdown, a line
/// that reads as a section heading). Empty when the round trip is exact.
pub fn losses(a: &Article, text: &str) -> Vec<&'static str> {
    let Ok(back) = import::parse(text) else {
        return vec!["the whole article (the file would not import)"];
    };
    let want = ArticleDraft::from_article(a);
    let got = &back.draft;
    let mut out = Vec::new();
    let checks = [
        ("headline", want.title == got.title),
        ("dek", want.dek == got.dek),
        ("address", a.slug == import::slug_of(got)),
        ("body", same_text(&want.body, &got.body)),
        ("takeaways", want.takeaways == got.takeaways),
        ("analysis", same_text(&want.analysis, &got.analysis)),
        (
            "FAQ",
            want.faq.len() == got.faq.len()
                && want
                    .faq
                    .iter()
                    .zip(&got.faq)
                    .all(|(w, g)| w.question == g.question && same_text(&w.answer, &g.answer)),
        ),
        ("AI disclosure", want.disclosure == got.disclosure),
        ("tags", want.tags == got.tags),
        ("bylines", want.bylines == got.bylines),
        ("publication time", a.published_at == back.published_at),
        (
            "lead image words",
            a.lead_image
                .as_ref()
                .map(|i| (&i.alt, &i.caption, &i.credit))
                == back.image.as_ref().map(|i| (&i.alt, &i.caption, &i.credit)),
        ),
    ];
    for (name, same) in checks {
        if !same {
            out.push(name);
        }
    }
    out
}

/// Markdown equal up to trailing spaces and runs of blank lines, which render the same.
fn same_text(a: &str, b: &str) -> bool {
    fn norm(s: &str) -> String {
        let mut out = Vec::new();
        for line in s.trim().lines().map(str::trim_end) {
            if !(line.is_empty() && out.last().is_some_and(|l: &&str| l.is_empty())) {
                out.push(line);
            }
        }
        out.join("\n")
    }
    norm(a) == norm(b)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{AiDisclosure, AiLevel, ArticleStatus, Author, FaqItem, Rich, Tag};

    fn article() -> Article {
        let rich = |md: &str| Rich {
            markdown: md.into(),
            html: String::new(),
        };
        Article {
            id: 1,
            slug: "renamed-address".into(),
            title: "Harbour, Bridge & Tunnel Reopen".into(),
            dek: "Traffic is back.".into(),
            body: rich("First *paragraph*.\n\nSecond one."),
            takeaways: vec!["One".into(), "Two".into()],
            analysis: rich("Why it **matters**."),
            faq: vec![FaqItem {
                anchor: "faq-when".into(),
                question: "When?".into(),
                answer: rich("Today.\n\nAnd tomorrow."),
            }],
            disclosure: Some(AiDisclosure {
                level: AiLevel::Assisted,
                statement: "Research assisted by a language model.".into(),
                tool: None,
                reviewer: None,
            }),
            tags: vec![
                Tag {
                    slug: "world".into(),
                    name: "World".into(),
                },
                Tag {
                    slug: "space-flight".into(),
                    name: "Space Flight".into(),
                },
            ],
            authors: vec![
                Author {
                    slug: "a-writer".into(),
                    name: "A. Writer".into(),
                },
                Author {
                    slug: "wire-service".into(),
                    name: "Wire Service".into(),
                },
            ],
            lead_image: None,
            language: None,
            translation_group: None,
            status: ArticleStatus::Published,
            published_at: Some(
                chrono::DateTime::parse_from_rfc3339("2026-11-28T09:30:00.123456Z")
                    .unwrap()
                    .into(),
            ),
            scheduled_at: None,
            modified_at: None,
            updated_at: chrono::Utc::now(),
            version: 3,
            corrections: Vec::new(),
        }
    }

    #[test]
    fn an_exported_article_parses_back_to_the_same_fields() {
        let a = article();
        let text = to_text(&a);
        assert!(text.starts_with(
            "A. Writer; Wire Service, 2026-11-28T09:30:00.123456Z, World, Space Flight\n"
        ));
        assert_eq!(losses(&a, &text), Vec::<&str>::new());
    }

    #[test]
    fn a_lead_image_is_written_as_an_image_line_naming_the_exported_file() {
        let mut a = article();
        a.lead_image = Some(ArticleImage {
            media: crate::model::MediaRef {
                id: 7,
                hash: "ab12cd".into(),
                width: 1600,
                height: 900,
                focus_x: 50,
                focus_y: 50,
            },
            alt: "Boats at dawn".into(),
            caption: "The first boats.".into(),
            credit: "Ada Photographer".into(),
        });
        let text = to_text(&a);
        assert!(
            text.contains(
                "Image: media/ab12cd | Boats at dawn | The first boats. | Ada Photographer\n"
            ),
            "{text}"
        );
        assert_eq!(losses(&a, &text), Vec::<&str>::new());
        a.lead_image.as_mut().unwrap().caption = "Left | right".into();
        assert_eq!(losses(&a, &to_text(&a)), vec!["lead image words"]);
    }

    #[test]
    fn what_the_format_cannot_hold_is_named() {
        let mut a = article();
        a.body.markdown = "List:\n\n- one\n    - nested".into();
        if let Some(d) = a.disclosure.as_mut() {
            d.reviewer = Some("Erin Editor".into());
        }
        assert_eq!(losses(&a, &to_text(&a)), vec!["body", "AI disclosure"]);
    }
}
