//! What an editor (or the importer) supplies for an article, and its validation.

use super::{
    AiDisclosure, Article, MAX_DEK_CHARS, MAX_FAQ_ITEMS, MAX_LINE_CHARS, MAX_MARKDOWN_BYTES,
    MAX_NAME_CHARS, MAX_TAGS, MAX_TAG_CHARS, MAX_TAKEAWAYS, MAX_TITLE_CHARS,
};
use serde::{Deserialize, Serialize};

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
    /// The lead image: an uploaded picture and its alt text, caption and credit here.
    #[serde(default)]
    pub lead_image: Option<super::LeadImageDraft>,
    /// The article's address (`/articles/{slug}`); empty keeps the current one (or, for
    /// a new article, makes one from the headline).
    #[serde(default)]
    pub slug: String,
    /// Bylines by name (or a staff member's email); empty keeps the current ones (a new
    /// article is credited to its writer).
    #[serde(default)]
    pub bylines: Vec<String>,
}

/// Most bylines one article may carry.
pub const MAX_BYLINES: usize = 20;
/// Longest byline name, in characters.
pub const MAX_BYLINE_CHARS: usize = 100;
/// Longest article address (slug), in characters.
pub const MAX_SLUG_CHARS: usize = 120;

/// Whether `slug` is a well-formed article address: lowercase ASCII letters, digits and
/// single hyphens between them.
pub fn valid_slug(slug: &str) -> bool {
    !slug.is_empty()
        && slug.len() <= MAX_SLUG_CHARS
        && slug.split('-').all(|part| {
            !part.is_empty()
                && part
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
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
            slug: a.slug.clone(),
            bylines: a.authors.iter().map(|au| au.name.clone()).collect(),
            lead_image: a.lead_image.as_ref().map(Into::into),
        }
    }

    /// Every piece of text in the draft.
    fn texts(&self) -> impl Iterator<Item = &String> {
        let disclosure = self.disclosure.iter().flat_map(|d| {
            std::iter::once(&d.statement)
                .chain(d.tool.iter())
                .chain(d.reviewer.iter())
        });
        let image = self
            .lead_image
            .iter()
            .flat_map(|l| [&l.alt, &l.caption, &l.credit]);
        [
            &self.title,
            &self.dek,
            &self.body,
            &self.analysis,
            &self.slug,
        ]
        .into_iter()
        .chain(&self.takeaways)
        .chain(self.faq.iter().flat_map(|f| [&f.question, &f.answer]))
        .chain(disclosure)
        .chain(&self.tags)
        .chain(&self.bylines)
        .chain(image)
    }

    /// Checks limits a reader or editor would expect; returns the first problem found.
    pub fn validate(&self) -> Result<(), String> {
        if self.texts().any(|t| t.contains('\0')) {
            return Err(
                "The text contains a NUL character (code 0), which can't be stored; remove it."
                    .into(),
            );
        }
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
        if self.tags.len() > MAX_TAGS {
            return Err(format!("At most {MAX_TAGS} tags are allowed."));
        }
        if let Some(tag) = self
            .tags
            .iter()
            .find(|t| t.trim().chars().count() > MAX_TAG_CHARS)
        {
            let start: String = tag.trim().chars().take(20).collect();
            return Err(format!(
                "The tag starting \"{start}\" is longer than {MAX_TAG_CHARS} characters."
            ));
        }
        if let Some(i) = self
            .takeaways
            .iter()
            .position(|t| t.chars().count() > MAX_LINE_CHARS)
        {
            return Err(format!(
                "Takeaway {} is longer than {MAX_LINE_CHARS} characters.",
                i + 1
            ));
        }
        if let Some(d) = &self.disclosure {
            if d.statement.chars().count() > MAX_LINE_CHARS {
                return Err(format!(
                    "The AI disclosure is longer than {MAX_LINE_CHARS} characters."
                ));
            }
            let long_name = [&d.tool, &d.reviewer]
                .into_iter()
                .flatten()
                .any(|n| n.chars().count() > MAX_NAME_CHARS);
            if long_name {
                return Err(format!(
                    "The AI tool and reviewer names are limited to {MAX_NAME_CHARS} characters."
                ));
            }
        }
        let slug = self.slug.trim();
        if !slug.is_empty() && !valid_slug(slug) {
            return Err(format!(
                "The address may use only lowercase letters, digits and single hyphens \
                 (like harbour-bridge-reopens), at most {MAX_SLUG_CHARS} characters."
            ));
        }
        if self.bylines.len() > MAX_BYLINES {
            return Err(format!("At most {MAX_BYLINES} bylines are allowed."));
        }
        for name in &self.bylines {
            let name = name.trim();
            if name.chars().count() > MAX_BYLINE_CHARS {
                let start: String = name.chars().take(20).collect();
                return Err(format!(
                    "The byline starting \"{start}\" is longer than {MAX_BYLINE_CHARS} characters."
                ));
            }
            if name.contains([',', ';']) || name.chars().any(char::is_control) {
                return Err(format!(
                    "The byline \"{name}\" can't contain commas or semicolons (separate bylines with ;)."
                ));
            }
        }
        for (i, item) in self.faq.iter().enumerate() {
            if item.question.trim().is_empty() || item.answer.trim().is_empty() {
                return Err(format!(
                    "FAQ item {} needs both a question and an answer.",
                    i + 1
                ));
            }
            if item.question.chars().count() > MAX_LINE_CHARS {
                return Err(format!(
                    "The question of FAQ item {} is longer than {MAX_LINE_CHARS} characters.",
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
    fn a_hundred_thousand_tags_or_an_overlong_one_are_refused() {
        let many = ArticleDraft {
            tags: (0..100_000).map(|i| format!("tag {i}")).collect(),
            ..draft()
        };
        assert!(many.validate().unwrap_err().contains("At most 20 tags"));
        let long = ArticleDraft {
            tags: vec!["x".repeat(MAX_TAG_CHARS + 1)],
            ..draft()
        };
        assert!(long.validate().unwrap_err().contains("longer than"));
        let long_takeaway = ArticleDraft {
            takeaways: vec!["y".repeat(MAX_LINE_CHARS + 1)],
            ..draft()
        };
        assert!(long_takeaway.validate().unwrap_err().contains("Takeaway 1"));
    }

    #[test]
    fn malformed_addresses_and_bylines_are_refused() {
        for bad in [
            "Capital",
            "two--hyphens",
            "-lead",
            "trail-",
            "sp ace",
            "ümlaut",
        ] {
            let d = ArticleDraft {
                slug: bad.into(),
                ..draft()
            };
            assert!(d.validate().unwrap_err().contains("address"), "{bad}");
        }
        let ok = ArticleDraft {
            slug: "harbour-bridge-2".into(),
            bylines: vec!["A. Writer".into(), "Wire Service".into()],
            ..draft()
        };
        assert_eq!(ok.validate(), Ok(()));
        let comma = ArticleDraft {
            bylines: vec!["Doe, Jane".into()],
            ..draft()
        };
        assert!(comma.validate().unwrap_err().contains("commas"));
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
}
