//! The window opens and the app frame is there.

use thirtyfour::prelude::*;

use crate::harness::{test_id, App};

#[tokio::test(flavor = "multi_thread")]
async fn window_opens_with_the_app_frame() -> WebDriverResult<()> {
    let app = App::launch("smoke", &[]).await?;
    app.run(async {
        app.wait_for(&test_id("appFrame")).await?;
        assert_eq!(app.driver.title().await?, "Mostrador");

        let header = app.wait_for(&test_id("header")).await?;
        assert!(header.text().await?.contains("Mostrador"));
        app.wait_for(&test_id("accountSwitcher")).await?;

        // The sync indicator got its state from the shell (a command round trip).
        let sync = app
            .wait_text(&test_id("syncStatus"), |t| !t.is_empty())
            .await?;
        assert!(!sync.is_empty(), "sync status is empty");

        // Five system stages, in Mercado Libre's order, each with its empty state.
        let columns = app.wait_for_all(&test_id("boardColumn"), 5).await?;
        let mut stages = Vec::new();
        for column in &columns {
            stages.push(column.attr("data-stage").await?.unwrap_or_default());
        }
        assert_eq!(
            stages,
            [
                "system:payment_required",
                "system:payment_in_process",
                "system:paid",
                "system:canceled",
                "system:invalid"
            ]
        );
        app.wait_for(&test_id("sidePane")).await?;
        Ok(())
    })
    .await
}

#[tokio::test(flavor = "multi_thread")]
async fn demo_flag_reaches_the_ui() -> WebDriverResult<()> {
    let app = App::launch("demo-flag", &["--demo"]).await?;
    app.run(async {
        let header = app
            .wait_text(&test_id("header"), |t| t.to_lowercase().contains("demo"))
            .await?;
        assert!(
            header.to_lowercase().contains("demo"),
            "header shows no demo badge: {header}"
        );
        Ok(())
    })
    .await
}
