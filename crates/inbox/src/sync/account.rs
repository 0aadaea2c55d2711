//! One account's sync: what every step needs (store, client, clock, events) and the small
//! helpers they share.

use std::future::Future;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use meli::{Client, MeliError};

use super::state::{AccountState, StatusBoard};
use super::SyncConfig;
use crate::error::{InboxError, Result};
use crate::events::{Batcher, BuyerMessageNote, EventBus, QuestionNote};
use crate::store::Store;
use crate::Clock;

/// Everything one account's engine works with. Shared by the loop and the facade (a send
/// asks for an immediate pass; a download uses the same client).
pub struct AccountSync {
    pub store: Store,
    pub client: Client,
    pub account_id: i64,
    pub seller_id: i64,
    /// How the account is named in the status ("the nickname's authorization expired").
    pub label: String,
    pub clock: Clock,
    pub config: SyncConfig,
    pub cache_dir: PathBuf,
    events: EventBus,
    board: Arc<StatusBoard>,
    batch: Mutex<(Batcher, Instant)>,
}

impl std::fmt::Debug for AccountSync {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AccountSync")
            .field("account_id", &self.account_id)
            .field("seller_id", &self.seller_id)
            .finish_non_exhaustive()
    }
}

/// What one account's sync is built from.
pub struct AccountParts {
    pub store: Store,
    pub client: Client,
    pub account_id: i64,
    pub seller_id: i64,
    pub label: String,
    pub clock: Clock,
    pub config: SyncConfig,
    pub cache_dir: PathBuf,
    pub events: EventBus,
    pub board: Arc<StatusBoard>,
}

impl AccountSync {
    pub fn new(parts: AccountParts) -> AccountSync {
        AccountSync {
            store: parts.store,
            client: parts.client,
            account_id: parts.account_id,
            seller_id: parts.seller_id,
            label: parts.label,
            clock: parts.clock,
            config: parts.config,
            cache_dir: parts.cache_dir,
            events: parts.events,
            board: parts.board,
            batch: Mutex::new((Batcher::default(), Instant::now())),
        }
    }

    pub fn now(&self) -> DateTime<Utc> {
        (self.clock)()
    }

    fn with_batch<T>(&self, f: impl FnOnce(&mut Batcher) -> T) -> T {
        let mut guard = self.batch.lock().unwrap_or_else(|e| e.into_inner());
        f(&mut guard.0)
    }

    pub(crate) fn leads_changed(&self, ids: impl IntoIterator<Item = i64>) {
        self.with_batch(|b| b.leads_changed(ids));
    }

    pub(crate) fn messages_added(&self, lead_id: i64) {
        self.with_batch(|b| b.messages_added(lead_id));
    }

    pub(crate) fn buyer_message(&self, note: BuyerMessageNote) {
        self.with_batch(|b| b.buyer_message(note));
    }

    /// Questions changed: the Questions view refetches as a whole.
    pub(crate) fn questions_changed(&self) {
        self.with_batch(|b| b.questions_changed());
    }

    pub(crate) fn question_note(&self, note: QuestionNote) {
        self.with_batch(|b| b.question_note(note));
    }

    /// Records the engine's state and queues the combined status for the UI.
    pub(crate) fn report(&self, state: AccountState) {
        let status = self.board.set(self.account_id, &self.label, state);
        self.with_batch(|b| b.sync_state(status));
    }

    pub fn state(&self) -> Option<AccountState> {
        self.board.get(self.account_id)
    }

    /// Publishes what was gathered if `flush_every` passed (or `force`): one batch per
    /// interval, however many pages a big import writes.
    pub(crate) fn flush(&self, force: bool) {
        let events = {
            let mut guard = self.batch.lock().unwrap_or_else(|e| e.into_inner());
            if !force && guard.1.elapsed() < self.config.flush_every {
                return;
            }
            guard.1 = Instant::now();
            guard.0.take()
        };
        self.events.publish(events);
    }

    /// Runs a request, trying again when the answer did not parse (a proxy's error page, a
    /// truncated body): the client retries transport errors itself but not those.
    pub(crate) async fn request<T, F, Fut>(&self, mut call: F) -> Result<T>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = std::result::Result<T, MeliError>>,
    {
        let mut attempt = 1;
        loop {
            match call().await {
                Ok(value) => return Ok(value),
                Err(MeliError::Decode { .. }) if attempt < self.config.decode_retries => {
                    tokio::time::sleep(Duration::from_millis(20 * u64::from(attempt))).await;
                    attempt += 1;
                }
                Err(err) => return Err(InboxError::Meli(err)),
            }
        }
    }
}
