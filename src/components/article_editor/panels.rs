//! The two notices that offer a choice: text this browser kept from a session that never
//! saved it, and a save refused because someone else saved first.

use super::browser;
use super::local_copy::{self, LocalCopy};
use super::save::EditorState;
use leptos::prelude::*;

/// Offers the text kept in this browser when it differs from the article as loaded.
#[component]
pub fn RecoveredPanel(state: EditorState) -> impl IntoView {
    let recovered = RwSignal::new(None::<LocalCopy>);
    Effect::new(move |_| {
        let id = state.id.get_untracked();
        match local_copy::load(id) {
            Some(copy) if copy.draft != state.fields.collect() => recovered.set(Some(copy)),
            Some(_) => local_copy::forget(id),
            None => {}
        }
    });
    let restore = move |_| {
        if let Some(copy) = recovered.get_untracked() {
            state.fields.apply(copy.draft);
            recovered.set(None);
            state
                .message
                .set("Your unsaved text is back. Save it to keep it.".into());
        }
    };
    let discard = move |_| {
        local_copy::forget(state.id.get_untracked());
        recovered.set(None);
    };
    move || {
        recovered.get().map(|copy| {
            view! {
                <div class="recovered" role="alert">
                    <p>
                        "This browser kept changes you had not saved (from "
                        {browser::local_time(copy.at)} ")."
                    </p>
                    <button type="button" class="primary" on:click=restore>"Restore them"</button>
                    <button type="button" on:click=discard>"Discard them"</button>
                </div>
            }
        })
    }
}

/// After a conflict: keep mine (save over theirs), take theirs (reload), or copy my text.
#[component]
pub fn ConflictPanel(state: EditorState) -> impl IntoView {
    move || {
        state.conflict.get().then(|| {
            view! {
                <div class="conflict" role="alert">
                    <p>"Your text is still here. Choose what to do:"</p>
                    <button type="button" on:click=move |_| state.keep_mine()>"Keep mine (save over theirs)"</button>
                    <a href=move || format!("/admin/articles/{}", state.id.get().unwrap_or_default())>"Take theirs (reload)"</a>
                    <label for="ed-mine">"Or copy your text:"</label>
                    <textarea id="ed-mine" readonly rows="4" prop:value=move || state.fields.body.get()></textarea>
                </div>
            }
        })
    }
}
