//! Killing the app in the middle of an import: a child process (this test binary, running the
//! ignored `child_*` test) imports into a real SQLite file until it is killed with SIGKILL;
//! then the import starts again on the same file and resumes from its cursors, with nothing
//! lost and nothing duplicated.

mod common;

use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use common::*;
use inbox::sync::SyncConfig;
use inbox::{Inbox, InboxPaths};
use meli::auth::{MemoryTokenStore, StoredTokens};
use meli::Client;
use meli_sim::SimConfig;
use serde::{Deserialize, Serialize};

const CHILD_ENV: &str = "MOSTRADOR_SYNC_RESTART_CHILD";

/// What the child needs: where the simulator and the database are, and its tokens.
#[derive(Serialize, Deserialize)]
struct ChildSpec {
    api: String,
    auth: String,
    client_id: String,
    client_secret: String,
    redirect_uri: String,
    dir: String,
    tokens: StoredTokens,
    now: DateTime<Utc>,
}

fn restart_config() -> SyncConfig {
    SyncConfig {
        history_days: 3650,
        ..sync_config()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "the child process of a_killed_import_resumes_from_its_cursors"]
async fn child_imports_until_killed() {
    let Ok(spec) = std::env::var(CHILD_ENV) else {
        return;
    };
    let spec: ChildSpec = serde_json::from_str(&spec).expect("spec");
    let started = Instant::now();
    let base = spec.now;
    let clock: inbox::Clock =
        Arc::new(move || base + chrono::Duration::from_std(started.elapsed()).unwrap_or_default());
    let inbox = Inbox::open(InboxPaths::in_dir(std::path::Path::new(&spec.dir)), clock)
        .expect("inbox opens");
    let app = meli::auth::AppCredentials {
        client_id: spec.client_id,
        client_secret: meli::Secret::new(spec.client_secret),
        redirect_uri: spec.redirect_uri,
    };
    let config = meli::ClientConfig::new(meli::Site::Argentina, app)
        .with_bases(spec.api, spec.auth)
        .for_loopback();
    let client =
        Client::new(config, Arc::new(MemoryTokenStore::new(Some(spec.tokens)))).expect("client");
    let account = inbox
        .connect_with_client(client, restart_config())
        .await
        .expect("connects");
    // Runs until the parent kills the process.
    loop {
        inbox.sync_and_wait(account).await;
    }
}

/// Kills the child if the test fails before it does, so no import outlives the test.
struct Child(std::process::Child);

impl Drop for Child {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Counts in the database file, read without the store (the child is writing).
fn counts(dir: &std::path::Path) -> (i64, i64, i64) {
    let path = dir.join("inbox.sqlite");
    let Ok(conn) =
        rusqlite::Connection::open_with_flags(&path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
    else {
        return (0, 0, 0);
    };
    let _ = conn.busy_timeout(Duration::from_secs(2));
    let count = |sql: &str| conn.query_row(sql, [], |r| r.get(0)).unwrap_or(0);
    (
        count("SELECT COUNT(*) FROM orders"),
        count("SELECT COUNT(*) FROM sync_cursors WHERE name LIKE 'conv:%'"),
        count("SELECT COUNT(*) FROM messages"),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_import_resumes_from_its_cursors() {
    let sim = sim(SimConfig::bulk(800, 3)).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let app = sim.app();
    let spec = ChildSpec {
        api: sim.base_url(),
        auth: sim.auth_base_url(),
        client_id: app.client_id.to_string(),
        client_secret: app.client_secret.clone(),
        redirect_uri: app.redirect_uri.clone(),
        dir: dir.path().display().to_string(),
        tokens: issued(&sim, MLA),
        now: sim.control().now(),
    };
    let mut child = Child(
        Command::new(std::env::current_exe().expect("test binary"))
            .args([
                "child_imports_until_killed",
                "--exact",
                "--ignored",
                "--nocapture",
            ])
            .env(CHILD_ENV, serde_json::to_string(&spec).expect("spec json"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("child starts"),
    );

    // Killed once the orders are in and some conversations are.
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let (orders, conversations, _) = counts(dir.path());
        if orders > 0 && conversations >= 40 {
            break;
        }
        assert!(Instant::now() < deadline, "the child never got going");
        assert!(
            child.0.try_wait().expect("child").is_none(),
            "the child ended early"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    child.0.kill().expect("SIGKILL");
    child.0.wait().expect("reaped");
    let (orders_at_kill, conversations_at_kill, _) = counts(dir.path());
    let from = sim.control().now() - chrono::Duration::days(3650);
    let expected = truth(&sim, MLA, from).await;
    assert!(
        (conversations_at_kill as usize) < expected.conversations.len(),
        "killed in the middle: {conversations_at_kill} of {}",
        expected.conversations.len()
    );

    // Start again on the same file.
    sim.control().clear_requests();
    let inbox = open_inbox(&dir, sim_clock(&sim));
    let accounts = inbox
        .store()
        .read(inbox::store::accounts::list)
        .expect("accounts");
    assert_eq!(accounts.len(), 1, "the child recorded the account");
    let account = accounts[0].id;
    inbox
        .resume_account(account, client(&sim, MLA), restart_config())
        .await
        .expect("resumes");
    sync_online(&inbox, account).await;
    assert_eq!(
        cached(&inbox, account),
        expected,
        "nothing lost, nothing duplicated"
    );

    // It resumed: the conversations already in were not fetched again by the import.
    let requests = sim.control().requests();
    let conversation_reads = requests
        .iter()
        .filter(|r| r.path.starts_with("/messages/packs/"))
        .count();
    let remaining = expected.conversations.len() - conversations_at_kill as usize;
    // Each poll also re-reads the most recently active chats (at most a few polls ran).
    let polled = 3 * restart_config().recent_conversations as usize;
    assert!(
        conversation_reads <= remaining + polled,
        "{conversation_reads} conversation reads for {remaining} remaining"
    );
    let order_pages = requests
        .iter()
        .filter(|r| r.path == "/orders/search")
        .filter(|r| {
            r.query
                .as_deref()
                .is_some_and(|q| q.contains("order.date_created.from"))
        })
        .count();
    let pages_before = (orders_at_kill as usize).div_ceil(50);
    assert!(
        order_pages + pages_before <= expected.conversations.len().div_ceil(50) + 1,
        "order pages fetched again: {order_pages}"
    );
    inbox.stop_sync().await;
}

/// A crash between "sending" and "sent": on the next start the conversation tells whether
/// the post arrived; if it shows nothing, the draft waits for the seller ("not confirmed"),
/// never posted again by itself.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_draft_left_sending_by_a_crash_is_reconciled_not_reposted() {
    let sim = sim(SimConfig::empty()).await;
    let arrived = plain_sale(&sim, meli_sim::OrderStatus::Paid);
    let lost = plain_sale(&sim, meli_sim::OrderStatus::Paid);
    for sale in [&arrived, &lost] {
        sim.control()
            .buyer_writes(sale.conversation_id, "¿Cuándo llega?", None)
            .expect("writes");
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let text = "Llega el jueves";
    let (account, leads) = {
        let inbox = open_inbox(&dir, sim_clock(&sim));
        let account = connected(&sim, &inbox, MLA).await;
        inbox.stop_sync().await;
        let leads = [
            lead_of(&inbox, account, arrived.conversation_id),
            lead_of(&inbox, account, lost.conversation_id),
        ];
        let now = sim.control().now();
        for lead in leads {
            inbox.queue_draft(lead, draft(text)).await.expect("queued");
            inbox
                .store()
                .write(|tx| {
                    let id: i64 =
                        tx.query_row("SELECT id FROM outbox WHERE lead_id = ?1", [lead], |r| {
                            r.get(0)
                        })?;
                    inbox::store::outbox::transition(
                        tx,
                        id,
                        inbox::ipc::OutboxState::Sending,
                        None,
                        None,
                        now,
                    )
                })
                .expect("left sending");
        }
        // One post reached Mercado Libre before the crash, the other did not.
        let message = meli::SendMessage {
            from: MLA as i64,
            to: arrived.buyer_id as i64,
            text: text.into(),
            attachments: Vec::new(),
        };
        client(&sim, MLA)
            .send_message(arrived.conversation_id as i64, MLA as i64, &message)
            .await
            .expect("the post that arrived");
        (account, leads)
    };

    sim.control().clear_requests();
    let inbox = open_inbox(&dir, sim_clock(&sim));
    inbox
        .resume_account(account, client(&sim, MLA), restart_config())
        .await
        .expect("resumes");
    // Each pass reads the lost one's chat once more; after the last read it waits.
    for _ in 0..restart_config().confirm_reads.len() + 2 {
        sync_online(&inbox, account).await;
    }
    assert_eq!(outbox_states(&inbox, leads[0])[0].0, "sent");
    assert_eq!(outbox_states(&inbox, leads[1])[0].0, "not_confirmed");
    assert_eq!(buyer_sees(&sim, arrived.conversation_id, text), 1);
    assert_eq!(buyer_sees(&sim, lost.conversation_id, text), 0);
    let posts = sim
        .control()
        .requests()
        .iter()
        .filter(|r| r.method == "POST")
        .count();
    assert_eq!(posts, 0, "nothing is posted again by itself");
    inbox.stop_sync().await;
}
