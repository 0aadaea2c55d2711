//! Events the shell emits to the window. Names are shared with `ui/src/lib/api/events.ts`.

use inbox::events::{BuyerMessageNote, InboxEvents, QuestionNote};
use inbox::ipc::SyncStatus;
use tauri::{AppHandle, Emitter, Manager};
use tauri_plugin_notification::NotificationExt;
use tokio::sync::broadcast::{self, error::RecvError};

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

/// What the forwarded batches reach: the app's window (or a test's record of it).
pub trait Window {
    fn sync_status(&self, status: &SyncStatus);
    fn batch(&self, batch: &InboxEvents);
    /// Batches were missed: reload what is shown.
    fn reload(&self);
}

/// Forwards the inbox's batches to `window` until the inbox closes. The sync status is the
/// core's (`status`), never a copy kept here: a batch's status goes out with it, and after
/// missed batches (a window too slow to keep up) the status as it is now goes out with the
/// reload, since a missed batch may have carried its last change.
pub async fn forward(
    mut receiver: broadcast::Receiver<InboxEvents>,
    status: impl Fn() -> SyncStatus,
    window: &impl Window,
) {
    loop {
        match receiver.recv().await {
            Ok(batch) => {
                if let Some(status) = &batch.sync {
                    window.sync_status(status);
                }
                window.batch(&batch);
            }
            Err(RecvError::Lagged(missed)) => {
                tracing::debug!(missed, "event batches skipped; asking the window to reload");
                window.sync_status(&status());
                window.reload();
            }
            Err(RecvError::Closed) => break,
        }
    }
}

/// Forwards the inbox's event batches to the app's window until the inbox closes.
pub fn forward_inbox_events(app: AppHandle) {
    let receiver = app.state::<AppState>().inbox.subscribe();
    tauri::async_runtime::spawn(async move {
        let status = || app.state::<AppState>().inbox.sync_status();
        forward(receiver, status, &AppWindow(&app)).await;
    });
}

struct AppWindow<'a>(&'a AppHandle);

impl Window for AppWindow<'_> {
    fn sync_status(&self, status: &SyncStatus) {
        emit_sync_status(self.0, status);
    }

    fn batch(&self, batch: &InboxEvents) {
        if !batch.buyer_messages.is_empty() {
            notify(self.0, &batch.buyer_messages);
        }
        if !batch.question_notes.is_empty() {
            notify_questions(self.0, &batch.question_notes);
        }
        if let Err(err) = self.0.emit(INBOX_EVENTS, batch) {
            tracing::warn!(%err, "could not emit inbox events");
        }
    }

    fn reload(&self) {
        let _ = self.0.emit(INBOX_RELOAD, ());
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
        show(app, inbox::notifications::question(note));
    }
}

/// A desktop notification per new buyer message.
fn notify(app: &AppHandle, notes: &[BuyerMessageNote]) {
    if !may_notify(app) {
        return;
    }
    let language = app.state::<AppState>().settings().language;
    let locale = crate::settings::system_locale();
    for note in notes {
        show(
            app,
            inbox::notifications::buyer_message(note, language, locale.as_deref()),
        );
    }
}

fn show(app: &AppHandle, notification: inbox::notifications::Notification) {
    if let Err(err) = app
        .notification()
        .builder()
        .title(notification.title)
        .body(notification.body)
        .show()
    {
        tracing::debug!(%err, "desktop notification not shown");
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};
    use std::time::Duration;

    use inbox::{Inbox, InboxPaths};
    use meli::auth::{AppCredentials, MemoryTokenStore, StoredTokens};
    use meli::{Client, ClientConfig, RateBudget, Secret, Site};
    use meli_sim::{SimConfig, Simulator};

    use super::*;

    /// What the window was told, in order.
    #[derive(Default)]
    struct Record {
        statuses: Mutex<Vec<SyncStatus>>,
        batches: Mutex<Vec<InboxEvents>>,
        reloads: Mutex<usize>,
    }

    impl Window for Arc<Record> {
        fn sync_status(&self, status: &SyncStatus) {
            self.statuses.lock().expect("lock").push(status.clone());
        }
        fn batch(&self, batch: &InboxEvents) {
            self.batches.lock().expect("lock").push(batch.clone());
        }
        fn reload(&self) {
            *self.reloads.lock().expect("lock") += 1;
        }
    }

    fn client(sim: &Simulator) -> Client {
        let app = sim.app();
        let creds = AppCredentials {
            client_id: app.client_id.to_string(),
            client_secret: Secret::new(app.client_secret),
            redirect_uri: app.redirect_uri,
        };
        let mut config = ClientConfig::new(Site::Argentina, creds)
            .with_bases(sim.base_url(), sim.auth_base_url())
            .with_picture_origin(&sim.base_url());
        config.budget = RateBudget {
            reads_per_minute: 600_000,
            writes_per_minute: 600_000,
        };
        let pair = sim
            .control()
            .issue_token(meli_sim::SELLER_MLA)
            .expect("token issued");
        let token: meli::models::Token =
            serde_json::from_value(serde_json::to_value(pair).expect("pair")).expect("token");
        let tokens =
            MemoryTokenStore::new(Some(StoredTokens::from_token(token, chrono::Utc::now())));
        Client::new(config, Arc::new(tokens)).expect("client builds")
    }

    /// A window too slow to keep up misses the batches that carried the status; it is told
    /// the core's status with the reload, so the header never stays on a stale one.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn after_missed_batches_the_window_gets_the_cores_status() {
        let sim = Simulator::start(SimConfig {
            rate_limit: None,
            ..SimConfig::default()
        })
        .await
        .expect("simulator starts");
        let dir = tempfile::tempdir().expect("temp dir");
        let inbox = Inbox::open(InboxPaths::in_dir(dir.path()), inbox::system_clock())
            .expect("inbox opens");
        // Subscribed from the start, but not read until the import is over.
        let receiver = inbox.subscribe();
        let config = inbox::sync::SyncConfig {
            interval: Duration::from_secs(3600),
            ..inbox::sync::SyncConfig::default()
        };
        let account = inbox
            .connect_with_client(client(&sim), config)
            .await
            .expect("account connects");
        let mut online = false;
        for _ in 0..50 {
            let state = inbox.sync_and_wait(account).await.expect("engine runs");
            if matches!(state, inbox::sync::AccountState::Online { .. }) {
                online = true;
                break;
            }
        }
        assert!(online, "the import never finished");
        assert!(matches!(inbox.sync_status(), SyncStatus::Online { .. }));
        // More batches without a status than the channel holds push the status ones out.
        let last = 200;
        for lead in 1..=last {
            inbox.events().publish(InboxEvents {
                leads_changed: vec![lead],
                ..Default::default()
            });
        }

        let record = Arc::new(Record::default());
        let window = record.clone();
        let status = {
            let inbox = &inbox;
            move || inbox.sync_status()
        };
        let forwarding = forward(receiver, status, &window);
        let caught_up = async {
            loop {
                let done = record
                    .batches
                    .lock()
                    .expect("lock")
                    .last()
                    .is_some_and(|b| b.leads_changed == [last]);
                if done {
                    break;
                }
                tokio::task::yield_now().await;
            }
        };
        tokio::select! {
            _ = forwarding => panic!("the inbox closed"),
            waited = tokio::time::timeout(Duration::from_secs(60), caught_up) => {
                waited.expect("every batch reached the window");
            }
        }

        assert!(
            *record.reloads.lock().expect("lock") >= 1,
            "no batch was missed"
        );
        let told = record.statuses.lock().expect("lock").last().cloned();
        assert_eq!(told, Some(inbox.sync_status()));
        inbox.stop_sync().await;
    }
}
