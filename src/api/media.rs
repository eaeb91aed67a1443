//! Staff server functions for the media library: list and search uploads, edit the
//! words that go with a picture, move its focal point, delete it when nothing uses it.
//! Uploading is a multipart form (`POST /admin/media/upload`), not a server function.

use crate::error::AppError;
use crate::model::MediaItem;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;

#[cfg(feature = "ssr")]
mod ssr {
    use crate::error::AppError;
    pub use crate::model::{Permission, User, MAX_MEDIA_TEXT_CHARS};
    pub use crate::server::auth::require;
    pub use crate::server::state::AppState;
    pub use leptos::prelude::expect_context;

    /// Uploads an author may change: their own. Editors and above may change any.
    pub async fn changeable(state: &AppState, user: &User, id: i64) -> Result<(), AppError> {
        if state.store.media_item(id).await?.is_none() {
            return Err(AppError::NotFound);
        }
        if user.role.can(Permission::EditAny) {
            return Ok(());
        }
        match state.store.media_uploader(id).await? {
            Some(owner) if owner == user.id => Ok(()),
            _ => Err(AppError::Forbidden),
        }
    }
}

/// Most uploads listed at once.
pub const MEDIA_PAGE: i64 = 60;

/// The newest uploads, or those whose alt text, caption or credit contain `query`.
#[server(prefix = "/api", endpoint = "list_media", input = Json)]
pub async fn list_media(#[server(default)] query: String) -> Result<Vec<MediaItem>, AppError> {
    use self::ssr::*;
    require(Permission::WriteDrafts).await?;
    let state = expect_context::<AppState>();
    let query: String = query.chars().take(200).collect();
    state.store.list_media(&query, MEDIA_PAGE).await
}

/// One upload, for the editor's lead image preview.
#[server(prefix = "/api", endpoint = "get_media", input = Json)]
pub async fn get_media(id: i64) -> Result<MediaItem, AppError> {
    use self::ssr::*;
    require(Permission::WriteDrafts).await?;
    let state = expect_context::<AppState>();
    state.store.media_item(id).await?.ok_or(AppError::NotFound)
}

/// Changes the default alt text, caption and credit of an upload.
#[server(prefix = "/api", endpoint = "update_media", input = Json)]
pub async fn update_media(
    id: i64,
    alt: String,
    caption: String,
    credit: String,
) -> Result<MediaItem, AppError> {
    use self::ssr::*;
    let user = require(Permission::WriteDrafts).await?;
    let state = expect_context::<AppState>();
    changeable(&state, &user, id).await?;
    let texts = [alt.trim(), caption.trim(), credit.trim()];
    if texts
        .iter()
        .any(|t| t.chars().count() > MAX_MEDIA_TEXT_CHARS)
    {
        return Err(AppError::Validation(format!(
            "Alt text, caption and credit are limited to {MAX_MEDIA_TEXT_CHARS} characters each."
        )));
    }
    state
        .store
        .update_media_text(id, texts[0], texts[1], texts[2])
        .await?;
    state.store.media_item(id).await?.ok_or(AppError::NotFound)
}

/// Moves the focal point (percent across and down) the social crops centre on, making
/// new crops from the original.
#[server(prefix = "/api", endpoint = "set_media_focus", input = Json)]
pub async fn set_media_focus(id: i64, x: u32, y: u32) -> Result<MediaItem, AppError> {
    use self::ssr::*;
    let user = require(Permission::WriteDrafts).await?;
    let state = expect_context::<AppState>();
    changeable(&state, &user, id).await?;
    if x > 100 || y > 100 {
        return Err(AppError::Validation(
            "The focal point is given in percent, from 0 to 100.".into(),
        ));
    }
    let original = state
        .store
        .media_original(id)
        .await?
        .ok_or(AppError::NotFound)?;
    let _permit = state
        .media
        .processing
        .acquire()
        .await
        .map_err(|_| AppError::Unavailable)?;
    let crops = tokio::task::spawn_blocking(move || {
        let rgb = crate::server::media::process::decode_stored(&original)?;
        crate::server::media::process::crops(&rgb, x, y)
    })
    .await
    .map_err(|_| AppError::Internal)?
    .map_err(|r| AppError::Validation(r.0))?;
    state.store.set_media_focus(id, x, y, &crops).await?;
    state.store.media_item(id).await?.ok_or(AppError::NotFound)
}

/// Deletes an upload nothing uses; one still shown by an article is refused, naming it.
#[server(prefix = "/api", endpoint = "delete_media", input = Json)]
pub async fn delete_media(id: i64) -> Result<(), AppError> {
    use self::ssr::*;
    let user = require(Permission::EditAny).await?;
    let state = expect_context::<AppState>();
    state.store.delete_media(id).await?;
    crate::server::audit::record_here(&user.email, "deleted picture", &id.to_string()).await;
    Ok(())
}
