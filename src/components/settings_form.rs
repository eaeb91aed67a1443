//! Islands for the publication's settings (`/admin/settings`) and, in the editor, an
//! article's language and translation link. Each field shows the server's message for
//! it when a save is refused.

use crate::api::settings::{save_site_settings, set_article_language};
use crate::model::{ArticleLanguage, FieldProblem, SettingKey, SiteSettings};
use leptos::prelude::*;
use leptos::task::spawn_local;

/// One text setting: its label, input (or textarea) and the problem the server found.
#[component]
fn SettingField(
    key: SettingKey,
    value: RwSignal<String>,
    problems: RwSignal<Vec<FieldProblem>>,
    #[prop(optional)] multiline: bool,
    #[prop(optional)] hint: &'static str,
) -> impl IntoView {
    let id = format!("setting-{}", key.as_str());
    let error_id = format!("{id}-error");
    let problem = move || {
        problems
            .get()
            .into_iter()
            .find(|p| p.key == key.as_str())
            .map(|p| p.message)
    };
    let invalid = move || problem().is_some().then_some("true");
    let described = move || problem().is_some().then(|| error_id.clone());
    let input = if multiline {
        view! {
            <textarea id=id.clone() name=key.as_str() rows="4" bind:value=value
                aria-invalid=invalid aria-describedby=described></textarea>
        }
        .into_any()
    } else {
        view! {
            <input id=id.clone() name=key.as_str() bind:value=value
                aria-invalid=invalid aria-describedby=described/>
        }
        .into_any()
    };
    view! {
        <label for=id.clone()>{key.label()}</label>
        {(!hint.is_empty()).then(|| view! { <p class="notice field-hint">{hint}</p> })}
        {input}
        {move || problem().map(|m| view! {
            <p class="form-error" id=format!("setting-{}-error", key.as_str()) data-test-problem=key.as_str()>{m}</p>
        })}
    }
}

#[island]
pub fn SettingsForm(settings: SiteSettings) -> impl IntoView {
    let fields: Vec<(SettingKey, RwSignal<String>)> = SettingKey::ALL
        .into_iter()
        .filter(|k| *k != SettingKey::PoweredBy)
        .map(|k| (k, RwSignal::new(settings.get(k))))
        .collect();
    let powered_by = RwSignal::new(settings.powered_by);
    let problems = RwSignal::new(Vec::<FieldProblem>::new());
    let message = RwSignal::new(String::new());
    // Marks the form usable: a click before hydration would submit nothing.
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));
    let signal = {
        let fields = fields.clone();
        move |key: SettingKey| {
            fields
                .iter()
                .find(|(k, _)| *k == key)
                .map(|(_, s)| *s)
                .unwrap_or_else(|| RwSignal::new(String::new()))
        }
    };
    let save = {
        let fields = fields.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            let mut wanted = SiteSettings::default();
            for (key, value) in &fields {
                wanted.set(*key, &value.get_untracked());
            }
            wanted.powered_by = powered_by.get_untracked();
            message.set("Saving…".into());
            spawn_local(async move {
                match save_site_settings(wanted).await {
                    Ok(found) if found.is_empty() => {
                        problems.set(Vec::new());
                        message.set("Settings saved.".into());
                    }
                    Ok(found) => {
                        problems.set(found);
                        message.set("Nothing was saved: check the fields marked below.".into());
                    }
                    Err(e) => message.set(e.to_string()),
                }
            });
        }
    };
    let field = move |key: SettingKey, multiline: bool, hint: &'static str| {
        view! { <SettingField key=key value=signal(key) problems=problems multiline=multiline hint=hint/> }
    };
    view! {
        <form class="settings-form" on:submit=save novalidate
            data-hydrated=move || if hydrated.get() { "true" } else { "false" }>
            <fieldset>
                <legend>"Publication"</legend>
                {field(SettingKey::Name, false, "")}
                {field(SettingKey::Tagline, false, "")}
                {field(SettingKey::Description, false, "For search engines and feed readers; empty uses a sentence with the name.")}
                {field(SettingKey::Logo, false, "A picture's media:ID from the media library, shown beside the name in the masthead and to search engines; empty shows the name alone.")}
                <label class="inline">
                    <input type="checkbox" name="powered_by" bind:checked=powered_by/>
                    {SettingKey::PoweredBy.label()}
                </label>
            </fieldset>
            <fieldset>
                <legend>"Language and time"</legend>
                {field(SettingKey::Language, false, "A BCP 47 tag, such as en, en-GB, de or pt-BR.")}
                {field(SettingKey::Timezone, false, "An IANA time zone, such as Europe/Berlin or America/New_York.")}
            </fieldset>
            <fieldset>
                <legend>"Pages and defaults"</legend>
                {field(SettingKey::SameAs, true, "One https:// address a line.")}
                {field(SettingKey::Contact, true, "")}
                {field(SettingKey::CorrectionsPolicy, true, "Shown on the corrections page.")}
                {field(SettingKey::AiDisclosure, true, "The statement new articles start with.")}
            </fieldset>
            <button type="submit" class="primary">"Save settings"</button>
            <p role="status" class="editor-message">{move || message.get()}</p>
        </form>
    }
}

/// An article's language and the article it translates, saved on their own (they don't
/// change the article's text or version).
#[island]
pub fn ArticleLanguageForm(id: i64, current: ArticleLanguage) -> impl IntoView {
    let language = RwSignal::new(current.language);
    let translation_of = RwSignal::new(current.translation_of);
    let message = RwSignal::new(String::new());
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (l, t) = (language.get_untracked(), translation_of.get_untracked());
        spawn_local(async move {
            match set_article_language(id, l, t).await {
                Ok(()) => message.set("Language saved.".into()),
                Err(e) => message.set(e.to_string()),
            }
        });
    };
    let placeholder = format!("{} (the site’s)", current.site_language);
    view! {
        <form class="article-language" on:submit=save>
            <fieldset>
                <legend>"Language and translations"</legend>
                <label for="article-language">"Language of this article"</label>
                <input id="article-language" bind:value=language placeholder=placeholder/>
                <label for="translation-of">"Translation of (address of the original article)"</label>
                <input id="translation-of" bind:value=translation_of placeholder="for example harbour-bridge-reopens"/>
                <button type="submit">"Save language"</button>
                <p role="status">{move || message.get()}</p>
            </fieldset>
        </form>
    }
}
