//! The correction form for a published article: a dated note readers see on the article
//! and on the corrections page, never edited or removed. An island of its own (the editor
//! shows it once the article is published): it saves nothing of the article's text, so it
//! keeps its own note and status apart from the editor's.

use crate::api::admin::add_correction;
use leptos::prelude::*;
use leptos::task::spawn_local;

#[island]
pub fn CorrectionForm(id: i64) -> impl IntoView {
    let note = RwSignal::new(String::new());
    let minor = RwSignal::new(false);
    let message = RwSignal::new(String::new());
    let add = move |_| {
        let (text, minor) = (note.get_untracked(), minor.get_untracked());
        spawn_local(async move {
            match add_correction(id, text, minor).await {
                Ok(_) => {
                    note.set(String::new());
                    message.set("Correction added.".into());
                }
                Err(e) => message.set(e.to_string()),
            }
        });
    };
    view! {
        <fieldset class="correction-editor">
            <legend>"Add a correction"</legend>
            <label for="ed-correction">"Correction note (shown to readers, never removed)"</label>
            <textarea id="ed-correction" rows="2" bind:value=note></textarea>
            <label class="inline">
                <input type="checkbox" bind:checked=minor/>
                " Minor (does not change the “Updated” time)"
            </label>
            <button type="button" on:click=add>"Add correction"</button>
            <p class="editor-message" role="status" aria-live="polite">{move || message.get()}</p>
        </fieldset>
    }
}
