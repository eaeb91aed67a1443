//! The article editor island: every structured field (headline, dek, body Markdown,
//! takeaways, analysis, FAQ items with add / remove / reorder, AI disclosure, tags,
//! address and bylines),
//! saving drafts and publishing through the admin server functions. Drafts autosave a
//! few seconds after typing stops, the body has a live preview rendered by the server
//! exactly as readers will see it, and unsaved text is kept in the browser's local
//! storage so a crash or reload can bring it back. Ctrl+S (⌘S) saves; the headline and
//! dek show their length against what search results display; and the editor tells
//! who else has the same article open, before their saves and these collide.
//!
//! The fields live in one `EditorFields` (`fields`), which loads, collects, applies and
//! tracks them all; saving and the state it shares with the rest are in `save`; the
//! other modules are the form's parts. The correction form is an island of its own
//! (`components::correction_form`), shown here once the article is published.

mod autosave;
mod browser;
mod counter;
mod fields;
mod fieldsets;
mod local_copy;
mod panels;
mod pictures;
mod presence;
mod preview;
mod save;

use self::counter::{LengthCounter, SEARCH_DESCRIPTION_CHARS, SEARCH_TITLE_CHARS};
use self::fields::EditorFields;
use self::fieldsets::{CreditFields, DisclosureFields, FaqFields};
use self::panels::{ConflictPanel, RecoveredPanel};
use self::pictures::PictureFields;
use self::presence::PresenceNotice;
use self::preview::Preview;
use self::save::{Action, EditorState, SaveButtons};
use crate::components::correction_form::CorrectionForm;
use crate::model::{ArticleDraft, ArticleStatus};
use leptos::prelude::*;

#[island]
pub fn ArticleEditor(
    id: Option<i64>,
    version: Option<i64>,
    status: ArticleStatus,
    slug: Option<String>,
    draft: ArticleDraft,
    can_publish: bool,
    /// The publication's time zone: the schedule picker's times are in it.
    timezone: String,
) -> impl IntoView {
    let fields = EditorFields::load(draft);
    let state = EditorState::new(fields, id, version, status, slug);
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));
    autosave::watch_edits(state);
    autosave::warn_before_leaving(state);
    autosave::save_on_shortcut(state);

    let EditorFields {
        title,
        dek,
        body,
        takeaways,
        analysis,
        tags,
        ..
    } = fields;
    let EditorState {
        id,
        status,
        slug,
        message,
        ..
    } = state;
    view! {
        <form
            class="editor"
            data-hydrated=move || if hydrated.get() { "true" } else { "false" }
            on:submit=move |ev| {
                ev.prevent_default();
                state.run(Action::Save);
            }
        >
            <div class="editor-bar">
                <p class="editor-status">
                    "Status: " <strong data-test-status>{move || status.get().label()}</strong>
                    {move || slug.get().filter(|_| status.get() == ArticleStatus::Published).map(|s| {
                        view! { " · " <a href=format!("/articles/{s}")>"View article"</a> }
                    })}
                </p>
                <p class="editor-message" role="status" aria-live="polite">{move || message.get()}</p>
                <SaveButtons state=state can_publish=can_publish timezone=timezone/>
            </div>
            <PresenceNotice id=id/>
            <RecoveredPanel state=state/>
            <ConflictPanel state=state/>
            <div class="editor-layout">
                <div class="editor-fields">
                    <label for="ed-title">"Headline"</label>
                    <input id="ed-title" name="title" required maxlength="200" aria-describedby="ed-title-count" bind:value=title/>
                    <LengthCounter id="ed-title-count" value=title limit=SEARCH_TITLE_CHARS what="headlines"/>
                    <label for="ed-dek">"Dek (standfirst)"</label>
                    <textarea id="ed-dek" name="dek" rows="2" maxlength="500" aria-describedby="ed-dek-count" bind:value=dek></textarea>
                    <LengthCounter id="ed-dek-count" value=dek limit=SEARCH_DESCRIPTION_CHARS what="descriptions"/>
                    <label for="ed-body">"Body (Markdown)"</label>
                    <textarea id="ed-body" class="body-field" name="body" rows="18" bind:value=body></textarea>
                    <label for="ed-takeaways">"Key Takeaways (one per line)"</label>
                    <textarea id="ed-takeaways" name="takeaways" rows="4" bind:value=takeaways></textarea>
                    <label for="ed-analysis">"Editor’s Analysis & Impact (Markdown)"</label>
                    <textarea id="ed-analysis" name="analysis" rows="6" bind:value=analysis></textarea>
                    <PictureFields fields=fields message=message/>
                    <FaqFields fields=fields/>
                    <DisclosureFields fields=fields/>
                    <label for="ed-tags">"Tags (comma-separated)"</label>
                    <input id="ed-tags" name="tags" bind:value=tags/>
                    <CreditFields fields=fields/>
                    {move || {
                        id.get()
                            .filter(|_| can_publish && status.get() == ArticleStatus::Published)
                            .map(|id| view! { <CorrectionForm id=id/> })
                    }}
                </div>
                <Preview body=body/>
            </div>
        </form>
    }
}
