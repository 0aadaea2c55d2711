//! Fetching one lead's conversation into the cache: every page read with
//! `mark_as_read=false` (reading for the cache must never mark a chat read on Mercado Libre),
//! written in one transaction with the marker that says it was imported.

use meli::models::PackMessages;
use meli::{MeliError, MessagesPage};
use serde_json::Value;

use super::account::{is_app_refusal, AccountSync};
use crate::error::{InboxError, Result};
use crate::events::BuyerMessageNote;
use crate::incoming::IncomingConversation;
use crate::rules::{ActionGuide, GuideOption, OptionKind};
use crate::store::chat_failures::{self, Failure};
use crate::store::sync_writes::{self, ConversationTarget};
use crate::store::{conversation, leads, messages};

use super::paging::Paging;

/// Mercado Libre's page size for conversations.
const PAGE: u32 = 50;
const SELLER_LIMITED: &str = "blocked_by_conversation_initiated_by_seller_limited";

/// What fetching a conversation changed.
#[derive(Debug, Default)]
pub(crate) struct Fetched {
    pub added: usize,
}

/// A conversation as read from Mercado Libre, not stored yet.
#[derive(Debug)]
pub(crate) enum Downloaded {
    /// Mercado Libre will not show it (not found, not this seller's): marked done, skipped.
    Unreadable(ConversationTarget),
    Read(ReadConversation),
}

#[derive(Debug)]
pub(crate) struct ReadConversation {
    target: ConversationTarget,
    incoming: IncomingConversation,
    guide: Option<ActionGuide>,
    /// The seller opened it (the read marked it read on Mercado Libre).
    opened: bool,
}

/// Writes one downloaded conversation inside the caller's transaction: its messages, guide,
/// the marker that it was read, and the desktop notes for new buyer messages.
fn store_one(
    tx: &rusqlite::Connection,
    account_id: i64,
    now: chrono::DateTime<chrono::Utc>,
    downloaded: Downloaded,
) -> Result<(i64, messages::MessagesOutcome, Vec<BuyerMessageNote>)> {
    let read = match downloaded {
        Downloaded::Unreadable(target) => {
            sync_writes::mark_conversation_synced(tx, account_id, target.conversation_id, now)?;
            return Ok((target.lead_id, Default::default(), Vec::new()));
        }
        Downloaded::Read(read) => read,
    };
    let (lead_id, conversation_id) = (read.target.lead_id, read.target.conversation_id);
    let mut outcome = messages::apply_page(tx, lead_id, &read.incoming)?;
    if read.opened {
        // Mercado Libre answers the reading that marks the chat read with the messages as
        // they were before it: unread. Left so, the cache would count them unread on Mercado
        // Libre, and the buyer's next message (one unread again) would look like no change
        // to the poll.
        sync_writes::read_on_meli(tx, lead_id, now)?;
    }
    if let Some(guide) = &read.guide {
        // A changed guide (caps used elsewhere, say) redraws the open lead.
        outcome.lead_changed |= conversation::set_action_guide(tx, lead_id, guide)?;
    }
    sync_writes::mark_conversation_synced(tx, account_id, conversation_id, now)?;
    outcome.lead_changed |= chat_failures::clear(tx, account_id, conversation_id)?;
    let notes = if outcome.new_from_buyer > 0 {
        notes_for(tx, lead_id, &read.incoming, outcome.new_from_buyer)?
    } else {
        Vec::new()
    };
    Ok((lead_id, outcome, notes))
}

impl AccountSync {
    /// Reads the conversation of `target` and stores it. `full` pages through all of it (the
    /// import); otherwise paging stops at the first page holding a message already cached.
    /// A conversation Mercado Libre will not show us (not found, forbidden) is marked done
    /// and skipped, so one bad sale cannot stall the import.
    pub(crate) async fn fetch_conversation(
        &self,
        target: &ConversationTarget,
        full: bool,
    ) -> Result<Fetched> {
        self.read_conversation(target, full, false, false).await
    }

    /// The same, but a chat that cannot be read is an error (recorded against the chat as
    /// well): the outbox judges a draft, or settles an unknown send, only on a fresh read.
    pub(crate) async fn fetch_conversation_or_fail(
        &self,
        target: &ConversationTarget,
    ) -> Result<Fetched> {
        self.read_conversation(target, false, false, true).await
    }

    /// The seller opened the chat: read it first in line, marking it read on Mercado Libre
    /// (the one read that may), all of it if it was never imported.
    pub async fn open_conversation(&self, lead_id: i64) -> Result<()> {
        let account = self.account_id;
        let (target, synced) = self
            .store
            .read_async(move |c| {
                let target = sync_writes::target(c, lead_id)?;
                let synced = match &target {
                    Some(t) => crate::store::cursors::get(
                        c,
                        account,
                        &sync_writes::conversation_cursor(t.conversation_id),
                    )?
                    .is_some(),
                    None => false,
                };
                Ok((target, synced))
            })
            .await?;
        let target = target.ok_or_else(|| InboxError::NotFound(format!("lead {lead_id}")))?;
        // A chat that cannot be read is recorded, and the lead pane says so; opening it is
        // not an error of its own.
        self.read_conversation(&target, !synced, true, false)
            .await?;
        self.flush(true);
        Ok(())
    }

    /// Reads the conversation and stores it; an error that concerns only this chat (a status
    /// Mercado Libre keeps answering for it, a body that does not parse) is recorded against
    /// the chat with its own backoff and the sync goes on. Errors of the account or the
    /// network (refused authorization, no connection, throttling, the store) stop the pass as
    /// before.
    async fn read_conversation(
        &self,
        target: &ConversationTarget,
        full: bool,
        opened: bool,
        or_fail: bool,
    ) -> Result<Fetched> {
        match self
            .download_conversation(target, full, opened, or_fail)
            .await?
        {
            Some(downloaded) => match self.unchanged(downloaded).await? {
                (true, _) => Ok(Fetched::default()),
                (false, downloaded) => self.store_conversations(vec![downloaded]).await,
            },
            None => Ok(Fetched::default()),
        }
    }

    /// The network half of [`Self::read_conversation`]: the conversation as read, to store
    /// (alone, or with others in one transaction during the import); `None` when there is
    /// nothing to store (the chat's failure is recorded, or messaging is refused this pass).
    pub(crate) async fn download_conversation(
        &self,
        target: &ConversationTarget,
        full: bool,
        opened: bool,
        or_fail: bool,
    ) -> Result<Option<Downloaded>> {
        if self.messages_blocked() && !or_fail && !opened {
            // Mercado Libre refuses every messaging call of this pass: asking for the other
            // chats would only be refused too. None is marked read; a later pass reads them.
            return Ok(None);
        }
        let err = match self.read_conversation_once(target, full, opened).await {
            Ok(downloaded) => {
                self.messages_read();
                return Ok(Some(downloaded));
            }
            Err(err) => err,
        };
        if matches!(&err, InboxError::Meli(e) if is_app_refusal(e)) {
            self.messages_refused();
        }
        let Some(failure) = chat_failure(&err) else {
            return Err(err);
        };
        let (account, now, target_owned) = (self.account_id, self.now(), target.clone());
        let (base, max) = (self.config.chat_retry_base, self.config.chat_retry_max);
        let next = self
            .store
            .write_async(move |tx| {
                chat_failures::record(tx, account, &target_owned, &failure, now, base, max)
            })
            .await?;
        tracing::warn!(
            conversation = target.conversation_id,
            %err,
            %next,
            "conversation could not be read; the sync goes on without it"
        );
        self.leads_changed([target.lead_id]);
        if or_fail {
            // The outbox needs the chat fresh: it gets the error, the card the record.
            return Err(err);
        }
        Ok(None)
    }

    /// Whether storing a chat read again would change nothing (checked on a reader, so the
    /// poll's re-reads of unchanged chats take no write transaction). A chat the seller
    /// opened is always stored: the read marked it read on Mercado Libre.
    async fn unchanged(&self, downloaded: Downloaded) -> Result<(bool, Downloaded)> {
        match &downloaded {
            Downloaded::Read(read) if !read.opened => {}
            _ => return Ok((false, downloaded)),
        }
        self.store
            .read_async(move |c| {
                let Downloaded::Read(read) = &downloaded else {
                    return Ok((false, downloaded));
                };
                let same = sync_writes::conversation_unchanged(
                    c,
                    &read.target,
                    &read.incoming,
                    read.guide.as_ref(),
                )?;
                Ok((same, downloaded))
            })
            .await
    }

    /// Stores conversations read by [`Self::download_conversation`] in one transaction (the
    /// import stores several at a time: one commit, one FTS flush for all of them), then
    /// tells the UI what changed.
    pub(crate) async fn store_conversations(&self, batch: Vec<Downloaded>) -> Result<Fetched> {
        if batch.is_empty() {
            return Ok(Fetched::default());
        }
        let (account_id, now) = (self.account_id, self.now());
        let stored = self
            .store
            .write_async(move |tx| {
                let mut stored = Vec::with_capacity(batch.len());
                for downloaded in batch {
                    stored.push(store_one(tx, account_id, now, downloaded)?);
                }
                Ok(stored)
            })
            .await?;
        let mut fetched = Fetched::default();
        for (lead_id, outcome, notes) in stored {
            fetched.added += outcome.added;
            if outcome.added > 0 {
                self.messages_added(lead_id);
            }
            if outcome.lead_changed {
                self.leads_changed([lead_id]);
            }
            for note in notes {
                self.buyer_message(note);
            }
        }
        Ok(fetched)
    }

    async fn read_conversation_once(
        &self,
        target: &ConversationTarget,
        full: bool,
        opened: bool,
    ) -> Result<Downloaded> {
        let client = if opened {
            self.client.interactive()
        } else {
            self.client.clone()
        };
        let mut offset = 0;
        let mut raw_messages = Vec::new();
        let mut status = None;
        let mut paging = Paging::default();
        loop {
            let page_request = MessagesPage {
                offset,
                limit: PAGE,
                // Only the seller opening the chat marks it read, never the cache's reads.
                mark_as_read: opened && offset == 0,
            };
            let page: PackMessages = match self
                .request(|| client.messages(target.conversation_id, self.seller_id, page_request))
                .await
            {
                Ok(page) => page,
                // Not found, or not this seller's: nothing to read, ever. A 403 that refuses
                // the application or the seller as a whole is another matter (the caller
                // records it; the pass decides whether it is the application's).
                Err(InboxError::Meli(err))
                    if matches!(err, MeliError::NotFound { .. })
                        || err.refuses_only_this_resource() =>
                {
                    tracing::warn!(
                        conversation = target.conversation_id,
                        "conversation not readable; skipped"
                    );
                    return Ok(Downloaded::Unreadable(target.clone()));
                }
                Err(err) => return Err(err),
            };
            if status.is_none() {
                status = page.conversation_status.clone();
            }
            let count = u32::try_from(page.messages.len()).unwrap_or(u32::MAX);
            let mut reached_known = false;
            if !full {
                let ids: Vec<String> = page.messages.iter().map(|m| m.id.clone()).collect();
                let account = self.account_id;
                reached_known = self
                    .store
                    .read_async(move |c| {
                        for id in &ids {
                            if sync_writes::message_known(c, account, id)? {
                                return Ok(true);
                            }
                        }
                        Ok(false)
                    })
                    .await?;
            }
            let total = page.paging.total.unwrap_or(0);
            let fresh = paging.take(page.messages.iter().map(|m| m.id.clone()), total, PAGE);
            raw_messages.extend(
                page.messages
                    .into_iter()
                    .filter(|m| fresh.contains(&m.id))
                    .map(|m| m.raw),
            );
            offset = offset.saturating_add(count);
            if count == 0 || u64::from(offset) >= total || reached_known || paging.exhausted() {
                break;
            }
        }
        let seller_limited = status
            .as_ref()
            .is_some_and(|s| s.is_blocked() && s.substatus.as_deref() == Some(SELLER_LIMITED));
        // While Mercado Libre says the seller may only start (or continue, before the buyer
        // answers) through reasons to communicate, the rules need the options and their caps;
        // once it no longer says so, a normal message is the way.
        let guide = if seller_limited {
            Some(self.action_guide(target.conversation_id).await?)
        } else if status.is_some() {
            Some(ActionGuide::NotRequired)
        } else {
            None
        };
        let status_json = status
            .as_ref()
            .map(|s| serde_json::to_value(s).unwrap_or(Value::Null));
        let mut incoming =
            IncomingConversation::from_parts(status_json.as_ref(), raw_messages, self.seller_id);
        if guide
            .as_ref()
            .is_some_and(|g| seller_limited && g != &ActionGuide::NotRequired)
        {
            // Stored as it will be read, so a chat re-read unchanged writes (and announces)
            // nothing.
            incoming.treat_seller_limited_as_guide();
        }
        Ok(Downloaded::Read(ReadConversation {
            target: target.clone(),
            incoming,
            guide,
            opened,
        }))
    }

    /// The reasons to communicate for a sale the seller must start through them.
    async fn action_guide(&self, conversation_id: i64) -> Result<ActionGuide> {
        let guide = self
            .request(|| self.client.action_guide(conversation_id))
            .await?;
        let site = self.client.site().id();
        let options = guide
            .options
            .iter()
            .map(|o| GuideOption {
                id: o.id.as_str().to_owned(),
                // A cap of 0 stays visible as such (the seller waits for the buyer), apart from
                // an option Mercado Libre switched off.
                enabled: o.enabled != Some(false),
                kind: match o.kind {
                    Some(meli::models::OptionKind::FreeText) => OptionKind::FreeText {
                        char_limit: o
                            .char_limit
                            .and_then(|l| u32::try_from(l).ok())
                            .unwrap_or(350),
                    },
                    _ => OptionKind::Template {
                        template_ids: o.templates.iter().map(|t| t.id.clone()).collect(),
                        texts: o
                            .templates
                            .iter()
                            .filter_map(|t| {
                                let text = crate::incoming::template_plain_text(t.text_for(site)?);
                                Some((t.id.clone(), text))
                            })
                            .collect(),
                        needs_values: o
                            .templates
                            .iter()
                            .filter(|t| {
                                t.vars
                                    .as_ref()
                                    .and_then(serde_json::Value::as_array)
                                    .is_some_and(|vars| !vars.is_empty())
                            })
                            .map(|t| t.id.clone())
                            .collect(),
                    },
                },
                cap_available: o
                    .cap_available
                    .and_then(|c| u32::try_from(c).ok())
                    // Not reported is not zero: Mercado Libre decides when it is sent.
                    .unwrap_or(1),
            })
            .collect();
        Ok(ActionGuide::Required { options })
    }
}

/// The failure to record against one chat, or `None` when the error is the account's or the
/// network's (those stop the pass: every other chat would fail the same way).
fn chat_failure(err: &InboxError) -> Option<Failure> {
    let InboxError::Meli(meli) = err else {
        return None;
    };
    if meli.needs_reconnect() {
        return None;
    }
    let status = match meli {
        MeliError::Network(_)
        | MeliError::RateLimited { .. }
        | MeliError::TokenStore(_)
        | MeliError::InvalidConfig(_)
        | MeliError::OAuth { .. } => return None,
        MeliError::Server { status, .. } | MeliError::Http { status, .. } => Some(*status),
        MeliError::BuyerUnavailable { .. } => Some(451),
        MeliError::Conflict { .. } => Some(409),
        MeliError::NotFound { .. } | MeliError::InvalidOption { .. } => Some(404),
        MeliError::Decode { .. } => None,
        MeliError::AttachmentInvalid { .. } => Some(422),
        MeliError::Forbidden { .. }
        | MeliError::CapExhausted { .. }
        | MeliError::ConversationBlocked { .. }
        | MeliError::ActionGuideRequired { .. }
        | MeliError::OpenConversation { .. } => Some(403),
        _ => Some(400),
    };
    Some(Failure {
        code: meli.code().to_owned(),
        status,
        detail: meli.to_string().chars().take(300).collect(),
    })
}

/// Desktop notifications for the newest buyer messages just stored.
fn notes_for(
    conn: &rusqlite::Connection,
    lead_id: i64,
    incoming: &IncomingConversation,
    new_count: usize,
) -> Result<Vec<BuyerMessageNote>> {
    let lead = leads::load(conn, lead_id)?;
    let armed = crate::store::armed::is_armed(conn, lead_id)?;
    let mut from_buyer: Vec<_> = incoming.messages.iter().filter(|m| m.from_buyer).collect();
    from_buyer.sort_by_key(|m| m.created_at);
    Ok(from_buyer
        .iter()
        .rev()
        .take(new_count.min(1))
        .map(|m| BuyerMessageNote {
            lead_id,
            lead_name: lead.key.name(),
            buyer: lead
                .contact
                .display()
                .map(str::to_owned)
                .or(m.from_name.clone()),
            excerpt: m.text.chars().take(120).collect(),
            armed,
        })
        .collect())
}
