//! The restore button on the history page (an island: restoring calls the server).

use crate::api::admin::restore_revision;
use leptos::prelude::*;
use leptos::task::spawn_local;

#[island]
pub fn RestoreButton(id: i64, revision: i64, base_version: i64) -> impl IntoView {
    let message = RwSignal::new(String::new());
    let restore = move |_| {
        spawn_local(async move {
            match restore_revision(id, revision, base_version).await {
                Ok(_) => {
                    let _ = window()
                        .location()
                        .set_href(&format!("/admin/articles/{id}/history"));
                }
                Err(e) => message.set(e.to_string()),
            }
        });
    };
    view! {
        <button type="button" on:click=restore>{format!("Restore v{revision}")}</button>
        <span role="status">{move || message.get()}</span>
    }
}
