//! The sync health panel in the real window: opened from the header's status (by keyboard),
//! it lists the demo's conversation blocked for time with the day it closes, 30 days after
//! its last message as Mercado Libre's API gives it, and closes with Escape.

use chrono::{DateTime, Duration, Utc};
use serde_json::{json, Value};
use thirtyfour::prelude::*;

use crate::chat::until_connected;
use crate::harness::{test_id, App};
use crate::sim::{Sim, SELLER_MLA};

/// When the conversation's last message was written, read through the published API.
async fn last_message_at(sim: &Sim, conversation: u64) -> DateTime<Utc> {
    let http = reqwest::Client::new();
    let token: Value = http
        .post(format!("{}/_sim/token", sim.base()))
        .json(&json!({ "user_id": SELLER_MLA }))
        .send()
        .await
        .and_then(|r| r.error_for_status())
        .expect("token")
        .json()
        .await
        .expect("token json");
    let page: Value = http
        .get(format!(
            "{}/messages/packs/{conversation}/sellers/{SELLER_MLA}",
            sim.base()
        ))
        .query(&[("tag", "post_sale"), ("mark_as_read", "false")])
        .bearer_auth(token["access_token"].as_str().expect("access_token"))
        .send()
        .await
        .and_then(|r| r.error_for_status())
        .expect("messages")
        .json()
        .await
        .expect("messages json");
    page["messages"]
        .as_array()
        .expect("messages")
        .iter()
        .filter_map(|m| {
            let dates = &m["message_date"];
            dates["created"]
                .as_str()
                .or(dates["received"].as_str())
                .and_then(|d| DateTime::parse_from_rfc3339(d).ok())
                .map(|d| d.with_timezone(&Utc))
        })
        .max()
        .expect("the landmark has messages")
}

#[tokio::test(flavor = "multi_thread")]
async fn the_health_panel_lists_the_chat_blocked_for_time_with_its_closing_date(
) -> WebDriverResult<()> {
    let (app, sim) = App::launch_demo("health-panel-blocked-by-time").await?;
    app.run(async {
        until_connected(&app).await?;
        let conversation = sim.landmark("blocked_by_time").await;
        let closes = last_message_at(&sim, conversation).await + Duration::days(30);

        // Keyboard: focus the status, Enter opens the panel.
        let open = app.wait_for(&test_id("syncHealthOpen")).await?;
        open.focus().await?;
        open.send_keys(Key::Enter).await?;
        app.wait_for(&test_id("syncHealthPanel")).await?;
        let name = format!("#{conversation}");
        let text = app
            .wait_text(&test_id("syncHealthClosing"), |t| t.contains(&name))
            .await?;
        let row = app
            .driver
            .find_all(By::Css(test_id("syncHealthClosingChat")))
            .await?;
        let mut shown = None;
        for chat in row {
            let words = chat.text().await?;
            if words.contains(&name) {
                shown = chat.attr("data-closes").await?.map(|d| (d, words));
            }
        }
        let (shown, words) = shown.unwrap_or_else(|| panic!("{name} not listed: {text}"));
        let shown = DateTime::parse_from_rfc3339(&shown)
            .expect("closing date")
            .with_timezone(&Utc);
        assert!(
            (shown - closes).num_seconds().abs() < 2,
            "closes {shown}, expected {closes}"
        );
        // The row shows the date (in the seller's language; its year is the same in all).
        let year = closes.format("%Y").to_string();
        assert!(words.contains(&year), "no closing date in {words:?}");
        app.snapshot("health-panel").await?;

        // Escape closes it.
        app.driver
            .active_element()
            .await?
            .send_keys(Key::Escape)
            .await?;
        app.wait_gone(&test_id("syncHealthPanel")).await?;
        Ok(())
    })
    .await
}
