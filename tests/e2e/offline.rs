//! Mercado Libre out of reach: the cache keeps the seller working, and what they write waits
//! and goes out once, when it is back.

use std::time::Duration;

use thirtyfour::prelude::*;

use crate::chat::{a_whole_pass, open_by_search, send_enabled, sync_now, until_connected};
use crate::harness::{test_id, until_within, App};

/// Posts Mercado Libre accepted (a dropped connection never reached its handler).
fn delivered(posts: &[serde_json::Value]) -> usize {
    posts
        .iter()
        .filter(|r| r["fault"].is_null() && r["status"].as_u64().is_some_and(|s| s < 300))
        .count()
}

#[tokio::test(flavor = "multi_thread")]
async fn offline_the_cache_works_and_a_message_waits_then_goes_once() -> WebDriverResult<()> {
    let (app, sim) = App::launch_demo("offline").await?;
    app.run(async {
        until_connected(&app).await?;
        let conversation = sim.sale("paid").await;
        let token = format!("envio{conversation}");
        sim.buyer_writes(conversation, &format!("¿Cuándo sale el {token}?"))
            .await;
        sync_now(&app).await?;
        open_by_search(&app, &token).await?;
        app.wait_text(&test_id("chatPane"), |t| t.contains(&token))
            .await?;
        app.driver
            .action_chain()
            .send_keys(Key::Escape)
            .perform()
            .await?;

        // Mercado Libre stops answering; the next pass finds out.
        sim.go_offline().await;
        sync_now(&app).await?;
        let banner = app
            .wait_for(&test_id("offlineBanner"))
            .await?
            .text()
            .await?;
        assert!(banner.contains("Offline"), "banner: {banner}");

        // The board, search and the cached chat still work.
        app.wait_for(&test_id("leadCard")).await?;
        open_by_search(&app, &token).await?;
        let chat = app
            .wait_text(&test_id("chatPane"), |t| t.contains(&token))
            .await?;
        assert!(chat.contains(&token), "cached chat: {chat}");

        // A message written now waits, marked pending, and nothing reaches Mercado Libre.
        let answer = format!("Sale mañana a primera hora ({token}).");
        app.wait_for(&test_id("composerText"))
            .await?
            .send_keys(&answer)
            .await?;
        send_enabled(&app, true).await?.click().await?;
        let pending = app
            .wait_text(&test_id("chatOutbox"), |t| t.contains(&answer))
            .await?;
        assert!(pending.contains("Pending"), "outbox bubble: {pending}");
        // The engine keeps trying meanwhile (asked for passes at once rather than after its
        // backoff): a pass ends at its first request that fails, tried four times, so five
        // dropped requests since the draft waited mean two passes failed. Nothing arrived.
        let mark = sim.mark().await;
        sync_now(&app).await?;
        app.until("a pass failing while offline", || async {
            Ok((sim.dropped_since(mark).await >= 1).then_some(()))
        })
        .await?;
        sync_now(&app).await?;
        app.until("another pass failing while offline", || async {
            Ok((sim.dropped_since(mark).await >= 5).then_some(()))
        })
        .await?;
        let tried = sim.seller_posts_to(conversation).await;
        assert_eq!(delivered(&tried), 0, "{tried:?}");

        // Mercado Libre is back: the message goes out by itself, exactly once.
        sim.back_online().await;
        let sent = until_within(
            Duration::from_secs(180),
            "the pending message delivered",
            || async {
                let sent = delivered(&sim.seller_posts_to(conversation).await);
                Ok((sent > 0).then_some(sent))
            },
        )
        .await?;
        assert_eq!(sent, 1, "delivered more than once");
        app.wait_gone(&test_id("offlineBanner")).await?;
        let chat = app
            .wait_text(&test_id("chatPane"), |t| {
                t.contains(&answer) && !t.contains("Pending")
            })
            .await?;
        assert!(!chat.contains("Pending"), "still pending: {chat}");
        // A whole pass after the delivery leaves it at once.
        a_whole_pass(&app, &sim).await?;
        let posts = sim.seller_posts_to(conversation).await;
        assert_eq!(delivered(&posts), 1, "{posts:?}");
        Ok(())
    })
    .await
}
