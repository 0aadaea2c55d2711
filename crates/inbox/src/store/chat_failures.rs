//! Chats the sync could not read: one record per conversation with the error, when it first
//! and last failed, and when it is tried again. A failing chat waits out its own backoff while
//! the account's sync goes on with the others; a successful read removes the record.

use std::time::Duration;

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};

use super::cached::CachedStatements;
use super::sync_writes::ConversationTarget;
use super::{millis_to_text, to_millis};
use crate::error::Result;
use crate::ipc::ChatReadFailure;

/// Why a read failed, as recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub code: String,
    pub status: Option<u16>,
    pub detail: String,
}

/// How long a chat that failed `failures` times in a row waits: `base` doubled per failure, at
/// most `max`.
pub fn backoff(failures: u32, base: Duration, max: Duration) -> Duration {
    base.saturating_mul(2u32.saturating_pow(failures.saturating_sub(1).min(20)))
        .min(max)
}

/// Records a failed read of `target` at `now` and returns when it is tried next.
pub fn record(
    conn: &Connection,
    account_id: i64,
    target: &ConversationTarget,
    failure: &Failure,
    now: DateTime<Utc>,
    base: Duration,
    max: Duration,
) -> Result<DateTime<Utc>> {
    let before: u32 = conn
        .query_row_cached(
            "SELECT failures FROM chat_failures WHERE account_id = ?1 AND conversation_id = ?2",
            params![account_id, target.conversation_id],
            |r| r.get(0),
        )
        .optional()?
        .unwrap_or(0);
    let failures = before.saturating_add(1);
    let wait = chrono::Duration::from_std(backoff(failures, base, max))
        .unwrap_or(chrono::Duration::hours(1));
    let next = now.checked_add_signed(wait).unwrap_or(now);
    conn.execute_cached(
        "INSERT INTO chat_failures (account_id, conversation_id, lead_id, code, status, detail,
             failures, first_failed_at, last_failed_at, next_try_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8, ?9)
         ON CONFLICT (account_id, conversation_id) DO UPDATE SET lead_id = excluded.lead_id,
             code = excluded.code, status = excluded.status, detail = excluded.detail,
             failures = excluded.failures, last_failed_at = excluded.last_failed_at,
             next_try_at = excluded.next_try_at",
        params![
            account_id,
            target.conversation_id,
            target.lead_id,
            failure.code,
            failure.status,
            failure.detail,
            failures,
            to_millis(now),
            to_millis(next),
        ],
    )?;
    Ok(next)
}

/// The chat was read: its record goes. Returns whether there was one.
pub fn clear(conn: &Connection, account_id: i64, conversation_id: i64) -> Result<bool> {
    // Looked up first: almost every chat stored has no failure, and a DELETE on a table with
    // foreign keys runs in a savepoint, which flushes the search index's pending terms (see
    // `store::messages::INDEX_NEW`) once per chat of an import batch.
    let failed: bool = conn.query_row_cached(
        "SELECT EXISTS (SELECT 1 FROM chat_failures WHERE account_id = ?1 AND conversation_id = ?2)",
        params![account_id, conversation_id],
        |r| r.get(0),
    )?;
    if !failed {
        return Ok(false);
    }
    Ok(conn.execute_cached(
        "DELETE FROM chat_failures WHERE account_id = ?1 AND conversation_id = ?2",
        params![account_id, conversation_id],
    )? > 0)
}

/// Removes the account's failures with `code` (refusals that turned out to be the
/// application's, not the chats'). Returns the leads whose mark goes.
pub fn clear_code(conn: &Connection, account_id: i64, code: &str) -> Result<Vec<i64>> {
    let mut stmt = conn.prepare_cached(
        "DELETE FROM chat_failures WHERE account_id = ?1 AND code = ?2 RETURNING lead_id",
    )?;
    let rows = stmt.query_map(params![account_id, code], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Conversations of the account still waiting out their backoff at `now`.
pub fn waiting(
    conn: &Connection,
    account_id: i64,
    now: DateTime<Utc>,
) -> Result<std::collections::HashSet<i64>> {
    let mut stmt = conn.prepare_cached(
        "SELECT conversation_id FROM chat_failures WHERE account_id = ?1 AND next_try_at > ?2",
    )?;
    let rows = stmt.query_map(params![account_id, to_millis(now)], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Failing conversations of the account whose next try has come.
pub fn due(
    conn: &Connection,
    account_id: i64,
    now: DateTime<Utc>,
) -> Result<Vec<ConversationTarget>> {
    let mut stmt = conn.prepare_cached(
        "SELECT l.id, l.conversation_id, l.system_stage IN ('paid'), l.activity_at
         FROM chat_failures f JOIN leads l ON l.id = f.lead_id
         WHERE f.account_id = ?1 AND f.next_try_at <= ?2
         ORDER BY f.next_try_at",
    )?;
    let rows = stmt.query_map(params![account_id, to_millis(now)], |r| {
        Ok(ConversationTarget {
            lead_id: r.get(0)?,
            conversation_id: r.get(1)?,
            paid: r.get(2)?,
            activity_at: r.get(3)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

const COLUMNS: &str = "f.lead_id, f.account_id, f.conversation_id, f.code, f.status, f.detail,
    f.failures, f.first_failed_at, f.last_failed_at, f.next_try_at";

fn row_to_failure(r: &rusqlite::Row) -> rusqlite::Result<ChatReadFailure> {
    let text = |i: usize| -> rusqlite::Result<String> {
        Ok(millis_to_text(r.get(i)?).unwrap_or_default())
    };
    Ok(ChatReadFailure {
        lead_id: r.get(0)?,
        account_id: r.get(1)?,
        name: r.get::<_, i64>(2)?.to_string(),
        code: r.get(3)?,
        status: r.get(4)?,
        detail: r.get(5)?,
        failures: r.get(6)?,
        first_failed_at: text(7)?,
        last_failed_at: text(8)?,
        next_try_at: text(9)?,
    })
}

/// Every failing chat of one account or all, the longest-failing first.
pub fn list(conn: &Connection, account: Option<i64>) -> Result<Vec<ChatReadFailure>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM chat_failures f
         WHERE ?1 IS NULL OR f.account_id = ?1
         ORDER BY f.first_failed_at, f.conversation_id"
    ))?;
    let rows = stmt.query_map([account], row_to_failure)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The lead's failure, if its chat is failing.
pub fn for_lead(conn: &Connection, lead_id: i64) -> Result<Option<ChatReadFailure>> {
    Ok(conn
        .query_row_cached(
            &format!("SELECT {COLUMNS} FROM chat_failures f WHERE f.lead_id = ?1"),
            [lead_id],
            row_to_failure,
        )
        .optional()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_is_capped() {
        let base = Duration::from_secs(60);
        let max = Duration::from_secs(3600);
        assert_eq!(backoff(1, base, max), base);
        assert_eq!(backoff(3, base, max), Duration::from_secs(240));
        assert_eq!(backoff(7, base, max), max);
        assert_eq!(backoff(u32::MAX, base, max), max);
        assert_eq!(backoff(5, Duration::ZERO, max), Duration::ZERO);
    }
}
