//! Uploading pictures from the browser: a file picker and a drop zone taking several
//! files at once, each sent on its own request so its progress bar moves as it goes.
//! Used by the editor island and the media library's upload island.

use crate::model::{MediaItem, UploadOutcome};
use leptos::prelude::*;

/// One file on its way: its name, how much has been sent, and how it ended.
#[derive(Clone)]
struct Transfer {
    key: usize,
    name: String,
    percent: RwSignal<u32>,
    outcome: RwSignal<Option<Result<String, String>>>,
}

/// What the endpoint's answer says about one file: stored (or already there), or why not.
fn read_reply(status: u16, text: &str) -> Result<MediaItem, String> {
    if let Ok(mut outcomes) = serde_json::from_str::<Vec<UploadOutcome>>(text) {
        let outcome = outcomes
            .pop()
            .ok_or("The server said nothing about this file.")?;
        return match (outcome.uploaded, outcome.error) {
            (Some(u), _) => Ok(u.item),
            (None, Some(e)) => Err(e),
            (None, None) => Err("The server said nothing about this file.".into()),
        };
    }
    let error = serde_json::from_str::<serde_json::Value>(text)
        .ok()
        .and_then(|v| v["error"].as_str().map(String::from));
    Err(match (status, error) {
        (_, Some(e)) => e,
        (0, None) => "The upload failed: check the connection and try again.".into(),
        (s, None) => format!("The upload failed (HTTP {s})."),
    })
}

/// Sends `file` to the upload endpoint, moving `percent` as it goes; `done` gets the
/// outcome.
fn send(
    file: web_sys::File,
    percent: RwSignal<u32>,
    done: impl FnOnce(Result<MediaItem, String>) + 'static,
) -> Result<(), wasm_bindgen::JsValue> {
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;
    let xhr = web_sys::XmlHttpRequest::new()?;
    xhr.open("POST", "/admin/media/upload")?;
    xhr.set_request_header("Accept", "application/json")?;
    let form = web_sys::FormData::new()?;
    form.append_with_blob_and_filename("file", &file, &file.name())?;
    let progress =
        Closure::<dyn FnMut(web_sys::ProgressEvent)>::new(move |e: web_sys::ProgressEvent| {
            if e.length_computable() && e.total() > 0.0 {
                percent.set((e.loaded() / e.total() * 100.0).round() as u32);
            }
        });
    xhr.upload()?
        .set_onprogress(Some(progress.as_ref().unchecked_ref()));
    // The request keeps firing progress events until it ends; the closure must outlive
    // this call, and is one small allocation per file.
    progress.forget();
    let request = xhr.clone();
    let finished = Closure::once_into_js(move || {
        let status = request.status().unwrap_or(0);
        let text = request.response_text().ok().flatten().unwrap_or_default();
        done(read_reply(status, &text));
    });
    xhr.set_onloadend(Some(finished.unchecked_ref()));
    xhr.send_with_opt_form_data(Some(&form))?;
    Ok(())
}

/// The picker, the drop zone and a progress bar per file. `on_uploaded` gets each
/// picture once it is stored (or found already stored).
#[component]
pub fn Uploader(#[prop(into)] on_uploaded: Callback<MediaItem>) -> impl IntoView {
    let transfers = RwSignal::new(Vec::<Transfer>::new());
    let next_key = StoredValue::new(0usize);
    let dragging = RwSignal::new(false);
    let start = move |files: web_sys::FileList| {
        for i in 0..files.length() {
            let Some(file) = files.get(i) else { continue };
            let key = next_key.get_value();
            next_key.set_value(key + 1);
            let t = Transfer {
                key,
                name: file.name(),
                percent: RwSignal::new(0),
                outcome: RwSignal::new(None),
            };
            transfers.update(|all| all.push(t.clone()));
            let outcome = t.outcome;
            let sent = send(file, t.percent, move |result| {
                if let Ok(item) = &result {
                    t.percent.set(100);
                    on_uploaded.run(item.clone());
                }
                outcome.set(Some(result.map(|_| "Ready.".to_string())));
            });
            if sent.is_err() {
                outcome.set(Some(Err("This browser could not send the file.".into())));
            }
        }
    };
    view! {
        <div
            class="uploader"
            class:dragging=move || dragging.get()
            data-test-uploader
            on:dragover=move |ev: web_sys::DragEvent| {
                ev.prevent_default();
                dragging.set(true);
            }
            on:dragleave=move |_| dragging.set(false)
            on:drop=move |ev: web_sys::DragEvent| {
                ev.prevent_default();
                dragging.set(false);
                if let Some(files) = ev.data_transfer().and_then(|d| d.files()) {
                    start(files);
                }
            }
        >
            <label for="media-files">"Add pictures"</label>
            <input
                id="media-files"
                type="file"
                multiple
                accept="image/jpeg,image/png,image/webp,image/avif,image/gif"
                on:change=move |ev| {
                    let input: web_sys::HtmlInputElement = event_target(&ev);
                    if let Some(files) = input.files() {
                        start(files);
                    }
                    input.set_value("");
                }
            />
            <p class="hint">"Or drop files here: JPEG, PNG, WebP, AVIF or GIF, up to 25 MB each."</p>
            <ul class="transfers" aria-live="polite">
                <For each=move || transfers.get() key=|t| t.key let:t>
                    <li>
                        <span class="transfer-name">{t.name.clone()}</span>
                        <progress max="100" value=move || t.percent.get() aria-label=format!("Uploading {}", t.name)></progress>
                        <span class="transfer-state">
                            {move || match t.outcome.get() {
                                None => format!("{}%", t.percent.get()),
                                Some(Ok(m)) | Some(Err(m)) => m,
                            }}
                        </span>
                    </li>
                </For>
            </ul>
        </div>
    }
}

/// The upload box on the media library page: the page shows new pictures on reload.
#[island]
pub fn LibraryUploader() -> impl IntoView {
    view! {
        <Uploader on_uploaded=move |_: MediaItem| {
            let _ = window().location().reload();
        }/>
    }
}
