//! The fieldsets with more than one input: FAQ items (add, remove, reorder), the AI
//! disclosure, and the article's address and bylines.

use super::fields::EditorFields;
use crate::model::AiLevel;
use leptos::prelude::*;

#[component]
pub fn FaqFields(fields: EditorFields) -> impl IntoView {
    view! {
        <fieldset class="faq-editor">
            <legend>"Frequently Asked Questions"</legend>
            <For each=move || fields.faq.get() key=|r| r.key let:row>
                <div class="faq-edit-item" data-test-faq-edit>
                    <label for=format!("ed-q-{}", row.key)>"Question"</label>
                    <input id=format!("ed-q-{}", row.key) bind:value=row.question/>
                    <label for=format!("ed-a-{}", row.key)>"Answer (Markdown)"</label>
                    <textarea id=format!("ed-a-{}", row.key) rows="3" bind:value=row.answer></textarea>
                    <div class="row-tools">
                        <button type="button" on:click=move |_| fields.move_faq(row.key, -1)>"Move up"</button>
                        <button type="button" on:click=move |_| fields.move_faq(row.key, 1)>"Move down"</button>
                        <button type="button" on:click=move |_| fields.remove_faq(row.key)>"Remove"</button>
                    </div>
                </div>
            </For>
            <button type="button" on:click=move |_| fields.add_faq()>"Add question"</button>
        </fieldset>
    }
}

#[component]
pub fn DisclosureFields(fields: EditorFields) -> impl IntoView {
    let level = fields.level;
    view! {
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
            <textarea id="ed-statement" rows="2" bind:value=fields.statement></textarea>
            <label for="ed-tool">"Tool (optional)"</label>
            <input id="ed-tool" bind:value=fields.tool/>
            <label for="ed-reviewer">"Reviewing editor (optional)"</label>
            <input id="ed-reviewer" bind:value=fields.reviewer/>
        </fieldset>
    }
}

/// The address and the bylines: staff and byline-only authors by name, separated by `;`
/// (a name not known yet becomes a byline-only author's).
#[component]
pub fn CreditFields(fields: EditorFields) -> impl IntoView {
    view! {
        <fieldset>
            <legend>"Address and bylines"</legend>
            <label for="ed-slug">"Address (/articles/…)"</label>
            <input id="ed-slug" name="slug" maxlength="120" aria-describedby="ed-slug-hint" bind:value=fields.slug/>
            <p id="ed-slug-hint" class="hint">
                "Lowercase letters, digits and hyphens. A published article’s old address keeps leading here."
            </p>
            <label for="ed-bylines">"Bylines (separated by ;)"</label>
            <input id="ed-bylines" name="bylines" aria-describedby="ed-bylines-hint" bind:value=fields.bylines/>
            <p id="ed-bylines-hint" class="hint">
                "Staff by name or email; any other name (a wire service, a freelancer) gets an author page of its own. Empty: the writer."
            </p>
        </fieldset>
    }
}
