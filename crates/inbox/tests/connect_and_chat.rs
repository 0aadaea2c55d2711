//! Connecting through OAuth (the simulator's auto-approving page, the relay, the loopback
//! listener, tokens in the shell's store and never in SQLite), opening a chat, attachments
//! both ways.

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::*;
use inbox::ipc::{DraftDto, DraftFileDto};
use inbox::sync::ConnectRequest;
use meli::auth::{MemoryTokenStore, TokenStore};
use meli::{Language, Secret, Site};
use meli_sim::{OrderStatus, SimConfig};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_connects_through_oauth_and_keeps_tokens_out_of_the_database() {
    let sim = sim(SimConfig {
        auto_approve: true,
        ..SimConfig::demo()
    })
    .await;
    sim.control().log_in_as(MLA).expect("logs in");
    let dir = tempfile::tempdir().expect("tempdir");
    let inbox = open_inbox(&dir, sim_clock(&sim));
    let tokens = Arc::new(MemoryTokenStore::default());
    let app = sim.app();
    let request = ConnectRequest {
        client_id: app.client_id.to_string(),
        client_secret: Secret::new(app.client_secret.clone()),
        redirect_uri: app.redirect_uri.clone(),
        site: Site::Argentina,
        api_base: Some(sim.base_url()),
        auth_base: Some(sim.auth_base_url()),
        timeout: Duration::from_secs(10),
        language: Language::Spanish,
        // The published limits would make the demo's import take most of a minute.
        budget: Some(meli::RateBudget {
            reads_per_minute: 600_000,
            writes_per_minute: 600_000,
        }),
    };
    // Nobody pastes here: the stand-in browser reaches the loopback.
    let (_paste, pasted) = inbox::sync::connect::paste_box();
    let account = inbox
        .connect_account(
            request,
            tokens.clone(),
            approve_in_browser,
            pasted,
            sync_config(),
        )
        .await
        .expect("connects");
    sync_online(&inbox, account).await;

    let stored = tokens
        .load()
        .expect("loads")
        .expect("tokens in the shell's store");
    assert_eq!(stored.user_id, Some(MLA as i64));
    let accounts = inbox
        .store()
        .read(inbox::store::accounts::list)
        .expect("accounts");
    assert_eq!(accounts.len(), 1);
    assert_eq!(accounts[0].user_id, MLA as i64);
    assert!(!cached(&inbox, account).conversations.is_empty());

    inbox.store().checkpoint().expect("checkpoint");
    let bytes = std::fs::read(dir.path().join("inbox.sqlite")).expect("database file");
    let access = stored.access_token.expose().as_bytes();
    assert!(
        !bytes.windows(access.len()).any(|w| w == access),
        "no token in SQLite"
    );
    inbox.stop_sync().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn attachments_download_lazily_under_our_names_and_go_out_with_a_reply() {
    let World { sim, inbox, dir } = World::start(SimConfig::demo()).await;
    let account = connected(&sim, &inbox, MLA).await;
    let conversation = sim
        .control()
        .landmark("with_attachments")
        .expect("landmark");
    let lead = lead_of(&inbox, account, conversation);

    // Metadata only until the seller opens a file.
    let chat = inbox.conversation(lead, None).await.expect("chat");
    let files: Vec<_> = chat
        .messages
        .iter()
        .flat_map(|m| m.attachments.clone())
        .collect();
    assert!(files.len() >= 2, "{files:?}");
    assert!(files.iter().all(|f| !f.downloaded && f.path.is_none()));
    let downloads_before = sim.control().requests().len();
    for file in &files {
        let path = inbox.download_attachment(file.id).await.expect("downloads");
        let name = path.file_name().and_then(|n| n.to_str()).expect("name");
        assert!(name.starts_with(&format!("att-{}.", file.id)), "{name}");
        assert!(path.starts_with(dir.path().join("cache")));
        let bytes = std::fs::read(&path).expect("file");
        assert!(bytes == meli_sim::demo::TINY_PNG || bytes == meli_sim::demo::TINY_PDF);
    }
    let again = inbox
        .download_attachment(files[0].id)
        .await
        .expect("cached");
    assert!(again.exists());
    assert_eq!(
        sim.control().requests().len(),
        downloads_before + files.len()
    );
    let chat = inbox.conversation(lead, None).await.expect("chat");
    assert!(chat
        .messages
        .iter()
        .flat_map(|m| &m.attachments)
        .all(|f| f.downloaded));
    // Each names its cached copy, for the chat's thumbnails.
    for file in chat.messages.iter().flat_map(|m| &m.attachments) {
        let path = std::path::Path::new(file.path.as_deref().expect("a path"));
        assert!(path.starts_with(dir.path().join("cache")), "{path:?}");
        assert!(path.exists(), "{path:?}");
    }

    // A reply with a photo, in a chat the buyer opened.
    let sale = plain_sale(&sim, OrderStatus::Paid);
    sim.control()
        .buyer_writes(sale.conversation_id, "¿Me mandás foto del producto?", None)
        .expect("writes");
    sync_online(&inbox, account).await;
    let lead = lead_of(&inbox, account, sale.conversation_id);
    let photo = dir.path().join("producto.png");
    std::fs::write(&photo, meli_sim::demo::TINY_PNG).expect("photo");
    let draft = DraftDto {
        text: "Acá está".into(),
        files: vec![DraftFileDto {
            path: photo.display().to_string(),
            name: "producto.png".into(),
        }],
        guide: None,
    };
    inbox.send_draft(lead, draft).await.expect("queued");
    sync_online(&inbox, account).await;
    assert_eq!(outbox_states(&inbox, lead), [("sent".to_owned(), None)]);
    // Shown with its file at once: Mercado Libre's answer to the post lists none.
    let chat = inbox.conversation(lead, None).await.expect("chat");
    let sent = chat
        .messages
        .iter()
        .find(|m| m.text == "Acá está")
        .expect("sent");
    assert_eq!(sent.attachments.len(), 1, "{sent:?}");
    assert_eq!(
        sent.attachments[0].original_name.as_deref(),
        Some("producto.png")
    );
    // Reading the conversation again keeps one copy of it.
    sync_online(&inbox, account).await;
    let chat = inbox.conversation(lead, None).await.expect("chat");
    let sent = chat
        .messages
        .iter()
        .find(|m| m.text == "Acá está")
        .expect("sent");
    assert_eq!(sent.attachments.len(), 1, "{sent:?}");
    inbox.stop_sync().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn opening_a_chat_marks_it_read_on_mercado_libre_and_here() {
    let sim = sim(SimConfig::empty()).await;
    let sale = plain_sale(&sim, OrderStatus::Paid);
    let dir = tempfile::tempdir().expect("tempdir");
    let inbox = open_inbox(&dir, sim_clock(&sim));
    let account = connected(&sim, &inbox, MLA).await;
    let lead = lead_of(&inbox, account, sale.conversation_id);
    sim.control()
        .buyer_writes(sale.conversation_id, "Hola, ¿hay stock?", None)
        .expect("writes");
    sync_online(&inbox, account).await;
    let unread = client(&sim, MLA).unread().await.expect("unread");
    assert_eq!(unread.results.len(), 1, "the sync did not mark it read");

    let chat = inbox.open_chat(lead).await.expect("opens");
    assert!(chat.messages.iter().all(|m| m.read));
    let unread = client(&sim, MLA).unread().await.expect("unread");
    assert!(
        unread.results.is_empty(),
        "opening marked it read on Mercado Libre"
    );
    assert_eq!(
        cached(&inbox, account).conversations[&(sale.conversation_id as i64)].1,
        0
    );

    // The next message makes the chat unread again on Mercado Libre: the poll reads it.
    sim.control()
        .buyer_writes(sale.conversation_id, "¿Y el envío?", None)
        .expect("writes");
    sync_online(&inbox, account).await;
    let chat = inbox.conversation(lead, None).await.expect("chat");
    assert!(
        chat.messages.iter().any(|m| m.text == "¿Y el envío?"),
        "the buyer's next message after the chat was opened: {:?}",
        chat.messages.iter().map(|m| &m.text).collect::<Vec<_>>()
    );
    inbox.stop_sync().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn disconnecting_stops_the_sync_forgets_the_tokens_and_keeps_the_chats() {
    let sim = sim(SimConfig::empty()).await;
    let sale = plain_sale(&sim, OrderStatus::Paid);
    sim.control()
        .buyer_writes(sale.conversation_id, "Hola", None)
        .expect("writes");
    let dir = tempfile::tempdir().expect("tempdir");
    let inbox = open_inbox(&dir, sim_clock(&sim));
    let tokens = Arc::new(MemoryTokenStore::new(Some(issued(&sim, MLA))));
    let own = meli::Client::new(client_config(&sim), tokens.clone()).expect("client");
    let account = inbox
        .connect_with_client(own, sync_config())
        .await
        .expect("connects");
    sync_online(&inbox, account).await;
    let lead = lead_of(&inbox, account, sale.conversation_id);

    inbox.disconnect(account).await.expect("disconnects");
    assert_eq!(inbox.sync_status(), inbox::ipc::SyncStatus::NoAccount);
    assert_eq!(inbox.sync_and_wait(account).await, None);
    assert!(tokens.load().expect("loads").is_none(), "tokens forgotten");
    assert_eq!(
        refusal(&inbox, lead, "Gracias").await.as_deref(),
        Some("source_disabled")
    );
    assert_eq!(
        inbox
            .conversation(lead, None)
            .await
            .expect("chat")
            .messages
            .len(),
        1
    );
    // A disabled account is not resumed at start; the seller connects it again.
    let again = inbox
        .resume_account(account, client(&sim, MLA), sync_config())
        .await
        .expect_err("refused");
    assert_eq!(again.code(), "source_disabled");
}

/// The paste fallback: the browser could not reach this computer, so the seller copies the
/// relay's address into the app. Another attempt's address is refused and the attempt keeps
/// waiting; this attempt's connects exactly as the loopback would.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pasted_relay_address_connects_and_another_attempts_is_refused() {
    let sim = sim(SimConfig {
        auto_approve: true,
        pkce_required: true,
        ..SimConfig::empty()
    })
    .await;
    sim.control().log_in_as(MLA).expect("logs in");
    let dir = tempfile::tempdir().expect("tempdir");
    let inbox = open_inbox(&dir, sim_clock(&sim));
    let tokens = Arc::new(MemoryTokenStore::default());
    let app = sim.app();
    let request = ConnectRequest {
        client_id: app.client_id.to_string(),
        client_secret: Secret::new(app.client_secret.clone()),
        redirect_uri: app.redirect_uri.clone(),
        site: Site::Argentina,
        api_base: Some(sim.base_url()),
        auth_base: Some(sim.auth_base_url()),
        timeout: Duration::from_secs(60),
        language: Language::English,
        budget: None,
    };
    let (opened_tx, opened) = tokio::sync::oneshot::channel::<String>();
    let (paste, pasted) = inbox::sync::connect::paste_box();
    let connecting = {
        let inbox = inbox.clone();
        let tokens = tokens.clone();
        tokio::spawn(async move {
            inbox
                .connect_account(
                    request,
                    tokens,
                    move |url| {
                        let _ = opened_tx.send(url);
                    },
                    pasted,
                    sync_config(),
                )
                .await
        })
    };
    // The browser: the simulator's page approves and redirects to the relay with the code.
    let url = opened.await.expect("the authorization page was opened");
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("http");
    let location = http
        .get(&url)
        .send()
        .await
        .expect("authorization page")
        .headers()
        .get(reqwest::header::LOCATION)
        .and_then(|l| l.to_str().ok())
        .expect("redirect to the relay")
        .to_owned();
    let send = |text: String| {
        let paste = paste.clone();
        async move {
            let (reply, answer) = tokio::sync::oneshot::channel();
            paste
                .send(inbox::sync::connect::Pasted {
                    text: Secret::new(text),
                    reply,
                })
                .await
                .expect("the attempt listens for pastes");
            answer.await.expect("the attempt answers")
        }
    };
    let stale = location.replace("state=", "state=stale");
    assert!(matches!(
        send(stale).await,
        Err(meli::MeliError::StateMismatch)
    ));
    assert!(matches!(
        send("not a code".into()).await,
        Err(meli::MeliError::InvalidPaste)
    ));
    assert!(!connecting.is_finished(), "a refused paste ends nothing");
    send(format!("  {location}\n")).await.expect("taken");
    let account = connecting
        .await
        .expect("task")
        .expect("connected by the paste");
    assert_eq!(
        tokens.load().expect("load").and_then(|t| t.user_id),
        Some(MLA as i64)
    );
    assert!(account > 0);
    inbox.stop_sync().await;
}

/// The lead pane reloads on every change announced for the open lead and re-opens the chat
/// as it does: an opening that changed nothing must announce nothing, or the pane and the
/// core feed each other forever (and the board's reload, waiting for a quiet moment, never
/// comes).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reopening_an_unchanged_chat_announces_nothing() {
    let World {
        sim,
        inbox,
        dir: _dir,
    } = World::start(SimConfig::demo()).await;
    let account = connected(&sim, &inbox, MLA).await;
    let plain = plain_sale(&sim, OrderStatus::Paid);
    sim.control()
        .buyer_writes(plain.conversation_id, "Hola", None)
        .expect("writes");
    sync_online(&inbox, account).await;
    let guided = sim
        .control()
        .landmark("needs_action_guide")
        .expect("landmark");
    for conversation in [plain.conversation_id, guided] {
        let lead = lead_of(&inbox, account, conversation);
        inbox.open_chat(lead).await.expect("opens");
        let mut events = inbox.subscribe();
        for _ in 0..3 {
            inbox.open_chat(lead).await.expect("opens again");
        }
        while let Ok(batch) = events.try_recv() {
            assert!(
                !batch.leads_changed.contains(&lead) && !batch.messages_added.contains(&lead),
                "conversation {conversation}: re-opening announced {batch:?}"
            );
        }
    }
    inbox.stop_sync().await;
}
