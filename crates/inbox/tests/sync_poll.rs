//! After the import, one poll brings what happened on Mercado Libre: payments, cancellations,
//! buyers' messages and the seller's own messages written on Mercado Libre's site.

mod common;

use std::time::Duration;

use common::*;
use meli_sim::{OrderStatus, SimConfig};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_poll_brings_payments_cancellations_and_messages() {
    let sim = sim(SimConfig::empty()).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let inbox = open_inbox(&dir, sim_clock(&sim));
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
    let sim = sim(SimConfig::empty()).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let inbox = open_inbox(&dir, sim_clock(&sim));
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
    tokio::time::timeout(Duration::from_secs(10), async {
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
    let note = tokio::time::timeout(Duration::from_secs(10), async {
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

    inbox.stop_sync().await;
    assert_eq!(inbox.sync_and_wait(account).await, None, "stopped");
    let before = sim.control().requests().len();
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        sim.control().requests().len(),
        before,
        "no poll after shutdown"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_idle_poll_asks_for_orders_and_unread_chats_only() {
    let sim = sim(SimConfig::empty()).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let inbox = open_inbox(&dir, sim_clock(&sim));
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
    sim.control().clear_requests();
    sync_online(&inbox, account).await;
    let mut endpoints: Vec<String> = sim
        .control()
        .requests()
        .into_iter()
        .map(|r| r.endpoint)
        .collect();
    endpoints.sort();
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
