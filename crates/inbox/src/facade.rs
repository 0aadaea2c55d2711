//! [`Inbox`]: what the shell calls. Each method runs its database work on tokio's blocking
//! pool and returns the IPC types the UI receives.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use chrono::{DateTime, Utc};

use crate::error::{InboxError, Result};
use crate::events::{EventBus, InboxEvents};
use crate::ipc::{
    BoardFilter, ColumnPage, ConversationPage, DraftDto, LeadCard, OutboxItem, Queued,
    SearchResults, SendCheck, StageColumn, Stats,
};
use crate::rules::{self, Draft, DraftFile};
use crate::store::board::{self, ColumnCursor};
use crate::store::outbox::{self as outbox_store, QueuedFile};
use crate::store::stages::{self, parse_column_key};
use crate::store::{conversation, leads, search, stats, Store};

/// The current time, passed in so tests (and the simulator's clock) can set it.
pub type Clock = Arc<dyn Fn() -> DateTime<Utc> + Send + Sync>;

pub fn system_clock() -> Clock {
    Arc::new(Utc::now)
}

/// Where the inbox keeps its data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InboxPaths {
    pub database: PathBuf,
    /// Attachments downloaded and drafts' files, under names we generate.
    pub cache_dir: PathBuf,
}

impl InboxPaths {
    /// `inbox.sqlite` and `cache/` inside the app's data dir.
    pub fn in_dir(dir: &Path) -> InboxPaths {
        InboxPaths {
            database: dir.join("inbox.sqlite"),
            cache_dir: dir.join("cache"),
        }
    }
}

#[derive(Clone)]
pub struct Inbox {
    store: Store,
    paths: InboxPaths,
    clock: Clock,
    events: EventBus,
    /// The sync engines of the connected accounts (see [`crate::sync`]).
    sync: Arc<crate::sync::Registry>,
    /// One request budget per application, shared by every account connected through it.
    applications: Arc<meli::Applications>,
}

impl Inbox {
    pub fn open(paths: InboxPaths, clock: Clock) -> Result<Inbox> {
        std::fs::create_dir_all(&paths.cache_dir)
            .map_err(|e| InboxError::io("creating the cache dir", &e))?;
        if let Some(parent) = paths.database.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| InboxError::io("creating the data dir", &e))?;
        }
        let store = Store::open(&paths.database)?;
        Ok(Inbox {
            store,
            paths,
            clock,
            events: EventBus::default(),
            sync: Arc::default(),
            applications: Arc::default(),
        })
    }

    /// Whether the cache at `paths` can be opened as it is (read-only; a missing cache is a
    /// first start and fine).
    pub fn check_cache(paths: &InboxPaths) -> crate::store::recovery::CacheCheck {
        crate::store::recovery::check(&paths.database)
    }

    /// Closes the cache for a quick look at the next start: the log is checkpointed into the
    /// file, then the clean-close marker written. Call it after [`Inbox::stop_sync`], last.
    /// On failure nothing is marked, and the next start checks the whole file.
    pub fn close_cleanly(&self) -> Result<()> {
        self.store.checkpoint()?;
        crate::store::recovery::mark_closed_cleanly(&self.paths.database)
            .map_err(|e| InboxError::io("marking the cache closed cleanly", &e))
    }

    /// Starts afresh on a cache [`Inbox::check_cache`] found unusable: what Mercado Libre
    /// cannot give back (the seller's stages, which leads sit in them, unsent drafts) is
    /// salvaged, the file is moved aside, never deleted, and a new cache opens with the salvage
    /// written in for the re-import to hand back to each lead. Returns where the old file went.
    pub fn rebuild(paths: InboxPaths, clock: Clock) -> Result<(Inbox, PathBuf)> {
        use crate::store::recovery;
        let why = match recovery::check(&paths.database) {
            recovery::CacheCheck::Newer { .. } => "newer",
            _ => "corrupt",
        };
        let salvage = recovery::salvage(&paths.database);
        let aside = if paths.database.exists() {
            recovery::move_aside(&paths.database, clock(), why)
                .map_err(|e| InboxError::io("moving the damaged cache aside", &e))?
        } else {
            paths.database.clone()
        };
        let inbox = Inbox::open(paths, clock)?;
        inbox
            .store
            .write(move |tx| recovery::restore(tx, &salvage))?;
        tracing::warn!(aside = %aside.display(), "cache rebuilt; the old file is kept aside");
        Ok((inbox, aside))
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Batches of changes for the UI (see [`crate::events`]).
    pub fn subscribe(&self) -> tokio::sync::broadcast::Receiver<InboxEvents> {
        self.events.subscribe()
    }

    pub fn events(&self) -> &EventBus {
        &self.events
    }

    fn lead_changed(&self, lead_id: i64) {
        self.events.publish(InboxEvents {
            leads_changed: vec![lead_id],
            ..InboxEvents::default()
        });
    }

    pub fn now(&self) -> DateTime<Utc> {
        (self.clock)()
    }

    /// Every column with its count and first page, for one account or all, narrowed by the
    /// filter.
    pub async fn board(
        &self,
        account: Option<i64>,
        filter: BoardFilter,
    ) -> Result<Vec<StageColumn>> {
        let mut columns = self
            .store
            .read_async(move |c| board::board(c, account, &filter, board::DEFAULT_PAGE))
            .await?;
        for lead in columns.iter_mut().flat_map(|c| c.leads.iter_mut()) {
            self.picture_path(&mut lead.picture);
        }
        Ok(columns)
    }

    /// A cached picture's file name made the path the webview shows it from (through the
    /// asset protocol, whose scope is the cache dir).
    pub(crate) fn picture_path(&self, picture: &mut Option<String>) {
        *picture = picture.take().map(|name| {
            self.paths
                .cache_dir
                .join(name)
                .to_string_lossy()
                .into_owned()
        });
    }

    /// A column's next page; pass the filter its board was fetched with.
    pub async fn column_page(
        &self,
        key: String,
        account: Option<i64>,
        filter: BoardFilter,
        cursor: Option<String>,
    ) -> Result<ColumnPage> {
        let column = parse_column_key(&key)?;
        let cursor = cursor.as_deref().map(ColumnCursor::decode).transpose()?;
        let mut page = self
            .store
            .read_async(move |c| {
                board::column_page(c, column, account, &filter, cursor, board::DEFAULT_PAGE)
            })
            .await?;
        for lead in &mut page.leads {
            self.picture_path(&mut lead.picture);
        }
        Ok(page)
    }

    pub async fn lead_card(&self, lead_id: i64) -> Result<LeadCard> {
        let mut card = self
            .store
            .read_async(move |c| board::lead_card(c, lead_id))
            .await?;
        self.picture_path(&mut card.summary.picture);
        Ok(card)
    }

    /// The newest 50 messages, or the 50 before `older_than`.
    pub async fn conversation(
        &self,
        lead_id: i64,
        older_than: Option<String>,
    ) -> Result<ConversationPage> {
        let mut page = self
            .store
            .read_async(move |c| {
                conversation::page(c, lead_id, older_than.as_deref(), conversation::PAGE_SIZE)
            })
            .await?;
        for file in page
            .messages
            .iter_mut()
            .flat_map(|m| m.attachments.iter_mut())
        {
            file.path = file.path.take().map(|name| {
                self.paths
                    .cache_dir
                    .join(name)
                    .to_string_lossy()
                    .into_owned()
            });
        }
        Ok(page)
    }

    /// Where cached attachments live (the shell lets the webview show images from there).
    pub fn cache_dir(&self) -> &std::path::Path {
        &self.paths.cache_dir
    }

    /// Marks the chat read here; returns whether anything was unread.
    pub async fn mark_read(&self, lead_id: i64) -> Result<bool> {
        let changed = self
            .store
            .write_async(move |tx| conversation::mark_read(tx, lead_id))
            .await?;
        if changed {
            self.lead_changed(lead_id);
        }
        Ok(changed)
    }

    pub async fn search(
        &self,
        query: String,
        account: Option<i64>,
        cursor: Option<String>,
    ) -> Result<SearchResults> {
        self.store
            .read_async(move |c| search::search(c, &query, account, cursor.as_deref()))
            .await
    }

    /// Every account ever connected, with its state.
    pub async fn accounts(&self) -> Result<Vec<crate::ipc::AccountDto>> {
        self.store
            .read_async(crate::store::accounts::list_for_ui)
            .await
    }

    /// Chats the sync could not read from Mercado Libre lately, with why and when each is
    /// tried again (for the sync health view), of one account or all.
    pub async fn failing_chats(
        &self,
        account: Option<i64>,
    ) -> Result<Vec<crate::ipc::ChatReadFailure>> {
        self.store
            .read_async(move |c| crate::store::chat_failures::list(c, account))
            .await
    }

    pub async fn stats(&self, account: Option<i64>) -> Result<Stats> {
        self.store
            .read_async(move |c| stats::stats(c, account))
            .await
    }

    /// Moves a lead to the column `key`; refused with a [`crate::pipeline::MoveRefusal`].
    pub async fn move_lead(&self, lead_id: i64, key: String) -> Result<()> {
        let column = parse_column_key(&key)?;
        self.store
            .write_async(move |tx| leads::move_to(tx, lead_id, column))
            .await?;
        self.lead_changed(lead_id);
        Ok(())
    }

    pub async fn archive(&self, lead_id: i64) -> Result<()> {
        let now = self.now();
        self.store
            .write_async(move |tx| leads::archive(tx, lead_id, now))
            .await?;
        self.lead_changed(lead_id);
        Ok(())
    }

    pub async fn unarchive(&self, lead_id: i64) -> Result<()> {
        self.store
            .write_async(move |tx| leads::unarchive(tx, lead_id))
            .await?;
        self.lead_changed(lead_id);
        Ok(())
    }

    /// Adds a custom stage after Paid and returns its column key.
    pub async fn add_stage(&self, name: String) -> Result<String> {
        let id = self
            .store
            .write_async(move |tx| stages::add(tx, &name))
            .await?;
        Ok(stages::column_key(crate::pipeline::Column::Custom(id)))
    }

    pub async fn rename_stage(&self, key: String, name: String) -> Result<()> {
        let id = custom_id(&key)?;
        self.store
            .write_async(move |tx| stages::rename(tx, id, &name))
            .await
    }

    /// Orders the custom stages as `keys` lists them.
    pub async fn reorder_stages(&self, keys: Vec<String>) -> Result<()> {
        let ids = keys
            .iter()
            .map(|k| custom_id(k))
            .collect::<Result<Vec<_>>>()?;
        self.store
            .write_async(move |tx| stages::reorder(tx, &ids))
            .await
    }

    /// Deletes a custom stage; its leads go back to Paid. Returns how many moved.
    pub async fn delete_stage(&self, key: String) -> Result<usize> {
        let id = custom_id(&key)?;
        self.store
            .write_async(move |tx| stages::delete(tx, id))
            .await
    }

    /// What the rules say about this draft now (the composer asks before enabling Send).
    pub async fn check_send(&self, lead_id: i64, draft: DraftDto) -> Result<SendCheck> {
        let draft = inspect_draft(draft).await?;
        let (lead, conversation, site) = self
            .store
            .read_async(move |c| {
                let (lead, conversation) = conversation::send_facts(c, lead_id)?;
                Ok((lead, conversation, conversation::lead_site(c, lead_id)?))
            })
            .await?;
        let findings = crate::lint::check(&draft.text, &site);
        Ok(match rules::may_send(&lead, &conversation, &draft) {
            Ok(plan) => SendCheck {
                refusal: None,
                held_back: plan.held_back,
                findings,
            },
            Err(refusal) => SendCheck {
                refusal: Some(refusal),
                held_back: None,
                findings,
            },
        })
    }

    /// Validates the draft and saves it in the outbox (text first, so it is never lost),
    /// copying its files into the cache under generated names. The outbox's network side
    /// sends it. Files the rules hold back are not queued: they stay in the composer.
    pub async fn queue_draft(&self, lead_id: i64, draft: DraftDto) -> Result<Queued> {
        let sources = draft.files.clone();
        let checked = inspect_draft(draft).await?;
        let (lead, conversation) = self
            .store
            .read_async(move |c| conversation::send_facts(c, lead_id))
            .await?;
        let plan = rules::may_send(&lead, &conversation, &checked)?;
        let store = self.store.clone();
        let cache_dir = self.paths.cache_dir.clone();
        let now = self.now();
        tokio::task::spawn_blocking(move || {
            // Copied before the transaction so the writer is not held for file I/O.
            let mut files = Vec::new();
            if plan.send_files {
                for (source, file) in sources.iter().zip(&checked.files) {
                    files.push(copy_into_cache(
                        &cache_dir,
                        now,
                        Path::new(&source.path),
                        file,
                    )?);
                }
            }
            let queued = store.write(|tx| {
                // Asked again inside the write: another send may have gone out meanwhile.
                let (lead, conversation) = conversation::send_facts(tx, lead_id)?;
                let plan = rules::may_send(&lead, &conversation, &checked)?;
                // An armed draft that goes is armed no more.
                crate::store::armed::clear(tx, lead_id)?;
                let id = outbox_store::enqueue(
                    tx,
                    lead_id,
                    &checked.text,
                    &files,
                    checked.guide.as_ref(),
                    now,
                )?;
                let item = outbox_store::unsent_for_lead(tx, lead_id)?
                    .into_iter()
                    .find(|i| i.id == id)
                    .ok_or_else(|| InboxError::NotFound(format!("outbox item {id}")))?;
                Ok(Queued {
                    item,
                    held_back: plan.held_back,
                })
            });
            if queued.is_err() {
                for file in &files {
                    let _ = std::fs::remove_file(cache_dir.join(&file.cache_name));
                }
            }
            queued
        })
        .await
        .map_err(|e| InboxError::task("database", &e))?
    }

    /// The lead's drafts not sent yet.
    pub async fn outbox(&self, lead_id: i64) -> Result<Vec<OutboxItem>> {
        self.store
            .read_async(move |c| outbox_store::unsent_for_lead(c, lead_id))
            .await
    }
}

/// Accounts, sync and sending: the network side (see [`crate::sync`]).
impl Inbox {
    /// A client for an account of the application `config` names: every account of one
    /// application draws from one request budget (Mercado Libre counts per application), so
    /// two sellers connected through it stay under its limit together. Build every account's
    /// client here.
    pub fn client_for(
        &self,
        config: meli::ClientConfig,
        tokens: Arc<dyn meli::auth::TokenStore>,
    ) -> Result<meli::Client> {
        Ok(self.applications.client(config, tokens)?)
    }

    /// Records the account whose tokens `client` holds (asking Mercado Libre who it is) and
    /// starts its sync: the first import, then polls. Reconnecting keeps the cached data.
    pub async fn connect_with_client(
        &self,
        client: meli::Client,
        config: crate::sync::SyncConfig,
    ) -> Result<i64> {
        let me = client.interactive().me().await?;
        let site = me
            .site_id
            .clone()
            .unwrap_or_else(|| client.site().id().to_owned());
        let (user_id, nickname, now) = (me.id, me.nickname.clone(), self.now());
        let account_id = self
            .store
            .write_async(move |tx| {
                crate::store::accounts::connect(tx, user_id, &site, nickname.as_deref(), now)
            })
            .await?;
        let label = me.nickname.unwrap_or_else(|| user_id.to_string());
        self.start_sync(account_id, user_id, label, client, config)
            .await;
        Ok(account_id)
    }

    /// Connects an account through OAuth: `open_browser` receives the authorization URL, a
    /// loopback listener waits for the relay (or `pasted` brings what the seller copied from
    /// it), and the tokens go to `tokens` (the shell's keychain store), never into the database.
    pub async fn connect_account(
        &self,
        request: crate::sync::ConnectRequest,
        tokens: Arc<dyn meli::auth::TokenStore>,
        open_browser: impl FnOnce(String) + Send,
        pasted: crate::sync::connect::PasteReceiver,
        config: crate::sync::SyncConfig,
    ) -> Result<i64> {
        let client = crate::sync::connect::authorize(
            &request,
            self.client_for(request.client_config(), tokens)?,
            open_browser,
            pasted,
        )
        .await?;
        self.connect_with_client(client, config).await
    }

    /// Starts the sync of an account connected in an earlier run (at app start), without
    /// asking Mercado Libre anything first, so an offline start still syncs once it is back.
    /// `client` holds the account's tokens (from the shell's keychain store).
    pub async fn resume_account(
        &self,
        account_id: i64,
        client: meli::Client,
        config: crate::sync::SyncConfig,
    ) -> Result<()> {
        let account = self
            .store
            .read_async(move |c| crate::store::accounts::get(c, account_id))
            .await?;
        if account.state == crate::rules::SourceState::Disabled {
            return Err(crate::rules::Refusal::SourceDisabled.into());
        }
        let label = account
            .nickname
            .unwrap_or_else(|| account.user_id.to_string());
        self.start_sync(account_id, account.user_id, label, client, config)
            .await;
        Ok(())
    }

    async fn start_sync(
        &self,
        account_id: i64,
        seller_id: i64,
        label: String,
        client: meli::Client,
        config: crate::sync::SyncConfig,
    ) {
        let sync = crate::sync::AccountSync::new(crate::sync::AccountParts {
            store: self.store.clone(),
            client,
            account_id,
            seller_id,
            label,
            clock: self.clock.clone(),
            config,
            cache_dir: self.paths.cache_dir.clone(),
            events: self.events.clone(),
            states: self.sync.states(),
        });
        let handle = crate::sync::SyncHandle::start(Arc::new(sync));
        if let Some(previous) = self.sync.insert(account_id, handle) {
            previous.shutdown().await;
        }
    }

    /// Disconnects an account: its sync stops, its tokens are forgotten, its sends are refused
    /// from now on; its cached leads and chats stay readable.
    pub async fn disconnect(&self, account_id: i64) -> Result<()> {
        if let Some(handle) = self.sync.remove(account_id) {
            let client = handle.account().client.clone();
            handle.shutdown().await;
            if let Err(err) = client.disconnect().await {
                tracing::warn!(%err, "could not forget the tokens");
            }
        }
        // The header follows the core's status through events: say that this account left it.
        let status = self.sync.states().remove(account_id);
        self.events.publish(crate::events::InboxEvents {
            sync: Some(status),
            ..Default::default()
        });
        let now = self.now();
        self.store
            .write_async(move |tx| crate::store::accounts::disable(tx, account_id, now))
            .await
    }

    /// A pass now, for one account or all.
    pub fn sync_now(&self, account_id: Option<i64>) {
        self.sync.sync_now(account_id);
    }

    /// Runs a pass of the account's sync now and waits for it to finish; returns the
    /// account's state after it (`None` when its sync is not running).
    pub async fn sync_and_wait(&self, account_id: i64) -> Option<crate::sync::AccountState> {
        self.sync.sync_and_wait(account_id).await
    }

    /// What the header's indicator shows, for all accounts together.
    pub fn sync_status(&self) -> crate::ipc::SyncStatus {
        self.sync.status()
    }

    /// One account's engine state; `None` when it is not running.
    pub fn account_sync_state(&self, account_id: i64) -> Option<crate::sync::AccountState> {
        self.sync.states().get(account_id)
    }

    /// Validates and queues the draft (see [`Inbox::queue_draft`]), then asks the account's
    /// engine for a pass at once so it goes out now if it can.
    pub async fn send_draft(&self, lead_id: i64, draft: DraftDto) -> Result<Queued> {
        let queued = self.queue_draft(lead_id, draft).await?;
        let account = self
            .store
            .read_async(move |c| crate::store::sync_writes::lead_account(c, lead_id))
            .await?;
        self.sync.sync_now(Some(account));
        Ok(queued)
    }

    /// The seller's "Send again" on a draft Mercado Libre did not confirm (or that failed):
    /// it goes back to the outbox, is judged by the rules again and posted by the next pass.
    /// Nothing else ever posts a not-confirmed draft again.
    pub async fn resend_draft(&self, outbox_id: i64) -> Result<OutboxItem> {
        let now = self.now();
        let item = self
            .store
            .write_durable_async(move |tx| outbox_store::resend(tx, outbox_id, now))
            .await?;
        let lead_id = item.lead_id;
        let account = self
            .store
            .read_async(move |c| crate::store::sync_writes::lead_account(c, lead_id))
            .await?;
        self.publish_messages_changed(lead_id);
        self.sync.sync_now(Some(account));
        Ok(item)
    }

    /// The seller's "Discard" on a draft that was not sent or not confirmed: it leaves the
    /// outbox, and its files our cache.
    pub async fn discard_draft(&self, outbox_id: i64) -> Result<()> {
        let queued = self
            .store
            .write_durable_async(move |tx| {
                let queued = outbox_store::get(tx, outbox_id)?;
                outbox_store::discard(tx, outbox_id)?;
                Ok(queued)
            })
            .await?;
        for file in &queued.files {
            let path = self.paths.cache_dir.join(&file.cache_name);
            if let Err(err) = tokio::fs::remove_file(&path).await {
                tracing::info!(%err, "could not remove a discarded draft's file");
            }
        }
        self.publish_messages_changed(queued.lead_id);
        Ok(())
    }

    fn publish_messages_changed(&self, lead_id: i64) {
        self.events.publish(InboxEvents {
            messages_added: vec![lead_id],
            leads_changed: vec![lead_id],
            ..Default::default()
        });
    }

    /// Downloads an attachment into the cache dir (once) and returns the file's path. Its name
    /// is ours (`att-<id>.<ext>`, the extension from the content), never the sender's.
    pub async fn download_attachment(&self, attachment_id: i64) -> Result<PathBuf> {
        use crate::store::attachments;
        let cache_dir = self.paths.cache_dir.clone();
        if let Some(name) = self
            .store
            .read_async(move |c| attachments::local_file(c, attachment_id))
            .await?
        {
            let path = cache_dir.join(name);
            if path.exists() {
                return Ok(path);
            }
        }
        let pending = self
            .store
            .read_async(move |c| attachments::pending_download(c, attachment_id))
            .await?;
        let sync = self.sync.account(pending.account_id).ok_or_else(|| {
            InboxError::InvalidInput(format!("account {} is not connected", pending.account_id))
        })?;
        let bytes = sync
            .client
            .interactive()
            .download_attachment(&pending.meli_filename)
            .await?;
        let content = crate::rules::FileContent::detect(&bytes);
        let path = cache_dir.join(attachments::local_name(attachment_id, &content));
        tokio::fs::write(&path, &bytes)
            .await
            .map_err(|e| InboxError::io("writing the attachment", &e))?;
        crate::internet_mark::mark(&path);
        self.store
            .write_async(move |tx| attachments::set_downloaded(tx, attachment_id, &content))
            .await?;
        Ok(path)
    }

    /// The reasons to communicate this lead's conversation must start with, with their caps;
    /// `None` when the seller may write freely.
    pub async fn action_guide(
        &self,
        lead_id: i64,
    ) -> Result<Option<Vec<crate::ipc::GuideOptionDto>>> {
        let guide = self
            .store
            .read_async(move |c| crate::store::conversation::action_guide(c, lead_id))
            .await?;
        Ok(crate::ipc::guide_options(&guide))
    }

    /// The seller opened the chat: fetches it at once (first in line, all of it if it was
    /// never imported), marks it read on Mercado Libre and here.
    pub async fn open_chat(&self, lead_id: i64) -> Result<ConversationPage> {
        let account = self
            .store
            .read_async(move |c| crate::store::sync_writes::lead_account(c, lead_id))
            .await?;
        if let Some(sync) = self.sync.account(account) {
            if let Err(err) = sync.open_conversation(lead_id).await {
                // Offline: the cached chat still opens.
                tracing::info!(%err, lead_id, "could not refresh the chat");
            }
        }
        self.mark_read(lead_id).await?;
        self.conversation(lead_id, None).await
    }

    /// New pacing for every running sync (the seller changed the poll interval or the
    /// history window in the settings): each engine restarts with it, from its cursors.
    pub async fn set_sync_config(&self, config: crate::sync::SyncConfig) {
        for sync in self.sync.running() {
            self.start_sync(
                sync.account_id,
                sync.seller_id,
                sync.label.clone(),
                sync.client.clone(),
                config.clone(),
            )
            .await;
        }
    }

    /// Stops every sync engine (on quit, or before the database is closed).
    pub async fn stop_sync(&self) {
        self.sync.shutdown().await;
    }
}

fn custom_id(key: &str) -> Result<i64> {
    match parse_column_key(key)? {
        crate::pipeline::Column::Custom(id) => Ok(id),
        crate::pipeline::Column::System(_) => {
            Err(crate::pipeline::StageRefusal::SystemStageLocked.into())
        }
    }
}

/// Reads the draft's files (off the runtime) so the rules can judge them by content.
async fn inspect_draft(draft: DraftDto) -> Result<Draft> {
    tokio::task::spawn_blocking(move || {
        let files = draft
            .files
            .iter()
            .map(|f| {
                DraftFile::from_path(Path::new(&f.path), &f.name)
                    .map_err(|e| InboxError::InvalidInput(format!("cannot read {}: {e}", f.name)))
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Draft {
            text: draft.text,
            files,
            guide: draft.guide,
        })
    })
    .await
    .map_err(|e| InboxError::task("file", &e))?
}

/// Our own copy of a draft's file, so the send survives the original being moved. The name
/// is ours: time and a counter that is unique within the process.
fn copy_into_cache(
    cache_dir: &Path,
    now: DateTime<Utc>,
    source: &Path,
    file: &DraftFile,
) -> Result<QueuedFile> {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let ext = file.content.extensions().first().copied().unwrap_or("bin");
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let cache_name = format!("draft-{}-{n}.{ext}", now.timestamp_millis());
    std::fs::copy(source, cache_dir.join(&cache_name))
        .map_err(|e| InboxError::io(&format!("copying {} into the cache", file.name), &e))?;
    Ok(QueuedFile {
        cache_name,
        name: file.name.clone(),
        size: file.size,
    })
}

// The seller's toolkit: quick replies, armed drafts, sync health.
mod toolkit;

// The sync health view.
mod health;

// Files a buyer sent, as the desktop may open them.
mod attachments;
pub use attachments::ReceivedFile;

mod questions;
#[cfg(test)]
mod tests;
