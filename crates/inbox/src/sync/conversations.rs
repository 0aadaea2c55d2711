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
    /// Read again byte for byte as when the cache last took it in: nothing to compare or store.
    Same(ConversationTarget),
    Read(ReadConversation),
}

#[derive(Debug)]
pub(crate) struct ReadConversation {
    target: ConversationTarget,
    incoming: IncomingConversation,
    guide: Option<ActionGuide>,
    /// The seller opened it (the read marked it read on Mercado Libre).
    opened: bool,
    /// The digest of its one page, when the page alone says all the cache holds of the chat:
    /// read in one page (all of it, or up to a message the cache had), not opened, no reasons
    /// to communicate to ask for apart.
    digest: Option<u64>,
}

/// Writes one downloaded conversation inside the caller's transaction: its messages, guide,
/// the marker that it was read, and the desktop notes for new buyer messages.
fn store_one(
    tx: &rusqlite::Connection,
    account_id: i64,
    now: chrono::DateTime<chrono::Utc>,
    downloaded: Downloaded,
    index: &mut messages::IndexLater,
) -> Result<(i64, messages::MessagesOutcome, Vec<BuyerMessageNote>)> {
    let read = match downloaded {
        Downloaded::Unreadable(target) => {
            sync_writes::mark_conversation_synced(tx, account_id, target.conversation_id, now)?;
            return Ok((target.lead_id, Default::default(), Vec::new()));
        }
        Downloaded::Same(target) => return Ok((target.lead_id, Default::default(), Vec::new())),
        Downloaded::Read(read) => read,
    };
    let (lead_id, conversation_id) = (read.target.lead_id, read.target.conversation_id);
    let mut outcome = messages::apply_page_indexing_later(tx, lead_id, &read.incoming, index)?;
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
        let downloaded = match self
            .download_conversation(target, full, opened, or_fail)
            .await?
        {
            Some(Downloaded::Same(_)) | None => return Ok(Fetched::default()),
            Some(downloaded) => downloaded,
        };
        let digest = match &downloaded {
            Downloaded::Read(read) => read.digest,
            _ => None,
        };
        match self.unchanged(downloaded).await? {
            (true, _) => {
                if let Some(digest) = digest {
                    // The cache holds what these bytes say: the same bytes next time need no look.
                    self.page_digests.remember(target.conversation_id, digest);
                }
                Ok(Fetched::default())
            }
            (false, downloaded) => self.store_conversations(vec![downloaded]).await,
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
        // The read that clears this record must store the chat, not skip it as seen.
        self.page_digests.forget(target.conversation_id);
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
    /// import stores several at a time: one commit, one FTS segment for all of them), then
    /// tells the UI what changed.
    pub(crate) async fn store_conversations(&self, batch: Vec<Downloaded>) -> Result<Fetched> {
        if batch.is_empty() {
            return Ok(Fetched::default());
        }
        let (account_id, now) = (self.account_id, self.now());
        // What vouched for a chat before may not after this write; what vouches for it after is
        // the page just stored (the import's reads included).
        let mut digests = Vec::new();
        for downloaded in &batch {
            if let Downloaded::Read(read) = downloaded {
                self.page_digests.forget(read.target.conversation_id);
                if let Some(digest) = read.digest {
                    digests.push((read.target.conversation_id, digest));
                }
            }
        }
        let stored = self
            .store
            .write_async(move |tx| {
                let mut stored = Vec::with_capacity(batch.len());
                let mut index = messages::IndexLater::default();
                for downloaded in batch {
                    stored.push(store_one(tx, account_id, now, downloaded, &mut index)?);
                }
                index.flush(tx)?;
                Ok(stored)
            })
            .await?;
        for (conversation_id, digest) in digests {
            self.page_digests.remember(conversation_id, digest);
        }
        // After the commit, so a comparison that read before it is asked again. Any stored
        // chat counts: a read time that moved as much as a new message.
        self.chat_changes.touch();
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
        let mut raw_messages = Vec::new();
        let mut status = None;
        let mut paging = Paging::default();
        let mut walk = Walk::new(full);
        let mut next = Some((0u32, PAGE));
        // The first page's digest, and whether the chat was read in that page alone.
        let mut first_digest = None;
        let mut pages = 0u32;
        // Bytes the cache took in before, for a chat the seller did not open.
        let known_digest = if full || opened {
            None
        } else {
            self.page_digests.get(target.conversation_id)
        };
        while let Some((offset, limit)) = next {
            let page_request = MessagesPage {
                offset,
                limit,
                // Only the seller opening the chat marks it read, never the cache's reads.
                mark_as_read: opened && offset == 0,
            };
            let read = self
                .request(|| async {
                    let raw = client
                        .messages_raw(target.conversation_id, self.seller_id, page_request)
                        .await?;
                    let digest = raw.digest();
                    if offset == 0 && known_digest == Some(digest) {
                        return Ok((digest, None));
                    }
                    Ok((digest, Some(raw.decode()?)))
                })
                .await;
            let page: PackMessages = match read {
                Ok((_, None)) => {
                    self.count_page_read();
                    return Ok(Downloaded::Same(target.clone()));
                }
                Ok((digest, Some(page))) => {
                    if offset == 0 {
                        first_digest = Some(digest);
                    }
                    pages += 1;
                    page
                }
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
            self.count_page_read();
            if status.is_none() {
                status = page.conversation_status.clone();
            }
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
            let order = page_order(&page.messages);
            let count = u32::try_from(page.messages.len()).unwrap_or(u32::MAX);
            let fresh = paging.take(page.messages.iter().map(|m| m.id.clone()), total, PAGE);
            raw_messages.extend(
                page.messages
                    .into_iter()
                    .filter(|m| fresh.contains(&m.id))
                    .map(|m| m.raw),
            );
            next = if count == 0 || paging.exhausted() {
                None
            } else {
                walk.next(offset, count, total, order, reached_known)
            };
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
        let vouches = !opened && pages == 1 && !seller_limited;
        Ok(Downloaded::Read(ReadConversation {
            target: target.clone(),
            incoming,
            guide,
            opened,
            digest: first_digest.filter(|_| vouches),
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

/// Which end of a conversation a page starts from, as its messages' dates show it. Mercado
/// Libre does not document it: its examples list the newest first, but nothing promises so.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PageOrder {
    NewestFirst,
    OldestFirst,
    /// One message, or all written in the same instant: the page cannot tell.
    Unknown,
}

fn page_order(messages: &[meli::models::Message]) -> PageOrder {
    let when = |m: &meli::models::Message| m.message_date.created.or(m.message_date.received);
    let (Some(first), Some(last)) = (
        messages.first().and_then(when),
        messages.last().and_then(when),
    ) else {
        return PageOrder::Unknown;
    };
    match first.cmp(&last) {
        std::cmp::Ordering::Greater => PageOrder::NewestFirst,
        std::cmp::Ordering::Less => PageOrder::OldestFirst,
        std::cmp::Ordering::Equal => PageOrder::Unknown,
    }
}

/// How a conversation's pages are walked. A full read (the import) takes every page from
/// offset 0. An incremental read wants only what is new, and new messages are at the newest
/// end, whichever that is: it reads the first page, learns from it the order and
/// `paging.total`, then walks from the newest end toward the older one and stops at the
/// first page that holds a message already cached (by id, never by position: the end a
/// page starts from is not documented). When the first page cannot tell the order, it reads
/// the rest of the conversation.
#[derive(Debug)]
struct Walk {
    full: bool,
    direction: Option<Direction>,
    /// Where the first page (offset 0) ended: a backward walk stops there.
    first_end: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Direction {
    /// Toward higher offsets, to the end of the conversation or the first known message.
    Forward { to_the_end: bool },
    /// From the end toward offset 0 (oldest-first pages: the newest messages are last).
    Backward,
}

impl Walk {
    fn new(full: bool) -> Walk {
        Walk {
            full,
            direction: None,
            first_end: 0,
        }
    }

    /// The page after the one at `offset` that brought `count` messages of `total`: its offset
    /// and limit, or `None` when the read is done.
    fn next(
        &mut self,
        offset: u32,
        count: u32,
        total: u64,
        order: PageOrder,
        reached_known: bool,
    ) -> Option<(u32, u32)> {
        let end = offset.saturating_add(count);
        let forward = (u64::from(end) < total).then_some((end, PAGE));
        let direction = match self.direction {
            Some(direction) => direction,
            None => {
                self.first_end = end;
                let direction = if self.full {
                    Direction::Forward { to_the_end: true }
                } else {
                    match order {
                        PageOrder::NewestFirst => Direction::Forward { to_the_end: false },
                        PageOrder::OldestFirst => Direction::Backward,
                        PageOrder::Unknown => Direction::Forward { to_the_end: true },
                    }
                };
                self.direction = Some(direction);
                if direction == Direction::Backward {
                    // The newest page: the last `PAGE` messages, not reaching back into the
                    // first page already read.
                    let last = u32::try_from(total).unwrap_or(u32::MAX);
                    if last <= end {
                        return None;
                    }
                    let start = last.saturating_sub(PAGE).max(end);
                    return Some((start, last - start));
                }
                direction
            }
        };
        match direction {
            Direction::Forward { to_the_end: true } => forward,
            Direction::Forward { to_the_end: false } => {
                if reached_known {
                    None
                } else {
                    forward
                }
            }
            Direction::Backward => {
                if reached_known || offset <= self.first_end {
                    return None;
                }
                let start = offset.saturating_sub(PAGE).max(self.first_end);
                Some((start, offset - start))
            }
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The pages a walk asks for over a conversation of `total` messages, the page at
    /// `known_from` and beyond (toward the older end) holding cached messages.
    fn pages(
        full: bool,
        order: PageOrder,
        total: u32,
        known: impl Fn(u32, u32) -> bool,
    ) -> Vec<(u32, u32)> {
        let mut walk = Walk::new(full);
        let mut asked = vec![(0, PAGE)];
        let mut next = Some((0, PAGE));
        while let Some((offset, limit)) = next {
            let count = limit.min(total.saturating_sub(offset));
            next = walk.next(offset, count, u64::from(total), order, known(offset, count));
            asked.extend(next);
            assert!(asked.len() < 20, "{asked:?}");
        }
        asked
    }

    #[test]
    fn newest_first_stops_at_the_first_known_message() {
        // One new message: the first page holds it and known ones.
        assert_eq!(
            pages(false, PageOrder::NewestFirst, 181, |_, _| true),
            [(0, PAGE)]
        );
        // 60 new: the second page reaches the known ones.
        assert_eq!(
            pages(false, PageOrder::NewestFirst, 240, |offset, count| offset
                + count
                > 60),
            [(0, PAGE), (50, PAGE)]
        );
    }

    #[test]
    fn oldest_first_reads_the_newest_end_and_walks_back_to_a_known_message() {
        // 181 messages, the last one new: the first page (all known), then the newest 50.
        assert_eq!(
            pages(false, PageOrder::OldestFirst, 181, |offset, _| offset < 180),
            [(0, PAGE), (131, PAGE)]
        );
        // 80 new after 100 known: back from the end until a page reaches a known one.
        assert_eq!(
            pages(false, PageOrder::OldestFirst, 180, |offset, _| offset < 100),
            [(0, PAGE), (130, PAGE), (80, PAGE)]
        );
        // Short chats: the newest page stops where the first one ended.
        assert_eq!(
            pages(false, PageOrder::OldestFirst, 70, |_, _| false),
            [(0, PAGE), (50, 20)]
        );
        assert_eq!(
            pages(false, PageOrder::OldestFirst, 40, |_, _| true),
            [(0, PAGE)]
        );
    }

    #[test]
    fn full_reads_and_unknown_orders_read_every_page() {
        for (full, order) in [
            (true, PageOrder::OldestFirst),
            (true, PageOrder::NewestFirst),
            (false, PageOrder::Unknown),
        ] {
            assert_eq!(
                pages(full, order, 120, |_, _| true),
                [(0, PAGE), (50, PAGE), (100, PAGE)],
                "{full} {order:?}"
            );
        }
    }
}
