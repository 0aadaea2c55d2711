//! An armed draft through a real sync: the buyer's reply to a lead with a kept answer is
//! announced as one that can go now; the draft stays until the seller sends it.

mod common;

use std::time::Duration;

use common::*;
use meli_sim::{OrderStatus, SimConfig};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_buyers_reply_to_a_lead_with_an_armed_draft_says_it_can_go() {
    let sim = sim(SimConfig::empty()).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let inbox = open_inbox(&dir, sim_clock(&sim));
    let armed = plain_sale(&sim, OrderStatus::Paid);
    let plain = plain_sale(&sim, OrderStatus::Paid);
    let account = connected(&sim, &inbox, MLA).await;
    let armed_lead = lead_of(&inbox, account, armed.conversation_id);
    let plain_lead = lead_of(&inbox, account, plain.conversation_id);

    inbox
        .arm_draft(armed_lead, "Mañana te confirmo".into())
        .await
        .expect("arms");
    let card = inbox.lead_card(armed_lead).await.expect("card");
    assert_eq!(
        card.summary.armed_draft.as_deref(),
        Some("Mañana te confirmo")
    );

    sim.control().advance_clock(Duration::from_secs(60));
    for sale in [&armed, &plain] {
        sim.control()
            .buyer_writes(sale.conversation_id, "Hola", None)
            .expect("buyer writes");
    }
    let mut events = inbox.subscribe();
    sync_online(&inbox, account).await;
    let mut notes = Vec::new();
    while let Ok(batch) = events.try_recv() {
        notes.extend(batch.buyer_messages);
    }
    let armed_of = |lead: i64| notes.iter().find(|n| n.lead_id == lead).map(|n| n.armed);
    assert_eq!(armed_of(armed_lead), Some(true), "{notes:?}");
    assert_eq!(armed_of(plain_lead), Some(false), "{notes:?}");
    // Never sent by itself: the draft is still there, and nothing went to Mercado Libre.
    let card = inbox.lead_card(armed_lead).await.expect("card");
    assert_eq!(
        card.summary.armed_draft.as_deref(),
        Some("Mañana te confirmo")
    );
    assert!(card.summary.waiting_for_you);
    assert!(inbox.outbox(armed_lead).await.expect("outbox").is_empty());

    // Sent, it is armed no more.
    inbox
        .queue_draft(
            armed_lead,
            inbox::ipc::DraftDto {
                text: "Mañana te confirmo".into(),
                files: Vec::new(),
                guide: None,
            },
        )
        .await
        .expect("queues");
    let card = inbox.lead_card(armed_lead).await.expect("card");
    assert_eq!(card.summary.armed_draft, None);
}
