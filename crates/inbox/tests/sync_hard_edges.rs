//! The sync against the real API's hard edges: chats Mercado Libre keeps refusing or garbling,
//! an application without the Messages permission, and the like (issue 12).

mod common;

use std::collections::BTreeMap;
use std::time::Duration;

use common::*;
use inbox::sync::{AccountState, SyncConfig};
use meli_sim::{FaultKind, OrderStatus, SimConfig};

/// `n` paid sales of the MLA seller, each with one buyer message. Returns their conversations.
fn sales_with_a_message(sim: &meli_sim::Simulator, n: usize) -> Vec<u64> {
    (0..n)
        .map(|i| {
            let sale = plain_sale(sim, OrderStatus::Paid);
            sim.control()
                .buyer_writes(sale.conversation_id, &format!("Consulta número {i}"), None)
                .expect("writes");
            sale.conversation_id
        })
        .collect()
}

fn without(truth: &Truth, left_out: &[u64]) -> BTreeMap<i64, (usize, usize)> {
    truth
        .conversations
        .iter()
        .filter(|(id, _)| !left_out.contains(&(**id as u64)))
        .map(|(id, v)| (*id, *v))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_chats_failing_for_ever_never_stop_the_other_197() {
    let sim = sim(SimConfig::empty()).await;
    let conversations = sales_with_a_message(&sim, 200);
    let from = sim.control().now() - chrono::Duration::days(30);
    let before = truth(&sim, MLA, from).await;
    let bad = [conversations[10], conversations[100], conversations[190]];
    let faults = [
        FaultKind::Status {
            status: 500,
            message: None,
        },
        FaultKind::Status {
            status: 451,
            message: None,
        },
        FaultKind::MalformedJson,
    ];
    for (key, kind) in bad.iter().zip(faults) {
        sim.control().fault_pack(*key, kind, None).expect("fault");
    }

    let dir = tempfile::tempdir().expect("tempdir");
    let inbox = open_inbox(&dir, sim_clock(&sim));
    let config = SyncConfig {
        chat_retry_base: Duration::from_secs(600),
        ..sync_config()
    };
    let account = inbox
        .connect_with_client(client(&sim, MLA), config)
        .await
        .expect("connects");
    let state = sync_online(&inbox, account).await;
    assert!(matches!(state, AccountState::Online { .. }), "{state:?}");

    // The 197 healthy chats are in, as Mercado Libre holds them.
    let cache = cached(&inbox, account);
    assert_eq!(cache.conversations.len(), 200, "every lead is on the board");
    assert_eq!(without(&cache, &bad), without(&before, &bad));
    assert_eq!(without(&cache, &bad).len(), 197);

    // The three are listed, with their reason, and marked on the board and the lead.
    let failing = inbox.failing_chats(Some(account)).await.expect("failing");
    let mut codes: Vec<(String, Option<u16>)> =
        failing.iter().map(|f| (f.code.clone(), f.status)).collect();
    codes.sort();
    assert_eq!(
        codes,
        [
            ("buyer_unavailable".to_owned(), Some(451)),
            ("decode".to_owned(), None),
            ("server".to_owned(), Some(500)),
        ]
    );
    for key in bad {
        let lead = lead_of(&inbox, account, key);
        let card = inbox.lead_card(lead).await.expect("card");
        let failure = card.read_failure.expect("the lead says its chat failed");
        assert!(card.summary.read_failed);
        let next = chrono::DateTime::parse_from_rfc3339(&failure.next_try_at).expect("date");
        let last = chrono::DateTime::parse_from_rfc3339(&failure.last_failed_at).expect("date");
        assert_eq!(next - last, chrono::Duration::seconds(600));
    }
    let healthy_lead = lead_of(&inbox, account, conversations[0]);
    assert!(inbox
        .lead_card(healthy_lead)
        .await
        .expect("card")
        .read_failure
        .is_none());

    // A buyer writes on a healthy chat: it arrives at the next poll, and the failing chats
    // wait out their backoff meanwhile.
    sim.control().clear_requests();
    sim.control()
        .buyer_writes(conversations[0], "¿Llega antes del viernes?", None)
        .expect("writes");
    let state = inbox.sync_and_wait(account).await.expect("engine runs");
    assert!(matches!(state, AccountState::Online { .. }), "{state:?}");
    let chat = inbox.conversation(healthy_lead, None).await.expect("chat");
    assert!(chat
        .messages
        .iter()
        .any(|m| m.text == "¿Llega antes del viernes?"));
    let asked_bad = sim
        .control()
        .requests()
        .iter()
        .filter(|r| {
            bad.iter()
                .any(|k| r.path.starts_with(&format!("/messages/packs/{k}/")))
        })
        .count();
    assert_eq!(
        asked_bad, 0,
        "failing chats are not read before their next try"
    );

    // Their faults lifted and their next try come, they import by themselves.
    for key in bad {
        sim.control().lift_pack_fault(key).expect("lifted");
    }
    sim.control().advance_clock(Duration::from_secs(601));
    let state = inbox.sync_and_wait(account).await.expect("engine runs");
    assert!(matches!(state, AccountState::Online { .. }), "{state:?}");
    assert!(inbox
        .failing_chats(Some(account))
        .await
        .expect("failing")
        .is_empty());
    assert_eq!(cached(&inbox, account), truth(&sim, MLA, from).await);
    for key in bad {
        let lead = lead_of(&inbox, account, key);
        assert!(
            !inbox
                .lead_card(lead)
                .await
                .expect("card")
                .summary
                .read_failed
        );
    }
    inbox.stop_sync().await;
}

/// Conversations marked as read into the cache.
fn synced_chats(inbox: &inbox::Inbox, account: i64) -> i64 {
    inbox
        .store()
        .read(|c| {
            Ok(c.query_row(
                "SELECT COUNT(*) FROM sync_cursors WHERE account_id = ?1 AND name LIKE 'conv:%'",
                [account],
                |r| r.get(0),
            )?)
        })
        .expect("reads")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_application_without_the_messages_permission_is_told_apart_and_recovers() {
    let sim = sim(SimConfig::empty()).await;
    sales_with_a_message(&sim, 12);
    sim.control().set_switches(&meli_sim::SwitchChange {
        messages_scope: Some(false),
        ..Default::default()
    });
    let dir = tempfile::tempdir().expect("tempdir");
    let inbox = open_inbox(&dir, sim_clock(&sim));
    let account = inbox
        .connect_with_client(client(&sim, MLA), sync_config())
        .await
        .expect("connects");
    let mut state = None;
    for _ in 0..20 {
        state = inbox.sync_and_wait(account).await;
        if matches!(state, Some(AccountState::MessagesRefused { .. })) {
            break;
        }
    }
    assert!(
        matches!(state, Some(AccountState::MessagesRefused { .. })),
        "{state:?}"
    );
    assert!(matches!(
        inbox.sync_status(),
        inbox::ipc::SyncStatus::MessagesRefused { .. }
    ));
    // Orders and the board work; no chat is marked read by a refusal, none is listed as
    // failing (it is the application, not the chats).
    let cache = cached(&inbox, account);
    assert_eq!(cache.conversations.len(), 12);
    assert!(cache
        .conversations
        .values()
        .all(|(messages, _)| *messages == 0));
    assert_eq!(synced_chats(&inbox, account), 0);
    assert!(inbox
        .failing_chats(Some(account))
        .await
        .expect("failing")
        .is_empty());

    // The next pass asks few messaging calls (it stops once all are refused), and a new sale
    // still reaches the board.
    sim.control().clear_requests();
    let sale = plain_sale(&sim, OrderStatus::Paid);
    let state = inbox.sync_and_wait(account).await.expect("engine runs");
    assert!(
        matches!(state, AccountState::MessagesRefused { .. }),
        "{state:?}"
    );
    let messaging = sim
        .control()
        .requests()
        .iter()
        .filter(|r| r.path.starts_with("/messages"))
        .count();
    assert!(
        messaging <= 3,
        "{messaging} messaging calls in a refused pass"
    );
    lead_of(&inbox, account, sale.conversation_id);

    // The seller ticks the permission and presses Retry: every chat imports, no reconnect.
    sim.control().set_switches(&meli_sim::SwitchChange {
        messages_scope: Some(true),
        ..Default::default()
    });
    let state = inbox.sync_and_wait(account).await.expect("engine runs");
    assert!(matches!(state, AccountState::Online { .. }), "{state:?}");
    let from = sim.control().now() - chrono::Duration::days(30);
    assert_eq!(cached(&inbox, account), truth(&sim, MLA, from).await);
    assert!(matches!(
        inbox.sync_status(),
        inbox::ipc::SyncStatus::Online { .. }
    ));
    inbox.stop_sync().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refusal_of_one_chat_is_that_chat_s_not_the_application_s() {
    let sim = sim(SimConfig::empty()).await;
    let conversations = sales_with_a_message(&sim, 6);
    let (not_ours, refused) = (conversations[1], conversations[4]);
    sim.control()
        .fault_pack(
            not_ours,
            FaultKind::Status {
                status: 403,
                message: Some(format!("User access token invalid for resource {not_ours}")),
            },
            None,
        )
        .expect("fault");
    sim.control()
        .fault_pack(
            refused,
            FaultKind::Status {
                status: 403,
                message: Some("access to the requested resource is forbidden".into()),
            },
            None,
        )
        .expect("fault");
    let dir = tempfile::tempdir().expect("tempdir");
    let inbox = open_inbox(&dir, sim_clock(&sim));
    let config = SyncConfig {
        chat_retry_base: Duration::from_secs(600),
        ..sync_config()
    };
    let account = inbox
        .connect_with_client(client(&sim, MLA), config)
        .await
        .expect("connects");
    let state = sync_online(&inbox, account).await;
    assert!(matches!(state, AccountState::Online { .. }), "{state:?}");
    // The chat that is not the seller's is done with (as before); the one refused with an
    // unclear body waits out a backoff and is tried again; the other four are in.
    let failing = inbox.failing_chats(Some(account)).await.expect("failing");
    assert_eq!(failing.len(), 1, "{failing:?}");
    assert_eq!(failing[0].name, refused.to_string());
    assert_eq!(
        (failing[0].code.as_str(), failing[0].status),
        ("forbidden", Some(403))
    );
    assert_eq!(synced_chats(&inbox, account), 5);
    let cache = cached(&inbox, account);
    let with_messages = cache
        .conversations
        .values()
        .filter(|(messages, _)| *messages == 1)
        .count();
    assert_eq!(with_messages, 4);
    inbox.stop_sync().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn paging_that_never_ends_is_stopped_by_repeated_ids() {
    let sim = sim(SimConfig::empty()).await;
    let conversations = sales_with_a_message(&sim, 3);
    sim.control().set_switches(&meli_sim::SwitchChange {
        endless_paging: Some(true),
        ..Default::default()
    });
    let dir = tempfile::tempdir().expect("tempdir");
    let inbox = open_inbox(&dir, sim_clock(&sim));
    let account = inbox
        .connect_with_client(client(&sim, MLA), sync_config())
        .await
        .expect("connects");
    // Generous: a loop that trusts `total: 10^9` would never come back.
    let state = tokio::time::timeout(Duration::from_secs(120), sync_online(&inbox, account))
        .await
        .expect("the sync comes back");
    assert!(matches!(state, AccountState::Online { .. }), "{state:?}");
    let cache = cached(&inbox, account);
    assert_eq!(cache.conversations.len(), 3);
    assert!(
        cache
            .conversations
            .values()
            .all(|(messages, _)| *messages == 1),
        "{cache:?}"
    );
    let counts = sim.control().request_counts();
    let searches = counts.get("GET /orders/search").copied().unwrap_or(0);
    assert!(searches <= 12, "{searches} order searches");
    let reads = counts
        .get("GET /messages/packs/{pack_id}/sellers/{seller_id}")
        .copied()
        .unwrap_or(0);
    assert!(
        reads <= 3 * 2 * 3,
        "{reads} conversation reads for {conversations:?}"
    );
    inbox.stop_sync().await;
}
