//! `/admin/media`: the media library. Every upload with search by alt text, caption
//! and credit (`?q=`), where each is used, its words to edit, and delete for editors.

use super::StaffPage;
use crate::api::media::list_media;
use crate::components::media_card::MediaCard;
use crate::components::media_upload::LibraryUploader;
use crate::model::{Permission, User};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn MediaPage() -> impl IntoView {
    let query = use_query_map()
        .read_untracked()
        .get("q")
        .unwrap_or_default();
    view! {
        <StaffPage title="Media library" content=move |user: User| async move {
            let items = list_media(query.clone()).await?;
            let can_delete = user.role.can(Permission::EditAny);
            let shown: String = query.chars().take(200).collect();
            Ok(view! {
                <h1 class="page-title">"Media library"</h1>
                <LibraryUploader/>
                <form class="search-form" method="get" action="/admin/media" role="search">
                    <label for="media-q">"Search alt text, captions and credits"</label>
                    <div class="search-row">
                        <input id="media-q" name="q" type="search" value=shown.clone()/>
                        <button type="submit">"Search"</button>
                    </div>
                </form>
                {items.is_empty().then(|| view! {
                    <p>{if shown.is_empty() { "No pictures yet.".to_string() } else { format!("No pictures match “{shown}”.") }}</p>
                })}
                <ul class="media-grid">
                    {items.into_iter().map(|item| view! { <MediaCard item=item can_delete=can_delete/> }).collect_view()}
                </ul>
            }
            .into_any())
        }/>
    }
}
