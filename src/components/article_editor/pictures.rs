//! The editor's pictures: upload (picker or drop, several at once, with progress), use
//! an upload as the lead image or insert it in the body, and the lead image's alt text
//! (required to publish: the refusal is shown on the field), caption, credit and focal
//! point (click the picture where the crops should centre).

use super::fields::EditorFields;
use crate::api::media::{get_media, set_media_focus};
use crate::components::media_upload::Uploader;
use crate::model::{MediaItem, MediaRef, LEAD_ALT_REQUIRED};
use leptos::prelude::*;
use leptos::task::spawn_local;

#[component]
pub fn PictureFields(fields: EditorFields, message: RwSignal<String>) -> impl IntoView {
    let preview = RwSignal::new(None::<MediaRef>);
    let uploaded = RwSignal::new(Vec::<MediaItem>::new());
    let note = RwSignal::new(String::new());
    // The lead image's addresses, whenever it changes (on load, restore or choice).
    Effect::new(move |_| match fields.lead_media_id.get() {
        Some(id) if preview.get_untracked().map(|m| m.id) != Some(id) => {
            spawn_local(async move {
                match get_media(id).await {
                    Ok(item) => preview.set(Some(item.media)),
                    Err(e) => note.set(e.to_string()),
                }
            });
        }
        Some(_) => {}
        None => preview.set(None),
    });
    let use_as_lead = move |item: MediaItem| {
        fields.lead_media_id.set(Some(item.media.id));
        if fields.lead_alt.get_untracked().trim().is_empty() {
            fields.lead_alt.set(item.alt.clone());
        }
        if fields.lead_caption.get_untracked().trim().is_empty() {
            fields.lead_caption.set(item.caption.clone());
        }
        if fields.lead_credit.get_untracked().trim().is_empty() {
            fields.lead_credit.set(item.credit.clone());
        }
        preview.set(Some(item.media));
    };
    let insert = move |item: MediaItem| {
        let alt = item.alt.replace([']', '['], "");
        fields.body.update(|b| {
            if !b.is_empty() && !b.ends_with("\n\n") {
                b.push_str(if b.ends_with('\n') { "\n" } else { "\n\n" });
            }
            b.push_str(&format!("![{alt}](media:{} \"\")\n", item.media.id));
        });
    };
    let set_focus = move |ev: web_sys::MouseEvent| {
        let Some(m) = preview.get_untracked() else {
            return;
        };
        let img: web_sys::HtmlImageElement = event_target(&ev);
        let (w, h) = (img.client_width().max(1), img.client_height().max(1));
        let x = (ev.offset_x().clamp(0, w) * 100 / w) as u32;
        let y = (ev.offset_y().clamp(0, h) * 100 / h) as u32;
        spawn_local(async move {
            match set_media_focus(m.id, x, y).await {
                Ok(item) => {
                    preview.set(Some(item.media));
                    note.set(format!("Focal point set: {x}% across, {y}% down."));
                }
                Err(e) => note.set(e.to_string()),
            }
        });
    };
    let alt_refused = move || message.with(|m| m == LEAD_ALT_REQUIRED);
    view! {
        <fieldset class="pictures">
            <legend>"Pictures"</legend>
            <Uploader on_uploaded=move |item: MediaItem| uploaded.update(|all| all.push(item))/>
            <ul class="uploaded">
                <For each=move || uploaded.get() key=|i| i.media.id let:item>
                    <li>
                        <img
                            src=item.media.url(item.media.width_for(320), "jpg")
                            width="80"
                            height=item.media.height_at(80)
                            alt=""
                        />
                        <code>{format!("media:{}", item.media.id)}</code>
                        <button type="button" on:click={
                            let item = item.clone();
                            move |_| use_as_lead(item.clone())
                        }>"Use as lead image"</button>
                        <button type="button" on:click={
                            let item = item.clone();
                            move |_| insert(item.clone())
                        }>"Insert in body"</button>
                    </li>
                </For>
            </ul>
            <h2 class="pictures-lead">"Lead image"</h2>
            {move || match preview.get() {
                None => view! {
                    <p>"No lead image. Upload one (or find one in the "
                        <a href="/admin/media">"media library"</a>
                        ") and choose “Use as lead image”."</p>
                }.into_any(),
                Some(m) => {
                    let w = m.width_for(640);
                    view! {
                        <div class="focus-picker">
                            <img
                                src=m.url(w, "jpg")
                                width=w
                                height=m.height_at(w)
                                alt="The lead image: click where the crops should centre"
                                on:click=set_focus
                                data-test-lead-preview
                            />
                            <span
                                class="focus-dot"
                                style=format!("left: {}%; top: {}%", m.focus_x, m.focus_y)
                            ></span>
                        </div>
                        <p class="hint">"Click the picture to set the focal point the social crops centre on."</p>
                        <button type="button" on:click=move |_| fields.lead_media_id.set(None)>"Remove lead image"</button>
                    }.into_any()
                }
            }}
            <label for="ed-lead-alt">"Lead image alt text (required to publish)"</label>
            <input
                id="ed-lead-alt"
                maxlength="1000"
                bind:value=fields.lead_alt
                aria-invalid=move || if alt_refused() { "true" } else { "false" }
                aria-describedby="ed-lead-alt-error"
            />
            <p id="ed-lead-alt-error" class="field-error" role="alert">
                {move || alt_refused().then_some(LEAD_ALT_REQUIRED)}
            </p>
            <label for="ed-lead-caption">"Caption"</label>
            <input id="ed-lead-caption" maxlength="1000" bind:value=fields.lead_caption/>
            <label for="ed-lead-credit">"Credit"</label>
            <input id="ed-lead-credit" maxlength="1000" bind:value=fields.lead_credit/>
            <p class="hint" role="status">{move || note.get()}</p>
        </fieldset>
    }
}
