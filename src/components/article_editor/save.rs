//! Saving: what each button asks for (every action saves first), the state a save shares
//! with the rest of the editor, and the buttons.

use super::browser;
use super::fields::EditorFields;
use super::local_copy;
use crate::api::admin::{
    get_article, publish_article, save_article, schedule_article, submit_for_review,
};
use crate::error::AppError;
use crate::model::ArticleStatus;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// What a button asks for; every action saves first.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Autosave,
    Save,
    Submit,
    Publish,
    Schedule,
}

impl Action {
    fn progress(self) -> &'static str {
        match self {
            Action::Autosave | Action::Save => "Saving…",
            Action::Submit => "Submitting…",
            Action::Publish => "Publishing…",
            Action::Schedule => "Scheduling…",
        }
    }

    fn done(self) -> &'static str {
        match self {
            Action::Autosave => "Saved automatically.",
            Action::Save => "Draft saved.",
            Action::Submit => "Submitted for review.",
            Action::Publish => "Published.",
            Action::Schedule => "Scheduled.",
        }
    }
}

/// The fields, the article as the server last saved it, and how saving it is going.
#[derive(Clone, Copy)]
pub struct EditorState {
    pub fields: EditorFields,
    pub id: RwSignal<Option<i64>>,
    pub version: RwSignal<Option<i64>>,
    pub status: RwSignal<ArticleStatus>,
    pub slug: RwSignal<Option<String>>,
    /// The status line under the buttons.
    pub message: RwSignal<String>,
    /// A save is under way.
    pub busy: RwSignal<bool>,
    /// The last save was refused because someone else saved first.
    pub conflict: RwSignal<bool>,
    /// Readers see "Updated" after the next save.
    pub substantive: RwSignal<bool>,
    /// The `datetime-local` value to schedule publication at.
    pub schedule_at: RwSignal<String>,
    /// Edits made since the page loaded.
    pub edits: RwSignal<u64>,
    /// How many of those edits the server has.
    saved_edits: RwSignal<u64>,
    /// A button pressed during an autosave.
    queued: StoredValue<Option<Action>>,
}

impl EditorState {
    pub fn new(
        fields: EditorFields,
        id: Option<i64>,
        version: Option<i64>,
        status: ArticleStatus,
        slug: Option<String>,
    ) -> Self {
        let state = EditorState {
            fields,
            id: RwSignal::new(id),
            version: RwSignal::new(version),
            status: RwSignal::new(status),
            slug: RwSignal::new(slug),
            message: RwSignal::new(String::new()),
            busy: RwSignal::new(false),
            conflict: RwSignal::new(false),
            substantive: RwSignal::new(false),
            schedule_at: RwSignal::new(String::new()),
            edits: RwSignal::new(0),
            saved_edits: RwSignal::new(0),
            queued: StoredValue::new(None),
        };
        // A button pressed during an autosave runs as soon as it ends.
        Effect::new(move |_| {
            if !state.busy.get() {
                if let Some(action) = state.queued.get_value() {
                    state.queued.set_value(None);
                    state.run(action);
                }
            }
        });
        state
    }

    /// Whether there are edits a save has not caught up with.
    pub fn dirty(self) -> bool {
        self.edits.get_untracked() != self.saved_edits.get_untracked()
    }

    /// Saves the fields, then does what `action` asks.
    pub fn run(self, action: Action) {
        if self.busy.get_untracked() {
            // A button pressed while an autosave is under way runs right after it.
            if action != Action::Autosave {
                self.queued.set_value(Some(action));
            }
            return;
        }
        let at = match action {
            Action::Schedule => match self.schedule_at.get_untracked() {
                at if at.trim().is_empty() => {
                    self.message
                        .set("Choose a date and time to publish at.".into());
                    return;
                }
                // The server reads it in the publication's time zone.
                at => Some(at),
            },
            _ => None,
        };
        self.busy.set(true);
        self.conflict.set(false);
        self.message.set(action.progress().into());
        let draft = self.fields.collect();
        let edits_now = self.edits.get_untracked();
        let substantive = self.substantive.get_untracked();
        let autosave = action == Action::Autosave;
        let first_save = self.id.get_untracked().is_none();
        spawn_local(async move {
            let result = async {
                let saved = save_article(
                    self.id.get_untracked(),
                    self.version.get_untracked(),
                    draft,
                    substantive,
                    autosave,
                )
                .await?;
                // The save stands even when the step after it is refused (a lead image
                // without alt text, say): the next attempt goes on from it.
                self.id.set(Some(saved.id));
                self.version.set(Some(saved.version));
                match action {
                    Action::Autosave | Action::Save => Ok(saved),
                    Action::Submit => submit_for_review(saved.id, saved.version).await,
                    Action::Publish => publish_article(saved.id, saved.version).await,
                    Action::Schedule => {
                        schedule_article(saved.id, saved.version, at.unwrap_or_default()).await
                    }
                }
            }
            .await;
            match result {
                Ok(saved) => {
                    self.id.set(Some(saved.id));
                    self.version.set(Some(saved.version));
                    self.status.set(saved.status);
                    self.slug.set(Some(saved.slug));
                    self.saved_edits.set(edits_now);
                    if first_save {
                        local_copy::forget(None);
                        browser::replace_url(&format!("/admin/articles/{}", saved.id));
                    }
                    if self.edits.get_untracked() == edits_now {
                        local_copy::forget(Some(saved.id));
                    }
                    self.message.set(action.done().into());
                }
                Err(AppError::Conflict(m)) => {
                    self.conflict.set(true);
                    self.message.set(m);
                }
                Err(e) if autosave => self.message.set(format!(
                    "Autosave failed ({e}) Your text is kept in this browser."
                )),
                Err(e) => self.message.set(e.to_string()),
            }
            self.busy.set(false);
        });
    }

    /// After a conflict: saves this text on top of whatever was saved meanwhile.
    pub fn keep_mine(self) {
        let Some(id) = self.id.get_untracked() else {
            return;
        };
        spawn_local(async move {
            match get_article(id).await {
                Ok(latest) => {
                    self.version.set(Some(latest.version));
                    self.run(Action::Save);
                }
                Err(e) => self.message.set(e.to_string()),
            }
        });
    }
}

/// The substantive-change box and the buttons: save, submit for review (drafts), and for
/// staff who may, publish now or at a time.
#[component]
pub fn SaveButtons(state: EditorState, can_publish: bool, timezone: String) -> impl IntoView {
    let busy = state.busy;
    view! {
        <div class="editor-actions">
            <button type="submit" disabled=move || busy.get() aria-keyshortcuts="Control+S Meta+S">"Save draft"</button>
            {move || matches!(state.status.get(), ArticleStatus::Draft).then(|| view! {
                <button type="button" disabled=move || busy.get() on:click=move |_| state.run(Action::Submit)>
                    "Submit for review"
                </button>
            })}
            {can_publish.then(|| view! {
                <button type="button" class="primary" disabled=move || busy.get() on:click=move |_| state.run(Action::Publish)>
                    "Publish"
                </button>
                <span class="schedule-group">
                    <label class="inline" for="ed-schedule">"or at (" {timezone} " time)"</label>
                    <input id="ed-schedule" class="schedule" type="datetime-local" step="1" bind:value=state.schedule_at/>
                    <button type="button" disabled=move || busy.get() on:click=move |_| state.run(Action::Schedule)>
                        "Schedule"
                    </button>
                </span>
            })}
            <label class="inline">
                <input type="checkbox" bind:checked=state.substantive/>
                " Substantive change (readers see “Updated”)"
            </label>
        </div>
    }
}
