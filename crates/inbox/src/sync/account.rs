//! One account's sync: what every step needs (store, client, clock, events) and the small
//! helpers they share.

use std::future::Future;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use meli::{Client, MeliError};

use super::due::{Changes, DueCheck, QuietList};
use super::page_digests::PageDigests;
use super::state::{AccountState, AccountStates};
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
    states: Arc<AccountStates>,
    batch: Mutex<(Batcher, Instant)>,
    messages: Mutex<MessagesAccess>,
    schedule: Mutex<Schedule>,
    /// When this engine last polled the unanswered questions (in memory: a start polls them
    /// at once).
    questions_polled: Mutex<Option<DateTime<Utc>>>,
    /// Conversation pages read since the engine started: what the rotation spends its share
    /// of the read budget on (a chat may take more than one page).
    pages_read: AtomicU64,
    /// What the pass's scans of every lead or question depend on (see [`super::due`]).
    pub(crate) lead_changes: Changes,
    pub(crate) question_changes: Changes,
    pub(crate) shipments_due: DueCheck,
    pub(crate) listings_queue: DueCheck,
    pub(crate) askers_due: DueCheck,
    /// What the unread comparison reads from the cache: a chat's messages, or which chat a
    /// lead has.
    pub(crate) chat_changes: Changes,
    /// Mercado Libre's unread list (sorted) when the last comparison found every count as
    /// cached.
    pub(crate) unread_quiet: QuietList<Vec<(i64, Option<u64>)>>,
    /// Each chat's page as the cache last took it in (see [`super::page_digests`]).
    pub(crate) page_digests: PageDigests,
}

/// When the loop last finished a pass well and when it runs the next (the sync health view).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Schedule {
    pub last_success: Option<DateTime<Utc>>,
    pub next_pass: Option<DateTime<Utc>>,
}

/// How the messaging calls of the current pass went: when every one is refused with a 403
/// that does not name the resource, it is the application (or the seller) that Mercado
/// Libre refuses, not one chat.
#[derive(Debug, Default, Clone, Copy)]
struct MessagesAccess {
    read: u32,
    refused: u32,
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
    pub states: Arc<AccountStates>,
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
            states: parts.states,
            batch: Mutex::new((Batcher::default(), Instant::now())),
            messages: Mutex::new(MessagesAccess::default()),
            schedule: Mutex::new(Schedule::default()),
            questions_polled: Mutex::new(None),
            pages_read: AtomicU64::new(0),
            lead_changes: Changes::default(),
            question_changes: Changes::default(),
            shipments_due: DueCheck::default(),
            listings_queue: DueCheck::default(),
            askers_due: DueCheck::default(),
            chat_changes: Changes::default(),
            unread_quiet: QuietList::default(),
            page_digests: PageDigests::default(),
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
        let mut ids = ids.into_iter().peekable();
        if ids.peek().is_some() {
            self.lead_changes.touch();
            self.chat_changes.touch();
        }
        self.with_batch(|b| b.leads_changed(ids));
    }

    pub(crate) fn messages_added(&self, lead_id: i64) {
        // A message moves the lead's activity, which the shipments followed depend on.
        self.lead_changes.touch();
        self.chat_changes.touch();
        self.with_batch(|b| b.messages_added(lead_id));
    }

    pub(crate) fn buyer_message(&self, note: BuyerMessageNote) {
        self.with_batch(|b| b.buyer_message(note));
    }

    /// Questions changed: the Questions view refetches as a whole.
    pub(crate) fn questions_changed(&self) {
        self.question_changes.touch();
        self.with_batch(|b| b.questions_changed());
    }

    pub(crate) fn question_note(&self, note: QuestionNote) {
        self.with_batch(|b| b.question_note(note));
    }

    /// Records the engine's state and queues the combined status for the UI.
    pub(crate) fn report(&self, state: AccountState) {
        let status = self.states.set(self.account_id, &self.label, state);
        self.with_batch(|b| b.sync_state(status));
    }

    pub fn state(&self) -> Option<AccountState> {
        self.states.get(self.account_id)
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

    pub fn schedule(&self) -> Schedule {
        *self.schedule.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The loop decided to wait `wait` before its next pass; `succeeded`: the pass that just
    /// ended went well.
    pub(crate) fn schedule_next(&self, succeeded: bool, wait: Duration) {
        let now = self.now();
        let wait = chrono::Duration::from_std(wait).unwrap_or(chrono::Duration::zero());
        let mut schedule = self.schedule.lock().unwrap_or_else(|e| e.into_inner());
        if succeeded {
            schedule.last_success = Some(now);
        }
        schedule.next_pass = Some(now.checked_add_signed(wait).unwrap_or(now));
    }

    /// Whether the unanswered questions are due at `now` (`questions_every` since the last
    /// poll, or never polled by this engine, or the clock went back).
    pub(crate) fn questions_due(&self, now: DateTime<Utc>) -> bool {
        let last = *self
            .questions_polled
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        let every = chrono::Duration::from_std(self.config.questions_every)
            .unwrap_or(chrono::Duration::MAX);
        last.is_none_or(|t| now - t >= every || t > now)
    }

    pub(crate) fn questions_polled(&self, at: DateTime<Utc>) {
        *self
            .questions_polled
            .lock()
            .unwrap_or_else(|e| e.into_inner()) = Some(at);
    }

    /// One conversation page was read from Mercado Libre.
    pub(crate) fn count_page_read(&self) {
        self.pages_read.fetch_add(1, Ordering::Relaxed);
    }

    /// Conversation pages read since the engine started.
    pub(crate) fn pages_read(&self) -> u64 {
        self.pages_read.load(Ordering::Relaxed)
    }

    fn with_messages<T>(&self, f: impl FnOnce(&mut MessagesAccess) -> T) -> T {
        f(&mut self.messages.lock().unwrap_or_else(|e| e.into_inner()))
    }

    /// A pass starts: the count of refused messaging calls starts over.
    pub(crate) fn begin_pass(&self) {
        self.with_messages(|m| *m = MessagesAccess::default());
    }

    /// A messaging call was answered.
    pub(crate) fn messages_read(&self) {
        self.with_messages(|m| m.read = m.read.saturating_add(1));
    }

    /// A messaging call was refused with a 403 that does not name the resource.
    pub(crate) fn messages_refused(&self) {
        self.with_messages(|m| m.refused = m.refused.saturating_add(1));
    }

    /// Every messaging call of this pass so far was refused (and at least two were: the
    /// unread list and a chat): the rest would be too, so the pass stops asking.
    pub(crate) fn messages_blocked(&self) -> bool {
        self.with_messages(|m| m.read == 0 && m.refused >= 2)
    }

    /// The pass asked and every messaging call was refused: the application lacks the
    /// Messages permission, or Mercado Libre refuses messaging to it or the seller.
    pub(crate) fn messages_refused_for_app(&self) -> bool {
        self.with_messages(|m| m.read == 0 && m.refused > 0)
    }

    /// The chats refused during a pass that turned out to be refused as a whole lose their
    /// failure records: they were never the chats' fault, and once messaging works they are
    /// read at once rather than after a backoff.
    pub(crate) async fn forget_refused_chats(&self) {
        let account = self.account_id;
        let forgotten = self
            .store
            .write_async(move |tx| {
                crate::store::chat_failures::clear_code(tx, account, "forbidden")
            })
            .await;
        match forgotten {
            Ok(leads) => self.leads_changed(leads),
            Err(err) => tracing::warn!(%err, "could not clear the refused chats"),
        }
    }

    /// The unread list, or an empty one when Mercado Libre refuses messaging to the
    /// application (orders and the board keep working meanwhile).
    pub(crate) async fn unread_or_refused(&self) -> Result<meli::models::Unread> {
        match self.request(|| self.client.unread()).await {
            Ok(unread) => {
                self.messages_read();
                Ok(unread)
            }
            Err(InboxError::Meli(err)) if is_app_refusal(&err) => {
                tracing::warn!(account = self.account_id, %err, "messages refused for the application");
                self.messages_refused();
                Ok(meli::models::Unread {
                    user_id: None,
                    results: Vec::new(),
                })
            }
            Err(err) => Err(err),
        }
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

/// A 403 that refuses more than the one resource asked for (see
/// [`MeliError::refuses_only_this_resource`]).
pub(crate) fn is_app_refusal(err: &MeliError) -> bool {
    matches!(err, MeliError::Forbidden { .. }) && !err.refuses_only_this_resource()
}
