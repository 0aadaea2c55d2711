//! The first import of an account: orders created in the history window, page by page, then
//! every lead's conversation, the ones the seller most likely needs first (unread, paid, most
//! recent). Each page is committed with the cursor after it, so a killed import resumes.

use std::collections::HashSet;

use chrono::{DateTime, Duration, Utc};
use futures::stream::{FuturesUnordered, StreamExt};
use meli::{OrderQuery, OrderSort};
use serde::{Deserialize, Serialize};

use super::account::AccountSync;
use super::cursor;
use super::state::AccountState;
use crate::error::Result;
use crate::store::sync_writes::{self, ConversationTarget};
use crate::store::{chat_failures, cursors, orders};

/// Orders per page (the API's maximum).
pub(crate) const ORDER_PAGE: u32 = 50;

/// How deep an order search may page. Accounts of the real API's cap differ (an offset of
/// 1,000 or 10,000); the simulator takes the stricter reading, no page past the 1,000th
/// result. A creation-date window that holds more is split before it is read.
pub(crate) const SEARCH_CAP: u32 = 1_000;

/// What a window is split to hold, as a share of the cap. Every part ends on a page that is
/// seldom full, so fewer, fuller parts waste fewer requests; but orders are not spread evenly
/// over time, and a part that still holds too many is split again into more short ends.
const WINDOW_TARGET: u32 = SEARCH_CAP * 4 / 5;

/// Conversations the import stores per transaction at most: one commit and one full-text
/// flush for many chats. Each commit also writes out the index pages it touched, so the fewer
/// the commits, the less the import writes.
const STORE_BATCH: usize = 256;

/// How long chats read wait to be stored at most, so the board fills in steps the seller
/// sees: at the real API's pace (500 reads a minute for the application) a full batch would
/// take half a minute to read.
const STORE_EVERY: std::time::Duration = std::time::Duration::from_secs(2);

/// How often the import looks for the seller's drafts between reads: a look per chat read was
/// a query per chat, and a draft is not kept waiting noticeably longer at four looks a second.
const DRAFTS_CHECK_EVERY: std::time::Duration = std::time::Duration::from_millis(250);

/// Where the order import stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct ImportCursor {
    /// When the import started: the first poll asks for updates since then (less an hour), so
    /// nothing that changed during a long import is missed.
    pub started: DateTime<Utc>,
    /// Orders created since this are imported.
    pub from: DateTime<Utc>,
    /// The next page's offset in the stable (date, id) order of the search.
    pub offset: u32,
    /// All order pages are in.
    pub orders_done: bool,
    /// Creation-date windows still to read, the one being read first; `offset` is within
    /// it. Empty in a cursor an older version wrote: the walk starts again (pages are
    /// upserts, so nothing is stored twice).
    #[serde(default)]
    pub windows: Vec<Window>,
    /// Order pages read so far and the pages the whole history needs (from the first
    /// answer's `total`), for the progress bar.
    #[serde(default)]
    pub pages: u32,
    #[serde(default)]
    pub expected_pages: u32,
}

/// Orders created in `[from, to]`. Both ends are whole hours: the API's date filters drop
/// minutes, so a window that ends within an hour would lose the rest of it. Two windows
/// that touch share their boundary instant, never more.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Window {
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
}

impl Window {
    /// The whole history: from `from` (down to its hour) to two hours past `started`, so the
    /// hour the import started in is whole and an order created meanwhile is in.
    fn history(from: DateTime<Utc>, started: DateTime<Utc>) -> Window {
        Window::around(from, started)
    }

    /// From `from` (down to its hour) to two hours past `now`.
    pub(crate) fn around(from: DateTime<Utc>, now: DateTime<Utc>) -> Window {
        Window {
            from: floor_hour(from),
            to: floor_hour(now) + Duration::hours(2),
        }
    }

    pub(crate) fn hours(self) -> i64 {
        (self.to - self.from).num_hours()
    }

    /// Splits into `parts` windows of whole hours (fewer if the window is shorter), oldest
    /// first.
    pub(crate) fn split(self, parts: u32) -> Vec<Window> {
        let hours = self.hours().max(1);
        let parts = i64::from(parts).clamp(1, hours);
        let step = (hours + parts - 1) / parts;
        let mut windows = Vec::new();
        let mut from = self.from;
        while from < self.to {
            let to = (from + Duration::hours(step)).min(self.to);
            windows.push(Window { from, to });
            from = to;
        }
        windows
    }
}

/// The part every order of `page` was created in, if one holds them all. A part's end is
/// taken as exclusive: an order on a shared boundary instant could sit in either.
fn part_holding(parts: &[Window], page: &[meli::models::Order]) -> Option<usize> {
    let mut created = page.iter().map(|o| o.date_created);
    let first = created.next()??;
    let home = parts.iter().position(|p| p.from <= first && first < p.to)?;
    let part = parts[home];
    created
        .all(|d| d.is_some_and(|d| part.from <= d && d < part.to))
        .then_some(home)
}

fn floor_hour(t: DateTime<Utc>) -> DateTime<Utc> {
    use chrono::DurationRound;
    t.duration_trunc(Duration::hours(1)).unwrap_or(t)
}

impl AccountSync {
    async fn import_cursor(&self) -> Result<Option<ImportCursor>> {
        let account = self.account_id;
        let text = self
            .store
            .read_async(move |c| cursors::get(c, account, cursor::IMPORT_ORDERS))
            .await?;
        Ok(text.and_then(|t| serde_json::from_str(&t).ok()))
    }

    pub(crate) async fn import_done(&self) -> Result<bool> {
        let account = self.account_id;
        Ok(self
            .store
            .read_async(move |c| cursors::get(c, account, cursor::IMPORT_DONE))
            .await?
            .is_some())
    }

    /// Runs (or resumes) the first import. Returns at once if it finished before.
    pub(crate) async fn import(&self) -> Result<()> {
        if self.import_done().await? {
            return Ok(());
        }
        let mut state = match self.import_cursor().await? {
            Some(state) => state,
            None => {
                let now = self.now();
                ImportCursor {
                    started: now,
                    from: now - Duration::days(i64::from(self.config.history_days)),
                    offset: 0,
                    orders_done: false,
                    windows: Vec::new(),
                    pages: 0,
                    expected_pages: 0,
                }
            }
        };
        let order_pages_total = self.import_orders(&mut state).await?;
        self.import_conversations(order_pages_total).await?;
        self.fill_buyer_names().await?;
        let (account, now) = (self.account_id, self.now());
        self.store
            .write_async(move |tx| cursors::set(tx, account, cursor::IMPORT_DONE, "1", now))
            .await?;
        self.flush(true);
        // Once, after the first import (the board is already up): full pages from here on.
        // Only space is at stake: a failure is logged, not the pass's.
        let started = std::time::Instant::now();
        match self.store.compact_async().await {
            Ok(()) => tracing::info!(
                millis = started.elapsed().as_millis(),
                "cache compacted after the import"
            ),
            Err(err) => tracing::warn!(%err, "the cache could not be compacted"),
        }
        Ok(())
    }

    /// The orders created in the history window, by creation-date windows the search can page
    /// through whole: a window whose first page says it holds more than [`SEARCH_CAP`] is
    /// split (into parts of about [`WINDOW_TARGET`] orders if they were spread evenly). That
    /// first page is kept as the first page of the part it lies in, if it lies in one;
    /// otherwise each part reads its own. Each page is committed with the cursor after it.
    /// Returns the pages the history took, for the progress.
    pub(crate) async fn import_orders(&self, state: &mut ImportCursor) -> Result<u32> {
        if !state.orders_done && state.windows.is_empty() {
            state.windows = vec![Window::history(state.from, state.started)];
            state.offset = 0;
        }
        let mut paging = super::paging::Paging::default();
        while let Some(&window) = state.windows.first() {
            let mut query = OrderQuery::seller(self.seller_id);
            query.created_from = Some(window.from);
            query.created_to = Some(window.to);
            query.sort = Some(OrderSort::DateAsc);
            query.offset = state.offset;
            query.limit = ORDER_PAGE
                .min(SEARCH_CAP.saturating_sub(state.offset))
                .max(1);
            let page = self.request(|| self.client.search_orders(&query)).await?;
            let total = u32::try_from(page.paging.total.unwrap_or(0)).unwrap_or(u32::MAX);
            let count = u32::try_from(page.results.len()).unwrap_or(u32::MAX);
            let mut next = state.clone();
            if next.expected_pages == 0 {
                next.expected_pages = total.div_ceil(ORDER_PAGE).max(1);
            }
            // A full page of a window that says it holds more than the search can reach:
            // split it, whichever page it is (a part read from after a kept page may hold too
            // many itself). A short page is the whole window, whatever `total` says.
            let too_deep = total > SEARCH_CAP && count >= query.limit;
            let split = too_deep && window.hours() > 1;
            if split {
                let mut parts = window.split(total.div_ceil(WINDOW_TARGET).max(2));
                // Only a window's first page is a part's first page.
                let home = (state.offset == 0)
                    .then(|| part_holding(&parts, &page.results))
                    .flatten();
                let Some(home) = home else {
                    // Each part reads its own pages; what this window stored so far is read again.
                    next.windows.splice(0..1, parts);
                    next.offset = 0;
                    paging = super::paging::Paging::default();
                    let (account, now) = (self.account_id, self.now());
                    let next_text = serde_json::to_string(&next)?;
                    self.store
                        .write_async(move |tx| {
                            cursors::set(tx, account, cursor::IMPORT_ORDERS, &next_text, now)
                        })
                        .await?;
                    *state = next;
                    continue;
                };
                // Every part is a subset of the window in the same search order, so a page
                // created wholly within one part is that part's first page: it is stored, and
                // that part is read first, from after it.
                let part = parts.remove(home);
                parts.insert(0, part);
                next.windows.splice(0..1, parts);
                paging = super::paging::Paging::default();
            } else {
                if too_deep && state.offset.saturating_add(count) >= SEARCH_CAP {
                    tracing::warn!(
                        account = self.account_id,
                        total,
                        from = %window.from,
                        "one hour holds more orders than a search can page through; reading the first {SEARCH_CAP}"
                    );
                }
                paging.take(
                    page.results.iter().map(|o| o.id),
                    u64::from(total),
                    ORDER_PAGE,
                );
            }
            let missing = page.content_missing.clone();
            let mut raws: Vec<_> = page.results.into_iter().map(|o| o.raw).collect();
            next.offset = state.offset.saturating_add(count);
            next.pages = state.pages.saturating_add(1);
            // After a split, `total` is the whole window's: the part's own comes next page.
            let window_done = !split
                && (count == 0 || next.offset >= total.min(SEARCH_CAP) || paging.exhausted());
            if window_done {
                next.windows.remove(0);
                next.offset = 0;
                paging = super::paging::Paging::default();
            }
            next.orders_done = next.windows.is_empty();
            let (account, now) = (self.account_id, self.now());
            let next_text = serde_json::to_string(&next)?;
            let started = state.started;
            let outcome = self
                .store
                .write_async(move |tx| {
                    orders::keep_cached_fields(tx, account, &mut raws, &missing)?;
                    let outcome = orders::apply_page(tx, account, &raws, now)?;
                    cursors::set(tx, account, cursor::IMPORT_ORDERS, &next_text, now)?;
                    if cursors::get(tx, account, cursor::POLL_ORDERS)?.is_none() {
                        cursors::set(tx, account, cursor::POLL_ORDERS, &started.to_rfc3339(), now)?;
                    }
                    Ok(outcome)
                })
                .await?;
            self.leads_changed(outcome.changed_leads);
            *state = next;
            self.report(AccountState::Syncing {
                done: state.pages,
                total: state.expected_pages.max(state.pages),
            });
            self.flush(false);
        }
        state.orders_done = true;
        Ok(state.expected_pages.max(state.pages))
    }

    /// Fetches every conversation not imported yet, unread first, then paid, then by the
    /// latest activity; progress counts order pages and conversations together.
    async fn import_conversations(&self, order_pages: u32) -> Result<()> {
        let (account, now) = (self.account_id, self.now());
        // A chat that failed waits out its own backoff; the poll picks it up after.
        let pending = self
            .store
            .read_async(move |c| {
                let waiting = chat_failures::waiting(c, account, now)?;
                let mut pending = sync_writes::unsynced_conversations(c, account)?;
                pending.retain(|t| !waiting.contains(&t.conversation_id));
                Ok(pending)
            })
            .await?;
        let unread: HashSet<i64> = self
            .unread_or_refused()
            .await?
            .results
            .iter()
            .filter_map(|r| r.pack_id())
            .collect();
        let ordered = import_order(pending, &unread);
        let total = order_pages.saturating_add(u32::try_from(ordered.len()).unwrap_or(u32::MAX));
        // A few reads in flight hide the network's latency; the client's budget still paces
        // them. They finish roughly in the order asked, so the useful chats come first.
        let limit = self.config.import_concurrency.max(1);
        let mut queue = ordered.iter();
        let mut in_flight = FuturesUnordered::new();
        let mut done = order_pages;
        // Conversations read but not stored yet: stored [`STORE_BATCH`] at a time (or what
        // [`STORE_EVERY`] brought), one transaction (one commit, one FTS flush) for all of them.
        let mut batch = Vec::new();
        let mut stored_at = std::time::Instant::now();
        let mut drafts_checked: Option<std::time::Instant> = None;
        let mut read = 0u32;
        loop {
            while in_flight.len() < limit {
                match queue.next() {
                    Some(target) => {
                        in_flight.push(self.download_conversation(target, true, false, false));
                    }
                    None => break,
                }
            }
            let fetched = in_flight.next().await;
            let last = fetched.is_none();
            if let Some(downloaded) = fetched.transpose()? {
                read = read.saturating_add(1);
                batch.extend(downloaded);
            }
            // The seller's drafts go before the rest of the history (a first import takes
            // minutes): what is read so far is stored first, so a draft's fresh read of its
            // chat is the last word.
            let look = !last && drafts_checked.is_none_or(|at| at.elapsed() >= DRAFTS_CHECK_EVERY);
            if look {
                drafts_checked = Some(std::time::Instant::now());
            }
            let drafts_due = look && self.drafts_due().await?;
            let due = batch.len() >= STORE_BATCH
                || (!batch.is_empty() && stored_at.elapsed() >= STORE_EVERY);
            if last || drafts_due || due {
                self.store_conversations(std::mem::take(&mut batch)).await?;
                stored_at = std::time::Instant::now();
                done = done.saturating_add(std::mem::take(&mut read));
                self.report(AccountState::Syncing { done, total });
                self.flush(false);
            }
            if drafts_due {
                self.send_outbox().await?;
            }
            if last {
                break;
            }
        }
        Ok(())
    }

    /// Whether this account has drafts waiting to go out.
    async fn drafts_due(&self) -> Result<bool> {
        let account = self.account_id;
        self.store
            .read_async(move |c| Ok(!sync_writes::due_for_account(c, account)?.is_empty()))
            .await
    }

    /// Buyers whose leads have neither name nor nickname: asks the user endpoint, a bounded
    /// number per pass (the rest next time). A failed lookup is not worth failing a pass.
    pub(crate) async fn fill_buyer_names(&self) -> Result<()> {
        let (account, limit) = (self.account_id, self.config.names_per_pass);
        let missing = self
            .store
            .read_async(move |c| crate::store::buyers::missing_names(c, account, limit))
            .await?;
        for buyer in missing {
            let user = match self.request(|| self.client.user(buyer)).await {
                Ok(user) => user,
                Err(err) if is_auth(&err) => return Err(err),
                Err(err) => {
                    tracing::debug!(buyer, %err, "buyer lookup failed");
                    continue;
                }
            };
            let now = self.now();
            let changed = self
                .store
                .write_async(move |tx| crate::store::buyers::remember(tx, &user.raw, now))
                .await?;
            self.leads_changed(changed);
        }
        Ok(())
    }
}

pub(crate) fn is_auth(err: &crate::InboxError) -> bool {
    matches!(err, crate::InboxError::Meli(e) if e.needs_reconnect())
}

/// Unread first, then paid, then the most recent activity (the input is already by activity).
fn import_order(
    mut pending: Vec<ConversationTarget>,
    unread: &HashSet<i64>,
) -> Vec<ConversationTarget> {
    pending.sort_by_key(|t| {
        (
            !unread.contains(&t.conversation_id),
            !t.paid,
            std::cmp::Reverse(t.activity_at),
        )
    });
    pending
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn target(id: i64, paid: bool, activity_at: i64) -> ConversationTarget {
        ConversationTarget {
            lead_id: id,
            conversation_id: id,
            paid,
            activity_at,
        }
    }

    #[test]
    fn unread_then_paid_then_recent() {
        let pending = vec![
            target(1, false, 50),
            target(2, true, 10),
            target(3, false, 5),
            target(4, true, 40),
        ];
        let unread = HashSet::from([3]);
        let ids: Vec<i64> = import_order(pending, &unread)
            .iter()
            .map(|t| t.lead_id)
            .collect();
        assert_eq!(ids, [3, 4, 2, 1]);
    }

    fn created(at: &[&str]) -> Vec<meli::models::Order> {
        at.iter()
            .enumerate()
            .map(|(id, at)| {
                serde_json::from_value(serde_json::json!({"id": id, "date_created": at}))
                    .expect("an order")
            })
            .collect()
    }

    #[test]
    fn a_split_page_belongs_to_the_part_all_its_orders_were_created_in() {
        let at = |h: u32| {
            Utc.with_ymd_and_hms(2026, 3, 1, h, 0, 0)
                .single()
                .expect("a time")
        };
        let parts = Window {
            from: at(0),
            to: at(12),
        }
        .split(3);
        assert_eq!(parts.len(), 3);
        // Within the second part, its end excluded; the offset of each date is its own.
        let page = created(&[
            "2026-03-01T04:00:00.000-00:00",
            "2026-03-01T03:59:59.000-04:00",
        ]);
        assert_eq!(part_holding(&parts, &page), Some(1));
        // On the boundary the second and third parts share: either could list it.
        let page = created(&["2026-03-01T05:00:00Z", "2026-03-01T08:00:00Z"]);
        assert_eq!(part_holding(&parts, &page), None);
        // Across two parts, or with an order whose date is missing.
        let page = created(&["2026-03-01T01:00:00Z", "2026-03-01T09:00:00Z"]);
        assert_eq!(part_holding(&parts, &page), None);
        let mut page = created(&["2026-03-01T01:00:00Z"]);
        page.extend(created(&["not a date"]));
        assert_eq!(part_holding(&parts, &page), None);
        assert_eq!(part_holding(&parts, &[]), None);
    }
}
