//! The commands the UI invokes. Thin: each calls the domain and maps its error.

use inbox::ipc::{AppInfo, StageColumn, SyncStatus};
use tauri::State;

use crate::error::CommandResult;
use crate::state::AppState;

#[tauri::command]
pub fn app_info(state: State<'_, AppState>) -> AppInfo {
    AppInfo {
        version: env!("CARGO_PKG_VERSION").to_owned(),
        demo: state.demo,
    }
}

#[tauri::command]
pub fn board_columns() -> CommandResult<Vec<StageColumn>> {
    Ok(inbox::ipc::empty_board())
}

#[tauri::command]
pub fn sync_status(state: State<'_, AppState>) -> SyncStatus {
    state
        .sync_status
        .lock()
        .map(|s| s.clone())
        .unwrap_or(SyncStatus::NoAccount)
}
