//! The article editor island: every structured field (headline, dek, body Markdown,
//! takeaways, analysis, FAQ items with add / remove / reorder, AI disclosure, tags),
//! saving drafts and publishing through the admin server functions. Drafts autosave a
//! few seconds after typing stops, the body has a live preview rendered by the server
//! exactly as readers will see it, and unsaved text is kept in the browser's local
//! storage so a crash or reload can bring it back.

use crate::api::admin::{
    add_correction, get_article, preview_markdown, publish_article, save_article, schedule_article,
    submit_for_review,
};
use crate::error::AppError;
use crate::model::{AiDisclosure, AiLevel, ArticleDraft, ArticleStatus, FaqDraft};
use leptos::prelude::*;
use leptos::task::spawn_local;

/// Autosave waits for this long without typing.
const AUTOSAVE_MS: u64 = 3000;
/// The preview is refreshed this long after typing stops.
const PREVIEW_MS: u64 = 300;

/// What a button asks for; every action saves first.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Action {
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

/// Browser-only helpers, called from event handlers.
mod browser {
    use chrono::{DateTime, Utc};
    use leptos::prelude::window;

    /// A `datetime-local` value (the reader's local time) as UTC.
    pub fn local_to_utc(value: &str) -> Option<DateTime<Utc>> {
        if value.is_empty() {
            return None;
        }
        let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_str(value));
        if date.get_time().is_nan() {
            return None;
        }
        let iso: String = date.to_iso_string().into();
        DateTime::parse_from_rfc3339(&iso)
            .ok()
            .map(|d| d.with_timezone(&Utc))
    }

    pub fn replace_url(url: &str) {
        if let Ok(history) = window().history() {
            let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(url));
        }
    }

    fn storage() -> Option<web_sys::Storage> {
        window().local_storage().ok().flatten()
    }

    pub fn load(key: &str) -> Option<String> {
        storage()?.get_item(key).ok().flatten()
    }

    pub fn store(key: &str, value: &str) {
        if let Some(s) = storage() {
            let _ = s.set_item(key, value);
        }
    }

    pub fn forget(key: &str) {
        if let Some(s) = storage() {
            let _ = s.remove_item(key);
        }
    }

    pub fn now_ms() -> f64 {
        js_sys::Date::now()
    }

    /// A time kept in local storage, in the reader's own clock.
    pub fn local_time(ms: f64) -> String {
        let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms));
        date.to_locale_string("en-GB", &wasm_bindgen::JsValue::UNDEFINED)
            .into()
    }
}

/// Unsaved editor text kept in the browser, in case the tab crashes or is reloaded.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
struct LocalCopy {
    /// When it was written (milliseconds since the epoch).
    at: f64,
    draft: ArticleDraft,
}

fn local_key(id: Option<i64>) -> String {
    match id {
        Some(id) => format!("gazette-draft:{id}"),
        None => "gazette-draft:new".into(),
    }
}

#[derive(Clone, Copy)]
struct FaqRow {
    key: usize,
    question: RwSignal<String>,
    answer: RwSignal<String>,
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

#[island]
pub fn ArticleEditor(
    id: Option<i64>,
    version: Option<i64>,
    status: ArticleStatus,
    slug: Option<String>,
    draft: ArticleDraft,
    can_publish: bool,
) -> impl IntoView {
    let id = RwSignal::new(id);
    let version = RwSignal::new(version);
    let status = RwSignal::new(status);
    let slug = RwSignal::new(slug);
    let title = RwSignal::new(draft.title);
    let dek = RwSignal::new(draft.dek);
    let body = RwSignal::new(draft.body);
    let takeaways = RwSignal::new(draft.takeaways.join("\n"));
    let analysis = RwSignal::new(draft.analysis);
    let disclosure = draft.disclosure.unwrap_or_default();
    let level = RwSignal::new(disclosure.level);
    let statement = RwSignal::new(disclosure.statement);
    let tool = RwSignal::new(disclosure.tool.unwrap_or_default());
    let reviewer = RwSignal::new(disclosure.reviewer.unwrap_or_default());
    let tags = RwSignal::new(draft.tags.join(", "));
    let next_key = StoredValue::new(draft.faq.len());
    let faq = RwSignal::new(
        draft
            .faq
            .into_iter()
            .enumerate()
            .map(|(k, f)| FaqRow::new(k, f.question, f.answer))
            .collect::<Vec<_>>(),
    );
    let message = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));

    let collect = move || ArticleDraft {
        title: title.get_untracked(),
        dek: dek.get_untracked(),
        body: body.get_untracked(),
        takeaways: takeaways
            .get_untracked()
            .lines()
            .map(|l| l.trim().to_string())
            .filter(|l| !l.is_empty())
            .collect(),
        analysis: analysis.get_untracked(),
        faq: faq
            .get_untracked()
            .iter()
            .map(|r| FaqDraft {
                question: r.question.get_untracked(),
                answer: r.answer.get_untracked(),
            })
            .collect(),
        disclosure: Some(AiDisclosure {
            level: level.get_untracked(),
            statement: statement.get_untracked(),
            tool: Some(tool.get_untracked()),
            reviewer: Some(reviewer.get_untracked()),
        }),
        tags: tags
            .get_untracked()
            .split(',')
            .map(|t| t.trim().to_string())
            .filter(|t| !t.is_empty())
            .collect(),
    };

    let apply = move |d: ArticleDraft| {
        title.set(d.title);
        dek.set(d.dek);
        body.set(d.body);
        takeaways.set(d.takeaways.join("\n"));
        analysis.set(d.analysis);
        let disclosure = d.disclosure.unwrap_or_default();
        level.set(disclosure.level);
        statement.set(disclosure.statement);
        tool.set(disclosure.tool.unwrap_or_default());
        reviewer.set(disclosure.reviewer.unwrap_or_default());
        tags.set(d.tags.join(", "));
        let first = next_key.get_value();
        next_key.set_value(first + d.faq.len());
        faq.set(
            d.faq
                .into_iter()
                .enumerate()
                .map(|(k, f)| FaqRow::new(first + k, f.question, f.answer))
                .collect(),
        );
    };

    let substantive = RwSignal::new(false);
    let schedule_at = RwSignal::new(String::new());
    let conflict = RwSignal::new(false);
    let edits = RwSignal::new(0u64);
    let saved_edits = RwSignal::new(0u64);
    let dirty = Memo::new(move |_| edits.get() != saved_edits.get());
    let autosave_timer = StoredValue::new(None::<TimeoutHandle>);
    let preview = RwSignal::new(String::new());
    let preview_error = RwSignal::new(String::new());
    let preview_timer = StoredValue::new(None::<TimeoutHandle>);
    let preview_ticket = StoredValue::new(0u64);
    let recovered = RwSignal::new(None::<LocalCopy>);
    let queued = StoredValue::new(None::<Action>);
    let correction = RwSignal::new(String::new());
    let minor_correction = RwSignal::new(false);

    let run = move |action: Action| {
        if busy.get_untracked() {
            // A button pressed while an autosave is under way runs right after it.
            if action != Action::Autosave {
                queued.set_value(Some(action));
            }
            return;
        }
        let at = match action {
            Action::Schedule => match browser::local_to_utc(&schedule_at.get_untracked()) {
                Some(at) => Some(at),
                None => {
                    message.set("Choose a date and time to publish at.".into());
                    return;
                }
            },
            _ => None,
        };
        busy.set(true);
        conflict.set(false);
        message.set(action.progress().into());
        let draft = collect();
        let edits_now = edits.get_untracked();
        let substantive_now = substantive.get_untracked();
        let autosave = action == Action::Autosave;
        spawn_local(async move {
            let result = async {
                let saved = save_article(
                    id.get_untracked(),
                    version.get_untracked(),
                    draft,
                    substantive_now,
                    autosave,
                )
                .await?;
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
                    let first_save = id.get_untracked().is_none();
                    id.set(Some(saved.id));
                    version.set(Some(saved.version));
                    status.set(saved.status);
                    slug.set(Some(saved.slug));
                    saved_edits.set(edits_now);
                    if first_save {
                        browser::forget(&local_key(None));
                        browser::replace_url(&format!("/admin/articles/{}", saved.id));
                    }
                    if edits.get_untracked() == edits_now {
                        browser::forget(&local_key(Some(saved.id)));
                    }
                    message.set(action.done().into());
                }
                Err(AppError::Conflict(m)) => {
                    conflict.set(true);
                    message.set(m);
                }
                Err(e) if autosave => message.set(format!(
                    "Autosave failed ({e}) Your text is kept in this browser."
                )),
                Err(e) => message.set(e.to_string()),
            }
            busy.set(false);
        });
    };

    // Keep mine: save this text on top of whatever was saved meanwhile.
    let keep_mine = move |_| {
        let Some(article_id) = id.get_untracked() else {
            return;
        };
        spawn_local(async move {
            match get_article(article_id).await {
                Ok(latest) => {
                    version.set(Some(latest.version));
                    run(Action::Save);
                }
                Err(e) => message.set(e.to_string()),
            }
        });
    };

    let add_correction_now = move |_| {
        let Some(article_id) = id.get_untracked() else {
            return;
        };
        let note = correction.get_untracked();
        let minor = minor_correction.get_untracked();
        spawn_local(async move {
            match add_correction(article_id, note, minor).await {
                Ok(a) => {
                    version.set(Some(a.version));
                    correction.set(String::new());
                    message.set("Correction added.".into());
                }
                Err(e) => message.set(e.to_string()),
            }
        });
    };

    // Every edit after the first run counts; the form is dirty until a save catches up.
    Effect::new(move |first_run: Option<()>| {
        title.track();
        dek.track();
        body.track();
        takeaways.track();
        analysis.track();
        faq.track();
        tags.track();
        statement.track();
        tool.track();
        reviewer.track();
        level.track();
        if first_run.is_some() {
            edits.update(|n| *n += 1);
            if !busy.get_untracked() {
                message.set("Unsaved changes.".into());
            }
            let copy = LocalCopy {
                at: browser::now_ms(),
                draft: collect(),
            };
            if let Ok(json) = serde_json::to_string(&copy) {
                browser::store(&local_key(id.get_untracked()), &json);
            }
            if let Some(h) = autosave_timer.get_value() {
                h.clear();
            }
            autosave_timer.set_value(
                set_timeout_with_handle(
                    move || {
                        if status.get_untracked() == ArticleStatus::Draft
                            && dirty.get_untracked()
                            && !conflict.get_untracked()
                            && !title.get_untracked().trim().is_empty()
                        {
                            run(Action::Autosave);
                        }
                    },
                    std::time::Duration::from_millis(AUTOSAVE_MS),
                )
                .ok(),
            );
        }
    });

    Effect::new(move |_| {
        if !busy.get() {
            if let Some(action) = queued.get_value() {
                queued.set_value(None);
                run(action);
            }
        }
    });

    // The live preview: the server renders the body as it will be published.
    let refresh_preview = move || {
        let ticket = preview_ticket.get_value() + 1;
        preview_ticket.set_value(ticket);
        let markdown = body.get_untracked();
        spawn_local(async move {
            let html = preview_markdown(markdown).await;
            if preview_ticket.get_value() == ticket {
                match html {
                    Ok(html) => preview.set(html),
                    Err(e) => preview_error.set(e.to_string()),
                }
            }
        });
    };
    Effect::new(move |first_run: Option<()>| {
        body.track();
        if first_run.is_none() {
            refresh_preview();
            return;
        }
        if let Some(h) = preview_timer.get_value() {
            h.clear();
        }
        preview_timer.set_value(
            set_timeout_with_handle(
                refresh_preview,
                std::time::Duration::from_millis(PREVIEW_MS),
            )
            .ok(),
        );
    });

    // Text kept in this browser from a session that never saved it.
    Effect::new(move |_| {
        let Some(json) = browser::load(&local_key(id.get_untracked())) else {
            return;
        };
        match serde_json::from_str::<LocalCopy>(&json) {
            Ok(copy) if copy.draft != collect() => recovered.set(Some(copy)),
            _ => browser::forget(&local_key(id.get_untracked())),
        }
    });
    let restore_local = move |_| {
        if let Some(copy) = recovered.get_untracked() {
            apply(copy.draft);
            recovered.set(None);
            message.set("Your unsaved text is back. Save it to keep it.".into());
        }
    };
    let discard_local = move |_| {
        browser::forget(&local_key(id.get_untracked()));
        recovered.set(None);
    };

    Effect::new(move |_| {
        let handle = window_event_listener_untyped("beforeunload", move |ev| {
            if dirty.get_untracked() {
                ev.prevent_default();
            }
        });
        on_cleanup(move || handle.remove());
    });

    let add_faq = move |_| {
        let key = next_key.get_value();
        next_key.set_value(key + 1);
        faq.update(|rows| rows.push(FaqRow::new(key, String::new(), String::new())));
    };
    let move_faq = move |key: usize, delta: isize| {
        faq.update(|rows| {
            if let Some(i) = rows.iter().position(|r| r.key == key) {
                let j = i as isize + delta;
                if j >= 0 && (j as usize) < rows.len() {
                    rows.swap(i, j as usize);
                }
            }
        })
    };
    let remove_faq = move |key: usize| faq.update(|rows| rows.retain(|r| r.key != key));

    view! {
        <form
            class="editor"
            data-hydrated=move || if hydrated.get() { "true" } else { "false" }
            on:submit=move |ev| {
                ev.prevent_default();
                run(Action::Save);
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
            {move || recovered.get().map(|copy| view! {
                <div class="recovered" role="alert">
                    <p>
                        "This browser kept changes you had not saved (from "
                        {browser::local_time(copy.at)} ")."
                    </p>
                    <button type="button" class="primary" on:click=restore_local>"Restore them"</button>
                    <button type="button" on:click=discard_local>"Discard them"</button>
                </div>
            })}
            <div class="body-pane">
                <div>
                    <label for="ed-body">"Body (Markdown)"</label>
                    <textarea id="ed-body" name="body" rows="14" bind:value=body></textarea>
                </div>
                <section class="editor-preview" aria-labelledby="preview-heading">
                    <h2 id="preview-heading">"Preview"</h2>
                    <p class="form-error">{move || preview_error.get()}</p>
                    <div class="article-body" data-test-preview inner_html=move || preview.get()></div>
                </section>
            </div>
            <label for="ed-takeaways">"Key Takeaways (one per line)"</label>
            <textarea id="ed-takeaways" name="takeaways" rows="4" bind:value=takeaways></textarea>
            <label for="ed-analysis">"Editor’s Analysis & Impact (Markdown)"</label>
            <textarea id="ed-analysis" name="analysis" rows="6" bind:value=analysis></textarea>

            <fieldset class="faq-editor">
                <legend>"Frequently Asked Questions"</legend>
                <For each=move || faq.get() key=|r| r.key let:row>
                    <div class="faq-edit-item" data-test-faq-edit>
                        <label for=format!("ed-q-{}", row.key)>"Question"</label>
                        <input id=format!("ed-q-{}", row.key) bind:value=row.question/>
                        <label for=format!("ed-a-{}", row.key)>"Answer (Markdown)"</label>
                        <textarea id=format!("ed-a-{}", row.key) rows="3" bind:value=row.answer></textarea>
                        <div class="row-tools">
                            <button type="button" on:click=move |_| move_faq(row.key, -1)>"Move up"</button>
                            <button type="button" on:click=move |_| move_faq(row.key, 1)>"Move down"</button>
                            <button type="button" on:click=move |_| remove_faq(row.key)>"Remove"</button>
                        </div>
                    </div>
                </For>
                <button type="button" on:click=add_faq>"Add question"</button>
            </fieldset>

            <fieldset>
                <legend>"AI disclosure"</legend>
                <label for="ed-level">"AI involvement"</label>
                <select
                    id="ed-level"
                    on:change=move |ev| {
                        if let Some(l) = AiLevel::parse(&event_target_value(&ev)) {
                            level.set(l);
                        }
                    }
                >
                    {AiLevel::ALL
                        .into_iter()
                        .map(|l| {
                            view! {
                                <option value=l.as_str() selected=move || level.get() == l>
                                    {l.label()}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
                <label for="ed-statement">"Statement shown to readers"</label>
                <textarea id="ed-statement" rows="2" bind:value=statement></textarea>
                <label for="ed-tool">"Tool (optional)"</label>
                <input id="ed-tool" bind:value=tool/>
                <label for="ed-reviewer">"Reviewing editor (optional)"</label>
                <input id="ed-reviewer" bind:value=reviewer/>
            </fieldset>

            <label for="ed-tags">"Tags (comma-separated)"</label>
            <input id="ed-tags" name="tags" bind:value=tags/>

            <div class="editor-actions">
                <label class="inline">
                    <input type="checkbox" bind:checked=substantive/>
                    " Substantive change (readers see “Updated”)"
                </label>
            </div>
            <div class="editor-actions">
                <button type="submit" disabled=move || busy.get()>"Save draft"</button>
                {move || matches!(status.get(), ArticleStatus::Draft).then(|| view! {
                    <button type="button" disabled=move || busy.get() on:click=move |_| run(Action::Submit)>
                        "Submit for review"
                    </button>
                })}
                {can_publish.then(|| view! {
                    <button type="button" class="primary" disabled=move || busy.get() on:click=move |_| run(Action::Publish)>
                        "Publish"
                    </button>
                    <label class="inline" for="ed-schedule">"or at"</label>
                    <input id="ed-schedule" class="schedule" type="datetime-local" step="1" bind:value=schedule_at/>
                    <button type="button" disabled=move || busy.get() on:click=move |_| run(Action::Schedule)>
                        "Schedule"
                    </button>
                })}
            </div>
            <p class="editor-message" role="status" aria-live="polite">{move || message.get()}</p>
            {move || conflict.get().then(|| view! {
                <div class="conflict" role="alert">
                    <p>"Your text is still here. Choose what to do:"</p>
                    <button type="button" on:click=keep_mine>"Keep mine (save over theirs)"</button>
                    <a href=move || format!("/admin/articles/{}", id.get().unwrap_or_default())>"Take theirs (reload)"</a>
                    <label for="ed-mine">"Or copy your text:"</label>
                    <textarea id="ed-mine" readonly rows="4" prop:value=move || body.get()></textarea>
                </div>
            })}
            {move || (can_publish && status.get() == ArticleStatus::Published).then(|| view! {
                <fieldset class="correction-editor">
                    <legend>"Add a correction"</legend>
                    <label for="ed-correction">"Correction note (shown to readers, never removed)"</label>
                    <textarea id="ed-correction" rows="2" bind:value=correction></textarea>
                    <label class="inline">
                        <input type="checkbox" bind:checked=minor_correction/>
                        " Minor (does not change the “Updated” time)"
                    </label>
                    <button type="button" on:click=add_correction_now>"Add correction"</button>
                </fieldset>
            })}
        </form>
    }
}
