//! Drafts on their way out. A draft is written here before anything is sent, so its text
//! survives a crash or an offline machine; the network side moves it through the states:
//!
//! ```text
//! pending → uploading → sending → sent
//!    ↑          │           ├───→ failed(reason)      (refused: rules or Mercado Libre)
//!    ├──────────┴───────────┤                          (not sent: offline, throttled, locked)
//!    │                      └───→ ambiguous           (the request may have arrived)
//!    │                               ├──→ sent            (a read of the conversation shows it)
//!    │                               └──→ not_confirmed   (no read showed it)
//!    └─ failed / not_confirmed ← the seller's "Send again"; both can also be discarded
//! ```
//!
//! Nothing goes from `ambiguous` back to `pending`: a send that may have arrived is never
//! posted again unless the seller asks.

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
    /// Reads of the conversation done to find an ambiguous send.
    pub confirm_reads: u32,
    /// When its outcome became unknown (the local clock: only intervals are measured with it).
    pub unknown_since: Option<DateTime<Utc>>,
    /// The text its last post shows in the conversation (a template's is the site's text).
    pub posted_text: Option<String>,
}

/// Whether the outbox may go from `from` to `to`.
pub fn transition_allowed(from: OutboxState, to: OutboxState) -> bool {
    use OutboxState::*;
    matches!(
        (from, to),
        (Pending, Uploading | Sending | Failed)
            | (Uploading, Sending | Failed | Pending)
            | (Sending, Sent | Failed | Ambiguous | Pending)
            | (Failed, Pending)
            | (Ambiguous, Sent | NotConfirmed | Failed)
            | (NotConfirmed, Pending)
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
    // Back to pending, a draft is a new send: what the last post knew no longer applies.
    let fresh = to == OutboxState::Pending;
    conn.execute(
        "UPDATE outbox SET state = ?2, reason = ?3, meli_id = COALESCE(?4, meli_id),
             attempts = attempts + ?5, updated_at = ?6,
             unknown_since = CASE WHEN ?2 = 'ambiguous' THEN COALESCE(unknown_since, ?6)
                                  WHEN ?7 THEN NULL ELSE unknown_since END,
             confirm_reads = CASE WHEN ?7 THEN 0 ELSE confirm_reads END,
             after_meli_id = CASE WHEN ?7 THEN NULL ELSE after_meli_id END,
             posted_text = CASE WHEN ?7 THEN NULL ELSE posted_text END,
             posted_at = CASE WHEN ?7 THEN NULL ELSE posted_at END
         WHERE id = ?1",
        params![
            id,
            to.key(),
            reason,
            meli_id,
            attempt,
            to_millis(now),
            fresh
        ],
    )?;
    Ok(())
}

/// The draft is about to be posted: moves it to `sending` and records what proves, later, that
/// a message in the conversation is this one: the newest seller message known now, Mercado
/// Libre's time now (`None` when unknown) and the text the message will show (`None` when
/// not known: a template whose text the guide did not give).
pub struct Posting<'a> {
    pub after_meli_id: Option<&'a str>,
    pub posted_at: Option<DateTime<Utc>>,
    pub posted_text: Option<&'a str>,
}

pub fn start_posting(
    conn: &Connection,
    id: i64,
    posting: &Posting<'_>,
    now: DateTime<Utc>,
) -> Result<()> {
    transition(conn, id, OutboxState::Sending, None, None, now)?;
    conn.execute(
        "UPDATE outbox SET after_meli_id = ?2, posted_at = ?3, posted_text = ?4,
             unknown_since = NULL, confirm_reads = 0
         WHERE id = ?1",
        params![
            id,
            posting.after_meli_id,
            posting.posted_at.map(to_millis),
            posting.posted_text
        ],
    )?;
    Ok(())
}

/// One more read of the conversation did not show the draft.
pub fn count_confirm_read(conn: &Connection, id: i64) -> Result<()> {
    conn.execute(
        "UPDATE outbox SET confirm_reads = confirm_reads + 1 WHERE id = ?1",
        [id],
    )?;
    Ok(())
}

/// The seller's "Send again" on a draft Mercado Libre did not confirm (or one that failed):
/// it goes back to pending, judged by the rules again before it is posted.
pub fn resend(conn: &Connection, id: i64, now: DateTime<Utc>) -> Result<OutboxItem> {
    let queued = get(conn, id)?;
    if !matches!(
        queued.state,
        OutboxState::NotConfirmed | OutboxState::Failed
    ) {
        return Err(InboxError::InvalidInput(format!(
            "outbox {id} is {}",
            queued.state.key()
        )));
    }
    transition(conn, id, OutboxState::Pending, None, None, now)?;
    unsent_for_lead(conn, queued.lead_id)?
        .into_iter()
        .find(|i| i.id == id)
        .ok_or_else(|| InboxError::NotFound(format!("outbox item {id}")))
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

/// The seller gave up on a draft that was not sent (or that Mercado Libre did not confirm).
pub fn discard(conn: &Connection, id: i64) -> Result<()> {
    let queued = get(conn, id)?;
    if !matches!(
        queued.state,
        OutboxState::Pending | OutboxState::Failed | OutboxState::NotConfirmed
    ) {
        return Err(InboxError::InvalidInput(format!(
            "outbox {id} is {}",
            queued.state.key()
        )));
    }
    conn.execute("DELETE FROM outbox WHERE id = ?1", [id])?;
    Ok(())
}

const COLUMNS: &str = "id, lead_id, text, files_json, guide_json, state, reason, attempts, \
     uploaded_json, confirm_reads, unknown_since, posted_text";

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
            confirm_reads: r.get(9)?,
            unknown_since: r.get::<_, Option<i64>>(10)?.and_then(super::from_millis),
            posted_text: r.get(11)?,
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

/// Outbox rows (aliased `o`) that count as the seller's last word for the wait-for-the-buyer
/// rule: a draft that will still go out, and one Mercado Libre did not confirm unless the buyer
/// has written since it was posted. The latter may well have reached the buyer (only the
/// listing failed to show it), so a new message must wait for the buyer as after any other;
/// "Send again" on the draft itself is judged without it (`sync_writes::facts_for_outbox`).
/// `posted_at` is read from `Date` headers, whole seconds that trail the server's clock, so a
/// buyer's message counts as later only from two seconds after it: within that, the stricter
/// reading (the seller waits) holds.
pub(crate) const SELLERS_LAST_WORD: &str =
    "(o.state IN ('pending', 'uploading', 'sending', 'ambiguous')
     OR (o.state = 'not_confirmed' AND NOT EXISTS (
         SELECT 1 FROM messages m WHERE m.lead_id = o.lead_id AND m.from_buyer = 1
             AND m.created_at >= COALESCE(o.posted_at, o.created_at) + 2000)))";

/// Whether the lead has a draft that counts as the seller's last message ([`SELLERS_LAST_WORD`]).
pub fn has_queued(conn: &Connection, lead_id: i64) -> Result<bool> {
    Ok(conn.query_row(
        &format!(
            "SELECT EXISTS (SELECT 1 FROM outbox o WHERE o.lead_id = ?1 AND {SELLERS_LAST_WORD})"
        ),
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
