//! The plain-text article format: parsing a file into an [`ArticleDraft`].
//!
//! Layout (every section optional, in any order after the body):
//! an optional metadata line `author, date, section, tags` (values may be empty, as
//! `, , ,`; several authors and tags separated by `;`), the headline, optional
//! `Dek:` and `Slug:` lines right after it, body paragraphs, `Key Takeaways` with bullet lines,
//! `Editor's Analysis & Impact` with paragraphs, `Frequently Asked Questions` with
//! `Q:`/`A:` pairs, and `AI Disclosure:` with its statement. Right after the headline,
//! an optional `Image: PATH | ALT | CAPTION | CREDIT` line names the lead image (PATH
//! relative to the article file; caption and credit may be empty).

use crate::model::{AiDisclosure, AiLevel, ArticleDraft, FaqDraft};
use chrono::{DateTime, NaiveDate, Utc};
use std::fmt;

/// A refused file: the 1-based line and what is wrong there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub line: usize,
    pub message: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

/// What a file yields: the article and, when the metadata line gives one, its date.
#[derive(Debug, Clone, PartialEq)]
pub struct Imported {
    pub draft: ArticleDraft,
    pub published_at: Option<DateTime<Utc>>,
    /// The lead image line, when there is one.
    pub image: Option<ImageLine>,
}

/// An `Image: PATH | ALT | CAPTION | CREDIT` line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageLine {
    /// 1-based line number, for errors about the file it names.
    pub line: usize,
    /// As written: relative to the article file.
    pub path: String,
    pub alt: String,
    pub caption: String,
    pub credit: String,
}

/// Parses the text after `Image:`.
fn image_line(rest: &str, line: usize) -> Result<ImageLine, ParseError> {
    let mut parts = rest.split('|').map(str::trim);
    let path = parts.next().unwrap_or_default().to_string();
    let alt = parts.next().unwrap_or_default().to_string();
    let caption = parts.next().unwrap_or_default().to_string();
    let credit = parts.next().unwrap_or_default().to_string();
    if parts.next().is_some() {
        return Err(err(
            line,
            "the Image line has more than four parts: PATH | ALT | CAPTION | CREDIT",
        ));
    }
    if path.is_empty() {
        return Err(err(
            line,
            "the Image line names no file: Image: PATH | ALT | CAPTION | CREDIT",
        ));
    }
    if alt.is_empty() {
        return Err(err(line, "the Image line needs alt text describing the picture: Image: PATH | ALT | CAPTION | CREDIT"));
    }
    for text in [&alt, &caption, &credit] {
        if text.chars().count() > crate::model::MAX_MEDIA_TEXT_CHARS {
            return Err(err(line, format!("the Image line's alt text, caption and credit are limited to {} characters each", crate::model::MAX_MEDIA_TEXT_CHARS)));
        }
    }
    Ok(ImageLine {
        line,
        path,
        alt,
        caption,
        credit,
    })
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Section {
    Body,
    Takeaways,
    Analysis,
    Faq,
    Disclosure,
}

fn err(line: usize, message: impl Into<String>) -> ParseError {
    ParseError {
        line,
        message: message.into(),
    }
}

/// Decodes bytes as UTF-8, naming the line of the first invalid byte.
pub fn decode(bytes: &[u8]) -> Result<&str, ParseError> {
    std::str::from_utf8(bytes).map_err(|e| {
        let line = bytes[..e.valid_up_to()]
            .iter()
            .filter(|b| **b == b'\n')
            .count()
            + 1;
        err(line, "the file is not valid UTF-8 text")
    })
}

fn normalise_apostrophes(s: &str) -> String {
    s.replace(['\u{2019}', '\u{2018}'], "'")
}

fn heading(line: &str) -> Option<(Section, &str)> {
    let t = line.trim();
    let norm = normalise_apostrophes(t).to_lowercase();
    let norm = norm.trim_end_matches(':').trim();
    match norm {
        "key takeaways" => return Some((Section::Takeaways, "")),
        "editor's analysis & impact" | "editor's analysis and impact" => {
            return Some((Section::Analysis, ""))
        }
        "frequently asked questions" | "faq" => return Some((Section::Faq, "")),
        _ => {}
    }
    let lower = t.to_lowercase();
    if lower.starts_with("ai disclosure:") || lower == "ai disclosure" {
        let rest = t.split_once(':').map(|(_, r)| r.trim()).unwrap_or("");
        return Some((Section::Disclosure, rest));
    }
    None
}

fn strip_bullet(line: &str) -> Option<&str> {
    let t = line.trim_start();
    ['•', '-', '*', '–', '·']
        .iter()
        .find_map(|b| t.strip_prefix(*b))
        .map(str::trim)
}

fn strip_prefix_ci<'a>(line: &'a str, prefix: &str) -> Option<&'a str> {
    let t = line.trim_start();
    // `get` and not indexing: the cut may fall inside a character ("aaaé" against a
    // four-byte prefix), which is simply no match.
    match (t.get(..prefix.len()), t.get(prefix.len()..)) {
        (Some(head), Some(rest)) if head.eq_ignore_ascii_case(prefix) => Some(rest.trim()),
        _ => None,
    }
}

/// Paragraph lines joined as Markdown: blank lines separate paragraphs.
#[derive(Default)]
struct Paragraphs(Vec<String>);

impl Paragraphs {
    fn push_line(&mut self, line: &str, blank_before: bool) {
        match self.0.last_mut() {
            Some(last) if !blank_before => {
                last.push('\n');
                last.push_str(line.trim());
            }
            _ => self.0.push(line.trim().to_string()),
        }
    }
    fn into_markdown(self) -> String {
        self.0.join("\n\n")
    }
}

fn parse_date(value: &str, line: usize) -> Result<DateTime<Utc>, ParseError> {
    if let Ok(d) = DateTime::parse_from_rfc3339(value) {
        return Ok(d.with_timezone(&Utc));
    }
    NaiveDate::parse_from_str(value, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|d| d.and_utc())
        .ok_or_else(|| err(line, format!("'{value}' is not a date like 2026-11-28")))
}

/// The non-empty `;`-separated items of a metadata field.
fn split_list(field: &str) -> Vec<String> {
    field
        .split(';')
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(String::from)
        .collect()
}

fn is_metadata(line: &str) -> bool {
    line.matches(',').count() >= 3
}

/// The address an imported article gets: its `Slug:` line, else one made from the
/// headline.
pub fn slug_of(draft: &ArticleDraft) -> String {
    match draft.slug.trim() {
        "" => crate::server::render::slugify(&draft.title),
        slug => slug.to_string(),
    }
}

/// Parses one file's text. Nothing is written anywhere; the caller stores the result.
pub fn parse(text: &str) -> Result<Imported, ParseError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let lines: Vec<&str> = text.split('\n').map(|l| l.trim_end_matches('\r')).collect();
    let mut i = 0;
    let skip_blank = |i: &mut usize| {
        while *i < lines.len() && lines[*i].trim().is_empty() {
            *i += 1;
        }
    };

    let mut published_at = None;
    let mut tags: Vec<String> = Vec::new();
    let mut bylines: Vec<String> = Vec::new();
    skip_blank(&mut i);
    if i < lines.len() && is_metadata(lines[i]) {
        let fields: Vec<&str> = lines[i].split(',').map(str::trim).collect();
        bylines = split_list(fields[0]);
        if let Some(date) = fields.get(1).filter(|d| !d.is_empty()) {
            published_at = Some(parse_date(date, i + 1)?);
        }
        for field in fields.iter().skip(2) {
            tags.extend(split_list(field));
        }
        i += 1;
        skip_blank(&mut i);
    }
    if i >= lines.len() {
        return Err(err(i.max(1), "no headline: the file has no text"));
    }
    if heading(lines[i]).is_some() {
        return Err(err(
            i + 1,
            "no headline: the file starts with a section heading",
        ));
    }
    let title = lines[i].trim().to_string();
    let title_line = i + 1;
    if title.chars().count() > crate::model::MAX_TITLE_CHARS {
        return Err(err(
            title_line,
            "the headline is longer than 200 characters",
        ));
    }
    i += 1;
    let mut dek = String::new();
    let mut slug = String::new();
    let mut image = None;
    loop {
        let mut next = i;
        skip_blank(&mut next);
        let Some(line) = lines.get(next) else { break };
        if let Some(value) = strip_prefix_ci(line, "Dek:") {
            dek = value.to_string();
        } else if let Some(value) = strip_prefix_ci(line, "Slug:") {
            slug = value.to_string();
        } else if let Some(value) = strip_prefix_ci(line, "Image:") {
            image = Some(image_line(value, next + 1)?);
        } else {
            break;
        }
        i = next + 1;
    }

    let mut section = Section::Body;
    let mut seen = vec![Section::Body];
    let mut body = Paragraphs::default();
    let mut analysis = Paragraphs::default();
    let mut disclosure = Paragraphs::default();
    let mut takeaways: Vec<String> = Vec::new();
    let mut faq: Vec<(usize, String, Option<String>)> = Vec::new();
    let mut blank_before = true;

    while i < lines.len() {
        let line = lines[i];
        let n = i + 1;
        i += 1;
        if line.trim().is_empty() {
            blank_before = true;
            continue;
        }
        if let Some((next, rest)) = heading(line) {
            if seen.contains(&next) {
                return Err(err(
                    n,
                    format!("the section '{}' appears twice", line.trim()),
                ));
            }
            seen.push(next);
            section = next;
            blank_before = true;
            if !rest.is_empty() {
                disclosure.push_line(rest, true);
                blank_before = false;
            }
            continue;
        }
        match section {
            Section::Body => body.push_line(line, blank_before),
            Section::Analysis => analysis.push_line(line, blank_before),
            Section::Disclosure => disclosure.push_line(line, blank_before),
            Section::Takeaways => match strip_bullet(line) {
                Some(item) if !item.is_empty() => takeaways.push(item.to_string()),
                Some(_) => return Err(err(n, "an empty bullet in Key Takeaways")),
                None => match takeaways.last_mut() {
                    Some(last) if !blank_before => {
                        last.push(' ');
                        last.push_str(line.trim());
                    }
                    _ => {
                        return Err(err(
                            n,
                            "Key Takeaways lines must start with a bullet (•, - or *)",
                        ))
                    }
                },
            },
            Section::Faq => {
                if let Some(q) = strip_prefix_ci(line, "Q:") {
                    if let Some((qline, _, None)) = faq.last() {
                        return Err(err(*qline, "a question (Q:) with no answer (A:)"));
                    }
                    if q.is_empty() {
                        return Err(err(n, "an empty question after Q:"));
                    }
                    faq.push((n, q.to_string(), None));
                } else if let Some(a) = strip_prefix_ci(line, "A:") {
                    match faq.last_mut() {
                        Some((_, _, answer @ None)) => *answer = Some(a.to_string()),
                        _ => return Err(err(n, "an answer (A:) with no question (Q:) before it")),
                    }
                } else {
                    match faq.last_mut() {
                        Some((_, _, Some(answer))) => {
                            answer.push_str(if blank_before { "\n\n" } else { "\n" });
                            answer.push_str(line.trim());
                        }
                        Some((_, question, None)) if !blank_before => {
                            question.push(' ');
                            question.push_str(line.trim());
                        }
                        _ => {
                            return Err(err(
                                n,
                                "FAQ lines must start with Q: or A: (or continue an answer)",
                            ))
                        }
                    }
                }
            }
        }
        blank_before = false;
    }
    let mut faq_items = Vec::with_capacity(faq.len());
    for (qline, question, answer) in faq {
        match answer {
            Some(answer) if !answer.trim().is_empty() => {
                faq_items.push(FaqDraft { question, answer })
            }
            _ => return Err(err(qline, "a question (Q:) with no answer (A:)")),
        }
    }
    let statement = disclosure.into_markdown();
    let disclosure = (!statement.is_empty()).then(|| {
        let lower = statement.to_lowercase();
        let level = if lower.contains("ai-generated") || lower.contains("generated by ai") {
            AiLevel::GeneratedReviewed
        } else {
            AiLevel::Assisted
        };
        AiDisclosure {
            level,
            statement,
            tool: None,
            reviewer: None,
        }
    });
    Ok(Imported {
        draft: ArticleDraft {
            title,
            dek,
            body: body.into_markdown(),
            takeaways,
            analysis: analysis.into_markdown(),
            faq: faq_items,
            disclosure,
            tags,
            slug,
            bylines,
            lead_image: None,
        },
        published_at,
        image,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SEED: &str = include_str!("../../fixtures/seed-article.txt");

    #[test]
    fn seed_article_has_every_part() {
        let a = parse(SEED).unwrap().draft;
        assert_eq!(
            a.title,
            "China Proposes Global AI Cooperation Framework Amid Rising Tech Tensions"
        );
        assert_eq!(a.body.split("\n\n").count(), 3);
        assert!(a.body.starts_with("China has officially signaled"));
        assert_eq!(a.takeaways.len(), 3);
        assert!(a.takeaways[0].starts_with("China is actively seeking"));
        assert!(a.analysis.starts_with("The push for a China-led"));
        assert_eq!(a.faq.len(), 2);
        assert_eq!(
            a.faq[0].question,
            "What is China's proposed 'AI Capacity Building for All' initiative?"
        );
        assert!(a.faq[1]
            .answer
            .starts_with("While the U.S. and its G7 partners"));
        let d = a.disclosure.unwrap();
        assert!(d
            .statement
            .starts_with("This article is based on verified data"));
        assert_eq!(d.level, AiLevel::Assisted);
        assert!(a.tags.is_empty());
    }

    #[test]
    fn windows_line_endings_and_no_trailing_newline_parse_the_same() {
        let crlf = SEED.replace('\n', "\r\n");
        let trimmed = SEED.trim_end();
        assert_eq!(parse(&crlf).unwrap(), parse(SEED).unwrap());
        assert_eq!(parse(trimmed).unwrap(), parse(SEED).unwrap());
    }

    #[test]
    fn straight_apostrophe_heading_and_any_bullet_style_are_accepted() {
        let text = "Headline\n\nBody.\n\nKey Takeaways\n- one\n    * two\n\t• three\n\nEditor's Analysis & Impact\nAnalysis text.\n";
        let a = parse(text).unwrap().draft;
        assert_eq!(a.takeaways, vec!["one", "two", "three"]);
        assert_eq!(a.analysis, "Analysis text.");
    }

    #[test]
    fn missing_sections_are_fine() {
        let a = parse("Just a headline\n\nAnd a body.").unwrap().draft;
        assert_eq!(a.title, "Just a headline");
        assert_eq!(a.body, "And a body.");
        assert!(a.takeaways.is_empty() && a.faq.is_empty() && a.disclosure.is_none());
    }

    #[test]
    fn metadata_line_gives_date_and_tags() {
        let a = parse("Jane Doe, 2026-11-01, World, AI; Policy\nHeadline\nBody").unwrap();
        assert_eq!(a.draft.tags, vec!["World", "AI", "Policy"]);
        assert_eq!(
            a.published_at.unwrap().to_rfc3339(),
            "2026-11-01T00:00:00+00:00"
        );
    }

    #[test]
    fn metadata_line_gives_several_bylines() {
        let a = parse("A. Writer; Wire Service , 2026-11-01, World, AI\nHeadline\nBody").unwrap();
        assert_eq!(a.draft.bylines, vec!["A. Writer", "Wire Service"]);
        assert!(parse(", , ,\nHeadline").unwrap().draft.bylines.is_empty());
    }

    #[test]
    fn dek_and_slug_lines_follow_the_headline() {
        let a = parse("Headline\n\nDek: The short version.\nSlug: old-name\n\nBody.")
            .unwrap()
            .draft;
        assert_eq!(a.dek, "The short version.");
        assert_eq!(a.slug, "old-name");
        assert_eq!(a.body, "Body.");
    }

    #[test]
    fn question_without_answer_is_refused_at_its_line() {
        let text = "Headline\n\nFrequently Asked Questions\n\nQ: First?\nA: Yes.\n\nQ: Second?\n\nAI Disclosure: none";
        let e = parse(text).unwrap_err();
        assert_eq!(e.line, 8);
        assert!(e.message.contains("no answer"));
    }

    #[test]
    fn answer_without_question_is_refused() {
        let e = parse("Headline\nFrequently Asked Questions\nA: orphan").unwrap_err();
        assert_eq!(e.line, 3);
    }

    #[test]
    fn file_without_headline_is_refused() {
        assert_eq!(parse(", , ,\n\n\n").unwrap_err().line, 4);
        let e = parse("Key Takeaways\n- a").unwrap_err();
        assert_eq!(e.line, 1);
        assert!(e.message.contains("no headline"));
    }

    #[test]
    fn a_line_with_a_character_across_a_prefix_length_is_not_a_panic() {
        // "Dek:" is four bytes; "abcé" has "é" across the fourth and fifth.
        let a = parse("Headline\n\nabcé\n\nabcdé").unwrap().draft;
        assert_eq!(a.title, "Headline");
        assert!(
            a.body.contains("abcé") && a.body.contains("abcdé"),
            "{}",
            a.body
        );
    }

    #[test]
    fn invalid_utf8_names_the_line() {
        let bytes = b"Headline\nBody\n\xff\xfe bad\n";
        assert_eq!(decode(bytes).unwrap_err().line, 3);
    }

    #[test]
    fn bad_metadata_date_is_refused() {
        let e = parse("a, yesterday, b, c\nHeadline").unwrap_err();
        assert_eq!(e.line, 1);
    }

    #[test]
    fn text_line_in_takeaways_without_bullet_is_refused() {
        let e = parse("Headline\n\nKey Takeaways\n\nnot a bullet").unwrap_err();
        assert_eq!(e.line, 5);
    }
}
