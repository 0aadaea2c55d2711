//! The sync under trouble: Mercado Libre unreachable, the app's authorization revoked, and a
//! fifth of all requests failing while 2,000 orders are imported.

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::*;
use inbox::ipc::SyncStatus;
use inbox::sync::{AccountState, SyncConfig};
use meli::auth::MemoryTokenStore;
use meli::Client;
use meli_sim::{FaultKind, FaultRule, OrderStatus, SimConfig};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn offline_keeps_the_cache_readable_and_the_draft_goes_out_once_when_back() {
    let sim = sim(SimConfig::demo()).await;
    let port = sim
        .base_url()
        .rsplit(':')
        .next()
        .and_then(|p| p.parse::<u16>().ok())
        .expect("port");
    let tokens = issued(&sim, MLA);
    let first_token = tokens.access_token.expose().to_owned();
    let client = Client::new(
        client_config(&sim),
        Arc::new(MemoryTokenStore::new(Some(tokens))),
    )
    .expect("client");
    let dir = tempfile::tempdir().expect("tempdir");
    let inbox = open_inbox(&dir, sim_clock(&sim));
    // Offline, the engine retries by itself after its backoff. Here the backoff outlasts the
    // test, so every pass is one the test asks for: a retry of its own could otherwise reach
    // the simulator that comes back before the seller's token is issued there, and end the
    // account with a 401 no real outage would cause.
    let config = SyncConfig {
        backoff_base: Duration::from_secs(3600),
        backoff_max: Duration::from_secs(3600),
        ..sync_config()
    };
    let account = inbox
        .connect_with_client(client, config)
        .await
        .expect("connects");
    sync_online(&inbox, account).await;
    // A paid sale whose buyer wrote last: the seller may answer.
    let candidates: Vec<(i64, i64)> = inbox
        .store()
        .read(|c| {
            let mut stmt = c.prepare(
                "SELECT id, conversation_id FROM leads WHERE account_id = ?1
                 AND last_from_buyer = 1 AND system_stage = 'paid' ORDER BY id",
            )?;
            let rows = stmt.query_map([account], |r| Ok((r.get(0)?, r.get(1)?)))?;
            Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
        })
        .expect("reads");
    let mut chosen = None;
    for (lead, conversation) in candidates {
        if refusal(&inbox, lead, "Hola").await.is_none() {
            chosen = Some((lead, conversation as u64));
            break;
        }
    }
    let (lead, open) = chosen.expect("a chat the seller may answer");
    let board_before = inbox
        .board(Some(account), Default::default())
        .await
        .expect("board");
    let chat_before = inbox.conversation(lead, None).await.expect("chat");
    let word = chat_before
        .messages
        .iter()
        .flat_map(|m| m.text.split_whitespace())
        .find(|w| w.chars().count() > 5 && w.chars().all(char::is_alphabetic))
        .expect("a searchable word")
        .to_owned();

    // Mercado Libre goes away.
    drop(sim);
    let state = inbox.sync_and_wait(account).await.expect("engine runs");
    assert!(matches!(state, AccountState::Offline { .. }), "{state:?}");
    assert!(matches!(inbox.sync_status(), SyncStatus::Offline { .. }));
    assert_eq!(
        inbox
            .board(Some(account), Default::default())
            .await
            .expect("board"),
        board_before
    );
    assert_eq!(
        inbox.conversation(lead, None).await.expect("chat"),
        chat_before
    );
    let found = inbox
        .search(word.clone(), Some(account), None)
        .await
        .expect("search");
    assert!(!found.messages.is_empty(), "searching {word:?} offline");

    // The seller writes meanwhile: it waits in the outbox, pending.
    let text = "Te lo envío apenas se normalice el sistema";
    inbox.send_draft(lead, draft(text)).await.expect("queued");
    let state = inbox.sync_and_wait(account).await.expect("engine runs");
    assert!(matches!(state, AccountState::Offline { .. }), "{state:?}");
    let chat = inbox.conversation(lead, None).await.expect("chat");
    assert_eq!(chat.outbox.len(), 1);
    assert_eq!(chat.outbox[0].state, inbox::ipc::OutboxState::Pending);

    // Back on the same address, the same world and the same seller's token.
    let mut config = SimConfig::demo();
    config.port = port;
    let sim = common::sim(config).await;
    assert_eq!(issued(&sim, MLA).access_token.expose(), first_token);
    sync_online(&inbox, account).await;
    sync_online(&inbox, account).await;
    assert_eq!(buyer_sees(&sim, open, text), 1, "sent exactly once");
    assert_eq!(outbox_states(&inbox, lead), [("sent".to_owned(), None)]);
    assert!(matches!(inbox.sync_status(), SyncStatus::Online { .. }));
    inbox.stop_sync().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revoked_authorization_disables_the_account_and_keeps_its_chats() {
    let sim = sim(SimConfig::empty()).await;
    let sale = plain_sale(&sim, OrderStatus::Paid);
    sim.control()
        .buyer_writes(sale.conversation_id, "¿Tienen factura A?", None)
        .expect("writes");
    let dir = tempfile::tempdir().expect("tempdir");
    let inbox = open_inbox(&dir, sim_clock(&sim));
    let account = connected(&sim, &inbox, MLA).await;
    let lead = lead_of(&inbox, account, sale.conversation_id);
    assert_eq!(refusal(&inbox, lead, "Sí, claro").await, None);

    sim.control().revoke_app(MLA);
    let state = inbox.sync_and_wait(account).await.expect("engine runs");
    assert_eq!(state, AccountState::AuthExpired);
    assert!(matches!(
        inbox.sync_status(),
        SyncStatus::AuthExpired { .. }
    ));
    assert_eq!(inbox.sync_and_wait(account).await, None, "polling stopped");

    assert_eq!(
        refusal(&inbox, lead, "Sí, claro").await.as_deref(),
        Some("source_disabled")
    );
    let refused = inbox
        .send_draft(lead, draft("Sí, claro"))
        .await
        .expect_err("refused");
    assert_eq!(refused.code(), "source_disabled");
    let chat = inbox.conversation(lead, None).await.expect("cached chat");
    assert_eq!(chat.messages.len(), 1);
    assert_eq!(chat.messages[0].text, "¿Tienen factura A?");
    let board = inbox
        .board(Some(account), Default::default())
        .await
        .expect("board");
    assert_eq!(board.iter().map(|c| c.lead_count).sum::<u32>(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_import_of_two_thousand_orders_converges_through_a_fifth_of_requests_failing() {
    // 2,000 orders, 1,000 for each seller, both connected to one inbox.
    let World {
        sim,
        inbox,
        dir: _dir,
    } = World::start(SimConfig::bulk(2_000, 2)).await;
    // 20% of reads fail. A 429 makes the client wait its Retry-After (at least a second), so
    // it gets the smallest share, to keep the test short.
    for (percent, kind) in [
        (
            2,
            FaultKind::TooManyRequests {
                retry_after_secs: 1,
            },
        ),
        (6, FaultKind::ServerError),
        (6, FaultKind::DropConnection),
        (6, FaultKind::MalformedJson),
    ] {
        sim.control()
            .inject_fault(FaultRule::rate(percent, "/", kind).for_method("GET"));
    }
    let config = SyncConfig {
        history_days: 3650,
        ..sync_config()
    };
    let mut accounts = Vec::new();
    for seller in [MLA, MLB] {
        let account = inbox
            .connect_with_client(client(&sim, seller), config.clone())
            .await
            .expect("connects");
        accounts.push((seller, account));
    }
    for (_, account) in &accounts {
        let mut online = false;
        for _ in 0..60 {
            let state = inbox.sync_and_wait(*account).await.expect("engine runs");
            // A chat whose reads kept failing is tried again on the next pass (the tests'
            // chat backoff is zero): converged means online with none left failing.
            let failing = inbox.failing_chats(Some(*account)).await.expect("failing");
            if matches!(state, AccountState::Online { .. }) && failing.is_empty() {
                online = true;
                break;
            }
        }
        assert!(online, "the import of account {account} converged");
    }
    let requests = sim.control().requests();
    let faulted = requests.iter().filter(|r| r.fault.is_some()).count();
    assert!(
        faulted * 10 > requests.len(),
        "faults were injected: {faulted} of {}",
        requests.len()
    );
    inbox.stop_sync().await;

    sim.control().clear_faults();
    let from = sim.control().now() - chrono::Duration::days(3650);
    let mut orders = 0;
    for (seller, account) in accounts {
        let expected = truth(&sim, seller, from).await;
        orders += expected.conversations.len();
        assert_eq!(cached(&inbox, account), expected, "seller {seller}");
    }
    assert_eq!(orders, 2_000);
}
