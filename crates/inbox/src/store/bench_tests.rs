//! The cache's size against the raw JSON it keeps. Speed at scale is measured by the
//! benchmarks (`cargo xtask bench`, `benches/figures.rs`), not here.

use serde_json::{json, Value};

use super::testing::{api_order, now, temp_store, BUYER, SELLER};
use super::{accounts, leads, messages, orders, Store};
use crate::incoming::IncomingConversation;

const WORDS: &[&str] = &[
    "hola",
    "gracias",
    "envío",
    "pedido",
    "mañana",
    "factura",
    "color",
    "talle",
    "rojo",
    "azul",
    "llegó",
    "cuándo",
    "dirección",
    "correo",
    "paquete",
    "devolución",
    "garantía",
    "precio",
    "cuotas",
    "stock",
    "disponible",
    "consulta",
    "buenas",
    "tardes",
    "saludos",
    "retiro",
    "sucursal",
    "código",
    "seguimiento",
    "producto",
    "calidad",
    "medida",
    "cambio",
    "urgente",
    "perfecto",
    "excelente",
    "demora",
    "problema",
];

/// A deterministic pseudo-random sentence of Spanish-looking words.
fn sentence(seed: u64) -> String {
    let mut x = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    let len = 6 + (x >> 60) as usize;
    (0..len)
        .map(|_| {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            WORDS[(x >> 33) as usize % WORDS.len()]
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// A message shaped like the published one, with a 32-hex id as Mercado Libre's.
fn message(lead: i64, i: i64, base_minute: i64) -> Value {
    let from_buyer = i % 2 == 0;
    let (from, to) = if from_buyer {
        (BUYER, SELLER)
    } else {
        (SELLER, BUYER)
    };
    let created = (now() + chrono::Duration::minutes(base_minute + i))
        .to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    json!({
        "id": format!("{:016x}{:016x}", lead as u64, i as u64),
        "site_id": "MLA",
        "client_id": 5521,
        "from": {"user_id": from.to_string(), "name": "María Pérez"},
        "to": {"user_id": to.to_string()},
        "status": "available",
        "subject": null,
        "text": sentence((lead as u64) << 20 | i as u64),
        "message_date": {"received": created, "available": created, "notified": created, "created": created, "read": null},
        "message_moderation": {"status": "clean", "reason": null, "source": "online", "moderation_date": created},
        "message_attachments": null,
        "message_resources": [{"id": lead.to_string(), "name": "packs"}, {"id": SELLER.to_string(), "name": "sellers"}],
        "conversation_first_message": i == 0,
    })
}

fn conversation_of(messages: Vec<Value>) -> IncomingConversation {
    IncomingConversation::from_api(
        &json!({"conversation_status": {"status": "active", "substatus": null}, "messages": messages}),
        SELLER,
    )
}

fn used_bytes(store: &Store) -> i64 {
    store.checkpoint().expect("checkpoints");
    store
        .read(|tx| {
            let pages: i64 = tx.query_row("PRAGMA page_count", [], |r| r.get(0))?;
            let free: i64 = tx.query_row("PRAGMA freelist_count", [], |r| r.get(0))?;
            let size: i64 = tx.query_row("PRAGMA page_size", [], |r| r.get(0))?;
            Ok((pages - free) * size)
        })
        .expect("measures")
}

/// Seeds `leads` paid leads with `per_lead` messages each; returns the raw JSON bytes of the
/// messages and the lead ids.
fn seed(store: &Store, lead_count: i64, per_lead: i64) -> (usize, Vec<i64>) {
    let account = store
        .write(|tx| accounts::connect(tx, SELLER, "MLA", None, now()))
        .expect("account");
    let mut raw_bytes = 0;
    let mut ids = Vec::new();
    for chunk in (0..lead_count).collect::<Vec<_>>().chunks(50) {
        let page: Vec<Value> = chunk
            .iter()
            .map(|i| api_order(10_000 + i, None, "paid", &sentence(*i as u64)))
            .collect();
        store
            .write(|tx| orders::apply_page(tx, account, &page, now()))
            .expect("orders");
    }
    for i in 0..lead_count {
        let lead = store
            .read(|c| leads::find(c, account, 10_000 + i))
            .expect("finds")
            .expect("lead");
        ids.push(lead);
        if per_lead == 0 {
            continue;
        }
        let list: Vec<Value> = (0..per_lead).map(|m| message(lead, m, i % 1000)).collect();
        raw_bytes += list.iter().map(|m| m.to_string().len()).sum::<usize>();
        store
            .write(|tx| messages::apply_page(tx, lead, &conversation_of(list)))
            .expect("messages");
    }
    (raw_bytes, ids)
}

/// The benchmark's budget: the cache takes at most twice the messages' raw JSON.
#[test]
fn message_cache_is_at_most_twice_the_raw_json() {
    let (_dir, store) = temp_store();
    let (_, _) = seed(&store, 40, 0);
    let before = used_bytes(&store);
    let account = 1;
    let mut raw = 0;
    for i in 0..40 {
        let lead = store
            .read(|c| leads::find(c, account, 10_000 + i))
            .expect("finds")
            .expect("lead");
        let list: Vec<Value> = (0..100).map(|m| message(lead, m, i)).collect();
        raw += list.iter().map(|m| m.to_string().len()).sum::<usize>();
        store
            .write(|tx| messages::apply_page(tx, lead, &conversation_of(list)))
            .expect("messages");
    }
    let grown = used_bytes(&store) - before;
    let ratio = grown as f64 / raw as f64;
    eprintln!("4,000 messages: raw JSON {raw} B, cache grew {grown} B, ratio {ratio:.2}");
    assert!(ratio <= 2.0, "ratio {ratio:.2}");
}
