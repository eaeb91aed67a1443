//! Between saves: every edit is counted and kept in the browser, a draft saves itself a
//! few seconds after typing stops, leaving the page with unsaved edits asks first, and
//! Ctrl+S saves.

use super::local_copy;
use super::save::{Action, EditorState};
use crate::model::ArticleStatus;
use leptos::prelude::*;

/// Autosave waits for this long without typing.
const AUTOSAVE_MS: u64 = 3000;

/// Watches every field. Each edit after the first run counts (the form is dirty until a
/// save catches up), is kept in the browser, and restarts the autosave countdown.
pub fn watch_edits(state: EditorState) {
    let timer = StoredValue::new(None::<TimeoutHandle>);
    Effect::new(move |first_run: Option<()>| {
        state.fields.track();
        if first_run.is_some() {
            state.edits.update(|n| *n += 1);
            if !state.busy.get_untracked() {
                state.message.set("Unsaved changes.".into());
            }
            local_copy::keep(state.id.get_untracked(), state.fields.collect());
            if let Some(h) = timer.get_value() {
                h.clear();
            }
            timer.set_value(
                set_timeout_with_handle(
                    move || {
                        if state.status.get_untracked() == ArticleStatus::Draft
                            && state.dirty()
                            && !state.conflict.get_untracked()
                            && !state.fields.title.get_untracked().trim().is_empty()
                        {
                            state.run(Action::Autosave);
                        }
                    },
                    std::time::Duration::from_millis(AUTOSAVE_MS),
                )
                .ok(),
            );
        }
    });
}

/// The browser's own "leave this page?" question while edits are unsaved.
pub fn warn_before_leaving(state: EditorState) {
    Effect::new(move |_| {
        let handle = window_event_listener_untyped("beforeunload", move |ev| {
            if state.dirty() {
                ev.prevent_default();
            }
        });
        on_cleanup(move || handle.remove());
    });
}

/// Ctrl+S (⌘S on a Mac) saves, instead of the browser's "save page" dialog.
pub fn save_on_shortcut(state: EditorState) {
    Effect::new(move |_| {
        let handle = window_event_listener(leptos::ev::keydown, move |ev| {
            if (ev.ctrl_key() || ev.meta_key())
                && !ev.alt_key()
                && ev.key().eq_ignore_ascii_case("s")
            {
                ev.prevent_default();
                state.run(Action::Save);
            }
        });
        on_cleanup(move || handle.remove());
    });
}
