//! A seller's day in the chat pane: a buyer writes, the seller finds the lead with search,
//! answers, and Mercado Libre's rules show in place.

use std::time::{Duration, Instant};

use thirtyfour::prelude::*;

use crate::harness::{test_id, until_within, App, Found};
use crate::sim::Sim;

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

/// A hit answering what is typed now: the palette keeps the previous query's hits (its list
/// marked busy) until the new answer arrives.
pub(crate) fn answered_search_result() -> String {
    format!(
        "[role=\"listbox\"][aria-busy=\"false\"] {}",
        test_id("searchResult")
    )
}

/// Opens the lead whose chat holds `token`, through the search palette. A new message arrives
/// with the pass after it (the demo's first import may still be under way): ask for passes
/// until the search finds it.
pub(crate) async fn open_by_search(app: &App, token: &str) -> WebDriverResult<()> {
    app.wait_for(&test_id("searchButton"))
        .await?
        .click()
        .await?;
    let input = app.wait_for(&test_id("searchInput")).await?;
    input.send_keys(token).await?;
    let answered = answered_search_result();
    let asked = std::cell::Cell::new(Instant::now());
    until_within(
        Duration::from_secs(120),
        format!("a search result for {token}"),
        || async {
            if app.driver.find_all(By::Css(&answered)).await?.is_empty() {
                if asked.get().elapsed() > Duration::from_secs(3) {
                    // Typed again, so the palette searches again after the pass.
                    input.clear().await?;
                    input.send_keys(token).await?;
                    sync_now(app).await?;
                    asked.set(Instant::now());
                }
                return Ok(None);
            }
            app.wait_for(&answered).await?.click().await?;
            Ok(Some(()))
        },
    )
    .await
}

/// Waits for a pass of the MLA seller's engine that began after this call, as the simulator's
/// request log shows it: a pass works through the outbox before it polls, so what it would have
/// sent has been sent. Asks twice, so the second poll is of a pass begun after the first ask.
pub(crate) async fn a_whole_pass(app: &App, sim: &Sim) -> WebDriverResult<()> {
    for _ in 0..2 {
        let mark = sim.mark().await;
        sync_now(app).await?;
        app.until("a pass of the engine", || async {
            Ok((sim.polls_since(mark).await >= 1).then_some(()))
        })
        .await?;
    }
    Ok(())
}

/// The Send button once the rules have been asked about the draft: enabled or not.
pub(crate) async fn send_enabled(app: &App, expect: bool) -> WebDriverResult<Found<'_>> {
    let send = app.wait_for(&test_id("composerSend")).await?;
    app.until(format!("Send enabled={expect}"), || async {
        Ok((send.is_enabled().await? == expect).then_some(()))
    })
    .await?;
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
        let posts = app
            .until("the message at the simulator", || async {
                let posts = sim.seller_posts_to(conversation).await;
                Ok((!posts.is_empty()).then_some(posts))
            })
            .await?;
        assert_eq!(posts.len(), 1, "sent more than once: {posts:?}");
        // Once the engine has stored what Mercado Libre answered, it is a sent message in the
        // chat, not a pending draft any more.
        app.until("the sent message out of the outbox", || async {
            let mut sent = false;
            for bubble in app.driver.find_all(By::Css(test_id("chatMessage"))).await? {
                sent |= bubble.text().await?.contains(answer);
            }
            Ok(sent.then_some(()))
        })
        .await?;

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
        let text = app.wait_for(&test_id("composerText")).await?;
        text.send_keys("Hola").await?;
        // Ctrl+Enter sends from the keyboard when sending is allowed; here it must not.
        text.send_keys(Key::Control + Key::Enter).await?;
        // A whole pass later, nothing went, and Send is still off.
        a_whole_pass(&app, &sim).await?;
        assert!(sim.seller_posts_to(conversation).await.is_empty());
        assert!(
            !app.wait_for(&test_id("composerSend"))
                .await?
                .is_enabled()
                .await?
        );
        app.wait_for(&reason).await?;
        Ok(())
    })
    .await
}
