//! After the import, one poll brings what happened on Mercado Libre: payments, cancellations,
//! buyers' messages and the seller's own messages written on Mercado Libre's site.

mod common;

use std::time::Duration;

use common::*;
use meli_sim::{OrderStatus, SimConfig};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_poll_brings_payments_cancellations_and_messages() {
    let World {
        sim,
        inbox,
        dir: _dir,
    } = World::start(SimConfig::empty()).await;
    let unpaid = plain_sale(&sim, OrderStatus::PaymentRequired);
    let paid = plain_sale(&sim, OrderStatus::Paid);
    let account = connected(&sim, &inbox, MLA).await;
    let unpaid_lead = lead_of(&inbox, account, unpaid.conversation_id);
    let paid_lead = lead_of(&inbox, account, paid.conversation_id);
    assert_eq!(stage_and_tags(&inbox, unpaid_lead).0, "payment_required");
    assert_eq!(stage_and_tags(&inbox, paid_lead).0, "paid");

    // The buyer pays one and cancels the other, minutes later.
    sim.control().advance_clock(Duration::from_secs(120));
    sim.control().buyer_pays(unpaid.order_ids[0]).expect("pays");
    sim.control()
        .buyer_cancels(paid.order_ids[0])
        .expect("cancels");
    let mut events = inbox.subscribe();
    sync_online(&inbox, account).await;
    let (stage, tags) = stage_and_tags(&inbox, unpaid_lead);
    assert_eq!(stage, "paid");
    assert!(
        tags.contains("\"paid\"") && !tags.contains("not_paid"),
        "{tags}"
    );
    assert_eq!(stage_and_tags(&inbox, paid_lead).0, "canceled");
    let mut changed = Vec::new();
    while let Ok(batch) = events.try_recv() {
        changed.extend(batch.leads_changed);
    }
    assert!(changed.contains(&unpaid_lead) && changed.contains(&paid_lead));

    // The buyer writes: the message is there, unread, and announced.
    sim.control().advance_clock(Duration::from_secs(60));
    sim.control()
        .buyer_writes(unpaid.conversation_id, "Hola, ¿cuándo despachan?", None)
        .expect("buyer writes");
    let mut events = inbox.subscribe();
    sync_online(&inbox, account).await;
    let chat = inbox.conversation(unpaid_lead, None).await.expect("chat");
    let last = chat.messages.last().expect("a message");
    assert!(last.from_buyer && !last.read);
    assert_eq!(last.text, "Hola, ¿cuándo despachan?");
    assert_eq!(
        cached(&inbox, account).conversations[&(unpaid.conversation_id as i64)].1,
        1
    );
    let mut notes = Vec::new();
    while let Ok(batch) = events.try_recv() {
        notes.extend(batch.buyer_messages);
    }
    assert!(notes
        .iter()
        .any(|n| n.lead_id == unpaid_lead && n.excerpt.contains("despachan")));

    // The seller answers on Mercado Libre's own site: only a re-read of the chat shows it,
    // which the poll does for the recent chats every few minutes (not at the next poll).
    sim.control().advance_clock(Duration::from_secs(60));
    sim.control()
        .seller_writes_on_site(unpaid.conversation_id, "Mañana a primera hora")
        .expect("seller writes");
    sync_online(&inbox, account).await;
    sim.control()
        .advance_clock(inbox::sync::SyncConfig::default().recent_every);
    sync_online(&inbox, account).await;
    let chat = inbox.conversation(unpaid_lead, None).await.expect("chat");
    let last = chat.messages.last().expect("a message");
    assert!(!last.from_buyer);
    assert_eq!(last.text, "Mañana a primera hora");
    assert_eq!(chat.messages.len(), 2);

    // Polls overlap by an hour: replaying changes nothing.
    let before = cached(&inbox, account);
    sync_online(&inbox, account).await;
    assert_eq!(cached(&inbox, account), before);
    inbox.stop_sync().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_engine_polls_by_itself_and_stops_cleanly() {
    let World {
        sim,
        inbox,
        dir: _dir,
    } = World::start(SimConfig::empty()).await;
    let sale = plain_sale(&sim, OrderStatus::Paid);
    let mut events = inbox.subscribe();
    let account = inbox
        .connect_with_client(client(&sim, MLA), sync_config())
        .await
        .expect("connects");
    // The seller shortens the interval in the settings (the tests' default is an hour).
    inbox
        .set_sync_config(inbox::sync::SyncConfig {
            interval: Duration::from_millis(100),
            ..sync_config()
        })
        .await;
    // The first pass (the import) ends on its own.
    tokio::time::timeout(Duration::from_secs(60), async {
        loop {
            let batch = events.recv().await.expect("events");
            if matches!(batch.sync, Some(inbox::ipc::SyncStatus::Online { .. })) {
                return;
            }
        }
    })
    .await
    .expect("imported within the bound");
    sim.control()
        .buyer_writes(sale.conversation_id, "¿Sigue disponible?", None)
        .expect("writes");
    // No "sync now": the timer's polls bring the message and its notification.
    let note = tokio::time::timeout(Duration::from_secs(60), async {
        loop {
            let batch = events.recv().await.expect("events");
            if let Some(note) = batch.buyer_messages.into_iter().next() {
                return note;
            }
        }
    })
    .await
    .expect("a notification within the bound");
    assert_eq!(note.lead_id, lead_of(&inbox, account, sale.conversation_id));
    assert!(note.excerpt.contains("disponible"));

    // The timer keeps polling by itself: the log shows two more polls, with no one asking.
    let mark = sim.control().requests().len();
    until_logged(&sim, "two polls by the timer", |log| {
        log[mark..]
            .iter()
            .filter(|r| r.endpoint == "GET /orders/search")
            .count()
            >= 2
    })
    .await;

    // Shutdown ends the loop and waits for it: no pass is left to start, none in flight.
    inbox.stop_sync().await;
    assert_eq!(inbox.sync_and_wait(account).await, None, "stopped");
    inbox.sync_now(Some(account));
    // Two requests of the test's own: whatever the engine had under way when it stopped arrived
    // before the first; nothing of the engine's arrives after it.
    let me = client(&sim, MLA);
    me.me().await.expect("me");
    me.me().await.expect("me");
    let log = sim.control().requests();
    let mine: Vec<u64> = log
        .iter()
        .filter(|r| r.endpoint == "GET /users/me")
        .map(|r| r.elapsed_ms)
        .collect();
    let [.., first, _] = mine[..] else {
        panic!("the test's requests are not in the log: {mine:?}")
    };
    let after: Vec<&str> = log
        .iter()
        .filter(|r| r.elapsed_ms > first && r.endpoint != "GET /users/me")
        .map(|r| r.endpoint.as_str())
        .collect();
    assert!(after.is_empty(), "polled after shutdown: {after:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_idle_poll_asks_for_orders_and_unread_chats_only() {
    let World {
        sim,
        inbox,
        dir: _dir,
    } = World::start(SimConfig::empty()).await;
    for _ in 0..5 {
        let sale = plain_sale(&sim, OrderStatus::Paid);
        sim.control()
            .buyer_writes(sale.conversation_id, "¿Hay stock?", None)
            .expect("writes");
    }
    let account = connected(&sim, &inbox, MLA).await;
    // One poll re-reads the recent chats; the next ones, a minute apart, do not.
    sync_online(&inbox, account).await;
    sim.control().advance_clock(Duration::from_secs(60));
    let endpoints = pass_endpoints(&sim, &inbox, account).await;
    // Pre-sale questions cost one more: a page of unanswered ones (tests/questions.rs).
    assert_eq!(
        endpoints,
        [
            "GET /messages/unread",
            "GET /orders/search",
            "GET /questions/search"
        ],
        "an idle poll"
    );
    inbox.stop_sync().await;
}

/// Every row of the cache, FTS indexes' own tables included, as text: what a pass wrote
/// shows as a difference.
fn cache_rows(inbox: &inbox::Inbox) -> Vec<String> {
    inbox
        .store()
        .read(|c| {
            let tables: Vec<String> = {
                let mut stmt = c.prepare(
                    "SELECT name FROM sqlite_master WHERE type = 'table'
                     AND name NOT LIKE 'sqlite_%'
                     AND name NOT IN ('leads_fts', 'messages_fts', 'questions_fts')
                     ORDER BY name",
                )?;
                let rows = stmt.query_map([], |r| r.get(0))?;
                rows.collect::<rusqlite::Result<_>>()?
            };
            let mut out = Vec::new();
            for table in tables {
                let mut stmt = c.prepare(&format!("SELECT * FROM {table}"))?;
                let width = stmt.column_count();
                let rows = stmt.query_map([], |r| {
                    let values = (0..width)
                        .map(|i| {
                            r.get::<_, rusqlite::types::Value>(i)
                                .map(|v| format!("{v:?}"))
                        })
                        .collect::<rusqlite::Result<Vec<_>>>()?;
                    Ok(format!("{table}: {}", values.join(" | ")))
                })?;
                for row in rows {
                    out.push(row?);
                }
            }
            Ok(out)
        })
        .expect("the cache's rows")
}

/// The periodic re-read of the recent chats, with nothing new in them, writes nothing but
/// the sync's cursors: no message rewritten with its own values, no FTS index churn (counted
/// by SQLite itself, triggers included).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn recent_chats_read_again_unchanged_write_nothing() {
    let World {
        sim,
        inbox,
        dir: _dir,
    } = World::start(SimConfig::bulk(40, 6)).await;
    let config = inbox::sync::SyncConfig {
        history_days: 365,
        ..sync_config()
    };
    let account = inbox
        .connect_with_client(client(&sim, MLA), config.clone())
        .await
        .expect("connects");
    sync_online(&inbox, account).await;
    for _ in 0..2 {
        sim.control().advance_clock(config.recent_every);
        sim.control().clear_requests();
        let before = cache_rows(&inbox);
        let rows_before = inbox.store().rows_written().expect("rows");
        sync_online(&inbox, account).await;
        let rows = inbox.store().rows_written().expect("rows") - rows_before;
        let chats = sim
            .control()
            .requests()
            .iter()
            .filter(|r| r.endpoint.contains("/messages/packs/"))
            .count();
        assert_eq!(chats, 20, "the recent chats were read again");
        let after = cache_rows(&inbox);
        let changed: Vec<_> = after.iter().filter(|r| !before.contains(r)).collect();
        assert!(
            changed.iter().all(|r| r.starts_with("sync_cursors: ")),
            "{changed:#?}"
        );
        assert_eq!(rows, changed.len() as u64, "{changed:#?}");
    }
}
