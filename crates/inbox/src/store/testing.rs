//! Helpers for the store's tests: a real SQLite file in a temporary directory, and orders
//! and messages shaped like Mercado Libre's.

use chrono::{DateTime, TimeZone, Utc};
use serde_json::{json, Value};
use tempfile::TempDir;

use super::Store;

pub fn temp_store() -> (TempDir, Store) {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open(&dir.path().join("inbox.sqlite")).expect("store opens");
    (dir, store)
}

/// A fresh store with one account and one paid order (id 1, no pack): its lead's id.
pub fn store_with_a_paid_lead() -> (TempDir, Store, i64) {
    let (dir, store) = temp_store();
    let lead = store
        .write(|tx| {
            let account = super::accounts::connect(tx, SELLER, "MLA", None, now())?;
            super::orders::apply_page(tx, account, &[api_order(1, None, "paid", "Mate")], now())?;
            Ok(super::leads::find(tx, account, 1)?.expect("lead"))
        })
        .expect("setup");
    (dir, store, lead)
}

pub fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 5, 1, 12, 0, 0)
        .single()
        .expect("valid date")
}

pub fn at_minute(minute: i64) -> DateTime<Utc> {
    now() + chrono::Duration::minutes(minute)
}

pub const SELLER: i64 = 415458330;
pub const BUYER: i64 = 1944693439;

/// An order as `/orders/search` returns it.
pub fn api_order(id: i64, pack: Option<i64>, status: &str, title: &str) -> Value {
    json!({
        "id": id,
        "pack_id": pack,
        "status": status,
        "buyer": {"id": BUYER, "nickname": "COMPRADOR_TEST", "first_name": "María", "last_name": "Pérez"},
        "seller": {"id": SELLER},
        "order_items": [{
            "item": {"id": format!("MLA{id}"), "title": title},
            "quantity": 1, "unit_price": 1500.5, "currency_id": "ARS"
        }],
        "total_amount": 1500.5,
        "paid_amount": 1500.5,
        "currency_id": "ARS",
        "shipping": {"id": 43729529445_i64},
        "tags": if status == "paid" { json!(["paid", "not_delivered"]) } else { json!(["not_paid"]) },
        "date_created": "2026-04-30T10:00:00.000-04:00",
        "last_updated": "2026-04-30T10:05:00.000-04:00",
    })
}

/// A message as `/messages/packs/…` returns it.
pub fn api_message(id: &str, from_buyer: bool, text: &str, minute: i64) -> Value {
    let (from, to) = if from_buyer {
        (BUYER, SELLER)
    } else {
        (SELLER, BUYER)
    };
    let created = at_minute(minute).to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    json!({
        "id": id,
        "site_id": "MLA",
        "client_id": 123,
        "from": {"user_id": from.to_string(), "name": if from_buyer { "María Pérez" } else { "Tienda" }},
        "to": {"user_id": to.to_string()},
        "status": "available",
        "text": text,
        "message_date": {"received": created, "available": created, "notified": null, "created": created, "read": null},
        "message_moderation": {"status": "clean", "reason": null, "source": "online", "moderation_date": created},
        "message_attachments": null,
        "message_resources": [{"id": "2000006181551917", "name": "packs"}, {"id": SELLER.to_string(), "name": "sellers"}],
    })
}

pub fn api_conversation(messages: Vec<Value>) -> Value {
    json!({
        "paging": {"limit": 50, "offset": 0, "total": messages.len()},
        "conversation_status": {"path": "/packs/1/sellers/2", "status": "active", "substatus": null},
        "messages": messages,
        "seller_max_message_length": 350,
        "buyer_max_message_length": 3500,
    })
}
