//! Queries and writes the sync engine and the outbox sender need beyond the store's own:
//! which conversations are still to fetch, whom a reply goes to, and how a draft in the
//! outbox is judged and reconciled.

use super::cached::CachedStatements;
use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};

use super::{conversation, cursors, outbox};
use crate::error::Result;
use crate::incoming::IncomingConversation;
use crate::rules::{ActionGuide, Author, ConversationFacts, LeadFacts};

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

/// [`unsynced_conversations`]' question, on every pass. `INDEXED BY`: the planner, which
/// has no statistics, could take another index on the account's leads and then read every
/// lead to find the few not fetched.
pub(crate) fn unsynced_sql() -> String {
    format!(
        "SELECT {TARGET_COLUMNS} FROM leads l INDEXED BY leads_conversation_not_fetched
         WHERE l.account_id = ?1 AND l.conversation_fetched = 0
         ORDER BY l.activity_at DESC, l.id DESC"
    )
}

/// The account's leads whose conversation was never fetched, most recent activity first: no
/// [`conversation_cursor`] yet (a flag kept with the cursor, walked by a partial index).
pub fn unsynced_conversations(
    conn: &Connection,
    account_id: i64,
) -> Result<Vec<ConversationTarget>> {
    let mut stmt = conn.prepare_cached(&unsynced_sql())?;
    let rows = stmt.query_map([account_id], row_to_target)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub(crate) fn recent_sql() -> String {
    format!(
        "SELECT {TARGET_COLUMNS} FROM leads l INDEXED BY leads_recent WHERE l.account_id = ?1
         ORDER BY l.activity_at DESC, l.id DESC LIMIT ?2"
    )
}

/// The `limit` leads with the latest activity: the poll re-reads their conversations every
/// few minutes, which is how messages the seller wrote on Mercado Libre's own site show up.
pub fn recent_conversations(
    conn: &Connection,
    account_id: i64,
    limit: u32,
) -> Result<Vec<ConversationTarget>> {
    let mut stmt = conn.prepare_cached(&recent_sql())?;
    let rows = stmt.query_map(params![account_id, limit], row_to_target)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The account's imported conversations active since `since` (milliseconds) whose id is
/// above `after`, by conversation id, at most `limit`: the poll's rotation walks them in this
/// order, which new activity does not change, so each is reached once per round.
pub fn active_after(
    conn: &Connection,
    account_id: i64,
    since: i64,
    after: i64,
    limit: u32,
) -> Result<Vec<ConversationTarget>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {TARGET_COLUMNS} FROM leads l
         WHERE l.account_id = ?1 AND l.activity_at >= ?2 AND l.conversation_id > ?3
             AND EXISTS (SELECT 1 FROM sync_cursors c WHERE c.account_id = l.account_id
                 AND c.name = 'conv:' || l.conversation_id)
         ORDER BY l.conversation_id, l.id LIMIT ?4"
    ))?;
    let rows = stmt.query_map(params![account_id, since, after, limit], row_to_target)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn target(conn: &Connection, lead_id: i64) -> Result<Option<ConversationTarget>> {
    Ok(conn
        .query_row_cached(
            &format!("SELECT {TARGET_COLUMNS} FROM leads l WHERE l.id = ?1"),
            [lead_id],
            row_to_target,
        )
        .optional()?)
}

/// [`unread_moved`]'s question. The list leads (`CROSS JOIN` keeps it the outer loop: the
/// planner would otherwise walk every lead of the account for each entry), and the counts come
/// from the partial index of unread buyer messages.
pub(crate) fn unread_moved_sql() -> String {
    format!(
        "SELECT {TARGET_COLUMNS} FROM json_each(?2) j
         CROSS JOIN leads l ON l.account_id = ?1 AND l.conversation_id = CAST(j.key AS INTEGER)
         WHERE j.value IS NULL
            OR j.value <> (SELECT COUNT(*) FROM messages m
                                 WHERE m.lead_id = l.id AND m.from_buyer = 1
                                   AND m.read_at IS NULL)"
    )
}

/// Of the conversations Mercado Libre lists as unread (`(id, its unread count)`), those the
/// cache holds whose count differs from the buyer messages it has unread, or that came
/// without a count. One statement for the whole list (up to 500): asked one conversation at
/// a time, the list cost an idle pass about 20 ms. The list goes in as one JSON object,
/// conversation id to count: `json_each` then hands over each count as it is, where pairs
/// were parsed again for every `->>`.
pub fn unread_moved(
    conn: &Connection,
    account_id: i64,
    unread: &[(i64, Option<u64>)],
) -> Result<Vec<ConversationTarget>> {
    let list: serde_json::Map<String, serde_json::Value> = unread
        .iter()
        .map(|(conversation, count)| (conversation.to_string(), (*count).into()))
        .collect();
    let list = serde_json::to_string(&list)?;
    let mut stmt = conn.prepare_cached(&unread_moved_sql())?;
    let rows = stmt.query_map(params![account_id, list], row_to_target)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
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
    let raw: Option<(Vec<u8>, String, String)> = conn
        .query_row_cached(
            "SELECT raw_packed, meli_id, text FROM messages WHERE lead_id = ?1 AND from_buyer = 1
             ORDER BY seq DESC LIMIT 1",
            [lead_id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    let from_message = raw
        .and_then(|(packed, id, text)| {
            let columns = super::raw::MessageColumns {
                id: &id,
                text: &text,
            };
            super::raw::unpack_message(&packed, columns).ok()
        })
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

/// Whether storing a conversation read again would write nothing, checked without writing:
/// every message stored as it is (attachments included), the conversation's status and guide
/// as they are, the lead's summary as its messages make it, the chat marked fetched and
/// without a failure. Most chats the poll reads again have not changed; this spares them a
/// write transaction. `guide` is `None` when the read did not say (as for the store).
pub fn conversation_unchanged(
    conn: &Connection,
    target: &ConversationTarget,
    page: &IncomingConversation,
    guide: Option<&ActionGuide>,
) -> Result<bool> {
    let lead = super::leads::load(conn, target.lead_id)?;
    let (status, substatus, guide_json, fetched): (
        Option<String>,
        Option<String>,
        Option<String>,
        bool,
    ) = conn.query_row_cached(
        "SELECT conversation_status, conversation_substatus, action_guide_json,
                 conversation_fetched
             FROM leads WHERE id = ?1",
        [target.lead_id],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
    )?;
    if (status, substatus) != (page.status.clone(), page.substatus.clone()) || !fetched {
        return Ok(false);
    }
    if let Some(guide) = guide {
        let wanted = match guide {
            ActionGuide::NotRequired => None,
            required => Some(serde_json::to_string(required)?),
        };
        if guide_json != wanted {
            return Ok(false);
        }
    }
    if lead.contact.name.is_none()
        && page
            .messages
            .iter()
            .any(|m| m.from_buyer && m.from_name.is_some())
    {
        return Ok(false);
    }
    for message in &page.messages {
        let Some(stored) =
            super::messages::stored_message(conn, lead.account_id, &message.meli_id)?
        else {
            return Ok(false);
        };
        let (text, json) = super::messages::stored_form(message)?;
        if !stored.is(message, &text, &json)? {
            return Ok(false);
        }
        for attachment in &message.attachments {
            let same: Option<bool> = conn
                .query_row_cached(
                    "SELECT original_name IS ?3 AND mime IS ?4 AND size IS ?5 FROM attachments
                     WHERE message_seq = ?1 AND meli_filename = ?2",
                    params![
                        stored.seq,
                        attachment.filename,
                        attachment.original_filename,
                        attachment.mime,
                        attachment.size
                    ],
                    |r| r.get(0),
                )
                .optional()?;
            if same != Some(true) {
                return Ok(false);
            }
        }
    }
    let marked = cursors::get(
        conn,
        lead.account_id,
        &conversation_cursor(target.conversation_id),
    )?;
    if marked.as_deref() != Some("done") {
        return Ok(false);
    }
    let failed: bool = conn.query_row_cached(
        "SELECT EXISTS (SELECT 1 FROM chat_failures WHERE account_id = ?1 AND conversation_id = ?2)",
        params![lead.account_id, target.conversation_id],
        |r| r.get(0),
    )?;
    Ok(!failed && super::messages::summary_is_current(conn, target.lead_id)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::testing::{
        api_conversation, api_message, now, store_with_a_paid_lead, SELLER,
    };
    use crate::store::{chat_failures, messages};
    use serde_json::{json, Value};

    fn page(messages: Vec<Value>) -> IncomingConversation {
        IncomingConversation::from_api(&api_conversation(messages), SELLER)
    }

    fn chat() -> Vec<Value> {
        let mut with_file = api_message("m2", true, "Mando la foto", 2);
        with_file["message_attachments"] = json!([{"filename": "f1.jpg",
            "original_filename": "foto.jpg", "type": "image/jpeg", "size": 1200}]);
        vec![
            api_message("m3", false, "Gracias", 3),
            with_file,
            api_message("m1", true, "Hola", 1),
        ]
    }

    /// Of Mercado Libre's unread list, only the conversations whose count moved (or came
    /// without one) are named; conversations the cache does not hold are left out.
    #[test]
    fn the_unread_list_names_only_the_chats_whose_count_moved() {
        let (_dir, store, lead) = store_with_a_paid_lead();
        let conversation = store
            .read(|c| target(c, lead))
            .expect("reads")
            .expect("a target")
            .conversation_id;
        store
            .write(|tx| messages::apply_page(tx, lead, &page(chat())).map(|_| ()))
            .expect("stores two unread buyer messages");
        let moved = |unread: &[(i64, Option<u64>)]| -> Vec<i64> {
            store
                .read(|c| unread_moved(c, 1, unread))
                .expect("checks")
                .into_iter()
                .map(|t| t.lead_id)
                .collect()
        };
        assert!(moved(&[]).is_empty());
        assert!(moved(&[(conversation, Some(2))]).is_empty(), "as cached");
        assert_eq!(moved(&[(conversation, Some(3))]), [lead], "one more");
        assert_eq!(moved(&[(conversation, Some(0))]), [lead], "read elsewhere");
        assert_eq!(moved(&[(conversation, None)]), [lead], "no count");
        assert!(
            moved(&[(conversation + 999, Some(1))]).is_empty(),
            "not cached"
        );
        assert_eq!(
            moved(&[(conversation + 999, None), (conversation, Some(1))]),
            [lead]
        );
    }

    /// The read-only check says "unchanged" exactly when storing the read writes nothing.
    #[test]
    fn a_chat_is_unchanged_only_when_storing_it_would_write_nothing() {
        let (_dir, store, lead) = store_with_a_paid_lead();
        let target = store
            .read(|c| target(c, lead))
            .expect("reads")
            .expect("a target");
        let stored = page(chat());
        store
            .write(|tx| {
                messages::apply_page(tx, lead, &stored)?;
                conversation::set_action_guide(tx, lead, &ActionGuide::NotRequired)?;
                mark_conversation_synced(tx, 1, target.conversation_id, now())
            })
            .expect("stores");
        let unchanged = |incoming: &IncomingConversation, guide: Option<&ActionGuide>| {
            store
                .read(|c| conversation_unchanged(c, &target, incoming, guide))
                .expect("checks")
        };
        assert!(unchanged(&stored, Some(&ActionGuide::NotRequired)));
        assert!(unchanged(&stored, None));
        // Whatever a re-read can bring makes it a change.
        let mut read = chat();
        read[2]["message_date"]["read"] = json!("2026-05-01T12:05:00.000Z");
        assert!(!unchanged(&page(read), None), "read on Mercado Libre");
        let mut moderated = chat();
        moderated[0]["status"] = json!("moderated");
        assert!(!unchanged(&page(moderated), None), "a status");
        let mut extra = chat();
        extra[0]["subject"] = json!("otro");
        assert!(
            !unchanged(&page(extra), None),
            "a field only the raw JSON keeps"
        );
        let mut file = chat();
        file[1]["message_attachments"][0]["size"] = json!(1300);
        assert!(!unchanged(&page(file), None), "an attachment");
        let mut newer = chat();
        newer.insert(0, api_message("m4", true, "¿Y?", 4));
        assert!(!unchanged(&page(newer), None), "a new message");
        let mut blocked = stored.clone();
        blocked.status = Some("blocked".into());
        assert!(!unchanged(&blocked, None), "the conversation's status");
        let guide = ActionGuide::Required { options: vec![] };
        assert!(!unchanged(&stored, Some(&guide)), "the guide");

        let failure = chat_failures::Failure {
            code: "server_error".into(),
            status: Some(500),
            detail: "no".into(),
        };
        store
            .write(|tx| {
                chat_failures::record(
                    tx,
                    1,
                    &target,
                    &failure,
                    now(),
                    std::time::Duration::from_secs(60),
                    std::time::Duration::from_secs(600),
                )
                .map(|_| ())
            })
            .expect("a failure");
        assert!(!unchanged(&stored, None), "a failure to clear");
        store
            .write(|tx| chat_failures::clear(tx, 1, target.conversation_id).map(|_| ()))
            .expect("cleared");
        assert!(unchanged(&stored, None));
        store
            .write(|tx| {
                tx.execute("UPDATE leads SET unread_count = 7 WHERE id = ?1", [lead])?;
                Ok(())
            })
            .expect("a stale summary");
        assert!(!unchanged(&stored, None), "a summary to refresh");
        let changes = store
            .write(|tx| {
                let start = tx.total_changes();
                messages::apply_page(tx, lead, &stored)?;
                Ok(tx.total_changes() - start)
            })
            .expect("stores");
        assert!(changes > 0);
        assert!(unchanged(&stored, None));
    }
}
