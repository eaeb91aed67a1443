//! The body's live preview: the server renders the Markdown as it will be published,
//! shortly after typing stops.

use crate::api::admin::preview_markdown;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// The preview is refreshed this long after typing stops.
const PREVIEW_MS: u64 = 300;

#[component]
pub fn Preview(body: RwSignal<String>) -> impl IntoView {
    let html = RwSignal::new(String::new());
    let error = RwSignal::new(String::new());
    let timer = StoredValue::new(None::<TimeoutHandle>);
    // Only the newest request's answer is shown.
    let ticket = StoredValue::new(0u64);
    let refresh = move || {
        let this = ticket.get_value() + 1;
        ticket.set_value(this);
        let markdown = body.get_untracked();
        spawn_local(async move {
            let rendered = preview_markdown(markdown).await;
            if ticket.get_value() == this {
                match rendered {
                    Ok(rendered) => html.set(rendered),
                    Err(e) => error.set(e.to_string()),
                }
            }
        });
    };
    Effect::new(move |first_run: Option<()>| {
        body.track();
        if first_run.is_none() {
            refresh();
            return;
        }
        if let Some(h) = timer.get_value() {
            h.clear();
        }
        timer.set_value(
            set_timeout_with_handle(refresh, std::time::Duration::from_millis(PREVIEW_MS)).ok(),
        );
    });
    view! {
        // It scrolls on its own, so it takes keyboard focus to be scrolled without a mouse.
        <section class="editor-preview" tabindex="0" aria-labelledby="preview-heading">
            <h2 id="preview-heading">"Preview"</h2>
            <p class="form-error">{move || error.get()}</p>
            <div class="article-body" data-test-preview inner_html=move || html.get()></div>
        </section>
    }
}
