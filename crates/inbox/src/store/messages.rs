//! Messages from a sync page, folded into their lead's conversation.

use super::cached::CachedStatements;
use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};

use super::{from_millis, leads, to_millis};
use crate::error::Result;
use crate::incoming::{IncomingConversation, IncomingMessage};
use crate::ipc::{MARK_END, MARK_START};
use crate::pipeline::archive::{reopens, Activity};

/// How many characters of the last message the board shows.
const EXCERPT_CHARS: usize = 120;
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MessagesOutcome {
    pub added: usize,
    /// New buyer messages, for desktop notifications.
    pub new_from_buyer: usize,
    /// The lead's board card changed (last message, unread, archive, status).
    pub lead_changed: bool,
}

/// The highlight markers can never come from a message, so snippets stay unambiguous.
fn clean_text(text: &str) -> String {
    text.chars()
        .filter(|c| *c != MARK_START && *c != MARK_END)
        .collect()
}

/// Restores a stored message's full raw JSON.
pub fn raw_json(
    conn: &Connection,
    account_id: i64,
    meli_id: &str,
) -> Result<Option<serde_json::Value>> {
    let row: Option<(Vec<u8>, String)> = conn
        .query_row_cached(
            "SELECT raw_packed, text FROM messages WHERE account_id = ?1 AND meli_id = ?2",
            params![account_id, meli_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    row.map(|(packed, text)| {
        super::raw::unpack_message(
            &packed,
            super::raw::MessageColumns {
                id: meli_id,
                text: &text,
            },
        )
    })
    .transpose()
}

/// Upserts one page of a lead's conversation, its attachments' metadata and the
/// conversation's status, then refreshes the lead's summary. Replaying it writes nothing.
pub fn apply_page(
    conn: &Connection,
    lead_id: i64,
    page: &IncomingConversation,
) -> Result<MessagesOutcome> {
    let mut index = IndexLater::default();
    let outcome = apply_page_indexing_later(conn, lead_id, page, &mut index)?;
    index.flush(conn)?;
    Ok(outcome)
}

/// New messages' search rows, held back to be added in one run, in rowid order, before the
/// transaction commits ([`IndexLater::flush`]).
///
/// FTS5 writes its pending terms out as a new segment whenever a row's id is lower than the
/// last one it took, and at every savepoint a statement opens. Chats read one after another
/// go back and forth in time (each chat's messages take keys by when they were written), so
/// indexed as stored, an import batch wrote a segment per chat and then spent its time
/// merging them; a batch's rows added together and sorted make one.
#[derive(Debug, Default)]
pub struct IndexLater {
    rows: Vec<(i64, String)>,
}

impl IndexLater {
    /// Adds the held rows to the search index. Must run in the transaction that stored their
    /// messages, before it commits.
    pub fn flush(&mut self, conn: &Connection) -> Result<()> {
        self.rows.sort_unstable_by_key(|(seq, _)| *seq);
        for (seq, text) in self.rows.drain(..) {
            conn.execute_cached(INDEX_NEW, params![seq, text])?;
        }
        Ok(())
    }
}

/// [`apply_page`] with the new messages' search rows left in `index`, for a caller storing
/// several conversations in one transaction: it flushes `index` before committing.
pub fn apply_page_indexing_later(
    conn: &Connection,
    lead_id: i64,
    page: &IncomingConversation,
    index: &mut IndexLater,
) -> Result<MessagesOutcome> {
    let lead = leads::load(conn, lead_id)?;
    let mut outcome = MessagesOutcome::default();
    let mut newest_buyer_message: Option<DateTime<Utc>> = None;
    // Oldest first, so messages written within one millisecond take keys in the order they
    // were written: Mercado Libre lists a conversation newest first.
    let mut oldest_first: Vec<_> = page.messages.iter().rev().collect();
    oldest_first.sort_by_key(|m| m.created_at);
    for message in oldest_first {
        let (text, json) = stored_form(message)?;
        let created = to_millis(message.created_at);
        let read = message.read_at.map(to_millis);
        let existing = stored_message(conn, lead.account_id, &message.meli_id)?;
        let seq = match existing {
            // Compared here rather than by the UPDATE's condition: an unchanged message (every
            // message of a chat read again) is then neither packed nor written.
            Some(stored) if stored.is(message, &text, &json)? => stored.seq,
            Some(stored) => {
                // A changed text goes through the index's update trigger, which takes the old
                // text out of the index: a message stored earlier in this batch must be in it.
                index.flush(conn)?;
                let raw = super::raw::pack_bytes(&json)?;
                conn.execute_cached(
                    "UPDATE messages SET read_at = ?2, status = ?3, moderation_status = ?4,
                         moderation_reason = ?5, text = ?6, raw_packed = ?7
                     WHERE seq = ?1 AND (read_at IS NOT ?2 OR status IS NOT ?3 OR moderation_status IS NOT ?4
                         OR moderation_reason IS NOT ?5 OR text IS NOT ?6 OR raw_packed IS NOT ?7)",
                    params![
                        stored.seq,
                        read,
                        message.status,
                        message.moderation_status,
                        message.moderation_reason,
                        text,
                        raw
                    ],
                )?;
                stored.seq
            }
            None => {
                let raw = super::raw::pack_bytes(&json)?;
                let seq = super::time_key::next(conn, super::time_key::MESSAGE_SEQ, created)?;
                conn.execute_cached(
                    "INSERT INTO messages (seq, account_id, lead_id, meli_id, from_buyer, created_at, read_at,
                         status, moderation_status, moderation_reason, text, raw_packed)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
                    params![
                        seq,
                        lead.account_id,
                        lead_id,
                        message.meli_id,
                        message.from_buyer,
                        created,
                        read,
                        message.status,
                        message.moderation_status,
                        message.moderation_reason,
                        text,
                        raw
                    ],
                )?;
                // Indexed by the caller's flush, not by a trigger (see [`INDEX_NEW`]).
                index.rows.push((seq, text));
                outcome.added += 1;
                if message.from_buyer {
                    outcome.new_from_buyer += 1;
                    newest_buyer_message = newest_buyer_message.max(Some(message.created_at));
                }
                seq
            }
        };
        for attachment in &message.attachments {
            conn.execute_cached(
                "INSERT INTO attachments (message_seq, meli_filename, original_name, mime, size)
                 VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (message_seq, meli_filename) DO UPDATE SET original_name = excluded.original_name,
                     mime = excluded.mime, size = excluded.size
                 WHERE original_name IS NOT excluded.original_name OR mime IS NOT excluded.mime
                     OR size IS NOT excluded.size",
                params![seq, attachment.filename, attachment.original_filename, attachment.mime, attachment.size],
            )?;
        }
    }
    let mut changed = conn.execute_cached(
        "UPDATE leads SET conversation_status = ?2, conversation_substatus = ?3
         WHERE id = ?1 AND (conversation_status IS NOT ?2 OR conversation_substatus IS NOT ?3)",
        params![lead_id, page.status, page.substatus],
    )? > 0;
    if let Some(claims) = &page.claims {
        let ids = serde_json::to_string(claims)?;
        let claims_changed = conn.execute_cached(
            "UPDATE leads SET claim_ids = ?2
             WHERE id = ?1 AND claim_ids IS NOT ?2 AND NOT (claim_ids IS NULL AND ?2 = '[]')",
            params![lead_id, ids],
        )? > 0;
        if claims_changed {
            leads::rederive(conn, lead_id, false, &Default::default())?;
            changed = true;
        }
    }
    if lead.contact.name.is_none() {
        if let Some(name) = page
            .messages
            .iter()
            .filter(|m| m.from_buyer)
            .find_map(|m| m.from_name.clone())
        {
            conn.execute_cached(
                "UPDATE leads SET buyer_name = ?2 WHERE id = ?1",
                params![lead_id, name],
            )?;
            leads::reindex(conn, lead_id)?;
            changed = true;
        }
    }
    if let (Some(archived), Some(newest)) =
        (lead.archived_at.and_then(from_millis), newest_buyer_message)
    {
        if reopens(archived, Activity::BuyerMessage(newest)) {
            conn.execute_cached(
                "UPDATE leads SET archived_at = NULL WHERE id = ?1",
                [lead_id],
            )?;
            changed = true;
        }
    }
    outcome.lead_changed = refresh_summary(conn, lead_id)? || changed;
    Ok(outcome)
}

/// A message's row as stored, for comparing before writing.
pub(crate) struct StoredMessage {
    pub seq: i64,
    read_at: Option<i64>,
    status: String,
    moderation_status: Option<String>,
    moderation_reason: Option<String>,
    text: String,
    raw_packed: Vec<u8>,
}

impl StoredMessage {
    /// Whether the row holds `message` as it would be stored: its cleaned `text` and its
    /// packed raw `json` (see [`super::raw::message_json`]).
    pub(crate) fn is(&self, message: &IncomingMessage, text: &str, json: &[u8]) -> Result<bool> {
        Ok(self.read_at == message.read_at.map(to_millis)
            && self.status == message.status
            && self.moderation_status == message.moderation_status
            && self.moderation_reason == message.moderation_reason
            && self.text == text
            && super::raw::holds(&self.raw_packed, json)?)
    }
}

pub(crate) fn stored_message(
    conn: &Connection,
    account_id: i64,
    meli_id: &str,
) -> Result<Option<StoredMessage>> {
    Ok(conn
        .query_row_cached(
            "SELECT seq, read_at, status, moderation_status, moderation_reason, text, raw_packed
             FROM messages WHERE account_id = ?1 AND meli_id = ?2",
            params![account_id, meli_id],
            |r| {
                Ok(StoredMessage {
                    seq: r.get(0)?,
                    read_at: r.get(1)?,
                    status: r.get(2)?,
                    moderation_status: r.get(3)?,
                    moderation_reason: r.get(4)?,
                    text: r.get(5)?,
                    raw_packed: r.get(6)?,
                })
            },
        )
        .optional()?)
}

/// A message's text as stored (see [`clean_text`]) and its raw JSON as packed.
pub(crate) fn stored_form(message: &IncomingMessage) -> Result<(String, Vec<u8>)> {
    let text = clean_text(&message.text);
    let columns = super::raw::MessageColumns {
        id: &message.meli_id,
        text: &text,
    };
    let json = super::raw::message_json(&message.raw, columns)?;
    Ok((text, json))
}

/// Adds a new message to the search index. A trigger did it before V12, and cost a flush of
/// FTS5's pending terms to disk per message: a statement that fires a trigger runs inside a
/// savepoint, and FTS5 writes out what it holds at every savepoint, so the index grew by one
/// tiny segment per message and the import spent a sixth of its time writing and merging them.
/// This plain one-row insert opens no savepoint; [`IndexLater`] also keeps the rows in order,
/// so the terms of a whole batch of conversations reach the disk together.
const INDEX_NEW: &str = "INSERT INTO messages_fts (rowid, text) VALUES (?1, ?2)";

/// Recomputes the lead's last message, unread count, first buyer message and first reply,
/// and its activity time. Writes only when something differs.
pub(crate) fn refresh_summary(conn: &Connection, lead_id: i64) -> Result<bool> {
    let summary = summary_of(conn, lead_id)?;
    let changed = conn.execute_cached(
        "UPDATE leads SET last_message_at = ?2, last_from_buyer = ?3, last_message_excerpt = ?4,
             unread_count = ?5, first_buyer_at = ?6, first_reply_at = ?7,
             activity_at = MAX(activity_at, COALESCE(?2, activity_at))
         WHERE id = ?1 AND (last_message_at IS NOT ?2 OR last_from_buyer IS NOT ?3
             OR last_message_excerpt IS NOT ?4 OR unread_count IS NOT ?5 OR first_buyer_at IS NOT ?6
             OR first_reply_at IS NOT ?7)",
        params![
            lead_id,
            summary.last_message_at,
            summary.last_from_buyer,
            summary.excerpt,
            summary.unread,
            summary.first_buyer_at,
            summary.first_reply_at
        ],
    )?;
    Ok(changed > 0)
}

/// Whether the lead's stored summary is what [`refresh_summary`] would write (read-only).
pub(crate) fn summary_is_current(conn: &Connection, lead_id: i64) -> Result<bool> {
    let summary = summary_of(conn, lead_id)?;
    Ok(conn.query_row_cached(
        "SELECT last_message_at IS ?2 AND last_from_buyer IS ?3 AND last_message_excerpt IS ?4
             AND unread_count IS ?5 AND first_buyer_at IS ?6 AND first_reply_at IS ?7
         FROM leads WHERE id = ?1",
        params![
            lead_id,
            summary.last_message_at,
            summary.last_from_buyer,
            summary.excerpt,
            summary.unread,
            summary.first_buyer_at,
            summary.first_reply_at
        ],
        |r| r.get(0),
    )?)
}

/// The lead's summary as its messages make it.
struct Summary {
    last_message_at: Option<i64>,
    last_from_buyer: bool,
    excerpt: Option<String>,
    unread: i64,
    first_buyer_at: Option<i64>,
    first_reply_at: Option<i64>,
}

fn summary_of(conn: &Connection, lead_id: i64) -> Result<Summary> {
    let last: Option<(i64, bool, String)> = conn
        .query_row_cached(
            "SELECT created_at, from_buyer, text FROM messages WHERE lead_id = ?1 ORDER BY seq DESC LIMIT 1",
            [lead_id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    let unread: i64 = conn.query_row_cached(
        "SELECT COUNT(*) FROM messages m JOIN leads l ON l.id = m.lead_id
         WHERE m.lead_id = ?1 AND m.from_buyer = 1 AND m.read_at IS NULL AND m.seq > l.read_upto_seq",
        [lead_id],
        |r| r.get(0),
    )?;
    let first_buyer: Option<(i64, i64)> = conn
        .query_row_cached(
            "SELECT seq, created_at FROM messages WHERE lead_id = ?1 AND from_buyer = 1 ORDER BY seq LIMIT 1",
            [lead_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let first_reply_at: Option<i64> = match first_buyer {
        Some((seq, _)) => conn
            .query_row_cached(
                "SELECT created_at FROM messages WHERE lead_id = ?1 AND from_buyer = 0 AND seq > ?2
                 ORDER BY seq LIMIT 1",
                params![lead_id, seq],
                |r| r.get(0),
            )
            .optional()?,
        None => None,
    };
    Ok(Summary {
        last_message_at: last.as_ref().map(|l| l.0),
        last_from_buyer: last.as_ref().is_some_and(|l| l.1),
        excerpt: last.as_ref().map(|(_, _, text)| excerpt_of(text)),
        unread,
        first_buyer_at: first_buyer.map(|f| f.1),
        first_reply_at,
    })
}

fn excerpt_of(text: &str) -> String {
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= EXCERPT_CHARS {
        flat
    } else {
        let mut cut: String = flat.chars().take(EXCERPT_CHARS - 1).collect();
        cut.push('…');
        cut
    }
}

#[cfg(test)]
mod tests;
