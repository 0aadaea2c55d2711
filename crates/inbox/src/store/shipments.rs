//! Shipments as `/shipments/{id}` last described them, and when each is read again.
//!
//! Real orders carry only `shipping.id`. A paid lead's shipment is read when it was never
//! read, when one of its orders changed since, and otherwise every few hours until it ends
//! (`delivered`, `not_delivered`, `cancelled`); a few per pass, so the reads stay a small
//! share of the budget.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};

use super::cached::CachedStatements;
use super::{leads, to_millis};
use crate::error::Result;
use crate::pipeline::Order;

/// The statuses after which a shipment does not move any more, as an SQL list.
macro_rules! ended {
    () => {
        "('delivered', 'not_delivered', 'cancelled')"
    };
}

/// Leads active this recently have their shipment followed: a sale delivered long ago, or
/// one Mercado Libre already tagged `delivered`, is not worth a read (after a first import of
/// months of history that would be thousands).
const RECENT: chrono::Duration = chrono::Duration::days(30);

/// [`due`]'s question. It reads every paid lead of the account, so the sync asks it only when
/// a lead changed or a shipment's next read came (see `sync::due`).
const DUE: &str = concat!(
    "WITH paid AS (
         SELECT o.shipping_id AS sid,
                o.last_updated, l.activity_at
         FROM leads l JOIN orders o ON o.lead_id = l.id AND o.account_id = l.account_id
         WHERE l.account_id = ?1 AND l.activity_at >= ?4
           AND l.system_stage = 'paid' AND l.archived_at IS NULL
           AND NOT EXISTS (SELECT 1 FROM json_each(o.tags)
                           WHERE value = 'delivered')
     )
     SELECT p.sid, MAX(p.activity_at) AS activity
     FROM paid p
     LEFT JOIN shipments s ON s.account_id = ?1 AND s.shipment_id = p.sid
     WHERE p.sid > 0
       AND (s.shipment_id IS NULL
            OR (COALESCE(s.status, '') NOT IN ",
    ended!(),
    "
                AND (s.next_check_at IS NULL OR s.next_check_at <= ?2
                     OR p.last_updated > s.checked_at)))
     GROUP BY p.sid
     ORDER BY activity DESC, p.sid
     LIMIT ?3"
);

/// Shipments of the account's recently active paid leads due for a read, the most recently
/// active leads' first, at most `limit`.
pub fn due(conn: &Connection, account_id: i64, now: DateTime<Utc>, limit: u32) -> Result<Vec<i64>> {
    let mut stmt = conn.prepare_cached(DUE)?;
    let ids = stmt
        .query_map(
            params![account_id, to_millis(now), limit, to_millis(now - RECENT)],
            |r| r.get(0),
        )?
        .collect::<rusqlite::Result<Vec<i64>>>()?;
    Ok(ids)
}

/// The earliest time after `now` a shipment followed comes due again, if any: until then
/// (and unless a lead changes) [`due`] finds nothing new.
pub fn next_check(
    conn: &Connection,
    account_id: i64,
    now: DateTime<Utc>,
) -> Result<Option<DateTime<Utc>>> {
    let next: Option<i64> = conn.query_row_cached(
        concat!(
            "SELECT MIN(next_check_at) FROM shipments
             WHERE account_id = ?1 AND next_check_at > ?2 AND COALESCE(status, '') NOT IN ",
            ended!()
        ),
        params![account_id, to_millis(now)],
        |r| r.get(0),
    )?;
    Ok(next.and_then(DateTime::from_timestamp_millis))
}

/// Records what `/shipments/{id}` said and when to read it again; re-derives the leads
/// whose orders ship with it. Returns the leads that changed.
pub fn record(
    conn: &Connection,
    account_id: i64,
    shipment_id: i64,
    status: Option<&str>,
    substatus: Option<&str>,
    now: DateTime<Utc>,
    next_check: DateTime<Utc>,
) -> Result<Vec<i64>> {
    let status = status.map(str::to_lowercase);
    let before: Option<(Option<String>, Option<String>)> = conn
        .query_row_cached(
            "SELECT status, substatus FROM shipments WHERE account_id = ?1 AND shipment_id = ?2",
            params![account_id, shipment_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    conn.execute_cached(
        "INSERT INTO shipments (account_id, shipment_id, status, substatus, checked_at, next_check_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (account_id, shipment_id) DO UPDATE SET status = excluded.status,
             substatus = excluded.substatus, checked_at = excluded.checked_at,
             next_check_at = excluded.next_check_at",
        params![
            account_id,
            shipment_id,
            status,
            substatus,
            to_millis(now),
            to_millis(next_check)
        ],
    )?;
    let same = before.is_some_and(|(s, sub)| s == status && sub.as_deref() == substatus);
    if same {
        return Ok(Vec::new());
    }
    let mut stmt = conn.prepare_cached(
        "SELECT DISTINCT lead_id FROM orders
         WHERE account_id = ?1 AND shipping_id = ?2",
    )?;
    let lead_ids = stmt
        .query_map(params![account_id, shipment_id], |r| r.get(0))?
        .collect::<rusqlite::Result<Vec<i64>>>()?;
    let mut changed = Vec::new();
    for lead_id in lead_ids {
        if leads::rederive(conn, lead_id, false, &Default::default())? {
            changed.push(lead_id);
        }
    }
    Ok(changed)
}

/// A read that failed: the shipment waits for `next_check` and keeps what was known.
pub fn postpone(
    conn: &Connection,
    account_id: i64,
    shipment_id: i64,
    next_check: DateTime<Utc>,
) -> Result<()> {
    conn.execute_cached(
        "INSERT INTO shipments (account_id, shipment_id, next_check_at) VALUES (?1, ?2, ?3)
         ON CONFLICT (account_id, shipment_id) DO UPDATE SET next_check_at = excluded.next_check_at",
        params![account_id, shipment_id, to_millis(next_check)],
    )?;
    Ok(())
}

/// A shipment's status and substatus as last read.
type ReadStatus = (Option<String>, Option<String>);

/// Gives each order the status and substatus its shipment was last read with.
pub(crate) fn overlay(conn: &Connection, account_id: i64, orders: &mut [Order]) -> Result<()> {
    let mut read: BTreeMap<i64, Option<ReadStatus>> = BTreeMap::new();
    for order in orders.iter_mut() {
        let Some(id) = order.shipping_id else {
            continue;
        };
        if let std::collections::btree_map::Entry::Vacant(entry) = read.entry(id) {
            let row = conn
                .query_row_cached(
                    "SELECT status, substatus FROM shipments
                     WHERE account_id = ?1 AND shipment_id = ?2 AND status IS NOT NULL",
                    params![account_id, id],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?;
            entry.insert(row);
        }
        if let Some(Some((status, substatus))) = read.get(&id) {
            order.shipping_status.clone_from(status);
            order.shipping_substatus.clone_from(substatus);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::testing::{now, store_with_a_paid_lead};

    /// `api_order`'s shipment.
    const SHIPMENT: i64 = 43729529445;

    fn lead_column<T: rusqlite::types::FromSql>(conn: &Connection, lead: i64, column: &str) -> T {
        conn.query_row(
            &format!("SELECT {column} FROM leads WHERE id = ?1"),
            [lead],
            |r| r.get(0),
        )
        .expect(column)
    }

    fn tags(conn: &Connection, lead: i64) -> String {
        lead_column(conn, lead, "tags")
    }

    #[test]
    fn a_paid_lead_s_shipment_is_read_then_again_when_due_until_it_ends() {
        let (_dir, store, lead) = store_with_a_paid_lead();
        let t0 = now();
        let account: i64 = store
            .read(|c| Ok(lead_column(c, lead, "account_id")))
            .expect("account");
        let due_at = |t: DateTime<Utc>| store.read(|c| due(c, account, t, 10)).expect("due");
        assert_eq!(due_at(t0), [SHIPMENT], "never read: due");
        let six = chrono::Duration::hours(6);
        let changed = store
            .write(|tx| {
                record(
                    tx,
                    account,
                    SHIPMENT,
                    Some("shipped"),
                    Some("out_for_delivery"),
                    t0,
                    t0 + six,
                )
            })
            .expect("records");
        assert_eq!(changed, [lead]);
        assert!(
            due_at(t0 + chrono::Duration::hours(1)).is_empty(),
            "not before its time"
        );
        assert_eq!(due_at(t0 + six), [SHIPMENT]);
        let card: String = store
            .read(|c| Ok(lead_column(c, lead, "card_json")))
            .expect("card");
        assert!(card.contains("out_for_delivery"), "{card}");
        assert!(store
            .read(|c| Ok(tags(c, lead)))
            .expect("tags")
            .contains("not_delivered"));
        store
            .write(|tx| {
                record(
                    tx,
                    account,
                    SHIPMENT,
                    Some("delivered"),
                    None,
                    t0 + six,
                    t0 + six + six,
                )
            })
            .expect("records");
        let tags = store.read(|c| Ok(tags(c, lead))).expect("tags");
        assert!(
            tags.contains("\"delivered\"") && !tags.contains("not_delivered"),
            "{tags}"
        );
        assert!(
            due_at(t0 + chrono::Duration::days(30)).is_empty(),
            "delivered: never again"
        );
    }

    #[test]
    fn old_sales_and_sales_tagged_delivered_are_not_read() {
        let (_dir, store, lead) = store_with_a_paid_lead();
        let account: i64 = store
            .read(|c| Ok(lead_column(c, lead, "account_id")))
            .expect("account");
        let later = now() + chrono::Duration::days(31);
        assert!(
            store
                .read(|c| due(c, account, later, 10))
                .expect("due")
                .is_empty(),
            "a month without activity: not followed"
        );
        store
            .write(|tx| {
                tx.execute("UPDATE orders SET tags = '[\"paid\",\"delivered\"]'", [])?;
                Ok(())
            })
            .expect("tagged");
        assert!(
            store
                .read(|c| due(c, account, now(), 10))
                .expect("due")
                .is_empty(),
            "Mercado Libre already said delivered"
        );
    }
}
