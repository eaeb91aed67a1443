//! Readable differences between two revisions of an article.

use crate::model::{Article, DiffKind, FieldDiff};
use similar::{ChangeTag, TextDiff};

/// The fields of an article as editors read them, one text per field.
fn fields(a: &Article) -> Vec<(&'static str, String)> {
    let disclosure = a
        .disclosure
        .as_ref()
        .map(|d| {
            format!(
                "{}\n{}\nTool: {}\nReviewer: {}",
                d.level.label(),
                d.statement,
                d.tool.as_deref().unwrap_or("-"),
                d.reviewer.as_deref().unwrap_or("-")
            )
        })
        .unwrap_or_default();
    vec![
        ("Headline", a.title.clone()),
        ("Dek", a.dek.clone()),
        ("Body", a.body.markdown.clone()),
        ("Key Takeaways", a.takeaways.join("\n")),
        ("Editor’s Analysis & Impact", a.analysis.markdown.clone()),
        (
            "FAQ",
            a.faq
                .iter()
                .map(|f| format!("Q: {}\nA: {}", f.question, f.answer.markdown))
                .collect::<Vec<_>>()
                .join("\n"),
        ),
        ("AI disclosure", disclosure),
        (
            "Tags",
            a.tags
                .iter()
                .map(|t| t.name.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        ),
        ("Address", a.slug.clone()),
        (
            "Bylines",
            a.authors
                .iter()
                .map(|au| au.name.as_str())
                .collect::<Vec<_>>()
                .join("; "),
        ),
        ("Status", a.status.label().to_string()),
    ]
}

pub fn article_diff(old: &Article, new: &Article) -> Vec<FieldDiff> {
    fields(old)
        .into_iter()
        .zip(fields(new))
        .filter(|((_, a), (_, b))| a != b)
        .map(|((field, a), (_, b))| FieldDiff {
            field: field.to_string(),
            lines: TextDiff::from_lines(&a, &b)
                .iter_all_changes()
                .map(|c| {
                    let kind = match c.tag() {
                        ChangeTag::Equal => DiffKind::Same,
                        ChangeTag::Insert => DiffKind::Added,
                        ChangeTag::Delete => DiffKind::Removed,
                    };
                    (kind, c.value().trim_end_matches('\n').to_string())
                })
                .collect(),
        })
        .collect()
}
