//! Queries and writes the sync engine and the outbox sender need beyond the store's own:
//! which conversations are still to fetch, whom a reply goes to, and how a draft in the
//! outbox is judged and reconciled.

use super::cached::CachedStatements;
use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};

use super::{conversation, cursors, outbox};
use crate::error::Result;
use crate::rules::{Author, ConversationFacts, LeadFacts};

/// A lead's conversation, as the sync fetches it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConversationTarget {
    pub lead_id: i64,
    /// The id in `/messages/packs/{id}`: the pack, or the lone order.
    pub conversation_id: i64,
    pub paid: bool,
    pub activity_at: i64,
}

/// Cursor name marking a conversation as imported: one row per conversation in
/// `sync_cursors`, so an interrupted import knows which ones are done.
pub fn conversation_cursor(conversation_id: i64) -> String {
    format!("conv:{conversation_id}")
}

const TARGET_COLUMNS: &str = "l.id, l.conversation_id, l.system_stage IN ('paid'), l.activity_at";

fn row_to_target(r: &rusqlite::Row) -> rusqlite::Result<ConversationTarget> {
    Ok(ConversationTarget {
        lead_id: r.get(0)?,
        conversation_id: r.get(1)?,
        paid: r.get(2)?,
        activity_at: r.get(3)?,
    })
}

/// The account's leads whose conversation was never fetched, most recent activity first: no
/// [`conversation_cursor`] yet (a flag kept with the cursor, walked by a partial index).
pub fn unsynced_conversations(
    conn: &Connection,
    account_id: i64,
) -> Result<Vec<ConversationTarget>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {TARGET_COLUMNS} FROM leads l
         WHERE l.account_id = ?1 AND l.conversation_fetched = 0
         ORDER BY l.activity_at DESC, l.id DESC"
    ))?;
    let rows = stmt.query_map([account_id], row_to_target)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The `limit` leads with the latest activity: their conversations are re-read on every poll,
/// which is how messages the seller wrote on Mercado Libre's own site show up.
pub fn recent_conversations(
    conn: &Connection,
    account_id: i64,
    limit: u32,
) -> Result<Vec<ConversationTarget>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {TARGET_COLUMNS} FROM leads l WHERE l.account_id = ?1
         ORDER BY l.activity_at DESC, l.id DESC LIMIT ?2"
    ))?;
    let rows = stmt.query_map(params![account_id, limit], row_to_target)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn target(conn: &Connection, lead_id: i64) -> Result<Option<ConversationTarget>> {
    Ok(conn
        .query_row(
            &format!("SELECT {TARGET_COLUMNS} FROM leads l WHERE l.id = ?1"),
            [lead_id],
            row_to_target,
        )
        .optional()?)
}

pub fn target_by_conversation(
    conn: &Connection,
    account_id: i64,
    conversation_id: i64,
) -> Result<Option<ConversationTarget>> {
    Ok(conn
        .query_row(
            &format!(
                "SELECT {TARGET_COLUMNS} FROM leads l
                 WHERE l.account_id = ?1 AND l.conversation_id = ?2"
            ),
            params![account_id, conversation_id],
            row_to_target,
        )
        .optional()?)
}

pub fn mark_conversation_synced(
    conn: &Connection,
    account_id: i64,
    conversation_id: i64,
    now: DateTime<Utc>,
) -> Result<()> {
    cursors::set(
        conn,
        account_id,
        &conversation_cursor(conversation_id),
        "done",
        now,
    )?;
    conn.execute_cached(
        "UPDATE leads SET conversation_fetched = 1
         WHERE account_id = ?1 AND conversation_id = ?2 AND conversation_fetched = 0",
        params![account_id, conversation_id],
    )?;
    Ok(())
}

/// Whether the message is cached already (a poll stops paging back at the first it knows).
pub fn message_known(conn: &Connection, account_id: i64, meli_id: &str) -> Result<bool> {
    Ok(conn.query_row_cached(
        "SELECT EXISTS (SELECT 1 FROM messages WHERE account_id = ?1 AND meli_id = ?2)",
        params![account_id, meli_id],
        |r| r.get(0),
    )?)
}

/// Who a reply goes to: whoever last wrote from the buyer's side (the buyer, or a country's
/// messaging agent, as Mercado Libre reports it), else the order's buyer.
pub fn counterpart(conn: &Connection, lead_id: i64) -> Result<Option<i64>> {
    let raw: Option<(Vec<u8>, String)> = conn
        .query_row_cached(
            "SELECT raw_packed, text FROM messages WHERE lead_id = ?1 AND from_buyer = 1
             ORDER BY seq DESC LIMIT 1",
            [lead_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let from_message = raw
        .and_then(|(packed, text)| super::raw::unpack_message(&packed, &text).ok())
        .and_then(|v| crate::pipeline::order::id_of(v.get("from").and_then(|f| f.get("user_id"))));
    if from_message.is_some() {
        return Ok(from_message);
    }
    let buyer: i64 =
        conn.query_row_cached("SELECT buyer_id FROM leads WHERE id = ?1", [lead_id], |r| {
            r.get(0)
        })?;
    Ok((buyer != 0).then_some(buyer))
}

/// The account a lead belongs to.
pub fn lead_account(conn: &Connection, lead_id: i64) -> Result<i64> {
    Ok(conn.query_row_cached(
        "SELECT account_id FROM leads WHERE id = ?1",
        [lead_id],
        |r| r.get(0),
    )?)
}

/// Drafts of one account the sender should work on, oldest first.
pub fn due_for_account(conn: &Connection, account_id: i64) -> Result<Vec<outbox::Queued>> {
    let mut due = Vec::new();
    for item in outbox::due(conn)? {
        if lead_account(conn, item.lead_id)? == account_id {
            due.push(item);
        }
    }
    Ok(due)
}

/// The facts the rules judge draft `outbox_id` by, right before it goes out. The store's
/// [`conversation::send_facts`] counts every queued draft as the seller's last word; here the
/// draft itself must not count against itself, but an older draft still queued does.
pub fn facts_for_outbox(
    conn: &Connection,
    lead_id: i64,
    outbox_id: i64,
) -> Result<(LeadFacts, ConversationFacts)> {
    let (lead, mut facts) = conversation::send_facts(conn, lead_id)?;
    let older_queued: bool = conn.query_row_cached(
        &format!(
            "SELECT EXISTS (SELECT 1 FROM outbox o WHERE o.lead_id = ?1 AND o.id < ?2
                 AND {})",
            outbox::SELLERS_LAST_WORD
        ),
        params![lead_id, outbox_id],
        |r| r.get(0),
    )?;
    let messages: Vec<(bool, bool)> = {
        let mut stmt = conn.prepare_cached(
            "SELECT from_buyer, (status NOT IN ('moderated', 'rejected')
                 AND moderation_status IS NOT 'rejected')
             FROM messages WHERE lead_id = ?1 ORDER BY seq",
        )?;
        let rows = stmt.query_map([lead_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    let mut own =
        ConversationFacts::from_messages(messages.into_iter().map(|(from_buyer, delivered)| {
            let author = if from_buyer {
                Author::Buyer
            } else {
                Author::Seller
            };
            (author, delivered)
        }));
    if older_queued {
        own.is_empty = false;
        own.last_author = Some(Author::Seller);
    }
    facts.is_empty = own.is_empty;
    facts.last_author = own.last_author;
    Ok((lead, facts))
}

/// The newest seller message of the lead's conversation in the cache, by Mercado Libre's own
/// time: what a draft's post is compared against (only a newer one can be it).
pub fn newest_seller_message(conn: &Connection, lead_id: i64) -> Result<Option<String>> {
    Ok(conn
        .query_row_cached(
            "SELECT meli_id FROM messages WHERE lead_id = ?1 AND from_buyer = 0
             ORDER BY created_at DESC, seq DESC LIMIT 1",
            [lead_id],
            |r| r.get(0),
        )
        .optional()?)
}

/// A seller message that may be the one an ambiguous send posted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SentCandidate {
    pub meli_id: String,
    pub text: String,
    /// The names the files were sent with.
    pub files: Vec<String>,
}

/// How far before the post's own server time a message may be stamped and still be it: the
/// `Date` header has whole seconds and the estimate lags by the request's time.
const POSTED_AT_SLACK_MILLIS: i64 = 30_000;

/// Seller messages of draft `outbox_id`'s conversation that may be what it posted, oldest
/// first: newer (in Mercado Libre's time) than the newest seller message known when it was
/// posted, not stamped before the post, and not already another draft's.
pub fn sent_candidates(conn: &Connection, outbox_id: i64) -> Result<Vec<SentCandidate>> {
    let mut stmt = conn.prepare_cached(
        "SELECT m.seq, m.meli_id, m.text FROM outbox o JOIN messages m ON m.lead_id = o.lead_id
         WHERE o.id = ?1 AND m.from_buyer = 0
             AND m.meli_id IS NOT o.after_meli_id
             AND m.created_at >= COALESCE((SELECT w.created_at FROM messages w
                     WHERE w.lead_id = o.lead_id AND w.meli_id = o.after_meli_id), 0)
             AND (o.posted_at IS NULL OR m.created_at >= o.posted_at - ?2)
             AND NOT EXISTS (SELECT 1 FROM outbox x WHERE x.meli_id = m.meli_id AND x.id <> o.id)
         ORDER BY m.created_at, m.seq",
    )?;
    let rows = stmt.query_map(params![outbox_id, POSTED_AT_SLACK_MILLIS], |r| {
        Ok((r.get::<_, i64>(0)?, r.get(1)?, r.get(2)?))
    })?;
    let mut candidates = Vec::new();
    for row in rows {
        let (seq, meli_id, text) = row?;
        let mut files = conn.prepare_cached(
            "SELECT COALESCE(original_name, meli_filename) FROM attachments
             WHERE message_seq = ?1 ORDER BY id",
        )?;
        let files = files
            .query_map([seq], |r| r.get(0))?
            .collect::<rusqlite::Result<Vec<String>>>()?;
        candidates.push(SentCandidate {
            meli_id,
            text,
            files,
        });
    }
    Ok(candidates)
}

/// Buyer messages of the lead that Mercado Libre reports unread (whatever the seller did in
/// the app): compared with `/messages/unread` so a poll reads only the chats that changed.
pub fn unread_on_meli(conn: &Connection, lead_id: i64) -> Result<u64> {
    let count: i64 = conn.query_row_cached(
        "SELECT COUNT(*) FROM messages WHERE lead_id = ?1 AND from_buyer = 1 AND read_at IS NULL",
        [lead_id],
        |r| r.get(0),
    )?;
    Ok(u64::try_from(count).unwrap_or(0))
}

/// The seller's reading marked every buyer message of the chat read on Mercado Libre.
pub fn read_on_meli(conn: &Connection, lead_id: i64, now: DateTime<Utc>) -> Result<()> {
    conn.execute_cached(
        "UPDATE messages SET read_at = ?2 WHERE lead_id = ?1 AND from_buyer = 1 AND read_at IS NULL",
        params![lead_id, now.timestamp_millis()],
    )?;
    Ok(())
}

/// When a draft last changed state.
pub fn outbox_updated_at(conn: &Connection, outbox_id: i64) -> Result<DateTime<Utc>> {
    let millis: i64 = conn.query_row_cached(
        "SELECT updated_at FROM outbox WHERE id = ?1",
        [outbox_id],
        |r| r.get(0),
    )?;
    Ok(super::from_millis(millis).unwrap_or_default())
}
