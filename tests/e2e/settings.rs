//! Settings take effect at once: the language of every view and the dark theme.

use thirtyfour::prelude::*;

use crate::harness::{test_id, App};

#[tokio::test(flavor = "multi_thread")]
async fn spanish_and_dark_theme_apply_at_once() -> WebDriverResult<()> {
    let app = App::launch("settings-dark-es", &["--demo"]).await?;
    app.run(async {
        app.wait_for(&test_id("leadCard")).await?;
        app.wait_for(&test_id("navSettings")).await?.click().await?;
        let language = app.wait_for(&test_id("settingsLanguage")).await?;
        language
            .find(By::Css("option[value=\"es\"]"))
            .await?
            .click()
            .await?;
        let nav = app
            .wait_text(&test_id("navBoard"), |t| t == "Tablero")
            .await?;
        assert_eq!(nav, "Tablero");

        let dark = format!("{} input[value=\"dark\"]", test_id("settingsTheme"));
        app.wait_for(&dark).await?.click().await?;
        let theme = app
            .driver
            .execute(
                "return document.documentElement.dataset.theme ?? null;",
                Vec::new(),
            )
            .await?;
        assert_eq!(theme.json(), &serde_json::json!("dark"));

        // Back on the board, in Spanish and dark (the screenshot shows it).
        app.wait_for(&test_id("navBoard")).await?.click().await?;
        let paid = format!("{}[data-stage=\"system:paid\"]", test_id("boardColumn"));
        let title = app.wait_text(&paid, |t| t.contains("Pagado")).await?;
        assert!(title.contains("Pagado"), "paid column: {title}");
        Ok(())
    })
    .await
}
