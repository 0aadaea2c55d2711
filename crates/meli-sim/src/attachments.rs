//! Message attachments: upload (multipart field `file`), download, and the checks Mercado Libre
//! makes — JPG, PNG, PDF or TXT by content, at most 25 MB, a sane file name.

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

use crate::error::{ApiError, ApiResult};
use crate::messages::require_post_sale;
use crate::model::Attachment;
use crate::oauth::Caller;
use crate::state::{Shared, World};

pub const MAX_BYTES: usize = 25 * 1024 * 1024;
const MAX_FILENAME: usize = 200;

/// `(mime type, extension)` of a file judged by its content, if it is an accepted kind.
pub fn sniff(data: &[u8]) -> Option<(&'static str, &'static str)> {
    if data.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(("image/jpeg", "jpg"))
    } else if data.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]) {
        Some(("image/png", "png"))
    } else if data.starts_with(b"%PDF-") {
        Some(("application/pdf", "pdf"))
    } else if !data.is_empty() && is_text(data) {
        Some(("text/plain", "txt"))
    } else {
        None
    }
}

fn is_text(data: &[u8]) -> bool {
    std::str::from_utf8(data).is_ok_and(|s| {
        s.chars()
            .all(|c| !c.is_control() || matches!(c, '\n' | '\r' | '\t'))
    })
}

/// Checks a file and stores it as an orphan of `owner` (used by the API and by the control API).
pub fn store(
    world: &mut World,
    owner: u64,
    filename: &str,
    data: Bytes,
    now: chrono::DateTime<chrono::Utc>,
) -> ApiResult<String> {
    if filename.is_empty() || filename.chars().count() > MAX_FILENAME {
        return Err(ApiError::bad_request(format!(
            "The file name must have between 1 and {MAX_FILENAME} characters"
        )));
    }
    if filename.contains('/') || filename.contains('\\') {
        return Err(ApiError::bad_request(
            "The file name must not contain '/' or '\\\\'",
        ));
    }
    if data.len() > MAX_BYTES {
        return Err(ApiError::standard(
            StatusCode::PAYLOAD_TOO_LARGE,
            "file_too_large",
            "The file exceeds the maximum size allowed of 25 MB",
        ));
    }
    let (mime, ext) = sniff(&data).ok_or_else(|| {
        ApiError::standard(
            StatusCode::BAD_REQUEST,
            "invalid_file_type",
            "Invalid file type, allowed types are JPG, PNG, PDF and TXT",
        )
    })?;
    let id = format!("{owner}_{}.{ext}", world.runtime.uuid());
    world.purge_orphans(now);
    world.attachments.insert(
        id.clone(),
        Attachment {
            id: id.clone(),
            owner,
            original_filename: filename.to_owned(),
            mime,
            data,
            created: now,
            attached: false,
        },
    );
    Ok(id)
}

fn require_site(params: &HashMap<String, String>) -> ApiResult<()> {
    match params.get("site_id") {
        Some(site) if crate::model::site(site).is_some() => Ok(()),
        Some(site) => Err(ApiError::bad_request(format!("Invalid site_id {site}"))),
        None => Err(ApiError::bad_request("The param 'site_id' is required")),
    }
}

/// `POST /messages/attachments?tag=post_sale&site_id=…`
pub async fn upload(
    State(shared): State<Arc<Shared>>,
    Caller(caller): Caller,
    Query(params): Query<HashMap<String, String>>,
    multipart: Result<Multipart, MultipartRejection>,
) -> ApiResult<Response> {
    require_post_sale(&params)?;
    require_site(&params)?;
    let mut multipart =
        multipart.map_err(|_| ApiError::bad_request("A multipart/form-data body is required"))?;
    let mut file: Option<(String, Bytes)> = None;
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                return Err(ApiError::standard(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "file_too_large",
                    "The file exceeds the maximum size allowed of 25 MB",
                ))
            }
            Err(_) => return Err(ApiError::bad_request("Malformed multipart body")),
        };
        if field.name() != Some("file") {
            continue;
        }
        let name = field.file_name().unwrap_or("").to_owned();
        let data = field
            .bytes()
            .await
            .map_err(|_| ApiError::bad_request("Malformed multipart body"))?;
        file = Some((name, data));
    }
    let (name, data) = file.ok_or_else(|| ApiError::bad_request("The field 'file' is required"))?;
    let now = shared.now();
    let id = store(&mut shared.world(), caller, &name, data, now)?;
    Ok((StatusCode::CREATED, Json(json!({ "id": id }))).into_response())
}

/// `GET /messages/attachments/{id}?tag=post_sale&site_id=…`: the raw file, for the uploader and
/// for the seller of the conversation it was sent in.
pub async fn download(
    State(shared): State<Arc<Shared>>,
    Caller(caller): Caller,
    Path(id): Path<String>,
    Query(params): Query<HashMap<String, String>>,
) -> ApiResult<Response> {
    require_post_sale(&params)?;
    require_site(&params)?;
    let now = shared.now();
    let mut world = shared.world();
    world.purge_orphans(now);
    let attachment = world
        .attachments
        .get(&id)
        .ok_or_else(|| ApiError::not_found(format!("Attachment {id} not found")))?;
    let allowed = attachment.owner == caller
        || world
            .conversations
            .values()
            .any(|c| c.seller == caller && c.messages.iter().any(|m| m.attachments.contains(&id)));
    if !allowed {
        return Err(ApiError::forbidden(format!(
            "User access token invalid for resource {id}"
        )));
    }
    let disposition = format!(
        "attachment; filename=\"{}\"",
        attachment.original_filename.replace('"', "")
    );
    Ok((
        [
            (header::CONTENT_TYPE, attachment.mime.to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        attachment.data.clone(),
    )
        .into_response())
}
