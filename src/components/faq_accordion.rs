//! The FAQ accordion island. The server renders `<details>/<summary>`, which work with no
//! JavaScript; once hydrated the island adds expand-all / collapse-all, deep links per
//! question (`#faq-…` opens and scrolls to the item; opening one updates the hash), and
//! keeps `aria-expanded` in sync with each item. Before hydration `<summary>` needs no
//! `aria-expanded` (the browser exposes the `<details>` state itself), so the server
//! HTML leaves it out.

use crate::model::FaqItem;
use leptos::prelude::*;

#[island]
pub fn FaqAccordion(items: Vec<FaqItem>) -> impl IntoView {
    let count = items.len();
    let anchors: Vec<String> = items.iter().map(|i| i.anchor.clone()).collect();
    let open = RwSignal::new(vec![false; count]);
    let hydrated = RwSignal::new(false);

    Effect::new({
        let anchors = anchors.clone();
        move |_| {
            hydrated.set(true);
            browser::open_from_hash(&anchors, open);
            let anchors = anchors.clone();
            let handle = window_event_listener_untyped("hashchange", move |_| {
                browser::open_from_hash(&anchors, open)
            });
            on_cleanup(move || handle.remove());
        }
    });

    let set_all = move |value: bool| open.set(vec![value; count]);
    let rows = items
        .into_iter()
        .enumerate()
        .map(|(i, item)| {
            let is_open = move || open.with(|o| o.get(i).copied().unwrap_or(false));
            let anchor = item.anchor.clone();
            view! {
                <details
                    id=item.anchor.clone()
                    class="faq-item"
                    data-test-faq-item=item.anchor.clone()
                    prop:open=is_open
                    on:toggle=move |ev| {
                        let now_open = browser::details_open(&ev);
                        if is_open() != now_open {
                            open.update(|o| o[i] = now_open);
                        }
                    }
                >
                    <summary
                        aria-expanded=move || {
                            hydrated.get().then(|| if is_open() { "true" } else { "false" })
                        }
                        on:click=move |_| browser::set_hash(&anchor, !is_open())
                    >
                        {item.question}
                    </summary>
                    <div class="faq-answer" inner_html=item.answer.html></div>
                </details>
            }
        })
        .collect_view();

    view! {
        <section
            class="faq"
            aria-labelledby="faq-heading"
            data-hydrated=move || if hydrated.get() { "true" } else { "false" }
        >
            <div class="faq-head">
                <h2 id="faq-heading">"Frequently Asked Questions"</h2>
                <div class="faq-tools">
                    <button type="button" on:click=move |_| set_all(true)>"Expand all"</button>
                    <button type="button" on:click=move |_| set_all(false)>"Collapse all"</button>
                </div>
            </div>
            {rows}
        </section>
    }
}

/// DOM helpers; only ever called from effects and event handlers, which run in the browser.
mod browser {
    use leptos::prelude::*;
    use wasm_bindgen::JsCast;

    pub fn details_open(ev: &leptos::ev::Event) -> bool {
        ev.target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlDetailsElement>().ok())
            .map(|d| d.open())
            .unwrap_or(false)
    }

    /// Opens and scrolls to the item named by the location hash, if it is one of ours.
    pub fn open_from_hash(anchors: &[String], open: RwSignal<Vec<bool>>) {
        let hash = location().hash().unwrap_or_default();
        let Some(i) = anchors.iter().position(|a| hash == format!("#{a}")) else {
            return;
        };
        open.update(|o| o[i] = true);
        let id = anchors[i].clone();
        request_animation_frame(move || {
            if let Some(el) = document().get_element_by_id(&id) {
                el.scroll_into_view();
            }
        });
    }

    /// Points the URL at an item being opened (or clears it when that item closes),
    /// without adding a history entry or jumping the page.
    pub fn set_hash(anchor: &str, opening: bool) {
        let loc = location();
        let current = loc.hash().unwrap_or_default();
        let url = if opening {
            format!("#{anchor}")
        } else if current == format!("#{anchor}") {
            format!(
                "{}{}",
                loc.pathname().unwrap_or_default(),
                loc.search().unwrap_or_default()
            )
        } else {
            return;
        };
        if let Ok(history) = window().history() {
            let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url));
        }
    }
}
