//! The editor's fields: one signal per field of an [`ArticleDraft`], and everything done
//! with all of them at once — load, collect, apply, track. A new field is added here and
//! in its input; autosave, the unsaved-changes warning and recovery follow.

use crate::model::{AiDisclosure, AiLevel, ArticleDraft, FaqDraft, LeadImageDraft};
use leptos::prelude::*;

/// One FAQ item being edited; its `key` keeps its inputs when items move.
#[derive(Clone, Copy)]
pub struct FaqRow {
    pub key: usize,
    pub question: RwSignal<String>,
    pub answer: RwSignal<String>,
}

/// The article as the editor holds it; lists are kept as the text typed.
#[derive(Clone, Copy, Default)]
pub struct EditorFields {
    pub title: RwSignal<String>,
    pub dek: RwSignal<String>,
    pub body: RwSignal<String>,
    /// One per line.
    pub takeaways: RwSignal<String>,
    pub analysis: RwSignal<String>,
    pub faq: RwSignal<Vec<FaqRow>>,
    /// The key the next FAQ row gets.
    next_faq_key: StoredValue<usize>,
    pub level: RwSignal<AiLevel>,
    pub statement: RwSignal<String>,
    pub tool: RwSignal<String>,
    pub reviewer: RwSignal<String>,
    /// Comma-separated.
    pub tags: RwSignal<String>,
    /// The address (`/articles/{slug}`).
    pub slug: RwSignal<String>,
    /// Separated by `;`.
    pub bylines: RwSignal<String>,
    /// The lead image's upload and its words in this article.
    pub lead_media_id: RwSignal<Option<i64>>,
    pub lead_alt: RwSignal<String>,
    pub lead_caption: RwSignal<String>,
    pub lead_credit: RwSignal<String>,
}

impl EditorFields {
    /// Fields holding `draft`.
    pub fn load(draft: ArticleDraft) -> Self {
        let fields = Self::default();
        fields.apply(draft);
        fields
    }

    /// The draft the fields hold now (read without tracking them).
    pub fn collect(self) -> ArticleDraft {
        ArticleDraft {
            title: self.title.get_untracked(),
            dek: self.dek.get_untracked(),
            body: self.body.get_untracked(),
            takeaways: self
                .takeaways
                .get_untracked()
                .lines()
                .map(|l| l.trim().to_string())
                .filter(|l| !l.is_empty())
                .collect(),
            analysis: self.analysis.get_untracked(),
            faq: self
                .faq
                .get_untracked()
                .iter()
                .map(|r| FaqDraft {
                    question: r.question.get_untracked(),
                    answer: r.answer.get_untracked(),
                })
                .collect(),
            disclosure: Some(AiDisclosure {
                level: self.level.get_untracked(),
                statement: self.statement.get_untracked(),
                tool: Some(self.tool.get_untracked()),
                reviewer: Some(self.reviewer.get_untracked()),
            }),
            tags: self
                .tags
                .get_untracked()
                .split(',')
                .map(|t| t.trim().to_string())
                .filter(|t| !t.is_empty())
                .collect(),
            slug: self.slug.get_untracked().trim().to_string(),
            bylines: self
                .bylines
                .get_untracked()
                .split(';')
                .map(|b| b.trim().to_string())
                .filter(|b| !b.is_empty())
                .collect(),
            lead_image: self
                .lead_media_id
                .get_untracked()
                .map(|media_id| LeadImageDraft {
                    media_id,
                    alt: self.lead_alt.get_untracked(),
                    caption: self.lead_caption.get_untracked(),
                    credit: self.lead_credit.get_untracked(),
                }),
        }
    }

    /// Puts `draft` into the fields (on loading, and restoring text kept in the browser).
    pub fn apply(self, draft: ArticleDraft) {
        self.title.set(draft.title);
        self.dek.set(draft.dek);
        self.body.set(draft.body);
        self.takeaways.set(draft.takeaways.join("\n"));
        self.analysis.set(draft.analysis);
        let first = self.next_faq_key.get_value();
        self.next_faq_key.set_value(first + draft.faq.len());
        self.faq.set(
            draft
                .faq
                .into_iter()
                .enumerate()
                .map(|(k, f)| FaqRow::new(first + k, f.question, f.answer))
                .collect(),
        );
        let disclosure = draft.disclosure.unwrap_or_default();
        self.level.set(disclosure.level);
        self.statement.set(disclosure.statement);
        self.tool.set(disclosure.tool.unwrap_or_default());
        self.reviewer.set(disclosure.reviewer.unwrap_or_default());
        self.tags.set(draft.tags.join(", "));
        self.slug.set(draft.slug);
        self.bylines.set(draft.bylines.join("; "));
        let lead = draft.lead_image;
        self.lead_media_id.set(lead.as_ref().map(|l| l.media_id));
        let lead = lead.unwrap_or_default();
        self.lead_alt.set(lead.alt);
        self.lead_caption.set(lead.caption);
        self.lead_credit.set(lead.credit);
    }

    /// Subscribes the running effect to every field, so that any edit runs it again.
    pub fn track(self) {
        self.title.track();
        self.dek.track();
        self.body.track();
        self.takeaways.track();
        self.analysis.track();
        self.faq.with(|rows| {
            for row in rows {
                row.question.track();
                row.answer.track();
            }
        });
        self.level.track();
        self.statement.track();
        self.tool.track();
        self.reviewer.track();
        self.tags.track();
        self.slug.track();
        self.bylines.track();
        self.lead_media_id.track();
        self.lead_alt.track();
        self.lead_caption.track();
        self.lead_credit.track();
    }

    pub fn add_faq(self) {
        let key = self.next_faq_key.get_value();
        self.next_faq_key.set_value(key + 1);
        self.faq
            .update(|rows| rows.push(FaqRow::new(key, String::new(), String::new())));
    }

    /// Moves FAQ item `key` up (`delta` -1) or down (1), if it isn't at that end already.
    pub fn move_faq(self, key: usize, delta: isize) {
        self.faq.update(|rows| {
            if let Some(i) = rows.iter().position(|r| r.key == key) {
                let j = i as isize + delta;
                if j >= 0 && (j as usize) < rows.len() {
                    rows.swap(i, j as usize);
                }
            }
        })
    }

    pub fn remove_faq(self, key: usize) {
        self.faq.update(|rows| rows.retain(|r| r.key != key));
    }
}

impl FaqRow {
    fn new(key: usize, question: String, answer: String) -> Self {
        FaqRow {
            key,
            question: RwSignal::new(question),
            answer: RwSignal::new(answer),
        }
    }
}
