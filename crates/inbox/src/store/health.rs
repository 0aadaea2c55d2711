//! What the sync health view reads from the cache: blocked conversations by substatus, and
//! when each one blocked for time closes.

use chrono::{DateTime, Duration, Utc};
use rusqlite::{params, Connection};

use super::{from_millis, millis_to_text, to_millis};
use crate::error::Result;
use crate::ipc::{BlockedGroup, ClosingChat};

/// Mercado Libre closes a conversation blocked for time this long after its last message.
pub const CLOSES_AFTER_DAYS: i64 = 30;
/// Conversations that close within this many days are listed first and marked.
pub const SOON_DAYS: i64 = 3;

/// The account's blocked conversations counted by substatus, the largest group first.
pub fn blocked_groups(conn: &Connection, account_id: i64) -> Result<Vec<BlockedGroup>> {
    let mut stmt = conn.prepare_cached(
        "SELECT conversation_substatus, COUNT(*) FROM leads
         WHERE account_id = ?1 AND conversation_status = 'blocked'
         GROUP BY conversation_substatus
         ORDER BY COUNT(*) DESC, conversation_substatus",
    )?;
    let rows = stmt.query_map([account_id], |r| {
        Ok(BlockedGroup {
            substatus: r.get(0)?,
            count: r.get(1)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The account's `blocked_by_time` conversations with the date each closes (30 days after
/// the last message, or after the sale when there is none), soonest first: those closing
/// within three days of `now` come before the rest.
pub fn closing(conn: &Connection, account_id: i64, now: DateTime<Utc>) -> Result<Vec<ClosingChat>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, conversation_id, COALESCE(buyer_name, buyer_nickname), last_message_at,
                COALESCE(last_message_at, created_at, activity_at)
         FROM leads
         WHERE account_id = ?1 AND conversation_status = 'blocked'
           AND conversation_substatus = 'blocked_by_time'",
    )?;
    let soon = to_millis(now + Duration::days(SOON_DAYS));
    let rows = stmt.query_map(params![account_id], |r| {
        let base: i64 = r.get(4)?;
        let closes = from_millis(base)
            .and_then(|t| t.checked_add_signed(Duration::days(CLOSES_AFTER_DAYS)))
            .map_or(base, to_millis);
        Ok((
            closes,
            ClosingChat {
                lead_id: r.get(0)?,
                name: r.get::<_, i64>(1)?.to_string(),
                buyer: r.get(2)?,
                last_message_at: r.get::<_, Option<i64>>(3)?.and_then(millis_to_text),
                closes_at: millis_to_text(closes).unwrap_or_default(),
                closes_soon: closes <= soon,
            },
        ))
    })?;
    let mut chats = rows.collect::<rusqlite::Result<Vec<_>>>()?;
    chats.sort_by_key(|(closes, chat)| (*closes, chat.lead_id));
    Ok(chats.into_iter().map(|(_, chat)| chat).collect())
}
