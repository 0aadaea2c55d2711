//! Events the shell emits to the window. Names are shared with `ui/src/lib/api/events.ts`.

use inbox::events::{BuyerMessageNote, InboxEvents, QuestionNote};
use inbox::ipc::SyncStatus;
use tauri::{AppHandle, Emitter, Manager};
use tauri_plugin_notification::NotificationExt;
use tokio::sync::broadcast::error::RecvError;

use crate::state::AppState;

pub const SYNC_STATUS: &str = "sync-status";
/// A batch of changes from the inbox (leads changed, messages added, sync state, new buyer
/// messages). The UI folds it into what it shows.
pub const INBOX_EVENTS: &str = "inbox-events";
/// Some batches were missed (the window was too slow): the UI reloads what it shows.
pub const INBOX_RELOAD: &str = "inbox-reload";

pub fn emit_sync_status(app: &AppHandle, status: &SyncStatus) {
    if let Err(err) = app.emit(SYNC_STATUS, status) {
        tracing::warn!(%err, "could not emit sync status");
    }
}

/// Forwards the inbox's event batches to the window until the inbox closes.
pub fn forward_inbox_events(app: AppHandle) {
    let state = app.state::<AppState>();
    let mut receiver = state.inbox.subscribe();
    tauri::async_runtime::spawn(async move {
        loop {
            match receiver.recv().await {
                Ok(batch) => deliver(&app, batch),
                Err(RecvError::Lagged(missed)) => {
                    tracing::debug!(missed, "event batches skipped; asking the window to reload");
                    let _ = app.emit(INBOX_RELOAD, ());
                }
                Err(RecvError::Closed) => break,
            }
        }
    });
}

fn deliver(app: &AppHandle, batch: InboxEvents) {
    if let Some(status) = &batch.sync {
        app.state::<AppState>().set_sync_status(status.clone());
        emit_sync_status(app, status);
    }
    if !batch.buyer_messages.is_empty() {
        notify(app, &batch.buyer_messages);
    }
    if !batch.question_notes.is_empty() {
        notify_questions(app, &batch.question_notes);
    }
    if let Err(err) = app.emit(INBOX_EVENTS, &batch) {
        tracing::warn!(%err, "could not emit inbox events");
    }
}

/// Notifications are shown while the window is in the background and the seller has not
/// switched them off (one switch for chats and questions).
fn may_notify(app: &AppHandle) -> bool {
    let enabled = app.state::<AppState>().settings().notifications;
    let focused = app
        .get_webview_window("main")
        .and_then(|w| w.is_focused().ok())
        .unwrap_or(false);
    enabled && !focused
}

/// A desktop notification per new question on a listing.
fn notify_questions(app: &AppHandle, notes: &[QuestionNote]) {
    if !may_notify(app) {
        return;
    }
    for note in notes {
        if let Err(err) = app
            .notification()
            .builder()
            .title(format!("? {}", note.listing))
            .body(&note.excerpt)
            .show()
        {
            tracing::debug!(%err, "desktop notification not shown");
        }
    }
}

/// A desktop notification per new buyer message.
fn notify(app: &AppHandle, notes: &[BuyerMessageNote]) {
    if !may_notify(app) {
        return;
    }
    for note in notes {
        let title = match &note.buyer {
            Some(buyer) => format!("{buyer} · {}", note.lead_name),
            None => note.lead_name.clone(),
        };
        if let Err(err) = app
            .notification()
            .builder()
            .title(title)
            .body(&note.excerpt)
            .show()
        {
            tracing::debug!(%err, "desktop notification not shown");
        }
    }
}
