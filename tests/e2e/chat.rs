//! A seller's day in the chat pane: a buyer writes, the seller finds the lead with search,
//! answers, and Mercado Libre's rules show in place.

use std::time::{Duration, Instant};

use thirtyfour::prelude::*;

use crate::harness::{test_id, App};

/// Waits until the demo's sellers are connected and their first leads are on the board.
pub(crate) async fn until_connected(app: &App) -> WebDriverResult<()> {
    app.wait_for(&test_id("leadCard")).await?;
    Ok(())
}

/// Asks the engine for a pass now rather than at the next 30-second tick.
pub(crate) async fn sync_now(app: &App) -> WebDriverResult<()> {
    app.driver
        .execute(
            "return window.__TAURI_INTERNALS__.invoke('sync_now', { accountId: null });",
            Vec::new(),
        )
        .await?;
    Ok(())
}

/// Opens the lead whose chat holds `token`, through the search palette. The demo's first import
/// keeps to Mercado Libre's request budget (a minute or two for its few hundred chats), and a new
/// message arrives with the pass after it: allow for both.
pub(crate) async fn open_by_search(app: &App, token: &str) -> WebDriverResult<()> {
    let deadline = Instant::now() + Duration::from_secs(240);
    app.wait_for(&test_id("searchButton"))
        .await?
        .click()
        .await?;
    let input = app.wait_for(&test_id("searchInput")).await?;
    loop {
        input.clear().await?;
        input.send_keys(token).await?;
        tokio::time::sleep(Duration::from_millis(800)).await;
        let hits = app
            .driver
            .find_all(By::Css(test_id("searchResult")))
            .await?;
        if let Some(hit) = hits.first() {
            hit.click().await?;
            return Ok(());
        }
        assert!(Instant::now() < deadline, "no search result for {token}");
        sync_now(app).await?;
        tokio::time::sleep(Duration::from_secs(3)).await;
    }
}

/// The Send button once the rules have been asked about the draft: enabled or not.
pub(crate) async fn send_enabled(app: &App, expect: bool) -> WebDriverResult<WebElement> {
    let send = app.wait_for(&test_id("composerSend")).await?;
    let deadline = Instant::now() + Duration::from_secs(30);
    while send.is_enabled().await? != expect {
        assert!(
            Instant::now() < deadline,
            "Send never became enabled={expect}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    Ok(send)
}

#[tokio::test(flavor = "multi_thread")]
async fn seller_answers_a_paid_buyer_once_then_waits() -> WebDriverResult<()> {
    let (app, sim) = App::launch_demo("chat-send").await?;
    app.run(async {
        until_connected(&app).await?;
        let conversation = sim.sale("paid").await;
        let token = format!("factura{conversation}");
        sim.buyer_writes(conversation, &format!("Hola, ¿me mandan la {token}?"))
            .await;
        sync_now(&app).await?;
        open_by_search(&app, &token).await?;

        let chat = app
            .wait_text(&test_id("chatPane"), |t| t.contains(&token))
            .await?;
        assert!(
            chat.contains(&token),
            "buyer's message not in the chat: {chat}"
        );

        let answer = "¡Hola! Te la enviamos hoy por este chat.";
        let text = app.wait_for(&test_id("composerText")).await?;
        text.send_keys(answer).await?;
        send_enabled(&app, true).await?.click().await?;

        // It reached Mercado Libre (the simulator) exactly once, and shows in the chat.
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let posts = sim.seller_posts_to(conversation).await;
            if !posts.is_empty() {
                assert_eq!(posts.len(), 1, "sent more than once: {posts:?}");
                break;
            }
            assert!(
                Instant::now() < deadline,
                "the message never reached the simulator"
            );
            tokio::time::sleep(Duration::from_millis(300)).await;
        }
        // Once the engine has stored what Mercado Libre answered, it is a sent message in the
        // chat, not a pending draft any more.
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let mut sent = false;
            for bubble in app.driver.find_all(By::Css(test_id("chatMessage"))).await? {
                sent |= bubble.text().await?.contains(answer);
            }
            if sent {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "the sent message never left the outbox"
            );
            tokio::time::sleep(Duration::from_millis(300)).await;
        }

        // One message, then wait for the buyer's reply.
        let reason = format!(
            "{}[data-code=\"awaiting_buyer_reply\"]",
            test_id("composerReason")
        );
        app.wait_for(&reason).await?;
        Ok(())
    })
    .await
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unpaid_lead_cannot_be_messaged() -> WebDriverResult<()> {
    let (app, sim) = App::launch_demo("chat-unpaid").await?;
    app.run(async {
        until_connected(&app).await?;
        let conversation = sim.sale("payment_required").await;
        let token = format!("cuotas{conversation}");
        sim.buyer_writes(conversation, &format!("¿Puedo pagar en {token}?"))
            .await;
        sync_now(&app).await?;
        open_by_search(&app, &token).await?;

        let reason = format!(
            "{}[data-code=\"payment_not_confirmed\"]",
            test_id("composerReason")
        );
        let shown = app.wait_for(&reason).await?.text().await?;
        assert!(
            shown.contains("Lead payment is not confirmed"),
            "reason shown: {shown}"
        );
        app.wait_for(&test_id("composerText"))
            .await?
            .send_keys("Hola")
            .await?;
        tokio::time::sleep(Duration::from_millis(800)).await;
        assert!(
            !app.wait_for(&test_id("composerSend"))
                .await?
                .is_enabled()
                .await?
        );
        assert!(sim.seller_posts_to(conversation).await.is_empty());
        Ok(())
    })
    .await
}
