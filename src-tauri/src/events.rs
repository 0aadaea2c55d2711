//! Events the shell emits to the window. Names are shared with `ui/src/lib/ipc/events.ts`.

use inbox::ipc::SyncStatus;
use tauri::{AppHandle, Emitter};

pub const SYNC_STATUS: &str = "sync-status";

pub fn emit_sync_status(app: &AppHandle, status: &SyncStatus) {
    if let Err(err) = app.emit(SYNC_STATUS, status) {
        tracing::warn!(%err, "could not emit sync status");
    }
}
