//! The rotation: every conversation active in the last `rotation_days`, read again in turn
//! within a set share of the read budget, so each is checked within a bounded time.
//!
//! The poll reads the chats Mercado Libre lists as unread and the most recent ones, but a
//! buyer's message the seller already read on Mercado Libre's own site is not unread, and on
//! an older lead nothing else brings it. The rotation walks the active conversations by id
//! (an order new activity does not change, so every one is reached once per round) and
//! reads as many as its share earned since the last pass. Its position is a cursor, so a
//! restart goes on where the last run stopped rather than from the first chat again.
//!
//! A round takes `ceil(active chats × pages per chat / reads per pass)` passes: with the
//! defaults (60 reads a minute, a pass every 30 s: 30 reads a pass) 500 active chats of one
//! page each take 17 passes, 8½ minutes.

use std::collections::HashSet;

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use super::account::AccountSync;
use super::cursor;
use super::share::ReadShare;
use crate::error::Result;
use crate::store::{chat_failures, cursors, sync_writes};

/// Where the rotation stands, kept in `sync_cursors`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Position {
    /// The last conversation id read (0: the round starts over).
    pub after: i64,
    /// When it last spent its share.
    pub at: Option<DateTime<Utc>>,
}

/// Rows asked of the store at a time.
const BATCH: u32 = 64;

/// What one rotation step did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Rotated {
    /// Conversations read.
    pub read: usize,
    /// Messages they added.
    pub added: usize,
}

impl AccountSync {
    /// The rotation's share of the read budget.
    pub(crate) fn rotation_share(&self) -> ReadShare {
        ReadShare {
            per_minute: self.config.rotation_reads_per_minute,
        }
    }

    /// Reads the next conversations of the rotation, as many as its share earned by
    /// `started`. `fresh`: conversations this pass read already (passed over, at no cost).
    pub(crate) async fn rotate(
        &self,
        started: DateTime<Utc>,
        fresh: &HashSet<i64>,
    ) -> Result<Rotated> {
        let account = self.account_id;
        let position: Position = self
            .store
            .read_async(move |c| cursors::get(c, account, cursor::POLL_ROTATION))
            .await?
            .and_then(|v| serde_json::from_str(&v).ok())
            .unwrap_or_default();
        let credit = u64::from(self.rotation_share().credit(
            position.at,
            started,
            self.config.interval,
        ));
        let mut rotated = Rotated::default();
        if credit == 0 || self.messages_blocked() {
            // Nothing earned yet (passes closer together than a read's worth): the time keeps
            // counting from the last spending.
            return Ok(rotated);
        }
        let since =
            (started - Duration::days(i64::from(self.config.rotation_days))).timestamp_millis();
        let waiting = self
            .store
            .read_async(move |c| chat_failures::waiting(c, account, started))
            .await?;
        let mut after = position.after;
        let mut spent = 0u64;
        let mut visited = HashSet::new();
        let mut restarted = false;
        'round: while spent < credit {
            let batch = self
                .store
                .read_async(move |c| sync_writes::active_after(c, account, since, after, BATCH))
                .await?;
            if batch.is_empty() {
                if restarted || after == 0 {
                    break;
                }
                // The end of the round: the next one starts from the first chat.
                after = 0;
                restarted = true;
                continue;
            }
            for target in batch {
                if !visited.insert(target.conversation_id) {
                    // Every active chat was read in this step already.
                    break 'round;
                }
                after = target.conversation_id;
                if fresh.contains(&target.conversation_id)
                    || waiting.contains(&target.conversation_id)
                {
                    continue;
                }
                let before = self.pages_read();
                rotated.added += self.fetch_conversation(&target, false).await?.added;
                rotated.read += 1;
                self.flush(false);
                spent += self.pages_read().saturating_sub(before).max(1);
                if spent >= credit {
                    break 'round;
                }
            }
        }
        let value = serde_json::to_string(&Position {
            after,
            at: Some(started),
        })
        .unwrap_or_default();
        let now = self.now();
        self.store
            .write_async(move |tx| cursors::set(tx, account, cursor::POLL_ROTATION, &value, now))
            .await?;
        Ok(rotated)
    }
}
