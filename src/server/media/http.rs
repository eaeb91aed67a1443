//! The HTTP side of pictures: the staff upload endpoint (multipart, one or more files)
//! and serving variants at their content-hashed, immutable addresses.

use super::process::MAX_UPLOAD_BYTES;
use crate::error::AppError;
use crate::model::{Permission, UploadOutcome};
use crate::server::auth::session::NoStaffUser;
use crate::server::auth::StaffUser;
use crate::server::state::AppState;
use axum::body::Bytes;
use axum::extract::{Multipart, Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use std::sync::Arc;

/// Largest upload request: one file at its limit plus the form around it.
pub const MAX_UPLOAD_REQUEST_BYTES: usize = MAX_UPLOAD_BYTES + 1024 * 1024;
/// Variants never change at an address (it names the file's hash and the variant).
const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// An error as the upload endpoint answers it: its status and `{"error": message}`.
fn refuse(e: AppError) -> Response {
    let status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (status, Json(serde_json::json!({ "error": e.to_string() }))).into_response()
}

/// `POST /admin/media/upload`: a multipart form with one or more `file` fields and an
/// optional `alt` field before them (the default alt text). Every role that may write
/// drafts may upload. Answers one [`UploadOutcome`] per file: 200 when all were stored,
/// 422 when any was refused (a refused file stores nothing).
pub async fn upload(
    State(state): State<AppState>,
    user: Result<StaffUser, NoStaffUser>,
    mut form: Multipart,
) -> Response {
    // JSON for the uploader, not the forms' redirect to the login page.
    let user = match user {
        Ok(StaffUser(user)) => user,
        Err(NoStaffUser::Login) => return refuse(AppError::Unauthorized),
        Err(NoStaffUser::Unavailable) => return refuse(AppError::Unavailable),
    };
    if !user.role.can(Permission::WriteDrafts) {
        return refuse(AppError::Forbidden);
    }
    if user.needs_two_factor {
        return refuse(AppError::TwoFactorRequired);
    }
    let mut alt = String::new();
    let mut outcomes = Vec::new();
    loop {
        let field = match form.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                return (
                    StatusCode::PAYLOAD_TOO_LARGE,
                    Json(serde_json::json!({ "error": format!(
                        "The file is larger than {} MB.",
                        MAX_UPLOAD_BYTES / (1024 * 1024)
                    ) })),
                )
                    .into_response()
            }
            Err(_) => return refuse(AppError::BadRequest),
        };
        let name = field.name().map(str::to_owned);
        match name.as_deref() {
            Some("alt") => alt = field.text().await.unwrap_or_default(),
            Some("file") => {
                let file: String = field
                    .file_name()
                    .unwrap_or("file")
                    .chars()
                    .take(200)
                    .collect();
                let bytes = match field.bytes().await {
                    Ok(b) => b,
                    Err(_) => return refuse(AppError::BadRequest),
                };
                let outcome = match super::add(
                    &state.media,
                    &state.store,
                    bytes.to_vec(),
                    &alt,
                    Some(&user),
                )
                .await
                {
                    Ok(uploaded) => UploadOutcome {
                        file,
                        uploaded: Some(uploaded),
                        error: None,
                    },
                    Err(e @ AppError::Validation(_)) => UploadOutcome {
                        file,
                        uploaded: None,
                        error: Some(e.to_string()),
                    },
                    Err(e) => return refuse(e),
                };
                outcomes.push(outcome);
            }
            _ => {}
        }
    }
    if outcomes.is_empty() {
        return refuse(AppError::Validation("Choose a file to upload.".into()));
    }
    let status = if outcomes.iter().any(|o| o.error.is_some()) {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    (status, Json(outcomes)).into_response()
}

/// Splits `{hash}-{variant}` into its parts if both look like ours.
fn parse_file(file: &str) -> Option<(&str, &str)> {
    let (hash, name) = file.split_once('-')?;
    let hash_ok = hash.len() == 32 && hash.bytes().all(|b| b.is_ascii_hexdigit());
    let name_ok = !name.is_empty()
        && name.len() <= 40
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-');
    (hash_ok && name_ok).then_some((hash, name))
}

/// `GET /media/{hash}-{variant}`: a processed variant, from memory once read. The
/// address never changes meaning, so it is cached for a year and its ETag is its name.
pub async fn serve(
    State(state): State<AppState>,
    Path(file): Path<String>,
    headers: HeaderMap,
) -> Response {
    let Some((hash, name)) = parse_file(&file) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let etag = format!("\"{file}\"");
    let fresh = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"));
    let cached = match state.media.cache.get(&file) {
        Some(c) => c,
        None => match state.store.media_variant(hash, name).await {
            Ok(Some((content_type, bytes))) => {
                let c = Arc::new((content_type, Bytes::from(bytes)));
                state.media.cache.insert(file.clone(), c.clone());
                c
            }
            Ok(None) => return StatusCode::NOT_FOUND.into_response(),
            Err(_) => return StatusCode::SERVICE_UNAVAILABLE.into_response(),
        },
    };
    let mut res = if fresh {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        cached.1.clone().into_response()
    };
    let h = res.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&cached.0) {
        h.insert(header::CONTENT_TYPE, v);
    }
    if let Ok(v) = HeaderValue::from_str(&etag) {
        h.insert(header::ETAG, v);
    }
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static(IMMUTABLE));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    res
}
