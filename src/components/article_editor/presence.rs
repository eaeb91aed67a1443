//! Who else has this article open. The editor says it is open every
//! [`PRESENCE_HEARTBEAT_SECS`] and shows the others the server knows of, with the time
//! they opened it, so two people find out before their saves collide (the conflict
//! panel stays the last line of defence). Closing the page says goodbye at once.

use super::browser;
use crate::api::desk::{editor_heartbeat, PRESENCE_HEARTBEAT_SECS};
use crate::model::EditorPresence;
use leptos::prelude::*;
use leptos::task::spawn_local;

#[component]
pub fn PresenceNotice(id: RwSignal<Option<i64>>) -> impl IntoView {
    let others = RwSignal::new(Vec::<EditorPresence>::new());
    let beat = move || {
        if let Some(id) = id.get_untracked() {
            spawn_local(async move {
                // A failed beat keeps the last answer; the next one tries again.
                if let Ok(list) = editor_heartbeat(id).await {
                    others.set(list);
                }
            });
        }
    };
    Effect::new(move |_| {
        beat();
        let timer = set_interval_with_handle(
            beat,
            std::time::Duration::from_secs(PRESENCE_HEARTBEAT_SECS),
        )
        .ok();
        let leaving = window_event_listener(leptos::ev::pagehide, move |_| {
            if let Some(id) = id.get_untracked() {
                browser::leave_editor(id);
            }
        });
        on_cleanup(move || {
            if let Some(t) = timer {
                t.clear();
            }
            leaving.remove();
        });
    });
    view! {
        <div class="presence-slot" aria-live="polite" data-test-presence>
            {move || {
                let list = others.get();
                (!list.is_empty()).then(|| {
                    let who = list
                        .iter()
                        .map(|p| format!("{} (since {})", p.name, browser::clock_time(p.since)))
                        .collect::<Vec<_>>()
                        .join(", ");
                    let verb = if list.len() == 1 { "has" } else { "have" };
                    view! {
                        <p class="presence">
                            <strong>"Also open: "</strong>
                            {format!("{who} {verb} this article open in the editor. ")}
                            "Agree who edits now: if they save first, your save will meet a conflict."
                        </p>
                    }
                })
            }}
        </div>
    }
}
