//! The publication's settings (name, language, time zone, …) and an article's language
//! links, as pages, server functions and the settings island see them.

use super::MediaRef;
use serde::{Deserialize, Serialize};

/// The product's own name: shown only in the "powered by" line and the generator tag.
pub const PRODUCT_NAME: &str = "Gazette";

/// Everything about the publication that readers, feeds and search engines see. Stored
/// in the database (one row per key), so every instance shares it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SiteSettings {
    pub name: String,
    pub tagline: String,
    /// What the home page and the feeds describe the publication as.
    pub description: String,
    /// BCP 47 language tag of what the publication writes (`en`, `de-CH`).
    pub language: String,
    /// IANA time zone readers' dates and staff times are shown in.
    pub timezone: String,
    /// Whether the footer says "Powered by Gazette".
    pub powered_by: bool,
    /// The publication's social profiles (JSON-LD `sameAs`).
    pub same_as: Vec<String>,
    /// Text for readers who want to reach the newsroom.
    pub contact: String,
    pub corrections_policy: String,
    /// The AI-disclosure statement new articles start from.
    pub ai_disclosure: String,
    /// The media-library id of the publication's logo (empty: the name alone).
    pub logo: String,
    /// The logo's picture, looked up by the server when the settings are loaded.
    #[serde(default)]
    pub logo_image: Option<MediaRef>,
}

impl Default for SiteSettings {
    fn default() -> Self {
        SiteSettings {
            name: PRODUCT_NAME.into(),
            tagline: "Independent news, clearly labelled.".into(),
            description: String::new(),
            language: "en".into(),
            timezone: "UTC".into(),
            powered_by: true,
            same_as: Vec::new(),
            contact: String::new(),
            corrections_policy: String::new(),
            ai_disclosure: String::new(),
            logo: String::new(),
            logo_image: None,
        }
    }
}

/// One setting as the command line and the settings page name it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SettingKey {
    Name,
    Tagline,
    Description,
    Language,
    Timezone,
    PoweredBy,
    SameAs,
    Contact,
    CorrectionsPolicy,
    AiDisclosure,
    Logo,
}

impl SettingKey {
    pub const ALL: [SettingKey; 11] = [
        SettingKey::Name,
        SettingKey::Tagline,
        SettingKey::Description,
        SettingKey::Language,
        SettingKey::Timezone,
        SettingKey::PoweredBy,
        SettingKey::SameAs,
        SettingKey::Contact,
        SettingKey::CorrectionsPolicy,
        SettingKey::AiDisclosure,
        SettingKey::Logo,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SettingKey::Name => "name",
            SettingKey::Tagline => "tagline",
            SettingKey::Description => "description",
            SettingKey::Language => "language",
            SettingKey::Timezone => "timezone",
            SettingKey::PoweredBy => "powered_by",
            SettingKey::SameAs => "same_as",
            SettingKey::Contact => "contact",
            SettingKey::CorrectionsPolicy => "corrections_policy",
            SettingKey::AiDisclosure => "ai_disclosure",
            SettingKey::Logo => "logo",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            SettingKey::Name => "Publication name",
            SettingKey::Tagline => "Tagline",
            SettingKey::Description => "Description",
            SettingKey::Language => "Language",
            SettingKey::Timezone => "Time zone",
            SettingKey::PoweredBy => "Show “Powered by Gazette”",
            SettingKey::SameAs => "Social profiles",
            SettingKey::Contact => "Contact page text",
            SettingKey::CorrectionsPolicy => "Corrections policy",
            SettingKey::AiDisclosure => "Default AI disclosure",
            SettingKey::Logo => "Logo",
        }
    }
}

impl SiteSettings {
    /// The value of `key` as text (`same_as` one URL a line; `powered_by` `true`/`false`).
    pub fn get(&self, key: SettingKey) -> String {
        match key {
            SettingKey::Name => self.name.clone(),
            SettingKey::Tagline => self.tagline.clone(),
            SettingKey::Description => self.description.clone(),
            SettingKey::Language => self.language.clone(),
            SettingKey::Timezone => self.timezone.clone(),
            SettingKey::PoweredBy => self.powered_by.to_string(),
            SettingKey::SameAs => self.same_as.join("\n"),
            SettingKey::Contact => self.contact.clone(),
            SettingKey::CorrectionsPolicy => self.corrections_policy.clone(),
            SettingKey::AiDisclosure => self.ai_disclosure.clone(),
            SettingKey::Logo => self.logo.clone(),
        }
    }

    /// Sets `key` from text already checked by the server (see `server::settings`).
    pub fn set(&mut self, key: SettingKey, value: &str) {
        match key {
            SettingKey::Name => self.name = value.into(),
            SettingKey::Tagline => self.tagline = value.into(),
            SettingKey::Description => self.description = value.into(),
            SettingKey::Language => self.language = value.into(),
            SettingKey::Timezone => self.timezone = value.into(),
            SettingKey::PoweredBy => self.powered_by = value == "true",
            SettingKey::SameAs => {
                self.same_as = value
                    .lines()
                    .map(str::trim)
                    .filter(|l| !l.is_empty())
                    .map(String::from)
                    .collect()
            }
            SettingKey::Contact => self.contact = value.into(),
            SettingKey::CorrectionsPolicy => self.corrections_policy = value.into(),
            SettingKey::AiDisclosure => self.ai_disclosure = value.into(),
            SettingKey::Logo => self.logo = value.into(),
        }
    }

    /// What the publication says about itself when no description is set.
    pub fn describe(&self) -> String {
        if self.description.is_empty() {
            format!("The latest reporting and analysis from {}.", self.name)
        } else {
            self.description.clone()
        }
    }

    /// The logo's picture with the variant width to show it at: the smallest at least
    /// `min_width` wide.
    pub fn logo_at(&self, min_width: u32) -> Option<(&MediaRef, u32)> {
        self.logo_image
            .as_ref()
            .map(|m| (m, m.width_for(min_width)))
    }

    /// The language as OpenGraph writes it (`en_GB`).
    pub fn og_locale(language: &str) -> String {
        language.replace('-', "_")
    }
}

/// A setting the server refused, named so the page can show the message by its field.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldProblem {
    pub key: String,
    pub message: String,
}

/// The same article in another language, for `hreflang` alternates.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Alternate {
    /// BCP 47 tag, as `hreflang` wants it.
    pub language: String,
    pub slug: String,
}

/// An article's language and translation link, as the editor shows them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArticleLanguage {
    /// Empty when the article is in the site's language.
    pub language: String,
    /// The address (slug) of the article this one translates, or empty.
    pub translation_of: String,
    /// The site's language, shown as the default.
    pub site_language: String,
}
