//! The window opens, with what a seller sees first.

use thirtyfour::prelude::*;

use crate::harness::{test_id, App};

const STAGES: [&str; 5] = [
    "system:payment_required",
    "system:payment_in_process",
    "system:paid",
    "system:canceled",
    "system:invalid",
];

#[tokio::test(flavor = "multi_thread")]
async fn with_no_account_the_window_opens_on_connect() -> WebDriverResult<()> {
    let app = App::launch("connect", &[]).await?;
    app.run(async {
        app.wait_for(&test_id("appFrame")).await?;
        assert_eq!(app.driver.title().await?, "Mostrador");
        let header = app.wait_for(&test_id("header")).await?;
        assert!(header.text().await?.contains("Mostrador"));

        // Nothing connected yet: the connect view, with every site and the redirect URI.
        app.wait_for(&test_id("connectView")).await?;
        let sites = app
            .driver
            .find_all(By::Css(format!("{} option", test_id("connectSite"))))
            .await?;
        assert!(sites.len() >= 14, "only {} sites offered", sites.len());
        let redirect = app
            .wait_text(&test_id("connectRedirectUri"), |t| {
                t.starts_with("https://")
            })
            .await?;
        assert!(redirect.starts_with("https://"), "redirect URI: {redirect}");
        // Connect stays disabled until the form is filled.
        let submit = app.wait_for(&test_id("connectSubmit")).await?;
        assert!(!submit.is_enabled().await?);
        Ok(())
    })
    .await
}

#[tokio::test(flavor = "multi_thread")]
async fn demo_connects_through_oauth_and_fills_the_board() -> WebDriverResult<()> {
    let app = App::launch("demo-board", &["--demo"]).await?;
    app.run(async {
        let header = app
            .wait_text(&test_id("header"), |t| t.to_lowercase().contains("demo"))
            .await?;
        assert!(
            header.to_lowercase().contains("demo"),
            "no demo badge: {header}"
        );

        // Five system stages, in Mercado Libre's order.
        let columns = app.wait_for_all(&test_id("boardColumn"), 5).await?;
        let mut stages = Vec::new();
        for column in &columns {
            stages.push(column.attr("data-stage").await?.unwrap_or_default());
        }
        assert_eq!(stages, STAGES);

        // The demo sellers connect through the simulator's OAuth and their orders arrive.
        let paid = format!("{}[data-stage=\"system:paid\"]", test_id("boardColumn"));
        let cards = app
            .wait_for_all(&format!("{paid} {}", test_id("leadCard")), 3)
            .await?;
        assert!(cards.len() >= 3, "paid column has {} cards", cards.len());
        // Two accounts (MLA and MLB) in the switcher.
        let switcher = app
            .wait_text(&test_id("accountSwitcher"), |t| !t.contains("No account"))
            .await?;
        assert!(!switcher.contains("No account"), "switcher: {switcher}");
        Ok(())
    })
    .await
}
