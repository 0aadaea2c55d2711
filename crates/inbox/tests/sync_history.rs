//! What the orders of a real account need beyond the kind simulator (issue 12, §3 and §7):
//! sites that refuse a status in the search filter, partial order answers, shipping status
//! read from the shipments, and claims.

mod common;

use std::time::Duration;

use common::*;
use inbox::Inbox;
use meli_sim::{OrderStatus, SimConfig, Simulator, SwitchChange};

/// The lead of a conversation.
fn lead_of(inbox: &Inbox, conversation: u64) -> i64 {
    inbox
        .store()
        .read(|c| {
            Ok(c.query_row(
                "SELECT id FROM leads WHERE conversation_id = ?1",
                [conversation as i64],
                |r| r.get(0),
            )?)
        })
        .expect("the lead")
}

/// The order searches logged, as (status, query).
fn searches(sim: &Simulator) -> Vec<(u16, String)> {
    sim.control()
        .requests()
        .into_iter()
        .filter(|r| r.endpoint == "GET /orders/search")
        .map(|r| (r.status, r.query.unwrap_or_default()))
        .collect()
}

fn shipment_reads(sim: &Simulator) -> usize {
    sim.control()
        .requests()
        .iter()
        .filter(|r| r.endpoint == "GET /shipments/{id}")
        .count()
}

async fn connected(sim: &Simulator, inbox: &Inbox) -> i64 {
    inbox
        .connect_with_client(client(sim, MLA), sync_config())
        .await
        .expect("connects")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_site_that_refuses_invalid_is_searched_without_it_from_then_on() {
    let World {
        sim,
        inbox,
        dir: _dir,
    } = World::start(SimConfig::empty()).await;
    let sales: Vec<_> = (0..3)
        .map(|_| plain_sale(&sim, OrderStatus::Paid))
        .collect();
    sim.control().set_switches(&SwitchChange {
        refuse_invalid_status: Some(true),
        ..Default::default()
    });
    let account = connected(&sim, &inbox).await;
    sync_online(&inbox, account).await;
    for sale in &sales {
        lead_of(&inbox, sale.conversation_id);
    }
    // A new sale after the import comes with the next poll, still without `invalid`.
    let late = plain_sale(&sim, OrderStatus::Paid);
    sync_online(&inbox, account).await;
    lead_of(&inbox, late.conversation_id);
    let logged = searches(&sim);
    let refused: Vec<_> = logged.iter().filter(|(s, _)| *s == 400).collect();
    assert_eq!(
        refused.len(),
        1,
        "refused once, remembered after: {logged:?}"
    );
    assert!(refused[0].1.contains("invalid"));
    let first = logged
        .iter()
        .position(|(s, _)| *s == 400)
        .expect("the refusal");
    assert!(
        logged[first + 1..]
            .iter()
            .all(|(s, q)| *s == 200 && !q.contains("invalid") && q.contains("cancelled")),
        "every later search leaves out only `invalid`: {logged:?}"
    );
    inbox.stop_sync().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_site_that_knows_invalid_is_searched_with_it() {
    let World {
        sim,
        inbox,
        dir: _dir,
    } = World::start(SimConfig::empty()).await;
    let sale = plain_sale(&sim, OrderStatus::Paid);
    let account = connected(&sim, &inbox).await;
    sync_online(&inbox, account).await;
    lead_of(&inbox, sale.conversation_id);
    let logged = searches(&sim);
    assert!(!logged.is_empty());
    assert!(
        logged
            .iter()
            .all(|(s, q)| *s == 200 && q.contains("invalid")),
        "{logged:?}"
    );
    inbox.stop_sync().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_partial_order_never_blanks_what_the_cache_knew() {
    let World {
        sim,
        inbox,
        dir: _dir,
    } = World::start(SimConfig::empty()).await;
    let sale = plain_sale(&sim, OrderStatus::Paid);
    let account = connected(&sim, &inbox).await;
    sync_online(&inbox, account).await;
    let lead = lead_of(&inbox, sale.conversation_id);
    let before = inbox.lead_card(lead).await.expect("card");
    assert_eq!(before.shipments.len(), 1);
    assert_eq!(before.buyer_id, sale.buyer_id.to_string());

    sim.control().set_switches(&SwitchChange {
        partial_fields: Some(vec!["buyer".into(), "shipping".into()]),
        ..Default::default()
    });
    sim.control()
        .set_order_status_to(sale.order_ids[0], OrderStatus::PartiallyRefunded)
        .expect("refunded");
    sim.control().clear_requests();
    sync_online(&inbox, account).await;
    assert!(
        sim.control()
            .requests()
            .iter()
            .any(|r| r.endpoint == "GET /orders/search" && r.status == 206),
        "the poll read the partial answer"
    );
    let raw: serde_json::Value = inbox
        .store()
        .read(|c| {
            let packed: Vec<u8> = c.query_row(
                "SELECT raw_packed FROM orders WHERE order_id = ?1",
                [sale.order_ids[0] as i64],
                |r| r.get(0),
            )?;
            inbox::store::raw::unpack_order(&packed)
        })
        .expect("the order");
    assert_eq!(raw["status"], "partially_refunded", "what came is taken");
    assert_eq!(raw["buyer"]["id"], sale.buyer_id, "the buyer is kept");
    assert_eq!(
        raw["shipping"]["id"], sale.shipment_id,
        "the shipping id is kept"
    );
    let after = inbox.lead_card(lead).await.expect("card");
    assert_eq!(after.shipments, before.shipments);
    assert_eq!(after.buyer_id, before.buyer_id);
    assert_eq!(after.orders[0].status, "partially_refunded");
    inbox.stop_sync().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shipping_status_follows_the_shipment_on_the_clock_within_the_budget() {
    let World {
        sim,
        inbox,
        dir: _dir,
    } = World::start(SimConfig::empty()).await;
    sim.control().set_switches(&SwitchChange {
        moving_shipments: Some(true),
        ..Default::default()
    });
    let sale = plain_sale(&sim, OrderStatus::Paid);
    // An unpaid sale's shipment is not read.
    let unpaid = plain_sale(&sim, OrderStatus::PaymentRequired);
    let account = connected(&sim, &inbox).await;
    sync_online(&inbox, account).await;
    let lead = lead_of(&inbox, sale.conversation_id);
    lead_of(&inbox, unpaid.conversation_id);
    let shipping = |card: &inbox::ipc::LeadCard| {
        (
            card.shipments.first().and_then(|s| s.status.clone()),
            card.summary.tags.clone(),
        )
    };
    let (status, tags) = shipping(&inbox.lead_card(lead).await.expect("card"));
    assert_eq!(status.as_deref(), Some("ready_to_ship"));
    assert!(tags.contains(&"not_delivered".to_owned()), "{tags:?}");
    let reads = sim
        .control()
        .requests()
        .into_iter()
        .filter(|r| r.endpoint == "GET /shipments/{id}")
        .collect::<Vec<_>>();
    assert_eq!(reads.len(), 1, "the paid sale's shipment only: {reads:?}");
    assert!(reads[0].path.ends_with(&sale.shipment_id.to_string()));

    // Not on every pass: until it is due again, no read.
    sim.control().clear_requests();
    sync_online(&inbox, account).await;
    sync_online(&inbox, account).await;
    assert_eq!(shipment_reads(&sim), 0);

    sim.control().advance_clock(Duration::from_secs(25 * 3600));
    sync_online(&inbox, account).await;
    let (status, tags) = shipping(&inbox.lead_card(lead).await.expect("card"));
    assert_eq!(status.as_deref(), Some("shipped"));
    assert!(tags.contains(&"not_delivered".to_owned()), "{tags:?}");

    sim.control().advance_clock(Duration::from_secs(48 * 3600));
    sync_online(&inbox, account).await;
    let card = inbox.lead_card(lead).await.expect("card");
    let (status, tags) = shipping(&card);
    assert_eq!(status.as_deref(), Some("delivered"));
    assert!(
        tags.contains(&"delivered".to_owned()) && !tags.contains(&"not_delivered".to_owned()),
        "{tags:?}"
    );
    assert_eq!(card.summary.tags, tags, "the board card says the same");

    // Delivered is the end: never read again.
    sim.control().clear_requests();
    sim.control()
        .advance_clock(Duration::from_secs(7 * 24 * 3600));
    sync_online(&inbox, account).await;
    assert_eq!(shipment_reads(&sim), 0);
    inbox.stop_sync().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lead_with_a_claim_is_tagged_claim() {
    let World {
        sim,
        inbox,
        dir: _dir,
    } = World::start(SimConfig::empty()).await;
    let sale = plain_sale(&sim, OrderStatus::Paid);
    let calm = plain_sale(&sim, OrderStatus::Paid);
    let account = connected(&sim, &inbox).await;
    sync_online(&inbox, account).await;
    let lead = lead_of(&inbox, sale.conversation_id);
    let tags = inbox.lead_card(lead).await.expect("card").summary.tags;
    assert!(!tags.contains(&"claim".to_owned()), "{tags:?}");

    let claim = sim
        .control()
        .open_claim(sale.conversation_id)
        .expect("claim");
    sim.control()
        .buyer_writes(sale.conversation_id, "Abrí un reclamo", None)
        .expect("writes");
    sync_online(&inbox, account).await;
    let tags = inbox.lead_card(lead).await.expect("card").summary.tags;
    assert!(tags.contains(&"claim".to_owned()), "{tags:?}");
    let calm_tags = inbox
        .lead_card(lead_of(&inbox, calm.conversation_id))
        .await
        .expect("card")
        .summary
        .tags;
    assert!(!calm_tags.contains(&"claim".to_owned()), "{calm_tags:?}");
    // Both the order's mediations and the conversation's status are kept for the claims work.
    let (raw, claims): (Vec<u8>, Option<String>) = inbox
        .store()
        .read(|c| {
            Ok(c.query_row(
                "SELECT o.raw_packed, l.claim_ids FROM orders o JOIN leads l ON l.id = o.lead_id
                 WHERE l.id = ?1",
                [lead],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?)
        })
        .expect("stored");
    let raw = inbox::store::raw::unpack_order(&raw).expect("json");
    assert_eq!(raw["mediations"][0]["id"], claim);
    assert_eq!(claims, Some(format!("[{claim}]")));
    inbox.stop_sync().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn more_order_changes_than_a_search_pages_through_all_arrive_at_the_next_poll() {
    let World {
        sim,
        inbox,
        dir: _dir,
    } = World::start(SimConfig::empty()).await;
    plain_sale(&sim, OrderStatus::Paid);
    let account = connected(&sim, &inbox).await;
    sync_online(&inbox, account).await;
    // A day offline: 1,200 sales, a minute apart.
    let sales: Vec<_> = (0..1_200)
        .map(|_| {
            sim.control().advance_clock(Duration::from_secs(60));
            plain_sale(&sim, OrderStatus::Paid)
        })
        .collect();
    sim.control().clear_requests();
    sync_online(&inbox, account).await;
    let orders: i64 = inbox
        .store()
        .read(|c| Ok(c.query_row("SELECT COUNT(*) FROM orders", [], |r| r.get(0))?))
        .expect("a count");
    assert_eq!(orders, 1_201, "every changed order arrived");
    for sale in [&sales[0], &sales[600], &sales[1_199]] {
        lead_of(&inbox, sale.conversation_id);
    }
    // (A day later the token is refreshed once: a 401 is expected, a 400 is not.)
    let logged = searches(&sim);
    let refused = logged.iter().filter(|(s, _)| *s == 400).count();
    assert_eq!(refused, 0, "no search pages past the cap");
    let answered = logged.iter().filter(|(s, _)| *s == 200).count();
    assert!(answered <= 1_200 / 50 + 4, "{answered} searches");
    inbox.stop_sync().await;
}
