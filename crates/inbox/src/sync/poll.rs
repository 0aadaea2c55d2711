//! Incremental polls: orders updated since the last poll (less an hour, because the API's
//! date filters drop the minutes), conversations with unread messages, conversations of the
//! most recently active leads (every few minutes, not every poll), any lead whose
//! conversation was never fetched, and the next few of the rotation through every active
//! conversation (see [`super::rotation`]). The crate's README has the whole schedule.

use std::collections::{BTreeMap, HashSet};

use chrono::{DateTime, Duration, Utc};
use meli::{OrderQuery, OrderSort};

use super::account::AccountSync;
use super::cursor;
use super::import::{Window, ORDER_PAGE, SEARCH_CAP};
use crate::error::Result;
use crate::store::sync_writes::{self, ConversationTarget};
use crate::store::{chat_failures, cursors, orders};

/// The API's date filters are hour-granular: asking from an hour earlier than the last poll
/// started can only repeat orders (harmless, upserts are idempotent), never miss one.
pub(crate) const OVERLAP: Duration = Duration::hours(1);

impl AccountSync {
    /// One poll. Returns how many messages it added.
    pub(crate) async fn poll(&self) -> Result<usize> {
        let started = self.now();
        let changed_leads = self.poll_orders(started).await?;
        let account = self.account_id;
        // conversation id → unread count Mercado Libre reports
        let mut unread: Vec<(i64, Option<u64>)> = self
            .unread_or_refused()
            .await?
            .results
            .iter()
            .filter_map(|r| Some((r.pack_id()?, r.count)))
            .collect();
        unread.sort_unstable();
        let compare_unread = self.unread_quiet.begin(&unread, &self.chat_changes);
        let last_recent = self
            .store
            .read_async(move |c| cursors::get(c, account, cursor::POLL_RECENT))
            .await?
            .and_then(|t| DateTime::parse_from_rfc3339(&t).ok())
            .map(|t| t.with_timezone(&Utc));
        let every = Duration::from_std(self.config.recent_every).unwrap_or(Duration::MAX);
        let reread_recent = last_recent.is_none_or(|t| started - t >= every || t > started);
        let recent_limit = if reread_recent {
            self.config.recent_conversations
        } else {
            0
        };
        let changed: Vec<i64> = changed_leads.into_iter().collect();
        let (targets, unread, unread_moved) = self
            .store
            .read_async(move |c| {
                // lead id → (target, whether to read it all)
                let mut targets: BTreeMap<i64, (ConversationTarget, bool)> = BTreeMap::new();
                for t in sync_writes::unsynced_conversations(c, account)? {
                    targets.insert(t.lead_id, (t, true));
                }
                // Up to 500 chats can be unread: only those whose count moved are read.
                let mut unread_moved = false;
                if compare_unread.is_some() {
                    for t in sync_writes::unread_moved(c, account, &unread)? {
                        unread_moved = true;
                        targets.entry(t.lead_id).or_insert((t, false));
                    }
                }
                for lead in &changed {
                    if let Some(t) = sync_writes::target(c, *lead)? {
                        targets.entry(t.lead_id).or_insert((t, false));
                    }
                }
                for t in sync_writes::recent_conversations(c, account, recent_limit)? {
                    targets.entry(t.lead_id).or_insert((t, false));
                }
                // Chats that failed come back when their backoff ends, and not before.
                for t in chat_failures::due(c, account, started)? {
                    targets.entry(t.lead_id).or_insert((t, false));
                }
                let waiting = chat_failures::waiting(c, account, started)?;
                targets.retain(|_, (t, _)| !waiting.contains(&t.conversation_id));
                Ok((
                    targets.into_values().collect::<Vec<_>>(),
                    unread,
                    unread_moved,
                ))
            })
            .await?;
        if let Some(asking) = compare_unread {
            self.unread_quiet.answered(asking, unread, unread_moved);
        }
        let mut added = 0;
        for (target, full) in &targets {
            added += self.fetch_conversation(target, *full).await?.added;
            self.flush(false);
        }
        // What the lists above cannot show (a message the seller read on Mercado Libre's
        // site, on an older lead) the rotation finds within its round.
        let fresh: HashSet<i64> = targets.iter().map(|(t, _)| t.conversation_id).collect();
        added += self.rotate(started, &fresh).await?.added;
        if reread_recent {
            let now = self.now();
            self.store
                .write_async(move |tx| {
                    cursors::set(tx, account, cursor::POLL_RECENT, &started.to_rfc3339(), now)
                })
                .await?;
        }
        self.refresh_shipments().await?;
        self.fill_buyer_names().await?;
        Ok(added)
    }

    /// Orders updated since the cursor (less the overlap), every page; the cursor moves to
    /// `started` with the last page. Returns the leads that changed.
    async fn poll_orders(&self, started: DateTime<Utc>) -> Result<HashSet<i64>> {
        let account = self.account_id;
        let since = self
            .store
            .read_async(move |c| cursors::get(c, account, cursor::POLL_ORDERS))
            .await?
            .and_then(|t| DateTime::parse_from_rfc3339(&t).ok())
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or(started);
        let mut changed = HashSet::new();
        // Usually one window, unbounded above. After a long time offline more orders may have
        // changed than a search pages through: then windows of whole hours by
        // `order.date_last_updated`, split as the import splits its own.
        let whole = Window::around(since - OVERLAP, started);
        let mut windows: Vec<Option<Window>> = vec![None];
        let mut offset = 0u32;
        let mut paging = super::paging::Paging::default();
        while let Some(&window) = windows.first() {
            let mut query = OrderQuery::seller(self.seller_id);
            query.last_updated_from = Some(window.map_or(since - OVERLAP, |w| w.from));
            query.last_updated_to = window.map(|w| w.to);
            query.sort = Some(OrderSort::DateAsc);
            query.offset = offset;
            query.limit = ORDER_PAGE.min(SEARCH_CAP.saturating_sub(offset)).max(1);
            let page = self.request(|| self.client.search_orders(&query)).await?;
            let total = page.paging.total.unwrap_or(0);
            let count = u32::try_from(page.results.len()).unwrap_or(u32::MAX);
            let splittable = window.unwrap_or(whole);
            if offset == 0
                && total > u64::from(SEARCH_CAP)
                && count >= query.limit
                && splittable.hours() > 1
            {
                let parts = u32::try_from(total.div_ceil(u64::from(SEARCH_CAP) * 3 / 4))
                    .unwrap_or(u32::MAX)
                    .max(2);
                windows.splice(0..1, splittable.split(parts).into_iter().map(Some));
                continue;
            }
            offset = offset.saturating_add(count);
            paging.take(page.results.iter().map(|o| o.id), total, ORDER_PAGE);
            let window_done = count == 0
                || u64::from(offset) >= total.min(u64::from(SEARCH_CAP))
                || paging.exhausted();
            if window_done {
                windows.remove(0);
                offset = 0;
                paging = super::paging::Paging::default();
            }
            let last = windows.is_empty();
            let missing = page.content_missing.clone();
            let mut raws: Vec<_> = page.results.into_iter().map(|o| o.raw).collect();
            let now = self.now();
            let outcome = self
                .store
                .write_async(move |tx| {
                    orders::keep_cached_fields(tx, account, &mut raws, &missing)?;
                    let outcome = orders::apply_page(tx, account, &raws, now)?;
                    if last {
                        cursors::set(tx, account, cursor::POLL_ORDERS, &started.to_rfc3339(), now)?;
                    }
                    Ok(outcome)
                })
                .await?;
            changed.extend(outcome.changed_leads.iter().copied());
            self.leads_changed(outcome.changed_leads);
        }
        Ok(changed)
    }
}
