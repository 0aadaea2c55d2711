//! The first import of the demo scenario gives exactly what the simulator holds.

mod common;

use common::*;
use inbox::ipc::SyncStatus;
use meli_sim::SimConfig;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn importing_the_demo_gives_the_simulators_counts() {
    let sim = sim(SimConfig::demo()).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let inbox = open_inbox(&dir, sim_clock(&sim));
    let mut events = inbox.subscribe();
    let unread_before = client(&sim, MLA).unread().await.expect("unread");

    let account = connected(&sim, &inbox, MLA).await;

    let from = sim.control().now() - chrono::Duration::days(90);
    let expected = truth(&sim, MLA, from).await;
    let got = cached(&inbox, account);
    assert!(expected.conversations.len() > 50, "a real demo world");
    assert_eq!(got.stages, expected.stages, "leads per stage");
    assert_eq!(
        got.conversations, expected.conversations,
        "messages and unread per lead"
    );

    // The board shows the same counts.
    let board = inbox
        .board(Some(account), Default::default())
        .await
        .expect("board");
    for column in &board {
        let stage = column.system.expect("system columns only");
        assert_eq!(
            column.lead_count,
            expected.stages.get(stage.key()).copied().unwrap_or(0),
            "{stage:?}"
        );
    }

    // Reading for the cache never marked anything read on Mercado Libre.
    let unread_after = client(&sim, MLA).unread().await.expect("unread");
    assert_eq!(unread_before.results, unread_after.results);
    let reads = sim.control().requests();
    assert!(reads
        .iter()
        .filter(|r| r.path.starts_with("/messages/packs/"))
        .all(|r| r
            .query
            .as_deref()
            .is_some_and(|q| q.contains("mark_as_read=false"))));

    // Progress and the final state came as events.
    let mut saw_progress = false;
    let mut saw_online = false;
    loop {
        // The test reads its events only now: a long import may have published more than the
        // channel keeps, and the oldest are dropped (Lagged). What is kept is still read.
        let batch = match events.try_recv() {
            Ok(batch) => batch,
            Err(tokio::sync::broadcast::error::TryRecvError::Lagged(_)) => continue,
            Err(_) => break,
        };
        match batch.sync {
            Some(SyncStatus::Syncing { total, .. }) if total > 0 => saw_progress = true,
            Some(SyncStatus::Online { .. }) => saw_online = true,
            _ => {}
        }
    }
    assert!(saw_progress && saw_online);
    assert!(matches!(inbox.sync_status(), SyncStatus::Online { .. }));

    // Every lead has a contact: from the order, the user endpoint or the buyer's messages.
    let nameless: i64 = inbox
        .store()
        .read(|c| {
            Ok(c.query_row(
                "SELECT COUNT(*) FROM leads WHERE buyer_name IS NULL AND buyer_nickname IS NULL",
                [],
                |r| r.get(0),
            )?)
        })
        .expect("reads");
    assert_eq!(nameless, 0);

    // A second pass changes nothing.
    sync_online(&inbox, account).await;
    assert_eq!(cached(&inbox, account), got);
    inbox.stop_sync().await;
}
