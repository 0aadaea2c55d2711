//! Drafts on their way out. A draft is written here before anything is sent, so its text
//! survives a crash or an offline machine; the network side moves it through the states:
//!
//! ```text
//! pending → uploading → sending → sent
//!    ↑          │           ├───→ failed(reason)      (refused: rules or Mercado Libre)
//!    │          │           └───→ ambiguous           (the request may have arrived)
//!    └──────────┴─ failed / ambiguous → pending        (retry; ambiguous only after the
//!                                                       conversation showed it did not arrive)
//!                  ambiguous → sent                    (the conversation shows it arrived)
//! ```

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use super::{leads, millis_to_text, to_millis};
use crate::error::{InboxError, Result};
use crate::ipc::{OutboxItem, OutboxState};
use crate::rules::GuideChoice;

/// A file of a draft: our own copy in the app's cache dir, and the name the buyer sees.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueuedFile {
    pub cache_name: String,
    pub name: String,
    pub size: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Queued {
    pub id: i64,
    pub lead_id: i64,
    pub text: String,
    pub files: Vec<QueuedFile>,
    pub guide: Option<GuideChoice>,
    pub state: OutboxState,
    pub reason: Option<String>,
    pub attempts: u32,
    /// Attachment ids already uploaded, so a retry does not upload twice.
    pub uploaded: Vec<String>,
}

/// Whether the outbox may go from `from` to `to`.
pub fn transition_allowed(from: OutboxState, to: OutboxState) -> bool {
    use OutboxState::*;
    matches!(
        (from, to),
        (Pending, Uploading | Sending | Failed)
            | (Uploading, Sending | Failed | Pending)
            | (Sending, Sent | Failed | Ambiguous)
            | (Failed, Pending)
            | (Ambiguous, Sent | Pending | Failed)
    )
}

/// Saves a draft as pending and returns its id.
pub fn enqueue(
    conn: &Connection,
    lead_id: i64,
    text: &str,
    files: &[QueuedFile],
    guide: Option<&GuideChoice>,
    now: DateTime<Utc>,
) -> Result<i64> {
    leads::load(conn, lead_id)?;
    let guide_json = guide.map(serde_json::to_string).transpose()?;
    Ok(conn.query_row(
        "INSERT INTO outbox (lead_id, text, files_json, guide_json, state, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, 'pending', ?5, ?5) RETURNING id",
        params![
            lead_id,
            text,
            serde_json::to_string(files)?,
            guide_json,
            to_millis(now)
        ],
        |r| r.get(0),
    )?)
}

/// Moves a draft to `to`, refusing transitions the diagram does not have. Entering
/// `uploading` or `sending` counts an attempt; `sent` records Mercado Libre's message id.
pub fn transition(
    conn: &Connection,
    id: i64,
    to: OutboxState,
    reason: Option<&str>,
    meli_id: Option<&str>,
    now: DateTime<Utc>,
) -> Result<()> {
    let from = get(conn, id)?.state;
    if !transition_allowed(from, to) {
        return Err(InboxError::InvalidInput(format!(
            "outbox {id} cannot go from {} to {}",
            from.key(),
            to.key()
        )));
    }
    let attempt = i64::from(
        matches!(to, OutboxState::Uploading)
            || (to == OutboxState::Sending && from == OutboxState::Pending),
    );
    conn.execute(
        "UPDATE outbox SET state = ?2, reason = ?3, meli_id = COALESCE(?4, meli_id),
             attempts = attempts + ?5, updated_at = ?6
         WHERE id = ?1",
        params![id, to.key(), reason, meli_id, attempt, to_millis(now)],
    )?;
    Ok(())
}

pub fn record_upload(conn: &Connection, id: i64, attachment_id: &str) -> Result<()> {
    let mut queued = get(conn, id)?;
    if !queued.uploaded.iter().any(|a| a == attachment_id) {
        queued.uploaded.push(attachment_id.to_owned());
        conn.execute(
            "UPDATE outbox SET uploaded_json = ?2 WHERE id = ?1",
            params![id, serde_json::to_string(&queued.uploaded)?],
        )?;
    }
    Ok(())
}

/// The seller gave up on a draft that was not sent.
pub fn discard(conn: &Connection, id: i64) -> Result<()> {
    let queued = get(conn, id)?;
    if !matches!(queued.state, OutboxState::Pending | OutboxState::Failed) {
        return Err(InboxError::InvalidInput(format!(
            "outbox {id} is {}",
            queued.state.key()
        )));
    }
    conn.execute("DELETE FROM outbox WHERE id = ?1", [id])?;
    Ok(())
}

const COLUMNS: &str =
    "id, lead_id, text, files_json, guide_json, state, reason, attempts, uploaded_json";

fn row_to_queued(r: &rusqlite::Row) -> rusqlite::Result<(Queued, String, String, Option<String>)> {
    let state: String = r.get(5)?;
    Ok((
        Queued {
            id: r.get(0)?,
            lead_id: r.get(1)?,
            text: r.get(2)?,
            files: Vec::new(),
            guide: None,
            state: OutboxState::from_key(&state).unwrap_or(OutboxState::Failed),
            reason: r.get(6)?,
            attempts: r.get(7)?,
            uploaded: Vec::new(),
        },
        r.get(3)?,
        r.get(8)?,
        r.get(4)?,
    ))
}

fn finish(row: (Queued, String, String, Option<String>)) -> Result<Queued> {
    let (mut queued, files, uploaded, guide) = row;
    queued.files = serde_json::from_str(&files)?;
    queued.uploaded = serde_json::from_str(&uploaded)?;
    queued.guide = guide.map(|g| serde_json::from_str(&g)).transpose()?;
    Ok(queued)
}

pub fn get(conn: &Connection, id: i64) -> Result<Queued> {
    let row = conn
        .query_row(
            &format!("SELECT {COLUMNS} FROM outbox WHERE id = ?1"),
            [id],
            row_to_queued,
        )
        .optional()?
        .ok_or_else(|| InboxError::NotFound(format!("outbox item {id}")))?;
    finish(row)
}

/// Drafts the network side should work on, oldest first: pending and ambiguous (to
/// reconcile), and any left uploading or sending by a crash.
pub fn due(conn: &Connection) -> Result<Vec<Queued>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM outbox
         WHERE state IN ('pending', 'uploading', 'sending', 'ambiguous') ORDER BY id"
    ))?;
    let rows = stmt.query_map([], row_to_queued)?;
    rows.map(|r| finish(r?)).collect()
}

/// Whether the lead has a draft that will still go out.
pub fn has_queued(conn: &Connection, lead_id: i64) -> Result<bool> {
    Ok(conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM outbox WHERE lead_id = ?1
             AND state IN ('pending', 'uploading', 'sending', 'ambiguous'))",
        [lead_id],
        |r| r.get(0),
    )?)
}

/// The lead's drafts not sent yet (including failed ones, with their reason), for the chat.
pub fn unsent_for_lead(conn: &Connection, lead_id: i64) -> Result<Vec<OutboxItem>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, lead_id, text, files_json, state, reason, created_at, guide_json FROM outbox
         WHERE lead_id = ?1 AND state <> 'sent' ORDER BY id",
    )?;
    let rows = stmt.query_map([lead_id], |r| {
        let files: String = r.get(3)?;
        let state: String = r.get(4)?;
        let guide: Option<String> = r.get(7)?;
        Ok((
            OutboxItem {
                id: r.get(0)?,
                lead_id: r.get(1)?,
                text: r.get(2)?,
                files: Vec::new(),
                state: OutboxState::from_key(&state).unwrap_or(OutboxState::Failed),
                reason: r.get(5)?,
                created_at: millis_to_text(r.get(6)?).unwrap_or_default(),
                guide_option_id: None,
            },
            files,
            guide,
        ))
    })?;
    let mut items = Vec::new();
    for row in rows {
        let (mut item, files, guide) = row?;
        let files: Vec<QueuedFile> = serde_json::from_str(&files)?;
        item.files = files.into_iter().map(|f| f.name).collect();
        item.guide_option_id = guide
            .map(|g| serde_json::from_str::<GuideChoice>(&g))
            .transpose()?
            .map(|g| g.option_id);
        items.push(item);
    }
    Ok(items)
}

#[cfg(test)]
mod tests;
