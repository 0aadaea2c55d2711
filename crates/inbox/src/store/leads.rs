//! Leads in the store: created and re-derived from their orders, moved and archived by the
//! seller. Every write compares first, so replaying a sync page writes nothing.

use super::cached::CachedStatements;
use std::collections::HashMap;

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};

use super::stages::{column_id, system_stage_id};
use super::{from_millis, to_millis};
use crate::error::{InboxError, Result};
use crate::pipeline::archive::{reopens, Activity};
use crate::pipeline::lead::{snapshot, CLAIM_TAG};
use crate::pipeline::placement::{check_move, column_after_sync};
use crate::pipeline::{Column, Contact, LeadKey, Order, SystemStage};

/// The lead's state as stored, for comparing before writing.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct LeadRow {
    pub id: i64,
    pub account_id: i64,
    pub key: LeadKey,
    pub contact: Contact,
    pub system_stage: SystemStage,
    pub stage_id: i64,
    pub tags: String,
    pub total_cents: Option<i64>,
    pub currency: Option<String>,
    pub card_json: String,
    pub created_at: Option<i64>,
    pub orders_updated_at: Option<i64>,
    pub activity_at: i64,
    pub last_message_at: Option<i64>,
    pub archived_at: Option<i64>,
}

const ROW_COLUMNS: &str =
    "id, account_id, conversation_id, is_pack, buyer_id, buyer_nickname, buyer_name,
    system_stage, stage_id, tags, total_cents, currency, card_json, created_at, orders_updated_at,
    activity_at, last_message_at, archived_at";

fn row_to_lead(r: &rusqlite::Row) -> rusqlite::Result<LeadRow> {
    let stage: String = r.get(7)?;
    Ok(LeadRow {
        id: r.get(0)?,
        account_id: r.get(1)?,
        key: LeadKey::from_parts(r.get(2)?, r.get(3)?),
        contact: Contact {
            buyer_id: r.get(4)?,
            nickname: r.get(5)?,
            name: r.get(6)?,
        },
        // A key we wrote ourselves; an unknown one can only come from a newer version.
        system_stage: SystemStage::from_key(&stage).unwrap_or(SystemStage::PaymentRequired),
        stage_id: r.get(8)?,
        tags: r.get(9)?,
        total_cents: r.get(10)?,
        currency: r.get(11)?,
        card_json: r.get(12)?,
        created_at: r.get(13)?,
        orders_updated_at: r.get(14)?,
        activity_at: r.get(15)?,
        last_message_at: r.get(16)?,
        archived_at: r.get(17)?,
    })
}

pub(crate) fn load(conn: &Connection, lead_id: i64) -> Result<LeadRow> {
    conn.query_row_cached(
        &format!("SELECT {ROW_COLUMNS} FROM leads WHERE id = ?1"),
        [lead_id],
        row_to_lead,
    )
    .optional()?
    .ok_or_else(|| InboxError::NotFound(format!("lead {lead_id}")))
}

/// The account's newest lead id (0 when it has none), for the passes that look only at leads
/// added since their last call. Walked back from the newest lead (`+` keeps the account's
/// indexes out), one row in a one-account cache: `MAX(id)` over the account read every one
/// of its leads on every pass.
pub fn newest_id(conn: &Connection, account_id: i64) -> Result<i64> {
    Ok(conn.query_row_cached(
        "SELECT COALESCE((SELECT id FROM leads WHERE +account_id = ?1 ORDER BY id DESC LIMIT 1), 0)",
        params![account_id],
        |r| r.get(0),
    )?)
}

/// The lead of a conversation (`/packs/{conversation_id}`), if we have it.
pub fn find(conn: &Connection, account_id: i64, conversation_id: i64) -> Result<Option<i64>> {
    Ok(conn
        .query_row_cached(
            "SELECT id FROM leads WHERE account_id = ?1 AND conversation_id = ?2",
            params![account_id, conversation_id],
            |r| r.get(0),
        )
        .optional()?)
}

/// Finds or creates the lead for `key` (the flag says it was created); a new one starts
/// where `first` puts it and is then completed by [`rederive`].
pub(crate) fn find_or_create(
    conn: &Connection,
    account_id: i64,
    key: LeadKey,
    first: &Order,
    now: DateTime<Utc>,
) -> Result<(i64, bool)> {
    if let Some(id) = find(conn, account_id, key.conversation_id())? {
        return Ok((id, false));
    }
    let stage = crate::pipeline::status::lead_stage([first.status.as_str()], None);
    let activity = first.last_updated.or(first.date_created).unwrap_or(now);
    let id: i64 = conn.query_row_cached(
        "INSERT INTO leads (account_id, conversation_id, is_pack, buyer_id, system_stage, stage_id,
             activity_at, conversation_fetched)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, EXISTS (SELECT 1 FROM sync_cursors
             WHERE account_id = ?1 AND name = 'conv:' || ?2))
         RETURNING id",
        params![
            account_id,
            key.conversation_id(),
            key.is_pack(),
            first.buyer.id,
            stage.key(),
            system_stage_id(stage),
            to_millis(activity)
        ],
        |r| r.get(0),
    )?;
    super::recovery::apply_to_new_lead(
        conn,
        id,
        account_id,
        key.conversation_id(),
        to_millis(now),
    )?;
    Ok((id, true))
}

/// Rewrites the lead's search row from what is stored (after its contact changed).
pub(crate) fn reindex(conn: &Connection, lead_id: i64) -> Result<bool> {
    let row = load(conn, lead_id)?;
    let key = search_key(conn, &row)?;
    // Only the contact changed: the numbers and items come from the orders, which the row
    // already holds; parsing every stored order again would cost more than the whole write.
    if let Some(current) = search_row(conn, key)? {
        let wanted = (
            current.0.clone(),
            buyer_words(&row.contact),
            current.2.clone(),
        );
        return write_search_row(conn, key, Some(current), wanted);
    }
    let orders = stored_orders(conn, lead_id, &HashMap::new())?;
    index_for_search(conn, &row, &orders)
}

/// The lead's orders, in the table's order. Those in `known` (a sync page's, just parsed and
/// stored) are taken from there; only the others are unpacked and parsed again.
fn stored_orders(
    conn: &Connection,
    lead_id: i64,
    known: &HashMap<i64, Order>,
) -> Result<Vec<Order>> {
    let mut stmt =
        conn.prepare_cached("SELECT order_id, raw_packed FROM orders WHERE lead_id = ?1")?;
    let rows = stmt.query_map([lead_id], |r| {
        Ok((r.get::<_, i64>(0)?, r.get::<_, Vec<u8>>(1)?))
    })?;
    let mut orders = Vec::new();
    for row in rows {
        let (order_id, packed) = row?;
        if let Some(order) = known.get(&order_id) {
            orders.push(order.clone());
            continue;
        }
        let value = super::raw::unpack_order(&packed)?;
        match Order::from_api(&value) {
            Ok(order) => orders.push(order),
            Err(err) => tracing::warn!(lead_id, %err, "a stored order no longer parses"),
        }
    }
    Ok(orders)
}

/// Whether the conversation's status named a claim when it was last read.
fn conversation_names_a_claim(conn: &Connection, lead_id: i64) -> Result<bool> {
    let ids: Option<String> = conn.query_row_cached(
        "SELECT claim_ids FROM leads WHERE id = ?1",
        [lead_id],
        |r| r.get(0),
    )?;
    Ok(ids.is_some_and(|t| t != "[]"))
}

fn cached_buyer(conn: &Connection, buyer_id: i64) -> Result<Option<Contact>> {
    Ok(conn
        .query_row_cached(
            "SELECT nickname, first_name, last_name FROM buyers WHERE buyer_id = ?1",
            [buyer_id],
            |r| {
                let first: Option<String> = r.get(1)?;
                let last: Option<String> = r.get(2)?;
                let name = [first, last]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(" ");
                Ok(Contact {
                    buyer_id,
                    nickname: r.get(0)?,
                    name: (!name.is_empty()).then_some(name),
                })
            },
        )
        .optional()?)
}

/// Re-derives a lead from its stored orders: stage (keeping a custom stage while paid),
/// contact, tags, totals, card. `order_changed` says an order of it changed in this sync,
/// which brings an archived lead back; `known` holds orders just parsed from a sync page (see
/// [`stored_orders`]). Returns whether anything was written.
pub(crate) fn rederive(
    conn: &Connection,
    lead_id: i64,
    order_changed: bool,
    known: &HashMap<i64, Order>,
) -> Result<bool> {
    let row = load(conn, lead_id)?;
    let mut orders = stored_orders(conn, lead_id, known)?;
    if orders.is_empty() {
        return remove_if_orphan(conn, &row);
    }
    super::shipments::overlay(conn, row.account_id, &mut orders)?;
    let mut snap = snapshot(row.key, &orders, Some(row.system_stage));
    if conversation_names_a_claim(conn, lead_id)? && !snap.tags.iter().any(|t| t == CLAIM_TAG) {
        snap.tags.push(CLAIM_TAG.to_owned());
        snap.tags.sort();
    }
    let mut contact = snap.contact.clone().filled_from(&row.contact);
    if let Some(cached) = cached_buyer(conn, contact.buyer_id)? {
        contact = contact.filled_from(&cached);
    }
    let current = current_column(row.stage_id, row.system_stage);
    let column = column_after_sync(snap.stage, Some(current));
    let single_total = match snap.card.totals.as_slice() {
        [] => None,
        [first, ..] => Some(first.clone()),
    };
    let created_at = snap.card.created_at.map(to_millis);
    let orders_updated_at = snap.card.updated_at.map(to_millis);
    let activity_at = [created_at, orders_updated_at, row.last_message_at]
        .into_iter()
        .flatten()
        .max()
        .unwrap_or(row.activity_at);
    let next = LeadRow {
        contact,
        system_stage: snap.stage,
        stage_id: column_id(column),
        tags: serde_json::to_string(&snap.tags)?,
        total_cents: single_total.as_ref().map(|m| m.cents),
        currency: single_total.map(|m| m.currency),
        card_json: serde_json::to_string(&snap.card)?,
        created_at,
        orders_updated_at,
        activity_at,
        ..row.clone()
    };
    // Only a change the seller can see brings an archived lead back; a field Mercado Libre
    // touches without meaning (a new raw JSON with the same stage, tags and card) does not.
    let visible_change = (&next.system_stage, &next.tags, &next.card_json)
        != (&row.system_stage, &row.tags, &row.card_json);
    let next = match row.archived_at.and_then(from_millis) {
        Some(at) if order_changed && visible_change && reopens(at, Activity::OrderChanged) => {
            LeadRow {
                archived_at: None,
                ..next
            }
        }
        _ => next,
    };
    let fts_changed = index_for_search(conn, &next, &orders)?;
    if next == row {
        return Ok(fts_changed);
    }
    conn.execute_cached(
        "UPDATE leads SET buyer_id = ?2, buyer_nickname = ?3, buyer_name = ?4, system_stage = ?5,
             stage_id = ?6, tags = ?7, total_cents = ?8, currency = ?9, card_json = ?10,
             created_at = ?11, orders_updated_at = ?12, activity_at = ?13, archived_at = ?14
         WHERE id = ?1",
        params![
            lead_id,
            next.contact.buyer_id,
            next.contact.nickname,
            next.contact.name,
            next.system_stage.key(),
            next.stage_id,
            next.tags,
            next.total_cents,
            next.currency,
            next.card_json,
            next.created_at,
            next.orders_updated_at,
            next.activity_at,
            next.archived_at
        ],
    )?;
    Ok(true)
}

/// A lead left without orders (its order joined a pack). It goes unless it has a conversation.
fn remove_if_orphan(conn: &Connection, row: &LeadRow) -> Result<bool> {
    let has_history: bool = conn.query_row_cached(
        "SELECT EXISTS (SELECT 1 FROM messages WHERE lead_id = ?1)
             OR EXISTS (SELECT 1 FROM outbox WHERE lead_id = ?1)",
        [row.id],
        |r| r.get(0),
    )?;
    if has_history {
        return Ok(false);
    }
    conn.execute_cached(
        "DELETE FROM leads_fts WHERE rowid = (SELECT search_key FROM leads WHERE id = ?1)",
        [row.id],
    )?;
    conn.execute_cached("DELETE FROM leads WHERE id = ?1", [row.id])?;
    Ok(true)
}

/// The lead's key in `leads_fts`, allocated once from the sale's time.
fn search_key(conn: &Connection, lead: &LeadRow) -> Result<i64> {
    let existing: Option<i64> = conn.query_row_cached(
        "SELECT search_key FROM leads WHERE id = ?1",
        [lead.id],
        |r| r.get(0),
    )?;
    if let Some(key) = existing {
        return Ok(key);
    }
    let at = lead.created_at.unwrap_or(lead.activity_at);
    let key = super::time_key::next(conn, super::time_key::LEAD_SEARCH, at)?;
    conn.execute_cached(
        "UPDATE leads SET search_key = ?2 WHERE id = ?1",
        params![lead.id, key],
    )?;
    Ok(key)
}

/// Keeps the lead's search row in step: numbers, buyer, item titles.
pub(crate) fn index_for_search(
    conn: &Connection,
    lead: &LeadRow,
    orders: &[Order],
) -> Result<bool> {
    let mut numbers = vec![lead.key.conversation_id().to_string()];
    numbers.extend(orders.iter().map(|o| o.id.to_string()));
    numbers.dedup();
    let numbers = numbers.join(" ");
    let buyer = buyer_words(&lead.contact);
    let items = orders
        .iter()
        .flat_map(|o| o.items.iter().map(|i| i.title.as_str()))
        .collect::<Vec<_>>()
        .join(" · ");
    let key = search_key(conn, lead)?;
    let current = search_row(conn, key)?;
    write_search_row(conn, key, current, (numbers, buyer, items))
}

/// The buyer's words in the lead's search row: name and nickname.
fn buyer_words(contact: &Contact) -> String {
    [contact.name.as_deref(), contact.nickname.as_deref()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ")
}

type SearchRow = (String, String, String);

/// The lead's search row as stored: numbers, buyer, items.
fn search_row(conn: &Connection, key: i64) -> Result<Option<SearchRow>> {
    Ok(conn
        .query_row_cached(
            "SELECT numbers, buyer, items FROM leads_fts WHERE rowid = ?1",
            [key],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?)
}

/// Writes the search row when it differs from `current`.
fn write_search_row(
    conn: &Connection,
    key: i64,
    current: Option<SearchRow>,
    wanted: SearchRow,
) -> Result<bool> {
    if current.as_ref() == Some(&wanted) {
        return Ok(false);
    }
    if current.is_some() {
        conn.execute_cached("DELETE FROM leads_fts WHERE rowid = ?1", [key])?;
    }
    conn.execute_cached(
        "INSERT INTO leads_fts (rowid, numbers, buyer, items) VALUES (?1, ?2, ?3, ?4)",
        params![key, wanted.0, wanted.1, wanted.2],
    )?;
    Ok(true)
}

pub(crate) fn current_column(stage_id: i64, system: SystemStage) -> Column {
    if SystemStage::ALL
        .iter()
        .any(|s| system_stage_id(*s) == stage_id)
    {
        Column::System(system)
    } else {
        Column::Custom(stage_id)
    }
}

/// The seller moves a lead; refused when it contradicts Mercado Libre (see
/// [`crate::pipeline::placement`]).
pub fn move_to(conn: &Connection, lead_id: i64, target: Column) -> Result<()> {
    let row = load(conn, lead_id)?;
    if let Column::Custom(id) = target {
        let custom: bool = conn.query_row_cached(
            "SELECT EXISTS (SELECT 1 FROM stages WHERE id = ?1 AND system_key IS NULL)",
            [id],
            |r| r.get(0),
        )?;
        if !custom {
            return Err(InboxError::NotFound(format!("stage {id}")));
        }
    }
    let column = check_move(row.system_stage, target)?;
    conn.execute_cached(
        "UPDATE leads SET stage_id = ?2 WHERE id = ?1 AND stage_id <> ?2",
        params![lead_id, column_id(column)],
    )?;
    Ok(())
}

/// Archives a lead: it leaves the board, keeps its history, and comes back on new activity.
pub fn archive(conn: &Connection, lead_id: i64, now: DateTime<Utc>) -> Result<()> {
    load(conn, lead_id)?;
    conn.execute_cached(
        "UPDATE leads SET archived_at = ?2 WHERE id = ?1 AND archived_at IS NULL",
        params![lead_id, to_millis(now)],
    )?;
    Ok(())
}

pub fn unarchive(conn: &Connection, lead_id: i64) -> Result<()> {
    load(conn, lead_id)?;
    conn.execute_cached(
        "UPDATE leads SET archived_at = NULL WHERE id = ?1",
        [lead_id],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests;
