//! One upload in the media library (an island: editing and deleting call the server):
//! its thumbnail, where it is used, its alt text, caption and credit, and delete.

use crate::api::media::{delete_media, update_media};
use crate::model::MediaItem;
use leptos::prelude::*;
use leptos::task::spawn_local;

#[island]
pub fn MediaCard(item: MediaItem, can_delete: bool) -> impl IntoView {
    let m = item.media.clone();
    let id = m.id;
    let alt = RwSignal::new(item.alt.clone());
    let caption = RwSignal::new(item.caption.clone());
    let credit = RwSignal::new(item.credit.clone());
    let message = RwSignal::new(String::new());
    let gone = RwSignal::new(false);
    // Lets tests (and styles) tell when the card's fields are live.
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (a, c, r) = (
            alt.get_untracked(),
            caption.get_untracked(),
            credit.get_untracked(),
        );
        spawn_local(async move {
            match update_media(id, a, c, r).await {
                Ok(_) => message.set("Saved.".into()),
                Err(e) => message.set(e.to_string()),
            }
        });
    };
    let delete = move |_| {
        spawn_local(async move {
            match delete_media(id).await {
                Ok(()) => gone.set(true),
                Err(e) => message.set(e.to_string()),
            }
        });
    };
    let field = move |name: &str| format!("media-{id}-{name}");
    let thumb = m.url(m.width_for(320), "jpg");
    let (w, h) = (m.width_for(320), m.height_at(m.width_for(320)));
    let used_by = item.used_by.clone();
    view! {
        <li
            class="media-card"
            data-test-media=id.to_string()
            data-hydrated=move || if hydrated.get() { "true" } else { "false" }
        >
            <Show
                when=move || !gone.get()
                fallback=|| view! { <p role="status">"Deleted."</p> }
            >
                <img src=thumb.clone() width=w height=h alt=move || alt.get() loading="lazy"/>
                <p class="media-id"><code>{format!("media:{id}")}</code> {format!(" · {} × {}", m.width, m.height)}</p>
                {if used_by.is_empty() {
                    view! { <p class="media-use">"Not used yet."</p> }.into_any()
                } else {
                    view! {
                        <p class="media-use">"Used by: "
                            {used_by.clone().into_iter().map(|(aid, title)| view! {
                                <a href=format!("/admin/articles/{aid}")>{title}</a>" "
                            }).collect_view()}
                        </p>
                    }.into_any()
                }}
                <form on:submit=save>
                    <label for=field("alt")>"Alt text"</label>
                    <input id=field("alt") bind:value=alt maxlength="1000"/>
                    <label for=field("caption")>"Caption"</label>
                    <input id=field("caption") bind:value=caption maxlength="1000"/>
                    <label for=field("credit")>"Credit"</label>
                    <input id=field("credit") bind:value=credit maxlength="1000"/>
                    <button type="submit">"Save"</button>
                    {can_delete.then(|| view! {
                        <button type="button" class="danger" on:click=delete>"Delete"</button>
                    })}
                </form>
                <p role="status" class="media-message">{move || message.get()}</p>
            </Show>
        </li>
    }
}
