//! Messages in any page order, messages the seller already read on Mercado Libre's own site,
//! and one request budget for every account of an application (issue 12, section 4).

mod common;

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use common::*;
use inbox::sync::SyncConfig;
use meli::auth::MemoryTokenStore;
use meli_sim::{OrderStatus, SimConfig, SwitchChange};

/// The tests' configuration with the rotation on: `per_minute` conversation pages a minute,
/// passes 30 s apart on the simulator's clock (the tests move it themselves).
fn rotating(per_minute: u32) -> SyncConfig {
    SyncConfig {
        rotation_reads_per_minute: per_minute,
        ..sync_config()
    }
}

const PASS: Duration = Duration::from_secs(30);

/// Whether the lead's cached conversation holds `text`, and whether that message is unread.
async fn cached_message(inbox: &inbox::Inbox, lead: i64, text: &str) -> Option<bool> {
    let chat = inbox.conversation(lead, None).await.expect("chat");
    chat.messages
        .iter()
        .find(|m| m.text == text)
        .map(|m| m.from_buyer && !m.read)
}

/// Messages cached for the lead.
fn cached_count(inbox: &inbox::Inbox, lead: i64) -> i64 {
    inbox
        .store()
        .read(|c| {
            Ok(c.query_row(
                "SELECT COUNT(*) FROM messages WHERE lead_id = ?1",
                [lead],
                |r| r.get(0),
            )?)
        })
        .expect("count")
}

async fn a_long_chat_gets_its_new_message_at_the_next_poll(oldest_first: bool) {
    let World {
        sim,
        inbox,
        dir: _dir,
    } = World::start(SimConfig::empty()).await;
    sim.control().set_switches(&SwitchChange {
        messages_oldest_first: Some(oldest_first),
        ..SwitchChange::default()
    });
    let sale = plain_sale(&sim, OrderStatus::Paid);
    for i in 0..180 {
        sim.control().advance_clock(Duration::from_secs(60));
        if i % 2 == 0 {
            sim.control()
                .buyer_writes(sale.conversation_id, &format!("Pregunta {i}"), None)
                .expect("buyer writes");
        } else {
            sim.control()
                .seller_writes_on_site(sale.conversation_id, &format!("Respuesta {i}"))
                .expect("seller writes");
        }
    }
    let account = connected(&sim, &inbox, MLA).await;
    let lead = lead_of(&inbox, account, sale.conversation_id);
    assert_eq!(cached_count(&inbox, lead), 180, "the import reads it all");

    for round in 0..2 {
        sim.control().advance_clock(Duration::from_secs(60));
        let text = format!("¿Y el envío? ({round})");
        sim.control()
            .buyer_writes(sale.conversation_id, &text, None)
            .expect("buyer writes");
        sim.control().clear_requests();
        sync_online(&inbox, account).await;
        assert_eq!(
            cached_message(&inbox, lead, &text).await,
            Some(true),
            "oldest first: {oldest_first}, round {round}"
        );
        let pages = sim
            .control()
            .requests()
            .iter()
            .filter(|r| r.path.starts_with("/messages/packs/"))
            .count();
        // The first page, and (oldest first) the newest page: never the whole chat.
        assert!(pages <= 2, "{pages} pages read for one new message");
    }
    assert_eq!(cached_count(&inbox, lead), 182);
    inbox.stop_sync().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_buyer_message_in_a_180_message_chat_arrives_with_pages_newest_first() {
    a_long_chat_gets_its_new_message_at_the_next_poll(false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_buyer_message_in_a_180_message_chat_arrives_with_pages_oldest_first() {
    a_long_chat_gets_its_new_message_at_the_next_poll(true).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_message_read_on_the_site_on_an_old_lead_arrives_within_the_rotation_s_round() {
    let World {
        sim,
        inbox,
        dir: _dir,
    } = World::start(SimConfig::empty()).await;
    // 40 chats, the oldest far from the 20 most recent; 20 pages a minute: 10 a pass, so a
    // round is 4 passes.
    let mut chats = Vec::new();
    for i in 0..40 {
        sim.control().advance_clock(Duration::from_secs(60));
        let sale = plain_sale(&sim, OrderStatus::Paid);
        sim.control()
            .buyer_writes(sale.conversation_id, &format!("Consulta {i}"), None)
            .expect("writes");
        chats.push(sale.conversation_id);
    }
    let config = rotating(20);
    let per_pass = 10;
    let round = 40usize.div_ceil(per_pass);
    let account = inbox
        .connect_with_client(client(&sim, MLA), config.clone())
        .await
        .expect("connects");
    sync_online(&inbox, account).await;

    // Unchanged chats read again by the rotation write nothing but the sync's cursors.
    for _ in 0..2 {
        sim.control().advance_clock(PASS);
        sim.control().clear_requests();
        let rows_before = inbox.store().rows_written().expect("rows");
        sync_online(&inbox, account).await;
        let rows = inbox.store().rows_written().expect("rows") - rows_before;
        let read = sim
            .control()
            .requests()
            .iter()
            .filter(|r| r.path.starts_with("/messages/packs/"))
            .count();
        assert_eq!(read, per_pass, "the rotation's share of a pass");
        // The orders' cursor and the rotation's position.
        assert!(rows <= 2, "{rows} rows written by unchanged re-reads");
    }

    // The buyer writes on the oldest lead, and the seller reads it on Mercado Libre's site
    // before the inbox polls: it is not unread any more.
    let oldest = chats[0];
    let lead = lead_of(&inbox, account, oldest);
    sim.control().advance_clock(Duration::from_secs(10));
    sim.control()
        .buyer_writes(oldest, "¿Me pasás el número de seguimiento?", None)
        .expect("writes");
    sim.control().seller_reads_on_site(oldest).expect("reads");
    assert_eq!(sim.control().seller_unread(oldest).expect("unread"), 0);
    let mut passes = 0;
    let mut chat_reads = 0;
    // The rotation earns its share by the clock: 10 s, then a pass's 30 s each.
    let mut earned_secs = 10;
    while cached_message(&inbox, lead, "¿Me pasás el número de seguimiento?")
        .await
        .is_none()
    {
        passes += 1;
        assert!(
            passes <= round,
            "not there after {passes} passes (a round is {round})"
        );
        sim.control().advance_clock(PASS);
        earned_secs += PASS.as_secs() as usize;
        sim.control().clear_requests();
        sync_online(&inbox, account).await;
        chat_reads += sim
            .control()
            .requests()
            .iter()
            .filter(|r| r.path.starts_with("/messages/packs/"))
            .count();
    }
    assert_eq!(
        cached_message(&inbox, lead, "¿Me pasás el número de seguimiento?").await,
        Some(false),
        "read on the site: not unread here either"
    );
    let earned = 20 * earned_secs / 60;
    assert!(
        chat_reads <= earned,
        "{chat_reads} chat reads in {passes} passes, {earned} earned"
    );

    // The rotation's position survives a restart: the next engine goes on from it rather
    // than from the first chat again.
    let position = |inbox: &inbox::Inbox| {
        inbox
            .store()
            .read(|c| inbox::store::cursors::get(c, account, "poll.rotation"))
            .expect("cursor")
            .expect("the rotation's position is kept")
    };
    let kept = position(&inbox);
    inbox.stop_sync().await;
    inbox
        .resume_account(account, client(&sim, MLA), config)
        .await
        .expect("resumes");
    sim.control().advance_clock(PASS);
    sim.control().clear_requests();
    sync_online(&inbox, account).await;
    let read: HashSet<String> = sim
        .control()
        .requests()
        .iter()
        .filter(|r| r.path.starts_with("/messages/packs/"))
        .map(|r| r.path.clone())
        .collect();
    let after: serde_json::Value = serde_json::from_str(&kept).expect("position json");
    let after = after["after"].as_i64().expect("after");
    assert!(
        read.iter().any(|p| {
            let id: i64 = p
                .split('/')
                .nth(3)
                .and_then(|i| i.parse().ok())
                .unwrap_or(0);
            id > after
        }) || after == *chats.iter().max().expect("chats") as i64,
        "the restart went on after {after}: {read:?}"
    );
    assert_ne!(position(&inbox), kept, "the position moved on");
    inbox.stop_sync().await;
}

/// The application's reads as the simulator received them (milliseconds since it started).
fn read_arrivals(sim: &meli_sim::Simulator, app: u64) -> Vec<u64> {
    let mut at: Vec<u64> = sim
        .control()
        .requests()
        .iter()
        .filter(|r| r.is_read() && r.application == Some(app))
        .map(|r| r.elapsed_ms)
        .collect();
    at.sort_unstable();
    at
}

/// The most arrivals within any `window_ms`.
fn busiest_window(at: &[u64], window_ms: u64) -> usize {
    let mut start = 0;
    let mut best = 0;
    for end in 0..at.len() {
        while at[end] - at[start] >= window_ms {
            start += 1;
        }
        best = best.max(end - start + 1);
    }
    best
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_sellers_of_one_application_share_its_read_budget() {
    let World {
        sim,
        inbox,
        dir: _dir,
    } = World::start(SimConfig::empty()).await;
    for seller in [MLA, MLB] {
        for i in 0..60 {
            let sale = sim
                .control()
                .create_sale(
                    meli_sim::NewSale::new(seller)
                        .status(OrderStatus::Paid)
                        .logistic(meli_sim::LogisticType::Custom)
                        .created_minutes_ago(5),
                )
                .expect("sale");
            sim.control()
                .buyer_writes(sale.conversation_id, &format!("Hola {i}"), None)
                .expect("writes");
        }
    }
    // 1,200 reads a minute: a burst of 120, then 20 a second, for both sellers together.
    let mut config = client_config(&sim);
    config.budget = meli::RateBudget {
        reads_per_minute: 1_200,
        writes_per_minute: 1_200,
    };
    let clients: Vec<meli::Client> = [MLA, MLB]
        .into_iter()
        .map(|seller| {
            let tokens = Arc::new(MemoryTokenStore::new(Some(issued(&sim, seller))));
            inbox
                .client_for(config.clone(), tokens)
                .expect("client builds")
        })
        .collect();
    assert!(clients[0].shares_budget_with(&clients[1]));
    sim.control().clear_requests();
    let (a, b) = tokio::join!(
        inbox.connect_with_client(clients[0].clone(), sync_config()),
        inbox.connect_with_client(clients[1].clone(), sync_config()),
    );
    let (a, b) = (a.expect("first seller"), b.expect("second seller"));
    tokio::join!(sync_online(&inbox, a), sync_online(&inbox, b));

    let app = sim.app().client_id;
    let users: HashSet<u64> = sim
        .control()
        .requests()
        .iter()
        .filter(|r| r.application == Some(app))
        .filter_map(|r| r.user)
        .collect();
    assert_eq!(users, HashSet::from([MLA, MLB]), "both sellers read");
    let arrivals = read_arrivals(&sim, app);
    assert!(arrivals.len() > 150, "{} reads", arrivals.len());
    // One bucket hands out at most its burst plus its refill in any window; in flight at
    // once: the two imports' concurrent chats and a few more.
    for seconds in [1u64, 2, 3, 60] {
        let busiest = busiest_window(&arrivals, seconds * 1_000);
        let allowed = 120 + 20 * seconds as usize + 16;
        assert!(
            busiest <= allowed,
            "{busiest} reads within {seconds} s (allowed {allowed})"
        );
    }
    inbox.stop_sync().await;
}
