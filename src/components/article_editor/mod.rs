//! The article editor island: every structured field (headline, dek, body Markdown,
//! takeaways, analysis, FAQ items with add / remove / reorder, AI disclosure, tags),
//! saving drafts and publishing through the admin server functions. Drafts autosave a
//! few seconds after typing stops, the body has a live preview rendered by the server
//! exactly as readers will see it, and unsaved text is kept in the browser's local
//! storage so a crash or reload can bring it back.
//!
//! The fields live in one `EditorFields` (`fields`), which loads, collects, applies and
//! tracks them all; saving and the state it shares with the rest are in `save`; the
//! other modules are the form's parts. The correction form is an island of its own
//! (`components::correction_form`), shown here once the article is published.

mod autosave;
mod browser;
mod fields;
mod fieldsets;
mod local_copy;
mod panels;
mod pictures;
mod preview;
mod save;

use self::fields::EditorFields;
use self::fieldsets::{DisclosureFields, FaqFields};
use self::panels::{ConflictPanel, RecoveredPanel};
use self::pictures::PictureFields;
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
) -> impl IntoView {
    let fields = EditorFields::load(draft);
    let state = EditorState::new(fields, id, version, status, slug);
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));
    autosave::watch_edits(state);
    autosave::warn_before_leaving(state);

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
            <p class="editor-status">
                "Status: " <strong data-test-status>{move || status.get().label()}</strong>
                {move || slug.get().filter(|_| status.get() == ArticleStatus::Published).map(|s| {
                    view! { " · " <a href=format!("/articles/{s}")>"View article"</a> }
                })}
            </p>
            <label for="ed-title">"Headline"</label>
            <input id="ed-title" name="title" required maxlength="200" bind:value=title/>
            <label for="ed-dek">"Dek (standfirst)"</label>
            <textarea id="ed-dek" name="dek" rows="2" maxlength="500" bind:value=dek></textarea>
            <RecoveredPanel state=state/>
            <div class="body-pane">
                <div>
                    <label for="ed-body">"Body (Markdown)"</label>
                    <textarea id="ed-body" name="body" rows="14" bind:value=body></textarea>
                </div>
                <Preview body=body/>
            </div>
            <label for="ed-takeaways">"Key Takeaways (one per line)"</label>
            <textarea id="ed-takeaways" name="takeaways" rows="4" bind:value=takeaways></textarea>
            <label for="ed-analysis">"Editor’s Analysis & Impact (Markdown)"</label>
            <textarea id="ed-analysis" name="analysis" rows="6" bind:value=analysis></textarea>
            <PictureFields fields=fields message=message/>
            <FaqFields fields=fields/>
            <DisclosureFields fields=fields/>
            <label for="ed-tags">"Tags (comma-separated)"</label>
            <input id="ed-tags" name="tags" bind:value=tags/>
            <SaveButtons state=state can_publish=can_publish/>
            <p class="editor-message" role="status" aria-live="polite">{move || message.get()}</p>
            <ConflictPanel state=state/>
            {move || {
                id.get()
                    .filter(|_| can_publish && status.get() == ArticleStatus::Published)
                    .map(|id| view! { <CorrectionForm id=id/> })
            }}
        </form>
    }
}
