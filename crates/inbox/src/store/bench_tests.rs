//! Size and speed of the cache at scale. The size check runs with the suite; the timing run
//! is `#[ignore]`d (minutes to build its data) and run by hand:
//! `INBOX_BENCH_MESSAGES=1000000 cargo test -p inbox --release -- --ignored --nocapture bench`.

use std::time::Instant;

use serde_json::{json, Value};

use super::testing::{api_order, now, temp_store, BUYER, SELLER};
use super::{accounts, board, conversation, leads, messages, orders, search, Store};
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

fn p99(mut samples: Vec<f64>) -> f64 {
    samples.sort_by(f64::total_cmp);
    samples[(samples.len() * 99 / 100).min(samples.len() - 1)]
}

fn time(runs: usize, mut f: impl FnMut()) -> f64 {
    let samples = (0..runs)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    p99(samples)
}

#[test]
#[ignore = "builds a large database; run by hand (see the module doc)"]
fn bench_board_conversation_and_search() {
    let total: i64 = std::env::var("INBOX_BENCH_MESSAGES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200_000);
    let (_dir, store) = temp_store();
    let started = Instant::now();
    let per_lead = (total / 20_000).max(1);
    let (_, ids) = seed(&store, 20_000, per_lead);
    let big = ids[0];
    let extra: Vec<Value> = (per_lead..2_000).map(|m| message(big, m, 0)).collect();
    store
        .write(|tx| messages::apply_page(tx, big, &conversation_of(extra)))
        .expect("big lead");
    eprintln!(
        "seeded 20,000 leads and {} messages in {:.0?}",
        per_lead * 20_000 + 2_000 - per_lead,
        started.elapsed()
    );

    let board_p99 = time(50, || {
        store
            .read(|c| board::board(c, None, board::DEFAULT_PAGE))
            .expect("board");
    });
    let mut older = None;
    let chat_p99 = time(200, || {
        let page = store
            .read(|c| conversation::page(c, big, older.as_deref(), 50))
            .expect("page");
        older = page.older_cursor;
    });
    let queries = [
        "envío",
        "factura rojo",
        "garantía",
        "seguimiento código",
        "devol",
        "urgente demora",
    ];
    let mut n = 0;
    let search_p99 = time(120, || {
        n += 1;
        store
            .read(|c| search::search(c, queries[n % queries.len()], None, None))
            .expect("search");
    });
    let mut n = 0;
    let messages_p99 = time(120, || {
        n += 1;
        let query = search::fts_query(queries[n % queries.len()], search::Prefix::LastIfLong)
            .expect("query");
        store
            .read(|c| search::search_messages(c, &query, None, i64::MAX))
            .expect("search");
    });
    let mut n = 0;
    let leads_p99 = time(120, || {
        n += 1;
        let query =
            search::fts_query(queries[n % queries.len()], search::Prefix::Every).expect("query");
        store
            .read(|c| search::search_leads(c, &query, None))
            .expect("search");
    });
    eprintln!(
        "p99: board {board_p99:.2} ms, conversation page {chat_p99:.2} ms, search {search_p99:.2} ms \
         (messages {messages_p99:.2} ms, leads {leads_p99:.2} ms)"
    );
}
