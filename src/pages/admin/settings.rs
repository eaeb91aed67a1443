//! `/admin/settings` (owners and admins): the publication's name, language, time zone
//! and the other settings readers and search engines see; and what the editor takes
//! from them: a new article's AI-disclosure wording, an article's language.

use super::{error_view, StaffPage};
use crate::api::settings::{get_article_language, get_site_settings};
use crate::components::settings_form::{ArticleLanguageForm, SettingsForm};
use crate::components::site::site;
use crate::model::{AiDisclosure, ArticleDraft, User};
use crate::pages::Loading;
use leptos::prelude::*;

/// A new article: empty, with the publication's default AI-disclosure wording.
pub fn new_draft() -> ArticleDraft {
    let statement = site().ai_disclosure.clone();
    ArticleDraft {
        disclosure: (!statement.is_empty()).then(|| AiDisclosure {
            statement,
            ..AiDisclosure::default()
        }),
        ..ArticleDraft::default()
    }
}

/// Under the editor: the article's language and the article it translates.
#[component]
pub fn ArticleLanguageSection(id: i64) -> impl IntoView {
    view! {
        <Suspense fallback=Loading>
            {Suspend::new(async move {
                match get_article_language(id).await {
                    Ok(current) => view! { <ArticleLanguageForm id=id current=current/> }.into_any(),
                    Err(e) => error_view(e),
                }
            })}
        </Suspense>
    }
}

#[component]
pub fn SettingsPage() -> impl IntoView {
    view! {
        <StaffPage title="Settings" content=|_: User| async move {
            let settings = get_site_settings().await?;
            Ok(view! {
                <h1 class="page-title">"Settings"</h1>
                <p>"What readers, feed readers and search engines see of the publication. \
                    Changes reach every page within a second."</p>
                <SettingsForm settings=settings/>
            }
            .into_any())
        }/>
    }
}
