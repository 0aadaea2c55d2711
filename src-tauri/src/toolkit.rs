//! Commands of the seller's toolkit (quick replies, armed drafts). Thin, like `commands`: each calls the
//! domain and maps its error.

use std::path::PathBuf;

use inbox::ipc::{QuickReplyDto, QuickReplyInput};
use tauri::State;

use crate::error::CommandResult;
use crate::state::AppState;

#[tauri::command]
pub async fn quick_replies(state: State<'_, AppState>) -> CommandResult<Vec<QuickReplyDto>> {
    Ok(state.inbox.quick_replies().await?)
}

#[tauri::command]
pub async fn save_quick_reply(
    state: State<'_, AppState>,
    reply: QuickReplyInput,
) -> CommandResult<i64> {
    Ok(state.inbox.save_quick_reply(reply).await?)
}

#[tauri::command]
pub async fn delete_quick_reply(state: State<'_, AppState>, id: i64) -> CommandResult<()> {
    Ok(state.inbox.delete_quick_reply(id).await?)
}

#[tauri::command]
pub async fn reorder_quick_replies(state: State<'_, AppState>, ids: Vec<i64>) -> CommandResult<()> {
    Ok(state.inbox.reorder_quick_replies(ids).await?)
}

/// `path` comes from the save dialog the seller answered.
#[tauri::command]
pub async fn export_quick_replies(
    state: State<'_, AppState>,
    path: PathBuf,
) -> CommandResult<usize> {
    Ok(state.inbox.export_quick_replies(path).await?)
}

/// `path` comes from the open dialog the seller answered.
#[tauri::command]
pub async fn import_quick_replies(
    state: State<'_, AppState>,
    path: PathBuf,
) -> CommandResult<usize> {
    Ok(state.inbox.import_quick_replies(path).await?)
}

/// Keeps the draft on the lead until it is sent (blank text disarms it).
#[tauri::command]
pub async fn arm_draft(
    state: State<'_, AppState>,
    lead_id: i64,
    text: String,
) -> CommandResult<()> {
    Ok(state.inbox.arm_draft(lead_id, text).await?)
}
