//! A lead's conversation as the chat shows it, marking it read, and the facts the send rules
//! need.

use super::cached::CachedStatements;
use rusqlite::{params, Connection, OptionalExtension};

use super::{accounts, leads, millis_to_text, outbox};
use crate::error::{InboxError, Result};
use crate::ipc::{AttachmentDto, ConversationPage, MessageDto, Moderation};
use crate::rules::{ActionGuide, Author, ConversationFacts, LeadFacts};

pub const PAGE_SIZE: u32 = 50;

fn decode_cursor(text: &str) -> Result<i64> {
    text.parse()
        .map_err(|_| InboxError::InvalidInput(format!("cursor {text:?}")))
}

/// The `limit` messages before `older_than` (the newest when `None`), oldest first, with
/// the lead's unsent drafts. Served by `messages_by_lead (lead_id, seq)`.
pub fn page(
    conn: &Connection,
    lead_id: i64,
    older_than: Option<&str>,
    limit: u32,
) -> Result<ConversationPage> {
    leads::load(conn, lead_id)?;
    let before = older_than
        .map(decode_cursor)
        .transpose()?
        .unwrap_or(i64::MAX);
    let mut stmt = conn.prepare_cached(
        "SELECT seq, meli_id, from_buyer, text, created_at, read_at, status, moderation_status,
                moderation_reason, (SELECT read_upto_seq FROM leads WHERE id = ?1)
         FROM messages WHERE lead_id = ?1 AND seq < ?2 ORDER BY seq DESC LIMIT ?3",
    )?;
    let rows = stmt.query_map(params![lead_id, before, i64::from(limit) + 1], |r| {
        let seq: i64 = r.get(0)?;
        let from_buyer: bool = r.get(2)?;
        let read_at: Option<i64> = r.get(5)?;
        let read_upto: i64 = r.get(9)?;
        let moderation_status: Option<String> = r.get(7)?;
        Ok((
            seq,
            MessageDto {
                id: r.get(1)?,
                from_buyer,
                text: r.get(3)?,
                created_at: millis_to_text(r.get(4)?).unwrap_or_default(),
                read: read_at.is_some() || (from_buyer && seq <= read_upto),
                status: r.get(6)?,
                moderation: moderation_status.map(|status| Moderation {
                    status,
                    reason: r.get(8).ok().flatten(),
                }),
                attachments: Vec::new(),
            },
        ))
    })?;
    let mut messages: Vec<(i64, MessageDto)> = rows.collect::<rusqlite::Result<_>>()?;
    let older_cursor = if messages.len() > limit as usize {
        messages.truncate(limit as usize);
        messages.last().map(|(seq, _)| seq.to_string())
    } else {
        None
    };
    messages.reverse();
    attach_files(conn, &mut messages)?;
    Ok(ConversationPage {
        messages: messages.into_iter().map(|(_, m)| m).collect(),
        older_cursor,
        outbox: outbox::unsent_for_lead(conn, lead_id)?,
    })
}

fn attach_files(conn: &Connection, messages: &mut [(i64, MessageDto)]) -> Result<()> {
    let (Some(first), Some(last)) = (messages.first(), messages.last()) else {
        return Ok(());
    };
    let mut stmt = conn.prepare_cached(
        "SELECT message_seq, id, original_name, mime, size, local_name FROM attachments
         WHERE message_seq BETWEEN ?1 AND ?2 ORDER BY id",
    )?;
    let rows = stmt.query_map(params![first.0, last.0], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            AttachmentDto {
                id: r.get(1)?,
                original_name: r.get(2)?,
                mime: r.get(3)?,
                size: r.get(4)?,
                downloaded: r.get::<_, Option<String>>(5)?.is_some(),
                // The cache's file name; the facade, which knows the cache, makes it a path.
                path: r.get(5)?,
            },
        ))
    })?;
    for row in rows {
        let (seq, attachment) = row?;
        if let Ok(i) = messages.binary_search_by_key(&seq, |(s, _)| *s) {
            messages[i].1.attachments.push(attachment);
        }
    }
    Ok(())
}

/// The seller opened the chat: its buyer messages count as read here. (Telling Mercado
/// Libre is the sync's job: a GET of the conversation without `mark_as_read=false`.)
pub fn mark_read(conn: &Connection, lead_id: i64) -> Result<bool> {
    leads::load(conn, lead_id)?;
    let changed = conn.execute(
        "UPDATE leads SET read_upto_seq = COALESCE((SELECT MAX(seq) FROM messages WHERE lead_id = ?1), 0),
             unread_count = 0
         WHERE id = ?1 AND (unread_count <> 0
             OR read_upto_seq <> COALESCE((SELECT MAX(seq) FROM messages WHERE lead_id = ?1), 0))",
        [lead_id],
    )?;
    Ok(changed > 0)
}

/// What [`crate::rules::may_send`] needs about a lead and its conversation. A draft waiting
/// in the outbox counts as the seller's last message: it will reach the buyer.
/// The Mercado Libre site ("MLA", "MLB"…) of the lead's account: the linter reads phone
/// numbers and postal codes as that country writes them.
pub fn lead_site(conn: &Connection, lead_id: i64) -> Result<String> {
    conn.query_row_cached(
        "SELECT a.site_id FROM leads l JOIN accounts a ON a.id = l.account_id WHERE l.id = ?1",
        [lead_id],
        |r| r.get(0),
    )
    .optional()?
    .ok_or_else(|| crate::InboxError::NotFound(format!("lead {lead_id}")))
}

pub fn send_facts(conn: &Connection, lead_id: i64) -> Result<(LeadFacts, ConversationFacts)> {
    let lead = leads::load(conn, lead_id)?;
    let account = accounts::get(conn, lead.account_id)?;
    let (status, substatus, guide_json): (Option<String>, Option<String>, Option<String>) = conn.query_row_cached(
        "SELECT conversation_status, conversation_substatus, action_guide_json FROM leads WHERE id = ?1",
        [lead_id],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )?;
    let (any, buyer_wrote): (bool, bool) = conn.query_row_cached(
        "SELECT EXISTS (SELECT 1 FROM messages WHERE lead_id = ?1),
                EXISTS (SELECT 1 FROM messages WHERE lead_id = ?1 AND from_buyer = 1)",
        [lead_id],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    let last_counted: Option<(i64, bool)> = conn
        .query_row_cached(
            "SELECT seq, from_buyer FROM messages
             WHERE lead_id = ?1 AND (from_buyer = 1 OR (status NOT IN ('moderated', 'rejected')
                 AND moderation_status IS NOT 'rejected'))
             ORDER BY seq DESC LIMIT 1",
            [lead_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let queued = outbox::has_queued(conn, lead_id)?;
    let last_author = if queued {
        Some(Author::Seller)
    } else {
        last_counted.map(|(_, from_buyer)| {
            if from_buyer {
                Author::Buyer
            } else {
                Author::Seller
            }
        })
    };
    let action_guide = match guide_json {
        Some(json) => serde_json::from_str::<ActionGuide>(&json)?,
        None => ActionGuide::NotRequired,
    };
    Ok((
        LeadFacts {
            stage: lead.system_stage,
            source: account.state,
        },
        ConversationFacts {
            is_empty: !any && !queued,
            buyer_has_written: buyer_wrote,
            last_author,
            blocked: (status.as_deref() == Some("blocked")).then_some(substatus),
            action_guide,
        },
    ))
}

/// What the action guide said for this lead when it was last read (`NotRequired` when the
/// seller may write freely).
pub fn action_guide(conn: &Connection, lead_id: i64) -> Result<ActionGuide> {
    let json: Option<Option<String>> = conn
        .query_row_cached(
            "SELECT action_guide_json FROM leads WHERE id = ?1",
            params![lead_id],
            |row| row.get(0),
        )
        .optional()?;
    match json {
        None => Err(InboxError::NotFound(format!("lead {lead_id}"))),
        Some(None) => Ok(ActionGuide::NotRequired),
        Some(Some(json)) => Ok(serde_json::from_str(&json)?),
    }
}

/// Stores what the action guide said for this lead (the sync reads it when the seller must
/// start the conversation through a reason to communicate). Returns whether it changed.
pub fn set_action_guide(conn: &Connection, lead_id: i64, guide: &ActionGuide) -> Result<bool> {
    let json = match guide {
        ActionGuide::NotRequired => None,
        required => Some(serde_json::to_string(required)?),
    };
    let changed = conn.execute_cached(
        "UPDATE leads SET action_guide_json = ?2 WHERE id = ?1 AND action_guide_json IS NOT ?2",
        params![lead_id, json],
    )?;
    Ok(changed > 0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::{GuideOption, OptionKind};
    use crate::store::testing::store_with_a_paid_lead;

    #[test]
    fn the_stored_guide_keeps_template_texts_and_reads_guides_stored_without_them() {
        let (_dir, store, lead) = store_with_a_paid_lead();
        let guide = ActionGuide::Required {
            options: vec![GuideOption {
                id: "REQUEST_BILLING_INFO".into(),
                enabled: true,
                kind: OptionKind::Template {
                    template_ids: vec!["TEMPLATE___REQUEST_BILLING_INFO___MLA".into()],
                    texts: [(
                        "TEMPLATE___REQUEST_BILLING_INFO___MLA".to_owned(),
                        "Para adjuntarte la factura…\n- DNI".to_owned(),
                    )]
                    .into(),
                    needs_values: Vec::new(),
                },
                cap_available: 1,
            }],
        };
        let stored = |guide: &ActionGuide| {
            store
                .write(|tx| set_action_guide(tx, lead, guide))
                .expect("stored")
        };
        assert!(stored(&guide), "a new guide is a change");
        assert!(!stored(&guide), "the same guide again is not");
        assert_eq!(store.read(|c| action_guide(c, lead)).expect("read"), guide);

        // A guide stored before texts were kept still reads, with no text.
        store
            .write(|tx| {
                tx.execute(
                    r#"UPDATE leads SET action_guide_json = '{"Required":{"options":[{"id":"OTHER","enabled":true,"kind":{"Template":{"template_ids":["T1"]}},"cap_available":0}]}}' WHERE id = ?1"#,
                    [lead],
                )?;
                Ok(())
            })
            .expect("old json");
        let ActionGuide::Required { options } =
            store.read(|c| action_guide(c, lead)).expect("read")
        else {
            panic!("required");
        };
        assert_eq!(
            options[0].kind,
            OptionKind::Template {
                template_ids: vec!["T1".into()],
                texts: Default::default(),
                needs_values: Vec::new(),
            }
        );
        assert_eq!(options[0].cap_available, 0);
    }
}
