//! Full-text search: leads by buyer name and nickname, order and pack numbers and item
//! titles (`leads_fts`), and messages by text (`messages_fts`), per account or across all.
//!
//! The seller's input is never FTS5 syntax: each word becomes a quoted string, so quotes,
//! `*`, `-`, `:`, `NEAR`, `AND`/`OR`/`NOT` and parentheses are plain text. Lead search
//! matches every word as a prefix (numbers are often typed in part); message search matches
//! whole words, and the last word (of three characters or more) as a prefix when whole words
//! do not fill the first page (see [`search_messages_paged`]). Diacritics are ignored
//! (`informacion` finds `información`).
//!
//! Hits come newest first straight from the index: `messages_fts`'s rowid is the message's
//! `seq` and `leads_fts`'s the lead's `search_key`, both growing with time (the message's,
//! the sale's), so FTS5 walks its index backwards and stops at the page size instead of
//! sorting every match.
//! Snippets mark matches with [`MARK_START`] / [`MARK_END`].

use rusqlite::{params, Connection};

use super::millis_to_text;
use crate::error::{InboxError, Result};
use crate::ipc::{SearchHit, SearchHitKind, SearchResults, MARK_END, MARK_START};

pub const LEAD_HITS: u32 = 20;
pub const MESSAGE_HITS: u32 = 50;
const MIN_PREFIX_CHARS: usize = 3;
/// Words of a search beyond these are ignored: a pasted page must not become a query of
/// thousands of terms.
const MAX_WORDS: usize = 32;

/// Builds an FTS5 query from what the seller typed; `None` when there is nothing to search.
pub fn fts_query(input: &str, prefix: Prefix) -> Option<String> {
    // Control characters (a NUL ends an FTS5 string early: "unterminated string") separate
    // words like spaces; text pasted from anywhere searches or finds nothing, never fails.
    let input: String = input
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let words: Vec<&str> = input
        .split_whitespace()
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .take(MAX_WORDS)
        .collect();
    let last = words.len().checked_sub(1)?;
    let terms: Vec<String> = words
        .iter()
        .enumerate()
        .map(|(i, word)| {
            let quoted = format!("\"{}\"", word.replace('"', "\"\""));
            let as_prefix = match prefix {
                Prefix::Every => true,
                Prefix::EveryLong => word.chars().count() >= MIN_PREFIX_CHARS,
                Prefix::LastIfLong => i == last && word.chars().count() >= MIN_PREFIX_CHARS,
                Prefix::None => false,
            };
            if as_prefix {
                quoted + "*"
            } else {
                quoted
            }
        })
        .collect();
    Some(terms.join(" "))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Prefix {
    Every,
    /// Each word of [`MIN_PREFIX_CHARS`] or more as a prefix, a shorter one as a whole word: a
    /// word's first letter or two begin half the words there are.
    EveryLong,
    LastIfLong,
    None,
}

fn markers() -> (String, String) {
    (MARK_START.to_string(), MARK_END.to_string())
}

/// Searches leads and messages; `older_than` pages through message hits.
pub fn search(
    conn: &Connection,
    input: &str,
    account: Option<i64>,
    older_than: Option<&str>,
) -> Result<SearchResults> {
    let cursor = older_than.map(MessageCursor::decode).transpose()?;
    let leads = match (cursor, fts_query(input, Prefix::Every)) {
        (None, Some(query)) => search_leads(conn, &query, account)?,
        _ => Vec::new(),
    };
    let (messages, next_cursor) = search_messages_paged(conn, input, account, cursor)?;
    let questions = match (cursor, fts_query(input, Prefix::LastIfLong)) {
        (None, Some(query)) => questions::search_questions(conn, &query, account)?,
        _ => Vec::new(),
    };
    Ok(SearchResults {
        leads,
        messages,
        questions,
        next_cursor: next_cursor.map(MessageCursor::encode),
    })
}

/// Where a message search stopped, and whether it matched the last word whole or as a
/// prefix (decided on the first page, kept for the next ones so pages never overlap).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct MessageCursor {
    prefix: bool,
    before: i64,
}

impl MessageCursor {
    fn encode(self) -> String {
        format!("{}:{}", if self.prefix { "p" } else { "w" }, self.before)
    }

    fn decode(text: &str) -> Result<MessageCursor> {
        let invalid = || InboxError::InvalidInput(format!("cursor {text:?}"));
        let (mode, before) = text.split_once(':').ok_or_else(invalid)?;
        let prefix = match mode {
            "p" => true,
            "w" => false,
            _ => return Err(invalid()),
        };
        Ok(MessageCursor {
            prefix,
            before: before.parse().map_err(|_| invalid())?,
        })
    }
}

/// Whole words first: a prefix query makes FTS5 merge the postings of every matching term
/// before it can return the newest hit (tens of milliseconds for a common prefix on a
/// million messages), while whole words are read lazily, newest first. So the last word is
/// matched as a prefix only when whole words do not fill the first page, which is what
/// happens while the seller is still typing it.
fn search_messages_paged(
    conn: &Connection,
    input: &str,
    account: Option<i64>,
    cursor: Option<MessageCursor>,
) -> Result<(Vec<SearchHit>, Option<MessageCursor>)> {
    let before = cursor.map_or(i64::MAX, |c| c.before);
    let use_prefix = match cursor {
        Some(c) => c.prefix,
        None => {
            let Some(whole) = fts_query(input, Prefix::None) else {
                return Ok((Vec::new(), None));
            };
            let (hits, next) = search_messages(conn, &whole, account, before)?;
            let prefix_differs = fts_query(input, Prefix::LastIfLong).as_deref() != Some(&whole);
            if next.is_some() || !prefix_differs {
                return Ok((
                    hits,
                    next.map(|before| MessageCursor {
                        prefix: false,
                        before,
                    }),
                ));
            }
            true
        }
    };
    let mode = if use_prefix {
        Prefix::LastIfLong
    } else {
        Prefix::None
    };
    let Some(query) = fts_query(input, mode) else {
        return Ok((Vec::new(), None));
    };
    let (hits, next) = search_messages(conn, &query, account, before)?;
    Ok((
        hits,
        next.map(|before| MessageCursor {
            prefix: use_prefix,
            before,
        }),
    ))
}

pub(crate) fn search_leads(
    conn: &Connection,
    query: &str,
    account: Option<i64>,
) -> Result<Vec<SearchHit>> {
    let (start, end) = markers();
    let mut stmt = conn.prepare_cached(
        "SELECT l.id, l.account_id, l.conversation_id, COALESCE(l.buyer_name, l.buyer_nickname),
                COALESCE(l.created_at, l.activity_at), snippet(leads_fts, -1, ?2, ?3, '…', 10)
         FROM leads_fts f JOIN leads l ON l.search_key = f.rowid
         WHERE leads_fts MATCH ?1 AND (?4 IS NULL OR l.account_id = ?4)
         ORDER BY f.rowid DESC LIMIT ?5",
    )?;
    let rows = stmt.query_map(params![query, start, end, account, LEAD_HITS], |r| {
        Ok(SearchHit {
            kind: SearchHitKind::Lead,
            lead_id: r.get(0)?,
            account_id: r.get(1)?,
            lead_name: r.get::<_, i64>(2)?.to_string(),
            buyer: r.get(3)?,
            message_id: None,
            question_id: None,
            at: millis_to_text(r.get(4)?),
            snippet: r.get(5)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub(crate) fn search_messages(
    conn: &Connection,
    query: &str,
    account: Option<i64>,
    before: i64,
) -> Result<(Vec<SearchHit>, Option<i64>)> {
    let (start, end) = markers();
    let mut stmt = conn.prepare_cached(
        "SELECT f.rowid, m.lead_id, m.account_id, l.conversation_id,
                COALESCE(l.buyer_name, l.buyer_nickname), m.meli_id, m.created_at,
                snippet(messages_fts, 0, ?2, ?3, '…', 12)
         FROM messages_fts f
         JOIN messages m ON m.seq = f.rowid
         JOIN leads l ON l.id = m.lead_id
         WHERE messages_fts MATCH ?1 AND f.rowid < ?4 AND (?5 IS NULL OR m.account_id = ?5)
         ORDER BY f.rowid DESC LIMIT ?6",
    )?;
    let rows = stmt.query_map(
        params![query, start, end, before, account, MESSAGE_HITS + 1],
        |r| {
            Ok((
                r.get::<_, i64>(0)?,
                SearchHit {
                    kind: SearchHitKind::Message,
                    lead_id: r.get(1)?,
                    account_id: r.get(2)?,
                    lead_name: r.get::<_, i64>(3)?.to_string(),
                    buyer: r.get(4)?,
                    message_id: Some(r.get(5)?),
                    question_id: None,
                    at: millis_to_text(r.get(6)?),
                    snippet: r.get(7)?,
                },
            ))
        },
    )?;
    let mut hits: Vec<(i64, SearchHit)> = rows.collect::<rusqlite::Result<_>>()?;
    let next = if hits.len() > MESSAGE_HITS as usize {
        hits.truncate(MESSAGE_HITS as usize);
        hits.last().map(|(seq, _)| *seq)
    } else {
        None
    };
    Ok((hits.into_iter().map(|(_, h)| h).collect(), next))
}

mod questions;

#[cfg(test)]
mod tests;
