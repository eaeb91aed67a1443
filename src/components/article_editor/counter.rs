//! Length counters for the headline and dek: search results show about this much of a
//! page's title and description, and cut the rest.

use leptos::prelude::*;

/// Characters of a headline search results show before cutting it.
pub const SEARCH_TITLE_CHARS: usize = 70;
/// Characters of a description (the dek) search results show before cutting it.
pub const SEARCH_DESCRIPTION_CHARS: usize = 160;

/// "42 / 70 characters", with a warning once `value` is longer than `limit`. The field
/// points at it with `aria-describedby`; it is not a live region, so a screen reader
/// isn't interrupted on every key.
#[component]
pub fn LengthCounter(
    id: &'static str,
    value: RwSignal<String>,
    limit: usize,
    /// What search results cut, in the warning ("headlines").
    what: &'static str,
) -> impl IntoView {
    let count = move || value.with(|v| v.chars().count());
    view! {
        <p id=id class="counter" class:over={move || count() > limit} data-test-counter>
            {move || format!("{} / {limit} characters", count())}
            {move || (count() > limit).then(|| {
                format!(" — too long: search results cut {what} after about {limit}.")
            })}
        </p>
    }
}
