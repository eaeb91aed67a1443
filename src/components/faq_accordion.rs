//! The FAQ accordion. The server renders every item as `<details>/<summary>`, which work
//! with no JavaScript; the island around them receives nothing but those server-rendered
//! children (no props: the answers are in the page once) and enhances what is there:
//! expand-all / collapse-all, deep links per question (`#faq-…` opens and scrolls to the
//! item; opening one updates the hash), and `aria-expanded` kept in sync with each item.
//! Before hydration `<summary>` needs no `aria-expanded` (the browser exposes the
//! `<details>` state itself), so the server HTML leaves it out.

use crate::model::FaqItem;
use leptos::prelude::*;

/// The FAQ section: the island with the server-rendered items inside.
#[component]
pub fn Faq(items: Vec<FaqItem>) -> impl IntoView {
    let rows = items
        .into_iter()
        .map(|item| {
            view! {
                <details id=item.anchor.clone() class="faq-item" data-test-faq-item=item.anchor>
                    <summary>{item.question}</summary>
                    <div class="faq-answer" inner_html=item.answer.html></div>
                </details>
            }
        })
        .collect_view();
    view! { <FaqAccordion>{rows}</FaqAccordion> }
}

/// No signal and no effect: the enhancement runs once, right after the island has
/// hydrated (a microtask), and marks the section hydrated itself. The reactive system's
/// effects and their scheduling would otherwise be in every reader's download.
#[island]
pub fn FaqAccordion(children: Children) -> impl IntoView {
    if cfg!(feature = "hydrate") {
        leptos::tachys::renderer::dom::queue_microtask(browser::enhance);
    }
    view! {
        <section class="faq" aria-labelledby="faq-heading" data-hydrated="false">
            <div class="faq-head">
                <h2 id="faq-heading">"Frequently Asked Questions"</h2>
                <div class="faq-tools">
                    <button type="button" on:click=move |_| browser::set_all(true)>"Expand all"</button>
                    <button type="button" on:click=move |_| browser::set_all(false)>"Collapse all"</button>
                </div>
            </div>
            {children()}
        </section>
    }
}

/// DOM work on the server-rendered items; only ever called from the effect and event
/// handlers, which run in the browser.
mod browser {
    use leptos::prelude::{document, location, request_animation_frame, window};
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;
    use web_sys::HtmlDetailsElement;

    /// The FAQ's items, in page order.
    fn items() -> Vec<HtmlDetailsElement> {
        let Ok(list) = document().query_selector_all("section.faq details.faq-item") else {
            return Vec::new();
        };
        (0..list.length())
            .filter_map(|i| list.item(i))
            .filter_map(|n| n.dyn_into::<HtmlDetailsElement>().ok())
            .collect()
    }

    /// Mirrors an item's state on its `<summary>` for assistive technology.
    fn sync_expanded(item: &HtmlDetailsElement) {
        if let Ok(Some(summary)) = item.query_selector("summary") {
            let value = if item.open() { "true" } else { "false" };
            let _ = summary.set_attribute("aria-expanded", value);
        }
    }

    /// Wires every item once the island is live, opens the one the URL points at, and
    /// marks the section hydrated (its tools then show).
    pub fn enhance() {
        if let Ok(Some(section)) = document().query_selector("section.faq") {
            let _ = section.set_attribute("data-hydrated", "true");
        }
        for item in items() {
            sync_expanded(&item);
            let on_toggle = {
                let item = item.clone();
                Closure::<dyn Fn()>::new(move || sync_expanded(&item))
            };
            let _ =
                item.add_event_listener_with_callback("toggle", on_toggle.as_ref().unchecked_ref());
            on_toggle.forget();
            if let Ok(Some(summary)) = item.query_selector("summary") {
                let on_click = {
                    let item = item.clone();
                    Closure::<dyn Fn()>::new(move || set_hash(&item.id(), !item.open()))
                };
                let _ = summary
                    .add_event_listener_with_callback("click", on_click.as_ref().unchecked_ref());
                on_click.forget();
            }
        }
        open_from_hash();
        let on_hash = Closure::<dyn Fn()>::new(open_from_hash);
        let _ = window()
            .add_event_listener_with_callback("hashchange", on_hash.as_ref().unchecked_ref());
        on_hash.forget();
    }

    /// Opens or closes every item.
    pub fn set_all(open: bool) {
        for item in items() {
            item.set_open(open);
            sync_expanded(&item);
        }
    }

    /// Opens and scrolls to the item named by the location hash, if it is one of ours.
    fn open_from_hash() {
        let hash = location().hash().unwrap_or_default();
        let Some(id) = hash.strip_prefix('#') else {
            return;
        };
        let Some(item) = items().into_iter().find(|i| i.id() == id) else {
            return;
        };
        item.set_open(true);
        sync_expanded(&item);
        request_animation_frame(move || item.scroll_into_view());
    }

    /// Points the URL at an item being opened (or clears it when that item closes),
    /// without adding a history entry or jumping the page.
    fn set_hash(anchor: &str, opening: bool) {
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
