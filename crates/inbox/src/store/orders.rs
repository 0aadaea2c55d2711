//! Orders from a sync page, folded into leads.

use super::cached::CachedStatements;
use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use serde_json::Value;

use super::{leads, to_millis};
use crate::error::Result;
use crate::pipeline::{LeadKey, Order};

/// What a page changed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PageOutcome {
    /// Leads created or changed (stage, tags, contact, card…), for the UI's refresh.
    pub changed_leads: Vec<i64>,
    /// Orders that could not be read (logged).
    pub skipped: usize,
}

/// A `206 Partial Content` page lacks the fields `missing` names (`X-Content-Missing`): each
/// order takes them from the copy already cached, so a partial answer never blanks what a
/// complete one said (the buyer, the shipping id…). A field the cache lacks too stays out.
pub fn keep_cached_fields(
    conn: &Connection,
    account_id: i64,
    page: &mut [Value],
    missing: &[String],
) -> Result<()> {
    if missing.is_empty() {
        return Ok(());
    }
    for raw in page.iter_mut() {
        let Some(id) = crate::pipeline::order::id_of(raw.get("id")) else {
            continue;
        };
        let cached: Option<Vec<u8>> = conn
            .query_row_cached(
                "SELECT raw_packed FROM orders WHERE account_id = ?1 AND order_id = ?2",
                params![account_id, id],
                |r| r.get(0),
            )
            .optional()?;
        let Some(cached) = cached.and_then(|p| super::raw::unpack_order(&p).ok()) else {
            continue;
        };
        let Some(map) = raw.as_object_mut() else {
            continue;
        };
        for field in missing {
            if let Some(value) = cached.get(field.as_str()) {
                map.insert(field.clone(), value.clone());
            }
        }
    }
    Ok(())
}

/// Upserts one page of `/orders/search` results and re-derives their leads. Call it inside
/// the page's transaction; replaying the same page writes nothing.
pub fn apply_page(
    conn: &Connection,
    account_id: i64,
    page: &[Value],
    now: DateTime<Utc>,
) -> Result<PageOutcome> {
    let mut outcome = PageOutcome::default();
    // lead id → whether one of its orders changed
    let mut touched: BTreeMap<i64, bool> = BTreeMap::new();
    // The page's orders, parsed once: re-deriving a lead reads only its other orders back.
    let mut parsed: HashMap<i64, Order> = HashMap::new();
    for raw in page {
        let order = match Order::from_api(raw) {
            Ok(order) => order,
            Err(err) => {
                tracing::warn!(%err, "skipping an order the sync could not read");
                outcome.skipped += 1;
                continue;
            }
        };
        let key = LeadKey::of(&order);
        let (lead_id, created) = leads::find_or_create(conn, account_id, key, &order, now)?;
        let previous_lead: Option<i64> = conn
            .query_row_cached(
                "SELECT lead_id FROM orders WHERE account_id = ?1 AND order_id = ?2",
                params![account_id, order.id],
                |r| r.get(0),
            )
            .optional()?;
        // serde_json's maps are sorted, so the same order always packs the same way.
        let packed = super::raw::pack_order(raw)?;
        conn.execute_cached(
            "INSERT INTO orders (account_id, order_id, lead_id, status, last_updated, raw_packed,
                                 item_ids, shipping_id, tags)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
             ON CONFLICT (account_id, order_id) DO UPDATE SET lead_id = excluded.lead_id,
                 status = excluded.status, last_updated = excluded.last_updated,
                 raw_packed = excluded.raw_packed, item_ids = excluded.item_ids,
                 shipping_id = excluded.shipping_id, tags = excluded.tags
             WHERE raw_packed IS NOT excluded.raw_packed OR lead_id IS NOT excluded.lead_id",
            params![
                account_id,
                order.id,
                lead_id,
                order.status,
                order.last_updated.map(to_millis),
                packed,
                item_ids(raw),
                order.shipping_id,
                tags(raw)
            ],
        )?;
        let order_changed = conn.changes() > 0;
        *touched.entry(lead_id).or_insert(false) |= order_changed || created;
        if let Some(previous) = previous_lead.filter(|p| *p != lead_id) {
            touched.insert(previous, true);
        }
        parsed.insert(order.id, order);
    }
    for (lead_id, order_changed) in touched {
        if leads::rederive(conn, lead_id, order_changed, &parsed)? {
            outcome.changed_leads.push(lead_id);
        }
    }
    Ok(outcome)
}

/// The listing ids of an order's items, as a JSON array: what questions are linked to sales by
/// (`store::questions::link_leads`), kept beside the packed JSON so SQL can read them.
/// Each is the value of `order_items[].item.id` as sent (null when missing), the same values
/// SQLite's `json_extract` read from the raw JSON before it was packed.
pub(crate) fn item_ids(raw: &Value) -> String {
    let items: Vec<&Value> = match raw.get("order_items") {
        Some(Value::Array(list)) => list.iter().collect(),
        Some(Value::Object(map)) => map.values().collect(),
        _ => Vec::new(),
    };
    let ids: Vec<Value> = items
        .into_iter()
        .map(|e| e.pointer("/item/id").cloned().unwrap_or(Value::Null))
        .collect();
    Value::Array(ids).to_string()
}

/// The order's `tags` as a JSON array (`[]` when absent): whether Mercado Libre already said
/// `delivered`, read by SQL beside the packed JSON.
pub(crate) fn tags(raw: &Value) -> String {
    match raw.get("tags") {
        Some(tags @ Value::Array(_)) => tags.to_string(),
        _ => "[]".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::testing::{api_order, now, temp_store};
    use crate::store::{accounts, Store};

    fn dump(store: &Store) -> String {
        store
            .read(|c| {
                let mut out = String::new();
                for table in ["leads", "orders", "leads_fts"] {
                    let mut stmt = c.prepare(&format!("SELECT * FROM {table} ORDER BY 1"))?;
                    let n = stmt.column_count();
                    let mut rows = stmt.query([])?;
                    while let Some(row) = rows.next()? {
                        for i in 0..n {
                            out.push_str(&format!("{:?}|", row.get_ref(i)?));
                        }
                        out.push('\n');
                    }
                }
                Ok(out)
            })
            .expect("dumps")
    }

    #[test]
    fn replaying_a_page_changes_nothing() {
        let (_dir, store) = temp_store();
        let account = store
            .write(|tx| accounts::connect(tx, 1, "MLA", None, now()))
            .expect("account");
        let page = vec![
            api_order(1, Some(100), "paid", "Mate de calabaza"),
            api_order(2, Some(100), "payment_required", "Bombilla"),
            api_order(3, None, "cancelled", "Yerba"),
        ];
        let first = store
            .write(|tx| apply_page(tx, account, &page, now()))
            .expect("applies");
        assert_eq!(first.changed_leads.len(), 2);
        let before = dump(&store);
        let (second, changes) = store
            .write(|tx| {
                let start = tx.total_changes();
                let outcome = apply_page(tx, account, &page, now())?;
                Ok((outcome, tx.total_changes() - start))
            })
            .expect("replays");
        assert_eq!(second, PageOutcome::default());
        assert_eq!(changes, 0, "not one row written");
        assert_eq!(dump(&store), before);
    }

    #[test]
    fn a_partial_page_keeps_the_cached_fields_it_lacks() {
        let (_dir, store) = temp_store();
        let account = store
            .write(|tx| accounts::connect(tx, 1, "MLA", None, now()))
            .expect("account");
        let mut complete = api_order(1, None, "paid", "Mate");
        complete["shipping"] = serde_json::json!({ "id": 43700000001u64 });
        store
            .write(|tx| apply_page(tx, account, &[complete.clone()], now()))
            .expect("applies");
        let mut partial = complete.clone();
        partial["status"] = "partially_refunded".into();
        let map = partial.as_object_mut().expect("object");
        map.remove("buyer");
        map.remove("shipping");
        let missing = vec![
            "buyer".to_owned(),
            "shipping".to_owned(),
            "feedback".to_owned(),
        ];
        let stored: Value = store
            .write(|tx| {
                let mut page = vec![partial.clone()];
                keep_cached_fields(tx, account, &mut page, &missing)?;
                apply_page(tx, account, &page, now())?;
                let packed: Vec<u8> = tx.query_row(
                    "SELECT raw_packed FROM orders WHERE order_id = 1",
                    [],
                    |r| r.get(0),
                )?;
                crate::store::raw::unpack_order(&packed)
            })
            .expect("applies");
        assert_eq!(stored["status"], "partially_refunded", "what came is taken");
        assert_eq!(stored["buyer"], complete["buyer"], "the buyer is kept");
        assert_eq!(
            stored["shipping"], complete["shipping"],
            "the shipping id is kept"
        );
        assert!(stored.get("feedback").is_none(), "nothing is made up");
    }

    #[test]
    fn an_unreadable_order_is_skipped_not_fatal() {
        let (_dir, store) = temp_store();
        let account = store
            .write(|tx| accounts::connect(tx, 1, "MLA", None, now()))
            .expect("account");
        let page = vec![
            serde_json::json!({"status": "paid"}),
            api_order(1, None, "paid", "Mate"),
        ];
        let outcome = store
            .write(|tx| apply_page(tx, account, &page, now()))
            .expect("applies");
        assert_eq!(outcome.skipped, 1);
        assert_eq!(outcome.changed_leads.len(), 1);
    }
}
