//! Events the shell emits to the window. Names are shared with `ui/src/lib/api/events.ts`.

use inbox::events::{BuyerMessageNote, InboxEvents};
use inbox::ipc::{LanguageChoice, SyncStatus};
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
    if let Err(err) = app.emit(INBOX_EVENTS, &batch) {
        tracing::warn!(%err, "could not emit inbox events");
    }
}

/// A desktop notification per new buyer message, only while the window is in the background
/// and the seller has not switched them off.
fn notify(app: &AppHandle, notes: &[BuyerMessageNote]) {
    let enabled = app.state::<AppState>().settings().notifications;
    let focused = app
        .get_webview_window("main")
        .and_then(|w| w.is_focused().ok())
        .unwrap_or(false);
    if !enabled || focused {
        return;
    }
    let language = app.state::<AppState>().settings().language;
    for note in notes {
        let title = if note.armed {
            armed_title(language, &note.lead_name)
        } else {
            match &note.buyer {
                Some(buyer) => format!("{buyer} · {}", note.lead_name),
                None => note.lead_name.clone(),
            }
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

/// "Your answer to #… can go now", in the seller's language (the system's when not chosen).
fn armed_title(language: LanguageChoice, lead_name: &str) -> String {
    let system_is = |prefix: &str| {
        std::env::var("LANG").is_ok_and(|lang| lang.to_lowercase().starts_with(prefix))
    };
    let spanish = language == LanguageChoice::Spanish
        || (language == LanguageChoice::System && system_is("es"));
    let portuguese = language == LanguageChoice::Portuguese
        || (language == LanguageChoice::System && system_is("pt"));
    if spanish {
        format!("Tu respuesta a #{lead_name} ya puede salir")
    } else if portuguese {
        format!("Sua resposta para #{lead_name} já pode ir")
    } else {
        format!("Your answer to #{lead_name} can go now")
    }
}
